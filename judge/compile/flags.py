"""The compiler flags a package, a dataset row or a job may ask for.

Why an allow-list: flags reach g++'s command line, and g++ can be told to run
other programs (`-wrapper`, `-B`, `-specs`), load code (`-fplugin`), read
arbitrary files (`@file`, `-include`, inputs given as arguments) or write
them (`-o`, `-save-temps`, `-fdump-*`). Every compiler call runs in the
sandbox anyway; this is the second wall, and a clear error for the package
author: the flag and where it came from are named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from judge.task import PackageError

__all__ = ["FlagError", "check_flags"]


MAX_FLAGS = 256  # a command line the launcher, the fork server and execve all take
MAX_FLAG_BYTES = 4096


class FlagError(PackageError):
    """A compiler flag that is not allowed, named with where it came from."""


_PLAIN = {"-s", "-static", "-static-libgcc", "-static-libstdc++", "-pthread", "-pipe", "-w", "-pedantic",
          "-pedantic-errors", "-ansi", "-no-pie", "-pie", "-rdynamic", "-g"}  # fmt: skip
_PATTERNS = (
    re.compile(r"--?std=(c|gnu)(\+\+)?[0-9a-z]{1,4}"),
    re.compile(r"-O([0-3sgz]|fast)?"),
    re.compile(r"-[DU][A-Za-z_][A-Za-z0-9_]*(=[^\0\n]*)?"),
    re.compile(r"-W(no-)?[a-z0-9][a-z0-9+_-]*(=[a-z0-9+_-]+)?"),  # no comma: -Wl, -Wa, -Wp pass options on
    re.compile(r"-f(no-)?[a-zA-Z0-9][a-zA-Z0-9+_-]*(=[A-Za-z0-9+_.,:-]+)?"),  # no '/': no paths
    re.compile(r"-m[a-z0-9][a-z0-9+_.,=-]*"),
    re.compile(r"-g[a-z0-9-]+"),
    re.compile(r"-l[A-Za-z0-9_+.-]+"),
    re.compile(r"--param=[a-z0-9_-]+=[0-9]+"),
)
# -f options that load code, run programs or write files next to the sources
_DENIED_F = ("plugin", "dump", "profile", "auto-profile", "branch-probabilities", "callgraph-info", "stack-usage",
             "save-optimization-record", "opt-info", "lto", "use-ld", "use-linker-plugin", "diagnostics-format",
             "coverage", "test-coverage", "debug-prefix-map", "file-prefix-map", "macro-prefix-map",
             "profile-prefix-map", "offload")  # fmt: skip
_WITH_VALUE = {"-D", "-U", "-I", "-L", "-l", "-iquote", "-isystem", "-idirafter"}  # the value may follow separately
_SEARCH_PATHS = ("-iquote", "-isystem", "-idirafter", "-I", "-L")
_REASONS = (
    (("-wrapper", "-B", "-specs", "--specs", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-Wl,", "-Wa,", "-Wp,",
      "-flto", "-foffload"), "it runs or configures another program"),
    (("-fplugin", "-fuse-linker-plugin", "-fuse-ld"), "it loads code into the compiler or linker"),
    (("@",), "it reads more options from a file"),
    (("-o", "-save-temps", "-M", "-fdump", "-fprofile", "-fcallgraph", "-fstack-usage", "-fsave-opt", "-fopt-info"),
     "it writes files"),
    (("-x", "-E", "-S", "-c", "-shared", "-include", "-imacros", "-iprefix", "-iwithprefix", "-imultilib", "--sysroot",
      "-isysroot", "-nostdinc"), "it changes what is compiled or where the output goes"),
)  # fmt: skip


def _reason(flag: str) -> str:
    for prefixes, reason in _REASONS:
        if flag.startswith(prefixes):
            return reason
    if not flag.startswith("-"):
        return "it is not an option (an input file or a path)"
    if flag.startswith(_SEARCH_PATHS):
        return "it names a folder outside the task's own files"
    return "it is not on the allow-list of code-generation, warning and standard flags"


def _inside_task(path: str) -> bool:
    """A search path relative to the task's own files: no absolute path, no way up, and
    no `=` or `$SYSROOT` prefix (GCC reads both as the system root)."""
    parts = path.replace("\\", "/").split("/")
    return bool(path) and not path.startswith(("/", "=", "$")) and ".." not in parts and "\0" not in path


def _allowed(flag: str) -> bool:
    if flag in _PLAIN:
        return True
    for prefix in _SEARCH_PATHS:
        if flag.startswith(prefix):
            return _inside_task(flag.removeprefix(prefix))
    if flag.startswith("-f"):
        name = flag.removeprefix("-f").removeprefix("no-")
        if name.startswith(_DENIED_F):
            return False
    return any(pattern.fullmatch(flag) for pattern in _PATTERNS)


def check_flags(flags: Iterable[str], origin: str) -> tuple[str, ...]:
    """`flags` as a tuple when every one is allowed; else FlagError naming the flag and `origin`."""
    items = [str(flag) for flag in flags]
    if len(items) > MAX_FLAGS:
        raise FlagError(f"{origin}: {len(items)} compiler flags, more than the {MAX_FLAGS} allowed")
    too_long = next((flag for flag in items if len(flag.encode()) > MAX_FLAG_BYTES), None)
    if too_long is not None:
        raise FlagError(f"{origin}: compiler flag {too_long[:40]!r}... is longer than {MAX_FLAG_BYTES} bytes")
    joined: list[str] = []
    index = 0
    while index < len(items):
        flag = items[index]
        if flag in _WITH_VALUE and index + 1 < len(items):  # `-D NAME`, `-I dir`, `-l m`
            flag, index = flag + items[index + 1], index + 1
        if not _allowed(flag):
            raise FlagError(f"{origin}: compiler flag {flag[:80]!r} is not allowed: {_reason(flag)}")
        joined.append(flag)
        index += 1
    return tuple(joined)
