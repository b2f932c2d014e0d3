"""Compile submissions once, under limits, into a content-addressed cache.

Why a cache keyed by content: the same source is judged on many tests, by
many workers, often again on a rerun; compilation (2-3 s for a static
`bits/stdc++.h` program) dominates judging cost, so it must happen once per
distinct (sources, flags, compiler). Why in the sandbox: a compiler bomb must
end as CE within limits, and `#include "/some/secret"` must not leak files
the submission could not read at run time.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from filelock import FileLock

from judge.paths import cache_dir
from judge.sandbox import Bind, RunLimits, RunStatus, Sandbox, SandboxError, default_sandbox

log = logging.getLogger(__name__)

DEFAULT_CXX_FLAGS = ("-DEVAL", "-std=gnu++17", "-O2", "-pipe", "-static", "-s")
LINK_ONLY_FLAGS = ("-static", "-s")
COMPILE_LIMITS = RunLimits(
    cpu_time=10.0, wall_time=30.0, memory=512 << 20, processes=32, file_size=256 << 20, open_files=256
)
MESSAGE_LIMIT = 64 * 1024  # bytes of compiler output kept
CXX_SUFFIXES = (".cpp", ".cc", ".cxx", ".c++")
PCH_HEADER = "bits/stdc++.h"
PYTHON_SYNTAX_CHECK = "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')"


class Language(enum.StrEnum):
    CPP = "cpp"
    PYTHON = "python"

    @classmethod
    def of(cls, path: str | Path) -> Language:
        suffix = Path(path).suffix.lower()
        if suffix in CXX_SUFFIXES:
            return cls.CPP
        if suffix == ".py":
            return cls.PYTHON
        raise ValueError(f"{path}: cannot tell the language from the suffix {suffix!r} (.cpp, .cc, .py)")


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
    use_pch: bool = True
    limits: RunLimits = COMPILE_LIMITS
    python: str | None = None  # interpreter for Python submissions; default: system python3


@dataclass
class Executable:
    """A compiled program ready to run in the sandbox."""

    language: Language
    path: Path
    python: str | None = None

    def launch(self, sandbox: Sandbox, extra_args: tuple[str, ...] = ()) -> tuple[list[str], list[Bind]]:
        """argv and binds that run this program inside `sandbox`."""
        if self.language == Language.PYTHON:
            bind = Bind(self.path, "/prog.py")
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
    used_pch: bool = False
    executable: Executable | None = field(default=None)

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
        raise FileNotFoundError(f"C++ compiler {cxx!r} not found on PATH")
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


def _truncate(text: bytes) -> str:
    if len(text) <= MESSAGE_LIMIT:
        return text.decode(errors="replace")
    more = len(text) - MESSAGE_LIMIT
    return text[:MESSAGE_LIMIT].decode(errors="replace") + f"\n[... {more} more bytes truncated]"


class Compiler:
    """Compiles C++ and Python submissions into the shared binary cache."""

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
        tool = compiler_identity(self.options.cxx) if language == Language.CPP else "python-syntax-v1"
        header = {"language": str(language), "tool": tool, "flags": list(flags) if language == "cpp" else []}
        digest.update(json.dumps(header, sort_keys=True).encode())
        for item in sorted(files, key=lambda f: f.name):
            digest.update(item.name.encode() + b"\0" + hashlib.sha256(item.content).digest())
        return digest.hexdigest()

    def _load(self, entry: Path, key: str, language: Language) -> CompileResult | None:
        meta = entry / "result.json"
        if not meta.exists():
            return None
        data = json.loads(meta.read_text())
        exe = entry / data["binary"] if data["status"] == "OK" else None
        executable = Executable(language, exe, self.options.python) if exe else None
        return CompileResult(
            status=data["status"], language=language, message=data["message"], time=0.0, cached=True,
            key=key, used_pch=data.get("used_pch", False), executable=executable,
        )  # fmt: skip

    # -- compiling --------------------------------------------------------

    def compile(
        self, files: list[SourceFile], language: Language | None = None, flags: tuple[str, ...] | None = None
    ) -> CompileResult:
        """Compile `files` (sources by suffix; the rest are headers), or return the cached result."""
        if not files:
            raise ValueError("nothing to compile")
        language = language or Language.of(files[0].name)
        flags = tuple(flags) if flags is not None else self.options.cxx_flags
        key = self.cache_key(language, files, flags)
        entry = self.cache_root / key[:2] / key
        cached = self._load(entry, key, language)
        if cached:
            return cached
        entry.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(entry) + ".lock"):
            cached = self._load(entry, key, language)  # another worker may have finished meanwhile
            if cached:
                return cached
            return self._compile_into(entry, key, language, files, flags)

    def _compile_into(
        self, entry: Path, key: str, language: Language, files: list[SourceFile], flags: tuple[str, ...]
    ) -> CompileResult:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=entry.parent, prefix=".build-") as tmp:
            build = Path(tmp)
            box = build / "box"
            box.mkdir()
            for item in files:
                if "/" in item.name or item.name.startswith("."):
                    raise ValueError(f"bad source file name {item.name!r}")
                (box / item.name).write_bytes(item.content)
            if language == Language.CPP:
                status, message, binary, used_pch = self._compile_cpp(box, files, flags)
            else:
                status, message, binary, used_pch = self._check_python(box, files)
            if status == "JE":
                raise SandboxError(f"compilation could not run: {message}")
            result_dir = build / "result"
            result_dir.mkdir()
            if binary is not None:
                shutil.copy2(binary, result_dir / binary.name)
                (result_dir / binary.name).chmod(0o755)
            meta = {"status": status, "message": message, "binary": binary.name if binary else None,
                    "used_pch": used_pch, "compile_seconds": time.perf_counter() - started}  # fmt: skip
            (result_dir / "result.json").write_text(json.dumps(meta))
            os.replace(result_dir, entry)
        result = self._load(entry, key, language)
        assert result is not None
        result.cached = False
        result.time = time.perf_counter() - started
        log.info("compiled %s (%s) in %.2f s: %s", files[0].name, language, result.time, result.status)
        return result

    def _run_compiler(self, box: Path, argv: list[str], binds: list[Bind]) -> tuple[RunStatus, str]:
        err = box.parent / "compiler.err"
        env = {"PATH": "/usr/bin:/bin", "TMPDIR": "/box", "LC_ALL": "C", "LANG": "C"}
        run = self.sandbox.run(
            argv, work_dir=box, limits=self.options.limits, stdout=err, stderr=err, binds=binds, env=env
        )
        text = _truncate(err.read_bytes()[: MESSAGE_LIMIT + 4096]) if err.exists() else ""
        if run.status == RunStatus.SANDBOX_ERROR:
            return run.status, run.message
        explanation = {
            RunStatus.TIME_LIMIT: "compilation exceeded the time limit",
            RunStatus.WALL_LIMIT: "compilation exceeded the wall-time limit",
            RunStatus.MEMORY_LIMIT: "compilation exceeded the memory limit",
            RunStatus.OUTPUT_LIMIT: "compiler output exceeded the size limit",
        }.get(run.status)
        if explanation:
            text = f"{explanation}\n{text}"
        return run.status, text.replace("/box/", "")

    def _compile_cpp(
        self, box: Path, files: list[SourceFile], flags: tuple[str, ...]
    ) -> tuple[str, str, Path | None, bool]:
        sources = [f.name for f in files if Path(f.name).suffix.lower() in CXX_SUFFIXES]
        if not sources:
            return "CE", "no C++ source file among " + ", ".join(f.name for f in files), None, False
        cxx = os.path.realpath(shutil.which(self.options.cxx) or self.options.cxx)
        pch_dir = precompiled_header(self.options.cxx, flags) if self.options.use_pch else None
        for use_pch in [True, False] if pch_dir else [False]:
            binds = [Bind(pch_dir, "/pch")] if use_pch else []
            include = ["-I", self.sandbox.program_path(binds[0])] if use_pch else []
            out = "prog" if self.sandbox.isolation != "none" else str(box / "prog")
            argv = [cxx, *flags, *include, "-o", out, *sources]
            status, message = self._run_compiler(box, argv, binds)
            if status == RunStatus.SANDBOX_ERROR:
                return "JE", message, None, use_pch
            if status == RunStatus.OK and (box / "prog").exists():
                return "OK", message, box / "prog", use_pch
            if not (use_pch and ".gch" in message):  # a broken PCH: retry once without it
                return "CE", message or f"compiler failed ({status})", None, use_pch
        return "CE", message, None, False

    def _check_python(self, box: Path, files: list[SourceFile]) -> tuple[str, str, Path | None, bool]:
        main = files[0].name
        python = self.options.python or system_python()
        target = main if self.sandbox.isolation != "none" else str(box / main)
        status, message = self._run_compiler(box, [python, "-c", PYTHON_SYNTAX_CHECK, target],
                                             list(python_binds(python)))  # fmt: skip
        if status == RunStatus.SANDBOX_ERROR:
            return "JE", message, None, False
        if status != RunStatus.OK:
            return "CE", message, None, False
        script = box / "prog.py"
        shutil.copyfile(box / main, script)
        return "OK", message, script, False


@lru_cache(maxsize=16)
def precompiled_header(cxx: str, flags: tuple[str, ...]) -> Path | None:
    """Build `bits/stdc++.h.gch` once per compiler and flag set; None if it cannot be built.

    GCC only uses a PCH built with the same options and ignores an invalid one,
    falling back to the real header, so a stale or unusable PCH costs time only.
    """
    compile_flags = [f for f in flags if f not in LINK_ONLY_FLAGS and not f.startswith(("-l", "-L", "-Wl,"))]
    identity = compiler_identity(cxx)
    digest = hashlib.sha256(json.dumps([identity, compile_flags]).encode()).hexdigest()[:16]
    root = cache_dir() / "pch" / digest
    gch = root / (PCH_HEADER + ".gch")
    if gch.exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root) + ".lock"):
        if gch.exists():
            return root
        probe = subprocess.run(
            [cxx, *compile_flags, "-x", "c++", "-E", "-H", "-", "-o", os.devnull],
            input=f"#include <{PCH_HEADER}>\n", capture_output=True, text=True,
        )  # fmt: skip
        header = next((ln.split(" ", 1)[1] for ln in probe.stderr.splitlines() if ln.startswith(". ")), None)
        if probe.returncode != 0 or header is None:
            log.warning("no precompiled header: %s not found", PCH_HEADER)
            return None
        gch.parent.mkdir(parents=True, exist_ok=True)
        tmp = gch.with_name(f".{gch.name}.{os.getpid()}.tmp")
        started = time.perf_counter()
        built = subprocess.run(
            [cxx, *compile_flags, "-x", "c++-header", header, "-o", str(tmp)], capture_output=True, text=True
        )
        if built.returncode != 0:
            log.warning("no precompiled header: %s", built.stderr[-500:])
            tmp.unlink(missing_ok=True)
            return None
        os.replace(tmp, gch)
        log.info("built precompiled %s in %.1f s", PCH_HEADER, time.perf_counter() - started)
    return root
