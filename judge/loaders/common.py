"""Pieces shared by the package loaders: limits parsing, file collection, errors."""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
from pathlib import Path

from judge.names import check_name, inside
from judge.task import PROGRAM_SUFFIXES, PackageError

__all__ = ["PackageError"]

SOURCE_SUFFIXES = (".cpp", ".cc", ".h", ".hpp", ".c", ".py")
_UNITS = {"": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "kb": 10**3, "mb": 10**6, "gb": 10**9}


def parse_seconds(value, where: str) -> float:
    """`1.0s`, `500ms`, `2` -> seconds."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s)?\s*", str(value))
    if not match:
        raise PackageError(f"{where}: cannot read the time limit {value!r}")
    number = float(match.group(1))
    return number / 1000 if match.group(2) == "ms" else number


def parse_bytes(value, where: str) -> int:
    """`2048MiB`, `256 MB`, `268435456` -> bytes."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([KMG]i?B|B)?\s*", str(value), flags=re.IGNORECASE)
    if not match:
        raise PackageError(f"{where}: cannot read the memory limit {value!r}")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "").lower()])


def source_files(directory: Path, root: Path | None = None) -> dict[str, bytes]:
    """Source files (not compiled binaries) directly inside `directory`; with `root`, a
    file (or the folder) that is a symlink resolving outside `root` is refused, not read."""
    if not directory.is_dir():
        return {}
    files = {}
    for path in sorted(directory.iterdir()):
        if path.suffix not in SOURCE_SUFFIXES:
            continue
        if root is not None:
            inside(root, path, str(root), "file", str(path.relative_to(root)))
        if path.is_file():
            files[check_name(path.name, str(directory), "file name")] = path.read_bytes()
    return files


def require_checker_source(directory: Path, files: dict[str, bytes], output_eval: str | None) -> None:
    """A checker folder with files but no checker program the judge can build (only a
    compiled binary, a .java, a lone testlib.h) is the package's error, named by folder:
    judging with white diff instead would score every test wrongly, and silently."""
    if output_eval == "diff" or not directory.is_dir():
        return
    present = sorted(p.name for p in directory.iterdir() if p.is_file())
    if present and not any(name.endswith(PROGRAM_SUFFIXES) for name in files):
        raise PackageError(
            f"{directory}: no checker source (checker.cpp, checker.c or checker.py) among {present[:10]}"
        )


def make_workspace(code: str) -> tempfile.TemporaryDirectory:
    """A private folder that lives as long as the task holding it (extracted zips,
    gunzipped tests, tests written from dataset rows). `code` goes into its name, so it
    must be one safe name: `../x` in a tempfile prefix would leave the temp folder."""
    check_name(code, "task workspace", "task code")
    return tempfile.TemporaryDirectory(prefix=f"olympicforge-task-{code}-")


def materialize(source: Path, target: Path) -> Path:
    """`source` as a plain file: gunzip `.gz` into `target`, else use it as is."""
    if source.suffix != ".gz":
        return source
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(source, "rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return target


_YEAR = re.compile(r"(?:^|[^0-9])((?:19|20)\d\d)(?:[^0-9]|$)")
_DAY = re.compile(r"day[-_ ]?(\d+)", re.IGNORECASE)


def year_and_day(path: Path) -> tuple[int | None, str | None]:
    """Year and day from a path such as `2024/day1/nile` or `ioi2020-biscuits`."""
    year = day = None
    for part in path.resolve().parts[-3:]:  # the package and its parents, not the whole tree
        if match := _YEAR.search(part):
            year = int(match.group(1))
        if match := _DAY.search(part):
            day = match.group(1)
    return year, day
