"""The languages a submission may be written in, and the C++ standards CMS offers.

Why a module of its own: the language decides the compiler, its contest flags,
which package grader or stub is compiled with the submission (grader.c for C,
grader.cpp for C++, grader.py for Python, as CMS picks them), the file name the
submission gets and how a program is started. CMS's command lines:

    C:   gcc -DEVAL -std=gnu11 -O2 -pipe -static -s -o prog <files> -lm
    C++: g++ -DEVAL -std=gnu++17 -O2 -pipe -static -s -o prog <files>

CMS offers C++11, 14, 17 and 20 as separate languages, all with GNU extensions:
choosing one replaces the `-std=` of the flags (never adds a second one).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from pathlib import Path

DEFAULT_CXX_FLAGS = ("-DEVAL", "-std=gnu++17", "-O2", "-pipe", "-static", "-s")
DEFAULT_C_FLAGS = ("-DEVAL", "-std=gnu11", "-O2", "-pipe", "-static", "-s", "-lm")
CXX_STANDARDS = ("c++11", "c++14", "c++17", "c++20")
DEFAULT_CXX_STANDARD = "c++17"
_SUFFIXES = {".c": "c", ".cpp": "cpp", ".cc": "cpp", ".cxx": "cpp", ".c++": "cpp", ".py": "python"}
_STD_FLAG = re.compile(r"--?std=")


class Language(enum.StrEnum):
    C = "c"
    CPP = "cpp"
    PYTHON = "python"

    @classmethod
    def of(cls, path: str | Path) -> Language:
        """The language of a source file, from its suffix (`.C` is C++, as gcc reads it)."""
        suffix = Path(path).suffix
        if suffix == ".C":
            return cls.CPP
        if suffix.lower() in _SUFFIXES:
            return cls(_SUFFIXES[suffix.lower()])
        raise ValueError(f"{path}: cannot tell the language from the suffix {suffix!r} (.c, .cpp, .cc, .py)")

    @property
    def suffix(self) -> str:
        """The suffix a submission in this language is saved with (CMS: `<code>.<suffix>`)."""
        return {Language.C: ".c", Language.CPP: ".cpp", Language.PYTHON: ".py"}[self]

    @property
    def title(self) -> str:
        return {Language.C: "C", Language.CPP: "C++", Language.PYTHON: "Python"}[self]

    def is_source(self, name: str) -> bool:
        """Whether `name` is compiled (not only included) when compiling this language."""
        try:
            return Language.of(name) == self
        except ValueError:
            return False


SOURCE_SUFFIXES = tuple(_SUFFIXES)


def parse_language(name: str) -> tuple[Language, str | None]:
    """A language name as rows, jobs and generations spell it -> (language, C++ standard or None).

    `c`, `gnu11` -> C; `py`, `python3` -> Python; `cpp`, `c++`, `cpp20`, `C++17 / g++`
    -> C++ (with the standard when the name carries one). Anything else reads as C++, as
    it always has: a wrong guess is then the submission's CE, never a refused job."""
    text = str(name).strip().lower()
    if text.startswith("py"):
        return Language.PYTHON, None
    if re.fullmatch(r"(gnu\s*)?c(\s*\d\d)?(\s*/\s*gcc)?|gnu\d\d", text):
        return Language.C, None
    match = re.search(r"(?:c\+\+|cpp|gnu\+\+)\s*(\d\d)", text)
    return Language.CPP, cxx_standard(match.group(1)) if match and f"c++{match.group(1)}" in CXX_STANDARDS else None


def cxx_standard(name: str) -> str:
    """`c++20`, `gnu++20`, `cpp20`, `20` -> `c++20`; ValueError naming the choices otherwise."""
    match = re.fullmatch(r"(?:c\+\+|gnu\+\+|cpp)?(\d\d)", str(name).strip().lower())
    if match is None or f"c++{match.group(1)}" not in CXX_STANDARDS:
        raise ValueError(f"unknown C++ standard {name!r}: choose one of {', '.join(CXX_STANDARDS)}")
    return f"c++{match.group(1)}"


def standard_flag(std: str) -> str:
    """The g++ flag of a standard, with GNU extensions as CMS compiles: `c++20` -> `-std=gnu++20`."""
    return "-std=gnu++" + cxx_standard(std).removeprefix("c++")


def with_standard(flags: Iterable[str], std: str | None) -> tuple[str, ...]:
    """`flags` with every `-std=` replaced by the one of `std`, put where the first one was
    (appended when there was none); `flags` unchanged when `std` is None."""
    flags = tuple(flags)
    if std is None:
        return flags
    chosen = standard_flag(std)
    position = next((i for i, flag in enumerate(flags) if _STD_FLAG.match(flag)), len(flags))
    kept = [flag for flag in flags if not _STD_FLAG.match(flag)]
    kept.insert(min(position, len(kept)), chosen)
    return tuple(kept)
