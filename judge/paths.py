"""Where the judge keeps what it builds once and reuses (launcher, PCH, binaries)."""

from __future__ import annotations

import json
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


def read_appended_jsonl(path: Path) -> list[dict]:
    """Records of an append-only JSONL file. A torn last line (the writer was killed
    mid-line) is cut off the file, so the next append starts on a clean line."""
    if not path.exists():
        return []
    data = path.read_bytes()
    good = data.rfind(b"\n") + 1
    if good < len(data):
        with path.open("r+b") as handle:
            handle.truncate(good)
    records = []
    for number, line in enumerate(data[:good].splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise ValueError(f"{path}:{number}: not a JSON record") from None
    return records


def read_head(path: Path, limit: int = 64 << 10) -> bytes:
    """At most the first `limit` bytes of a file an untrusted program (or a checker,
    a manager, a compiler) wrote: never the whole of it, whatever its size; b"" if absent."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError:
        return b""
