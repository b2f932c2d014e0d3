"""Keep an on-disk cache under a size bound, evicting the least recently used entries.

Why: the compile cache and the precompiled headers are keyed by content, so
hostile sources (a 274-byte program that links into a 241 MiB binary) or
many distinct flag sets would otherwise fill the disk, one entry at a time,
forever. An entry's "last use" is the mtime of its stamp file, refreshed on
every hit and every launch; entries used within `grace` seconds are kept even
over the bound, so nothing a running judge still holds disappears under it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from judge.workdir import remove_tree

log = logging.getLogger(__name__)
STAMP = "result.json"


@dataclass(frozen=True)
class Entry:
    path: Path
    last_used: float
    size: int


def touch(entry: Path) -> None:
    """Mark `entry` as used now (cheap: one utime)."""
    with contextlib.suppress(OSError):
        os.utime(entry / STAMP)


def _size(folder: Path) -> int:
    total = 0
    for current, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(current, name)).st_blocks * 512
    return total


def entries(root: Path, depth: int) -> list[Entry]:
    """Finished entries `depth` levels under `root` (names starting with '.' are work in progress)."""
    level = [root]
    for _ in range(depth):
        level = [p for folder in level for p in _subfolders(folder)]
    found = []
    for path in level:
        try:
            found.append(Entry(path, os.stat(path / STAMP).st_mtime, _size(path)))
        except OSError:
            continue  # no stamp yet (being built) or gone meanwhile
    return found


def _subfolders(folder: Path) -> list[Path]:
    try:
        return [Path(e.path) for e in os.scandir(folder) if e.is_dir(follow_symlinks=False) and e.name[0] != "."]
    except OSError:
        return []


def enforce_bound(root: Path, depth: int, max_bytes: int, grace: float = 600.0) -> int:
    """Evict least recently used entries until the cache fits `max_bytes`; returns
    the bytes freed. One process sweeps at a time; the others skip the sweep."""
    try:
        lock = FileLock(str(root / ".evict.lock"), timeout=0)
        lock.acquire()
    except Timeout:
        return 0
    try:
        found = sorted(entries(root, depth), key=lambda e: e.last_used)
        total = sum(e.size for e in found)
        freed = 0
        now = time.time()
        for entry in found:
            if total - freed <= max_bytes:
                break
            if now - entry.last_used < grace:
                break  # everything from here on is in use: stay over the bound rather than break a judging
            trash = entry.path.with_name(f".evicted-{entry.path.name}-{os.getpid()}")
            try:
                os.rename(entry.path, trash)
            except OSError:
                continue
            remove_tree(trash)
            freed += entry.size
        if freed:
            log.info("cache %s: evicted %.1f MiB (bound %.0f MiB)", root, freed / 2**20, max_bytes / 2**20)
        return freed
    finally:
        lock.release()
