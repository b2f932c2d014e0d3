"""Compile the C launcher on first use and cache it by source hash."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from filelock import FileLock

from judge.paths import cache_dir

LAUNCHER_SOURCE = Path(__file__).with_name("launcher.c")


class LauncherBuildError(RuntimeError):
    """The sandbox launcher could not be compiled: no C compiler, or it failed."""


@lru_cache(maxsize=1)
def launcher_path() -> Path:
    """Path of the compiled launcher, building it if this source was never built."""
    source = LAUNCHER_SOURCE.read_bytes()
    cc = os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
    if not cc:
        raise LauncherBuildError("no C compiler (gcc/cc) found to build the sandbox launcher")
    digest = hashlib.sha256(source + cc.encode()).hexdigest()[:16]
    target = cache_dir() / "launcher" / digest / "olympicforge-sandbox"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / ".lock")):
        if target.exists():
            return target
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            out = Path(tmp) / "launcher"
            errors = ""
            # static first: no dynamic loader on the hot path; dynamic when libc.a is missing
            for extra in (["-static"], []):
                proc = subprocess.run(
                    [cc, "-O2", "-Wall", *extra, "-o", str(out), str(LAUNCHER_SOURCE)],
                    capture_output=True,
                    text=True,
                )
                if proc.returncode == 0:
                    break
                errors += proc.stderr
            else:
                raise LauncherBuildError(f"compiling {LAUNCHER_SOURCE} failed:\n{errors[-4000:]}")
            out.chmod(0o755)
            os.replace(out, target)
    return target
