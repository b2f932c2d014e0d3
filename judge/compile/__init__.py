"""Compiling submissions and task programs: languages (C, C++ standards, Python), the
flag allow-list, the sandboxed compiler with its precompiled header, and the
size-bounded caches."""

from judge.compile.compiler import (
    CompileOptions,
    Compiler,
    CompileResult,
    Executable,
    SourceFile,
    precompiled_header,
)
from judge.compile.flags import FlagError, check_flags
from judge.compile.languages import CXX_STANDARDS, Language, cxx_standard, parse_language

__all__ = [
    "CXX_STANDARDS",
    "CompileOptions",
    "CompileResult",
    "Compiler",
    "Executable",
    "FlagError",
    "Language",
    "SourceFile",
    "check_flags",
    "cxx_standard",
    "parse_language",
    "precompiled_header",
]
