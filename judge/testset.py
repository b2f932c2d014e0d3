"""Test cases on disk: a folder of `NAME.in` with `NAME.out` or `NAME.ans`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ANSWER_SUFFIXES = (".out", ".ans")


@dataclass(frozen=True)
class TestCase:
    __test__ = False  # not a pytest class

    name: str
    input: Path
    answer: Path


def natural_key(name: str) -> list:
    """Sort `2` before `10` and `1-02` before `1-10`."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def discover_tests(directory: str | Path) -> list[TestCase]:
    """Every `NAME.in` in `directory` with its answer file, in natural order."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"test folder {directory} does not exist")
    tests = []
    for input_file in sorted(directory.glob("*.in"), key=lambda p: natural_key(p.stem)):
        answer = next((input_file.with_suffix(s) for s in ANSWER_SUFFIXES if input_file.with_suffix(s).exists()), None)
        if answer is None:
            raise FileNotFoundError(f"{input_file}: no answer file {input_file.stem}.out or {input_file.stem}.ans")
        tests.append(TestCase(input_file.stem, input_file, answer))
    if not tests:
        raise FileNotFoundError(f"test folder {directory} holds no NAME.in files")
    return tests
