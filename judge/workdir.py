"""Private scratch folders for one run, and a removal that always completes.

Why not `tempfile.TemporaryDirectory`: its cleanup is `shutil.rmtree`, which
recurses, so a tree 3000 levels deep (a path longer than PATH_MAX) raises
RecursionError, leaves most of the tree behind and, raised from the judge's
own code, turned a submission's verdict into JE. Cleanup here walks the tree
with directory descriptors and an explicit stack of names, logs what it could
not remove, and never raises: tidying up must not change a verdict.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


@contextlib.contextmanager
def private_dir(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """A fresh folder (mode 0700) removed on exit, whatever is inside it by then."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield path
    finally:
        remove_tree(path)


def remove_tree(path: Path) -> bool:
    """Remove `path` and everything under it, at any depth; True when it is gone."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return True
        _remove_children(path)
        os.rmdir(path)
        return True
    except FileNotFoundError:
        return True
    except OSError as exc:
        log.warning("could not remove %s: %s", path, exc)
        return False


def _remove_children(root: Path) -> None:
    """Empty `root` depth first, holding one directory descriptor at a time."""
    fd = os.open(root, _OPEN_DIR)
    names: list[str] = []  # the path from root down to where fd points
    try:
        while True:
            subdir = _clear_files(fd)
            if subdir is not None:
                child = os.open(subdir, _OPEN_DIR, dir_fd=fd)
                os.close(fd)
                fd = child
                names.append(subdir)
                continue
            if not names:
                return
            parent = os.open("..", _OPEN_DIR, dir_fd=fd)
            os.close(fd)
            fd = parent
            os.rmdir(names.pop(), dir_fd=fd)
    finally:
        os.close(fd)


def _clear_files(fd: int) -> str | None:
    """Unlink every non-directory in the folder `fd`; the name of one subfolder, if any."""
    with contextlib.suppress(OSError):
        os.fchmod(fd, 0o700)  # a folder its program made read-only (it may run as our uid)
    subdir = None
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subdir = subdir or entry.name
            else:
                os.unlink(entry.name, dir_fd=fd)
    return subdir
