"""Compiling submissions and task programs: languages, the flag allow-list, the
sandboxed compiler with its precompiled header, and the size-bounded caches."""

from judge.compile.compiler import (
    CompileOptions,
    Compiler,
    CompileResult,
    Executable,
    Language,
    SourceFile,
    precompiled_header,
)
from judge.compile.flags import FlagError, check_flags

__all__ = [
    "CompileOptions",
    "CompileResult",
    "Compiler",
    "Executable",
    "FlagError",
    "Language",
    "SourceFile",
    "check_flags",
    "precompiled_header",
]
