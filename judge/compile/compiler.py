"""Compile submissions once, under limits, into a content-addressed cache.

Why a cache keyed by content: the same source is judged on many tests, by
many workers, often again on a rerun; compilation (2-3 s for a static
`bits/stdc++.h` program) dominates judging cost, so it must happen once per
distinct (sources, flags, compiler). Why in the sandbox: a compiler bomb must
end as CE within limits, and `#include "/some/secret"` must not leak files
the submission could not read at run time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import struct
import subprocess
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from filelock import FileLock

from judge.compile import cache as disk_cache
from judge.compile.flags import check_flags
from judge.compile.languages import DEFAULT_C_FLAGS, DEFAULT_CXX_FLAGS, Language, with_standard
from judge.paths import cache_dir, read_head
from judge.sandbox import Bind, RunLimits, RunStatus, Sandbox, SandboxError, default_sandbox
from judge.sandbox.sandbox import SYSTEM_BINDS
from judge.workdir import private_dir, remove_tree

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_CXX_FLAGS", "DEFAULT_C_FLAGS", "CompileOptions", "CompileResult", "Compiler", "Executable",
           "Language", "SourceFile", "precompiled_header"]  # fmt: skip

LINK_ONLY_FLAGS = ("-static", "-s")
COMPILE_LIMITS = RunLimits(
    cpu_time=10.0, wall_time=30.0, memory=512 << 20, processes=32, file_size=256 << 20, open_files=256,
    scratch=256 << 20,
)  # fmt: skip
# Building bits/stdc++.h.gch takes a few seconds and writes about 100 MB.
PCH_LIMITS = RunLimits(cpu_time=60.0, wall_time=120.0, memory=1 << 30, processes=16, file_size=512 << 20,
                       open_files=256, scratch=64 << 20)  # fmt: skip
MAX_BINARY_SIZE = 64 << 20  # bytes: a bigger program is a CE (`asm(".fill ...")` makes any size)
CACHE_SIZE = 4 << 30  # bytes of compiled programs kept on disk, least recently used evicted first
PCH_CACHE_SIZE = 1 << 30
MESSAGE_LIMIT = 64 * 1024  # bytes of compiler output kept
PCH_HEADER = "bits/stdc++.h"
# Every file given, checked in one interpreter run; the first one is the program's entry point.
PYTHON_SYNTAX_CHECK = "import sys\nfor f in sys.argv[1:]: compile(open(f, 'rb').read(), f, 'exec')"
PYTHON_TOOL = "python-syntax-v2"  # part of the cache key: what a Python "compilation" makes
# How GCC says (with -Winvalid-pch) that it found the PCH but read the real header instead.
_PCH_NOT_USED = re.compile(r"^[^\n]*stdc\+\+\.h\.gch: not used because[^\n]*\n?(?:[ 0-9]+\|[^\n]*\n?)*", re.M)


@dataclass(frozen=True)
class SourceFile:
    """A file given to the compiler: sources (compiled) or headers (only included)."""

    name: str
    content: bytes

    @classmethod
    def read(cls, path: str | Path, name: str | None = None) -> SourceFile:
        path = Path(path)
        return cls(name or path.name, path.read_bytes())


@dataclass(frozen=True)
class CompileOptions:
    cxx: str = "g++"
    cxx_flags: tuple[str, ...] = DEFAULT_CXX_FLAGS
    cc: str = "gcc"  # C submissions and C graders, checkers, managers
    c_flags: tuple[str, ...] = DEFAULT_C_FLAGS
    use_pch: bool = True
    limits: RunLimits = COMPILE_LIMITS  # its file_size is replaced by max_binary_size
    python: str | None = None  # interpreter for Python submissions; default: system python3
    max_binary_size: int = MAX_BINARY_SIZE  # also caps every file the compiler writes
    cache_size: int = CACHE_SIZE
    cache_grace: float = 600.0  # seconds a used entry is safe from eviction (a judge may still run it)

    def tool(self, language: Language) -> str:
        """The compiler driver of a compiled language."""
        return self.cc if language == Language.C else self.cxx

    def default_flags(self, language: Language) -> tuple[str, ...]:
        return self.c_flags if language == Language.C else self.cxx_flags if language == Language.CPP else ()


@dataclass
class Executable:
    """A compiled program ready to run in the sandbox. A Python program is one script
    (`.py`), or a zip of scripts whose `__main__.py` is its entry point (`.pyz`: a grader
    or stub with the contestant's module beside it)."""

    language: Language
    path: Path
    python: str | None = None

    def launch(self, sandbox: Sandbox, extra_args: tuple[str, ...] = ()) -> tuple[list[str], list[Bind]]:
        """argv and binds that run this program inside `sandbox`."""
        disk_cache.touch(self.path.parent)  # in use: not to be evicted from the compile cache
        if self.language == Language.PYTHON:
            bind = Bind(self.path, f"/prog{self.path.suffix}")
            python = self.python or system_python()
            binds = [bind, *python_binds(python)]
            return [python, "-S", sandbox.program_path(bind), *extra_args], binds
        bind = Bind(self.path, "/prog")
        return [sandbox.program_path(bind), *extra_args], [bind]


@dataclass
class CompileResult:
    status: str  # "OK" | "CE" | "JE"
    language: Language
    message: str
    time: float  # seconds spent compiling; 0.0 on a cache hit
    cached: bool
    key: str
    used_pch: bool = False  # compiled with the precompiled header, and GCC did not refuse it
    executable: Executable | None = field(default=None)
    flags: tuple[str, ...] = ()  # the command line's flags (the allow-listed ones, with the chosen standard)

    @property
    def ok(self) -> bool:
        return self.status == "OK"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["executable"] = str(self.executable.path) if self.executable else None
        return data


@lru_cache(maxsize=8)
def compiler_identity(cxx: str) -> str:
    """Resolved path and version of the compiler: part of every cache key."""
    path = shutil.which(cxx)
    if path is None:
        raise FileNotFoundError(f"compiler {cxx!r} not found on PATH")
    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{os.path.realpath(path)} {version}"


@lru_cache(maxsize=1)
def system_python() -> str:
    """The interpreter for Python submissions: the system one, visible in the sandbox."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and os.path.exists(candidate):
            return candidate
    raise FileNotFoundError("no python3 interpreter found for Python submissions")


@lru_cache(maxsize=4)
def python_binds(python: str) -> tuple[Bind, ...]:
    """Extra read-only binds when the interpreter lives outside the system directories."""
    real = os.path.realpath(python)
    if real.startswith(("/usr/", "/bin/", "/lib")):
        return ()
    prefix = Path(real).parent.parent
    return (Bind(prefix, str(prefix)),)


def _compiler_message(path: Path) -> str:
    """The compiler's output, its first MESSAGE_LIMIT bytes at most (it can be megabytes)."""
    text = read_head(path, MESSAGE_LIMIT)
    size = path.stat().st_size if path.exists() else 0
    if size <= MESSAGE_LIMIT:
        return text.decode(errors="replace")
    return text.decode(errors="replace") + f"\n[... {size - MESSAGE_LIMIT} more bytes truncated]"


class Compiler:
    """Compiles C, C++ and Python submissions into the shared binary cache."""

    def __init__(
        self, sandbox: Sandbox | None = None, options: CompileOptions | None = None, cache_root: Path | None = None
    ) -> None:
        self.sandbox = sandbox or default_sandbox()
        self.options = options or CompileOptions()
        self.cache_root = (cache_root or cache_dir()) / "binaries"
        self.cache_root.mkdir(parents=True, exist_ok=True)

    # -- keys and cache -------------------------------------------------

    def cache_key(self, language: Language, files: list[SourceFile], flags: tuple[str, ...]) -> str:
        digest = hashlib.sha256()
        if language == Language.PYTHON:  # no flags; the first file is the entry point
            header = {"language": str(language), "tool": PYTHON_TOOL, "main": files[0].name}
        else:
            header = {"language": str(language), "tool": compiler_identity(self.options.tool(language)),
                      "flags": list(flags)}  # fmt: skip
        digest.update(json.dumps(header, sort_keys=True).encode())
        for item in sorted(files, key=lambda f: f.name):
            digest.update(item.name.encode() + b"\0" + hashlib.sha256(item.content).digest())
        return digest.hexdigest()

    def _load(self, entry: Path, key: str, language: Language) -> CompileResult | None:
        try:
            data = json.loads((entry / disk_cache.STAMP).read_text())
        except (OSError, ValueError):  # not built yet, or evicted meanwhile: compile (again)
            return None
        disk_cache.touch(entry)
        exe = entry / data["binary"] if data["status"] == "OK" else None
        executable = Executable(language, exe, self.options.python) if exe else None
        return CompileResult(
            status=data["status"], language=language, message=data["message"], time=0.0, cached=True,
            key=key, used_pch=data.get("used_pch", False), executable=executable,
        )  # fmt: skip

    # -- compiling --------------------------------------------------------

    def compile(
        self,
        files: list[SourceFile],
        language: Language | None = None,
        flags: tuple[str, ...] | None = None,
        flags_origin: str = "compile flags",
        std: str | None = None,
    ) -> CompileResult:
        """Compile `files` (sources of the language by suffix; the rest are headers), or
        return the cached result. The first file is a Python program's entry point.
        `flags` (default: the language's contest flags) must pass the allow-list;
        `flags_origin` names where they came from in the error. `std` (C++ only:
        `c++11` ... `c++20`) replaces the flags' `-std=`; other languages ignore it."""
        if not files:
            raise ValueError("nothing to compile")
        language = language or Language.of(files[0].name)
        flags = check_flags(flags, flags_origin) if flags is not None else self.options.default_flags(language)
        if language == Language.CPP:
            flags = with_standard(flags, std)
        key = self.cache_key(language, files, flags)
        entry = self.cache_root / key[:2] / key
        result = self._load(entry, key, language)
        if result is None:
            entry.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(entry) + ".lock"):
                result = self._load(entry, key, language)  # another worker may have finished meanwhile
                if result is None:
                    result = self._compile_into(entry, key, language, files, flags)
        result.flags = flags
        return result

    def _compile_into(
        self, entry: Path, key: str, language: Language, files: list[SourceFile], flags: tuple[str, ...]
    ) -> CompileResult:
        started = time.perf_counter()
        with private_dir(".build-", parent=entry.parent) as build:
            box = build / "box"
            box.mkdir()
            for item in files:
                if "/" in item.name or item.name.startswith("."):
                    raise ValueError(f"bad source file name {item.name!r}")
                (box / item.name).write_bytes(item.content)
            if language == Language.PYTHON:
                status, message, binary, used_pch = self._check_python(box, files)
            else:
                status, message, binary, used_pch = self._compile_native(box, language, files, flags)
            if status == "JE":
                raise SandboxError(f"compilation could not run: {message}")
            result_dir = build / "result"
            result_dir.mkdir()
            if binary is not None:
                shutil.copy2(binary, result_dir / binary.name)
                (result_dir / binary.name).chmod(0o755)
            meta = {"status": status, "message": message, "binary": binary.name if binary else None,
                    "used_pch": used_pch, "compile_seconds": time.perf_counter() - started}  # fmt: skip
            (result_dir / disk_cache.STAMP).write_text(json.dumps(meta))
            os.replace(result_dir, entry)
        result = self._load(entry, key, language)
        assert result is not None
        result.cached = False
        result.time = time.perf_counter() - started
        log.info("compiled %s (%s) in %.2f s: %s", files[0].name, language, result.time, result.status)
        disk_cache.enforce_bound(self.cache_root, 2, self.options.cache_size, self.options.cache_grace)
        return result

    def _run_compiler(
        self, box: Path, argv: list[str], binds: list[Bind], writable: tuple[str, ...] = ()
    ) -> tuple[RunStatus, str]:
        limits = replace(self.options.limits, file_size=self.options.max_binary_size)
        return run_compiler(self.sandbox, box, argv, binds, limits, writable)

    def _compile_native(
        self, box: Path, language: Language, files: list[SourceFile], flags: tuple[str, ...]
    ) -> tuple[str, str, Path | None, bool]:
        """gcc (C) or g++ (C++): `<flags> -o prog <sources> <-l libraries>`, as CMS orders
        it (a static link resolves a library only for the objects before it)."""
        sources = [f.name for f in files if language.is_source(f.name)]
        if not sources:
            return "CE", f"no {language.title} source file among " + ", ".join(f.name for f in files), None, False
        tool = self.options.tool(language)
        driver = os.path.realpath(shutil.which(tool) or tool)
        options = [f for f in flags if not f.startswith("-l")]
        libraries = [f for f in flags if f.startswith("-l")]
        use_any_pch = self.options.use_pch and language == Language.CPP
        pch_dir = precompiled_header(tool, flags, self.sandbox) if use_any_pch else None
        for use_pch in [True, False] if pch_dir else [False]:
            binds = [Bind(pch_dir, "/pch")] if use_pch else []
            # -Winvalid-pch: GCC says when it reads the real header instead (never an error, whatever -Werror)
            include = ["-Winvalid-pch", "-Wno-error=invalid-pch", "-I", self.sandbox.program_path(binds[0])] \
                if use_pch else []  # fmt: skip
            argv = [driver, *options, *include, "-o", "prog", *sources, *libraries]
            status, message = self._run_compiler(box, argv, binds, writable=("prog",))
            if status == RunStatus.SANDBOX_ERROR:
                return "JE", message, None, use_pch
            message, ignored = _without_pch_warning(message)
            used = use_pch and not ignored
            size = (box / "prog").stat().st_size if (box / "prog").exists() else 0
            if status == RunStatus.OK and size > self.options.max_binary_size:  # only without a sandbox cap
                return "CE", f"the program is {size >> 20} MiB, over the {self.options.max_binary_size >> 20} MiB " \
                             "limit", None, used  # fmt: skip
            if status == RunStatus.OK and size > 0:
                problem = loader_problem(box / "prog")
                if problem:
                    return "CE", problem, None, used
                return "OK", message, box / "prog", used
            if not (use_pch and ".gch" in message):  # a broken PCH: retry once without it
                return "CE", message or f"compiler failed ({status})", None, used
        return "CE", message, None, False

    def _check_python(self, box: Path, files: list[SourceFile]) -> tuple[str, str, Path | None, bool]:
        """Syntax-check every script (the compile step); one script runs as it is, several
        are zipped with the first as `__main__.py`, so that a grader or stub is the program
        and the contestant's `<code>.py` an importable module beside it (as in CMS)."""
        scripts = [f.name for f in files if Language.PYTHON.is_source(f.name)]
        if not scripts or scripts[0] != files[0].name:
            return "CE", f"the entry point {files[0].name} is not a Python script", None, False
        python = self.options.python or system_python()
        targets = scripts if self.sandbox.isolation != "none" else [str(box / name) for name in scripts]
        status, message = self._run_compiler(box, [python, "-c", PYTHON_SYNTAX_CHECK, *targets],
                                             list(python_binds(python)))  # fmt: skip
        if status == RunStatus.SANDBOX_ERROR:
            return "JE", message, None, False
        if status != RunStatus.OK:
            return "CE", message, None, False
        if len(scripts) == 1:
            program = box.parent / "prog.py"  # beside the box: a script may be named prog.py itself
            shutil.copyfile(box / scripts[0], program)
            return "OK", message, program, False
        program = box.parent / "prog.pyz"
        with zipfile.ZipFile(program, "w") as archive:
            for index, name in enumerate(scripts):
                entry = zipfile.ZipInfo("__main__.py" if index == 0 else name, date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(entry, (box / name).read_bytes())
        return "OK", message, program, False


def _without_pch_warning(message: str) -> tuple[str, bool]:
    """The compiler's message without GCC's "PCH not used" warning (our -Winvalid-pch, not
    the contestant's concern), and whether it was there: then the real header was read."""
    cleaned, found = _PCH_NOT_USED.subn("", message)
    return cleaned, found > 0


def loader_problem(binary: Path) -> str | None:
    """Why the sandbox could not start this ELF program (its PT_INTERP loader is not a
    system file the sandbox shows), or None. A program can name any loader (a
    `.interp` section of its own): its exec would then fail, and an exec failure must
    not read as the judge's (JE) when it is the program's doing."""
    with binary.open("rb") as handle:
        head = handle.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:  # 64-bit ELF only: what g++ makes here
            return "the program is not a 64-bit ELF executable"
        endian = "<" if head[5] == 1 else ">"
        (phoff,) = struct.unpack_from(endian + "Q", head, 32)
        phentsize, phnum = struct.unpack_from(endian + "HH", head, 54)
        handle.seek(phoff)
        table = handle.read(phentsize * phnum)
        for index in range(phnum):
            kind, _, offset, _, _, size = struct.unpack_from(endian + "IIQQQQ", table, index * phentsize)
            if kind == 3:  # PT_INTERP
                handle.seek(offset)
                loader = handle.read(min(size, 4096)).rstrip(b"\0").decode(errors="replace")
                visible = loader.startswith(tuple(f"{d}/" for d in SYSTEM_BINDS)) and os.path.isfile(loader)
                return None if visible else f"the program asks for the loader {loader[:200]!r}, which does not exist"
    return None


def run_compiler(
    sandbox: Sandbox, box: Path, argv: list[str], binds: list[Bind], limits: RunLimits, writable: tuple[str, ...] = ()
) -> tuple[RunStatus, str]:
    """Run one compiler command in the sandbox: /box read-only but for `writable`,
    scratch in a private /tmp, every file it writes capped at `limits.file_size`.
    Returns the run's status and the compiler's (bounded) message."""
    err = box.parent / "compiler.err"
    tmp = "/tmp" if sandbox.isolation != "none" else str(box)
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": tmp, "LC_ALL": "C", "LANG": "C"}
    run = sandbox.run(argv, work_dir=box, limits=limits, stdout=err, stderr=err, binds=binds, env=env,
                      writable=writable)  # fmt: skip
    text = _compiler_message(err)
    if run.status == RunStatus.SANDBOX_ERROR:
        return run.status, run.message
    explanation = {
        RunStatus.TIME_LIMIT: "compilation exceeded the time limit",
        RunStatus.WALL_LIMIT: "compilation exceeded the wall-time limit",
        RunStatus.MEMORY_LIMIT: "compilation exceeded the memory limit",
        RunStatus.OUTPUT_LIMIT: f"the program or a compiler output exceeded the size limit of "
        f"{limits.file_size >> 20} MiB",
    }.get(run.status)
    if explanation:
        text = f"{explanation}\n{text}"
    return run.status, text.replace("/box/", "")


_pch_built: dict[tuple[str, tuple[str, ...]], Path | None] = {}
_pch_lock = threading.Lock()
PCH_GCH = "stdc++.h.gch"


def precompiled_header(cxx: str, flags: tuple[str, ...], sandbox: Sandbox) -> Path | None:
    """Build `bits/stdc++.h.gch` once per compiler and flag set, in the sandbox; None if
    it cannot be built (then compiles read the real header: slower, same result).

    GCC only uses a PCH built with the same options and ignores an invalid one,
    falling back to the real header, so a stale, evicted or unusable PCH costs time only.
    """
    compile_flags = tuple(f for f in flags if f not in LINK_ONLY_FLAGS and not f.startswith(("-l", "-L")))
    with _pch_lock:
        if (cxx, compile_flags) in _pch_built:
            found = _pch_built[(cxx, compile_flags)]
            if found is None or (found / "bits" / PCH_GCH).exists():
                return found
    identity = compiler_identity(cxx)
    digest = hashlib.sha256(json.dumps([identity, list(compile_flags)]).encode()).hexdigest()[:16]
    pch_root = cache_dir() / "pch"
    root = pch_root / digest
    pch_root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root) + ".lock"):
        if not (root / "bits" / PCH_GCH).exists():
            root = _build_pch(cxx, compile_flags, sandbox, root)
    with _pch_lock:
        _pch_built[(cxx, compile_flags)] = root
    if root is not None:
        disk_cache.touch(root)
        disk_cache.enforce_bound(pch_root, 1, PCH_CACHE_SIZE)
    return root


def _build_pch(cxx: str, compile_flags: tuple[str, ...], sandbox: Sandbox, root: Path) -> Path | None:
    """Find the header's path, then compile it to a .gch: both runs are sandboxed."""
    cxx_path = os.path.realpath(shutil.which(cxx) or cxx)
    started = time.perf_counter()
    with private_dir(".pch-", parent=root.parent) as build:
        box = build / "box"
        box.mkdir()
        (box / "probe.cpp").write_text(f"#include <{PCH_HEADER}>\n")
        argv = [cxx_path, *compile_flags, "-x", "c++", "-E", "-H", "probe.cpp", "-o", "/dev/null"]
        status, trace = run_compiler(sandbox, box, argv, [], PCH_LIMITS)
        header = next((ln.split(" ", 1)[1] for ln in trace.splitlines() if ln.startswith(". ")), None)
        if status != RunStatus.OK or header is None:
            log.warning("no precompiled header: %s not found (%s)", PCH_HEADER, status)
            return None
        argv = [cxx_path, *compile_flags, "-x", "c++-header", header, "-o", PCH_GCH]
        status, message = run_compiler(sandbox, box, argv, [], PCH_LIMITS, writable=(PCH_GCH,))
        if status != RunStatus.OK or not (box / PCH_GCH).stat().st_size:
            log.warning("no precompiled header (%s): %s", status, message[-500:])
            return None
        result = build / "result"
        (result / "bits").mkdir(parents=True)
        os.replace(box / PCH_GCH, result / "bits" / PCH_GCH)
        (result / disk_cache.STAMP).write_text(json.dumps({"flags": list(compile_flags), "header": header}))
        if root.exists():
            remove_tree(root)  # a broken earlier build
        os.replace(result, root)
    log.info("built precompiled %s in %.1f s", PCH_HEADER, time.perf_counter() - started)
    return root
