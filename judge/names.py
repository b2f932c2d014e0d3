"""Names from outside (packages, dataset rows, judge jobs, submissions), checked before
they touch the file system: a test name or a zip entry must never write outside its folder.

The rule for one name (a test, a grader or checker file, a task code, one part of a
zip entry or of a package path): a non-empty string of printable characters in the
sense of `str.isprintable` (no control, format or surrogate characters, no whitespace
but the plain space), without `/` or `\\`, not `.` or `..`, at most `MAX_NAME_BYTES`
bytes of UTF-8. Spaces and non-ASCII letters are legal (rare, but CMS exports have them).
A relative path is `/`-separated names. A path joined under a folder is also resolved
(symlinks followed) and must stay inside that folder.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from judge.task import PackageError

MAX_NAME_BYTES = 200  # leaves room under NAME_MAX (255) for `.in`, `output_*.txt` and tempfile suffixes
MAX_PATH_PARTS = 32  # folders deep, for package paths and zip entries
SHOWN_CHARS = 80  # a bad value is shown as its repr, cut to this many characters


class UnsafeName(PackageError):
    """A name from outside that is not a plain name, or a path that would leave its folder."""


def show(value) -> str:
    """`value` for a one-line message: its repr, truncated."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def name_problem(value) -> str | None:
    """Why `value` is not a safe single name, or None when it is one."""
    if not isinstance(value, str):
        return f"is not a string ({type(value).__name__})"
    if not value:
        return "is empty"
    if value.startswith("/"):
        return "is an absolute path"
    if "/" in value or "\\" in value:
        return "contains a path separator"
    if value in (".", ".."):
        return "is a relative folder reference"
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isprintable():
        return "contains a control or non-printable character"
    if len(value.encode()) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    return None


def is_safe_name(value) -> bool:
    return name_problem(value) is None


def check_name(value, where: str, field: str) -> str:
    """`value` if it is a safe single name, else UnsafeName naming `where`, `field` and the value."""
    problem = name_problem(value)
    if problem:
        raise UnsafeName(f"{where}: {field} {show(value)} {problem}")
    return value


def check_relative(value, where: str, field: str, allow_parent: bool = False) -> PurePosixPath:
    """A `/`-separated relative path whose every part is a safe name (glob characters are
    plain characters here). `allow_parent` lets `..` parts through, for callers that then
    confine the resolved path themselves (`inside`)."""
    if not isinstance(value, str) or not value:
        raise UnsafeName(f"{where}: {field} {show(value)} {name_problem(value)}")
    if value.startswith("/"):
        raise UnsafeName(f"{where}: {field} {show(value)} is an absolute path")
    parts = value.split("/")
    if len(parts) > MAX_PATH_PARTS:
        raise UnsafeName(f"{where}: {field} {show(value)} is more than {MAX_PATH_PARTS} folders deep")
    for part in parts:
        if allow_parent and part == "..":
            continue
        problem = name_problem(part)
        if problem:
            raise UnsafeName(f"{where}: {field} {show(value)}: the part {show(part)} {problem}")
    return PurePosixPath(value)


def inside(folder: Path, path: Path, where: str, field: str, value=None) -> Path:
    """`path`, after checking that it resolves (symlinks followed) inside `folder`."""
    base = Path(folder).resolve()
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(base):
        shown = show(value if value is not None else str(path))
        raise UnsafeName(f"{where}: {field} {shown} resolves outside {folder} (to {resolved})")
    return path


def join_name(folder: Path, name, where: str, field: str, suffix: str = "") -> Path:
    """`folder / (name + suffix)` for one safe name, confined to `folder`."""
    check_name(name, where, field)
    return inside(folder, Path(folder) / f"{name}{suffix}", where, field, name)


def join_under(folder: Path, relative, where: str, field: str) -> Path:
    """`folder / relative` for a relative path of safe names, confined to `folder`."""
    parts = check_relative(relative, where, field).parts
    return inside(folder, Path(folder).joinpath(*parts), where, field, relative)


def walk_files(folder: Path, where: str) -> list[Path]:
    """Every regular file under `folder`, sorted, never following a symlink: a symlink,
    a fifo or a device anywhere below is refused, as is an unsafe name."""
    found: list[Path] = []

    def visit(directory: Path, depth: int) -> None:
        if depth > MAX_PATH_PARTS:
            raise UnsafeName(f"{where}: {directory} is more than {MAX_PATH_PARTS} folders deep")
        with os.scandir(directory) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                path = Path(entry.path)
                shown = path.relative_to(folder)
                check_name(entry.name, where, "file name")
                if entry.is_symlink():
                    raise UnsafeName(f"{where}: {show(str(shown))} is a symbolic link (to {show(os.readlink(path))}): "
                                     "refused")  # fmt: skip
                if entry.is_dir(follow_symlinks=False):
                    visit(path, depth + 1)
                elif entry.is_file(follow_symlinks=False):
                    found.append(path)
                else:
                    raise UnsafeName(f"{where}: {show(str(shown))} is a special file (fifo, device or socket): refused")

    visit(Path(folder), 0)
    return found


# -- zip archives ---------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on what one archive may unpack to (zip bombs). IOI test data runs to
    several GiB, hence generous defaults; override with OLYMPICFORGE_ZIP_MAX_BYTES and
    OLYMPICFORGE_ZIP_MAX_ENTRIES."""

    max_bytes: int = 16 << 30  # uncompressed total
    max_entries: int = 200_000


DEFAULT_ZIP_LIMITS = ZipLimits()


def zip_limits() -> ZipLimits:
    """The limits in force: the defaults, overridden by the environment."""
    limits = DEFAULT_ZIP_LIMITS
    try:
        return ZipLimits(
            max_bytes=int(os.environ.get("OLYMPICFORGE_ZIP_MAX_BYTES") or limits.max_bytes),
            max_entries=int(os.environ.get("OLYMPICFORGE_ZIP_MAX_ENTRIES") or limits.max_entries),
        )
    except ValueError:
        raise ValueError("OLYMPICFORGE_ZIP_MAX_BYTES and OLYMPICFORGE_ZIP_MAX_ENTRIES must be integers") from None


def zip_entry_parts(info: zipfile.ZipInfo, where: str) -> tuple[str, ...]:
    """The path parts of a zip entry, after refusing unsafe names, symlinks and special files."""
    name = info.filename
    field = "zip entry"
    relative = name[:-1] if info.is_dir() else name
    parts = check_relative(relative, where, field).parts
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise UnsafeName(f"{where}: {field} {show(name)} is a symbolic link: refused")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UnsafeName(f"{where}: {field} {show(name)} is a special file (fifo, device or socket): refused")
    return parts


def _plan(archive: zipfile.ZipFile, where: str, limits: ZipLimits) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """Every entry checked before anything is written: names, kinds, duplicates, declared sizes."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise PackageError(f"{where}: {len(infos)} zip entries, more than the bound of {limits.max_entries}")
    plan, seen, declared = [], set(), 0
    for info in infos:
        parts = zip_entry_parts(info, where)
        if parts in seen:
            raise UnsafeName(f"{where}: zip entry {show(info.filename)} appears more than once: refused")
        seen.add(parts)
        declared += info.file_size
        if declared > limits.max_bytes:
            raise PackageError(f"{where}: the zip unpacks to more than the bound of {limits.max_bytes} bytes")
        plan.append((info, parts))
    files = {parts for info, parts in plan if not info.is_dir()}
    for info, parts in plan:
        for depth in range(1, len(parts)):
            if parts[:depth] in files:
                raise UnsafeName(f"{where}: zip entry {show(info.filename)} lies inside the file entry "
                                 f"{show('/'.join(parts[:depth]))}: refused")  # fmt: skip
    return plan


def safe_extract(archive_path: Path, target: Path, where: str | None = None, limits: ZipLimits | None = None) -> None:
    """Unpack a zip into the new or empty folder `target`, entry by entry: every entry is
    checked first (`_plan`), then written without following links, and the bytes really
    written are counted against the bound (declared sizes can lie)."""
    where = where or str(archive_path)
    limits = limits or zip_limits()
    target = Path(target)
    try:
        with zipfile.ZipFile(archive_path) as archive:
            plan = _plan(archive, where, limits)
            target.mkdir(parents=True, exist_ok=True)
            written = 0
            for info, parts in plan:
                destination = inside(target, target.joinpath(*parts), where, "zip entry", info.filename)
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                with os.fdopen(fd, "wb") as out, archive.open(info) as source:
                    while chunk := source.read(1 << 20):
                        written += len(chunk)
                        if written > limits.max_bytes:
                            raise PackageError(f"{where}: the zip unpacks to more than the bound of "
                                               f"{limits.max_bytes} bytes")  # fmt: skip
                        out.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
        raise PackageError(f"{where}: unreadable zip: {exc}") from None


def read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, max_bytes: int) -> bytes:
    """One member's bytes, read without unpacking anything to disk: a safe regular entry
    of at most `max_bytes` (declared and actually read)."""
    zip_entry_parts(info, where)
    if info.is_dir():
        raise UnsafeName(f"{where}: zip entry {show(info.filename)} is a folder, not a file")
    if info.file_size > max_bytes:
        raise PackageError(f"{where}: zip entry {show(info.filename)} is larger than {max_bytes} bytes")
    try:
        with archive.open(info) as source:
            data = source.read(max_bytes + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
        raise PackageError(f"{where}: unreadable zip entry {show(info.filename)}: {exc}") from None
    if len(data) > max_bytes:
        raise PackageError(f"{where}: zip entry {show(info.filename)} is larger than {max_bytes} bytes")
    return data
