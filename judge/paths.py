"""Where the judge keeps what it builds once and reuses (launcher, PCH, binaries)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """The judge's cache root: `$OLYMPICFORGE_CACHE`, else the XDG cache dir."""
    explicit = os.environ.get("OLYMPICFORGE_CACHE")
    if explicit:
        root = Path(explicit)
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "olympicforge"
    root.mkdir(parents=True, exist_ok=True)
    return root


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
