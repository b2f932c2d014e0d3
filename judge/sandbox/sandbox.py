"""Run one untrusted process under limits, through the C launcher.

The Python side chooses the backend once (cgroup v2, cgroup v1 or rlimits;
namespaces as root, in a user namespace, or none), hands each run's command
line to the launcher's fork server, and turns the launcher's JSON into a
`RunResult` with a single `RunStatus`.
"""

from __future__ import annotations

import enum
import errno
import json
import logging
import os
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from judge.paths import cache_dir
from judge.sandbox import cgroups
from judge.sandbox.forkserver import DirectLaunch, ForkServer, Launch, LaunchFailed
from judge.sandbox.launcher_build import launcher_path

log = logging.getLogger(__name__)

UID_SPAN = 1 << 22  # the kernel's largest pid_max: sandbox uids are UID_BASE + launcher pid, below UID_BASE + UID_SPAN


def _uid_base() -> int:
    """Sandbox uid = base + launcher pid: unique among live runs. The base can be moved
    (OLYMPICFORGE_SANDBOX_UID_BASE) so that judges sharing a host keep their runs apart."""
    raw = os.environ.get("OLYMPICFORGE_SANDBOX_UID_BASE", "2000000")
    if not raw.isdigit() or not 100_000 <= int(raw) <= (1 << 31) - UID_SPAN:
        raise ValueError(f"OLYMPICFORGE_SANDBOX_UID_BASE={raw!r}: want an integer in [100000, {(1 << 31) - UID_SPAN}]")
    return int(raw)


UID_BASE = _uid_base()
SYSTEM_BINDS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc")
# Setup stage reported by the launcher when execve itself failed.
EXEC_STAGE = 40
# A run the wall clock stopped after waiting this share of its wall time on the run queue was starved.
STARVED_SHARE = 0.25
STARVED = "starved of CPU"  # how such a run's message begins
ANSWER_GRACE = 120.0  # seconds past a run's wall limit after which its launcher is deemed stuck (JE)


class SandboxError(RuntimeError):
    """The sandbox could not run the program: the judge's fault, never the program's."""


class RunStatus(enum.StrEnum):
    OK = "OK"  # exited with code 0
    RUNTIME_ERROR = "RE"
    TIME_LIMIT = "TLE"  # CPU time
    WALL_LIMIT = "WTLE"
    MEMORY_LIMIT = "MLE"
    OUTPUT_LIMIT = "OLE"
    SANDBOX_ERROR = "JE"


@dataclass(frozen=True)
class RunLimits:
    """Limits of one run. `None` means unlimited (only for trusted helpers)."""

    cpu_time: float | None = 1.0  # seconds of CPU
    wall_time: float | None = None  # seconds; default 2 * cpu_time + 1
    memory: int | None = 256 << 20  # bytes
    stack: int | None = None  # bytes; default: the memory limit
    processes: int = 64  # processes + threads
    file_size: int = 64 << 20  # bytes, per file: the output limit
    open_files: int = 64
    scratch: int = 16 << 20  # bytes of private /tmp (a tmpfs the memory cgroup counts); 0: none

    @property
    def effective_wall_time(self) -> float | None:
        if self.wall_time is not None:
            return self.wall_time
        return None if self.cpu_time is None else 2 * self.cpu_time + 1


@dataclass(frozen=True)
class Bind:
    """Make `source` visible at `target` inside the sandbox (read-only unless `writable`)."""

    source: Path
    target: str
    writable: bool = False


@dataclass
class RunResult:
    status: RunStatus
    exit_code: int | None
    signal: int | None
    cpu_time: float
    wall_time: float
    memory: int  # bytes: cgroup peak, else max RSS
    backend: str
    message: str = ""
    low_fidelity: bool = False  # the backend could not measure/limit everything exactly
    ended_at: float = 0.0  # time.monotonic() when the program ended (Communication: did the manager react?)
    raw: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class SandboxInfo:
    limits: str  # "cgroup-v2" | "cgroup-v1" | "rlimit"
    isolation: str  # "namespaces" | "userns" | "none"
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.limits}+{self.isolation}"

    @property
    def low_fidelity(self) -> bool:
        return bool(self.notes)


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Sandbox:
    """Runs processes under limits. Thread-safe: every run is its own launcher process.

    Runs go through one fork server (see forkserver.py) unless `fork_server=False`.
    `shared_netns=True`, `syscall_filter=False` and `fork_server=False` together bring
    back the weaker setup of earlier versions (one network namespace for every run,
    no seccomp filter, an exec per run); they exist so that `make bench` can measure
    what the isolation costs."""

    def __init__(
        self,
        backend: str = "auto",
        isolation: str = "auto",
        *,
        shared_netns: bool = False,
        syscall_filter: bool = True,
        fork_server: bool = True,
    ) -> None:
        self.launcher = launcher_path()
        self.shared_netns, self.syscall_filter, self.use_fork_server = shared_netns, syscall_filter, fork_server
        self._fork_server: ForkServer | None = None
        self.cgroup = self._choose_cgroup(backend)
        if self.cgroup is not None and cgroups.remove_stale_runs(self.cgroup):
            log.info("removed run cgroups left by launchers that died")
        self.isolation = self._choose_isolation(isolation)
        self.root_dir = cache_dir() / "sandbox-root"  # empty mount point, per-run tmpfs goes here
        self.root_dir.mkdir(exist_ok=True)
        self._netns_holder: subprocess.Popen | None = None
        self._lock = threading.Lock()
        notes = []
        if self.cgroup is None:
            notes.append("no writable cgroup: memory by RLIMIT_AS, CPU by rusage (lower fidelity)")
        elif not self.cgroup.has_memory:
            notes.append("cgroup without memory controller: memory by RLIMIT_AS (lower fidelity)")
        if self.isolation == "none":
            notes.append("no namespaces: no filesystem/network isolation (lower fidelity)")
        limits_name = "rlimit" if self.cgroup is None else self.cgroup.name
        self.info = SandboxInfo(limits_name, self.isolation, tuple(notes))
        for note in notes:
            log.warning("sandbox: %s", note)
        log.info("sandbox backend: %s", self.info.name)

    # -- backend choice -------------------------------------------------

    @staticmethod
    def _choose_cgroup(backend: str) -> cgroups.CgroupSetup | None:
        if backend == "auto":
            return cgroups.detect()
        if backend == "cgroup-v2":
            found = cgroups.detect_v2(require_memory=False)
        elif backend == "cgroup-v1":
            found = cgroups.detect_v1()
        elif backend == "rlimit":
            return None
        else:
            raise ValueError(f"unknown sandbox backend {backend!r} (auto, cgroup-v2, cgroup-v1, rlimit)")
        if found is None:
            raise SandboxError(f"sandbox backend {backend} is not available on this machine")
        return found

    def _choose_isolation(self, isolation: str) -> str:
        if isolation not in ("auto", "namespaces", "userns", "none"):
            raise ValueError(f"unknown isolation {isolation!r} (auto, namespaces, userns, none)")
        if isolation != "auto":
            return isolation
        if os.geteuid() == 0:
            return "namespaces"
        return "userns" if self._userns_works() else "none"

    def _userns_works(self) -> bool:
        probe = subprocess.run(
            [str(self.launcher), "--dir", "/", "--isolate", "1", "--userns", "1",
             "--root", str(cache_dir() / "sandbox-root"), "--bind", "/usr", "--bind", "/bin",
             "--bind", "/lib", "--bind", "/lib64", "--", "/bin/true"],
            capture_output=True, text=True,
        )  # fmt: skip
        try:
            result = json.loads(probe.stdout)
        except json.JSONDecodeError:
            return False
        return bool(result.get("ok")) and result.get("exit_code") == 0

    def _netns_path(self) -> str | None:
        """With `shared_netns`: an empty network namespace kept alive by a holder
        process (root only) for every run to join. Otherwise each run gets its own."""
        if self.isolation != "namespaces" or not self.shared_netns:
            return None
        with self._lock:
            if self._netns_holder is None or self._netns_holder.poll() is not None:
                holder = subprocess.Popen(
                    [str(self.launcher), "--hold-netns"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
                )
                if holder.stdout.readline().strip() != b"ready":
                    raise SandboxError("could not create the empty network namespace")
                self._netns_holder = holder
            return f"/proc/{self._netns_holder.pid}/ns/net"

    def _launch(self, command: list[str]) -> Launch:
        if not self.use_fork_server:
            return DirectLaunch(command)
        with self._lock:
            if self._fork_server is None or not self._fork_server.alive:
                if self._fork_server is not None:
                    log.warning("the sandbox fork server ended: starting a new one")
                self._fork_server = ForkServer(self.launcher)
            server = self._fork_server
        return server.submit(command[1:])

    def close(self) -> None:
        with self._lock:
            if self._fork_server is not None:
                self._fork_server.close()
                self._fork_server = None
            if self._netns_holder is not None:
                self._netns_holder.kill()
                self._netns_holder.wait()
                self._netns_holder = None

    # -- running ----------------------------------------------------------

    def command(
        self,
        argv: list[str],
        *,
        work_dir: Path,
        limits: RunLimits,
        stdin: Path | None = None,
        stdout: Path | None = None,
        stderr: Path | None = None,
        binds: tuple[Bind, ...] | list[Bind] = (),
        env: dict[str, str] | None = None,
        writable: tuple[str, ...] | list[str] = (),
    ) -> list[str]:
        """The launcher command line for one run (exposed for tests and debugging).

        `work_dir` is the program's read-only /box; `writable` names the files in it
        the program may write (created empty for it), as CMS's allow_writing_only."""
        cmd = [str(self.launcher), "--dir", str(work_dir)]
        for name in writable:
            cmd += ["--writable", name]
        if limits.scratch:
            cmd += ["--tmp-kb", str(max(1, limits.scratch // 1024))]
        if not self.syscall_filter:
            cmd += ["--seccomp", "0"]
        if limits.cpu_time is not None:
            cmd += ["--cpu-ms", str(round(limits.cpu_time * 1000))]
        wall = limits.effective_wall_time
        if wall is not None:
            cmd += ["--wall-ms", str(round(wall * 1000))]
        if limits.memory is not None:
            cmd += ["--mem-kb", str(limits.memory // 1024)]
        if limits.stack is not None:
            cmd += ["--stack-kb", str(limits.stack // 1024)]
        cmd += ["--pids", str(limits.processes), "--fsize-kb", str(limits.file_size // 1024)]
        cmd += ["--nofile", str(limits.open_files)]
        for flag, path in (("--stdin", stdin), ("--stdout", stdout), ("--stderr", stderr)):
            if path is not None:
                cmd += [flag, str(path)]
        if self.cgroup is not None:
            cmd += self.cgroup.launcher_args()
        if os.geteuid() == 0 and self.isolation == "namespaces":
            cmd += ["--uid-base", str(UID_BASE)]
        if self.isolation != "none":
            cmd += ["--isolate", "1", "--root", str(self.root_dir)]
            if self.isolation == "userns":
                cmd += ["--userns", "1"]
            netns = self._netns_path()
            if netns:
                cmd += ["--netns", netns]
            for path in SYSTEM_BINDS:
                cmd += ["--bind", path]
            for bind in binds:
                cmd += ["--bind-rw" if bind.writable else "--bind", f"{bind.source}:{bind.target}"]
        for key, value in (env or {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}).items():
            cmd += ["--env", f"{key}={value}"]
        return [*cmd, "--", *argv]

    def program_path(self, bind: Bind) -> str:
        """Where a bound file is seen by the program (its target, or its own path unisolated)."""
        return bind.target if self.isolation != "none" else str(bind.source)

    def run(self, argv: list[str], *, work_dir: Path, limits: RunLimits, **kwargs) -> RunResult:
        """Run `argv` (paths as seen inside the sandbox) and classify how it ended."""
        return self.start(argv, work_dir=work_dir, limits=limits, **kwargs).wait()

    def start(self, argv: list[str], *, work_dir: Path, limits: RunLimits, **kwargs) -> RunningProcess:
        """Start a run without waiting: several runs talk to each other (Communication tasks)."""
        cmd = self.command(argv, work_dir=work_dir, limits=limits, **kwargs)
        try:
            launch = self._launch(cmd)
        except LaunchFailed as exc:
            raise SandboxError(str(exc)) from None
        outputs = [kwargs.get("stdout"), kwargs.get("stderr"), *(work_dir / n for n in kwargs.get("writable", ()))]
        return RunningProcess(self, launch, limits, [p for p in outputs if p is not None], kwargs.get("stderr"))

    def _classify(self, raw: dict, limits: RunLimits, outputs: list[Path], stderr: Path | None) -> RunResult:
        backend = self.info.name
        exit_code = raw["exit_code"] if raw["exited"] else None
        sig = raw["signal"] or None
        memory = raw["memory"] if raw["memory"] >= 0 else max(raw["max_rss"], 0)
        result = RunResult(
            status=RunStatus.OK, exit_code=exit_code, signal=sig, cpu_time=raw["cpu"],
            wall_time=raw["wall"], memory=memory, backend=backend, low_fidelity=self.info.low_fidelity,
            ended_at=raw.get("ended_at", 0.0), raw=raw,
        )  # fmt: skip
        stage, err = raw["setup_stage"], raw["setup_errno"]
        by_rlimit = not raw["memory_by_cgroup"]
        if stage == EXEC_STAGE and err == errno.ENOMEM:  # static data over RLIMIT_AS, or no room to map it
            result.status, result.message = RunStatus.MEMORY_LIMIT, "program does not fit in the memory limit"
        elif stage not in (0, -1):
            result.status = RunStatus.SANDBOX_ERROR
            result.message = f"sandbox setup failed at stage {stage}: {os.strerror(err) if err else '?'}"
        elif raw["oom_kills"] > 0:
            result.status, result.message = RunStatus.MEMORY_LIMIT, "memory limit exceeded (OOM kill)"
        elif raw.get("killed_at_memory_limit"):  # its CPU time went to reclaim, racing the OOM kill
            result.status = RunStatus.MEMORY_LIMIT
            result.message = "memory limit exceeded (out of CPU time while still running into the memory limit)"
        elif limits.cpu_time is not None and (raw["killed_cpu"] or raw["cpu"] > limits.cpu_time):
            result.status = RunStatus.TIME_LIMIT
            result.message = f"CPU time {raw['cpu']:.3f} s over the limit {limits.cpu_time:g} s"
        elif raw["killed_wall"] and raw.get("runqueue_wait", -1) >= STARVED_SHARE * raw["wall"]:
            result.status = RunStatus.SANDBOX_ERROR  # the machine's fault: rerun it, never the program's WTLE
            result.message = (f"{STARVED}: waited {raw['runqueue_wait']:.2f} s for a CPU in {raw['wall']:.2f} s "
                              f"of wall time (CPU {raw['cpu']:.2f} s): the machine is overloaded")  # fmt: skip
        elif raw["killed_wall"]:
            result.status = RunStatus.WALL_LIMIT
            result.message = f"wall time over the limit {limits.effective_wall_time:g} s"
        elif stage == -1:
            result.status, result.message = RunStatus.SANDBOX_ERROR, "sandbox init ended without a report"
        elif any(_file_at_limit(path, limits.file_size) for path in outputs):
            result.status, result.message = RunStatus.OUTPUT_LIMIT, "output limit exceeded"
        elif sig == signal.SIGXFSZ and memory >= limits.file_size:  # no output file at the limit: a memfd was
            result.status = RunStatus.MEMORY_LIMIT
            result.message = f"a file in memory (memfd) grew past {limits.file_size >> 20} MiB"
        elif sig == signal.SIGXFSZ:  # e.g. fallocate() far past the limit: nothing was written
            result.status, result.message = RunStatus.OUTPUT_LIMIT, "output limit exceeded"
        elif by_rlimit and limits.memory and _looks_out_of_memory(raw, limits, stderr):
            result.status = RunStatus.MEMORY_LIMIT
            result.message = "memory limit exceeded (judged from RLIMIT_AS failure: lower fidelity)"
        elif sig is not None:
            result.status, result.message = RunStatus.RUNTIME_ERROR, f"killed by {signal_name(sig)}"
        elif exit_code:
            result.status, result.message = RunStatus.RUNTIME_ERROR, f"exit code {exit_code}"
        return result


class RunningProcess:
    """A run in progress; `wait()` gives its RunResult."""

    def __init__(
        self, sandbox: Sandbox, launch: Launch, limits: RunLimits, outputs: list[Path], stderr: Path | None
    ) -> None:
        self.sandbox, self.launch, self.limits = sandbox, launch, limits
        self.outputs, self.stderr = outputs, stderr

    def done(self) -> bool:
        return self.launch.done()

    def wait(self) -> RunResult:
        wall = self.limits.effective_wall_time
        try:  # the launcher ends every run at its wall limit: far past it, the launcher itself is stuck
            out = self.launch.answer(None if wall is None else wall + ANSWER_GRACE)
            raw = json.loads(out)
        except LaunchFailed as exc:
            raise SandboxError(str(exc)) from None
        except json.JSONDecodeError:
            raise SandboxError(f"sandbox launcher answered no JSON: {out[-500:]}") from None
        if not raw.get("ok"):
            raise SandboxError(f"sandbox launcher: {raw.get('error')}")
        return self.sandbox._classify(raw, self.limits, self.outputs, self.stderr)


def _file_at_limit(path: Path | None, limit: int) -> bool:
    try:
        return path is not None and path.stat().st_size >= limit
    except OSError:
        return False


def _looks_out_of_memory(raw: dict, limits: RunLimits, stderr: Path | None) -> bool:
    """Without a cgroup, an allocation failing under RLIMIT_AS shows as a crash."""
    if raw["exit_code"] == 0 and raw["exited"]:
        return False
    if raw["max_rss"] >= 0.9 * (limits.memory or 0):
        return True
    try:
        tail = stderr.read_bytes()[-4096:] if stderr else b""
    except OSError:
        tail = b""
    return b"bad_alloc" in tail or b"MemoryError" in tail or b"Cannot allocate memory" in tail


_default: Sandbox | None = None
_default_lock = threading.Lock()


def default_sandbox() -> Sandbox:
    """One shared sandbox per process (backend from `$OLYMPICFORGE_SANDBOX`, default auto)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Sandbox(backend=os.environ.get("OLYMPICFORGE_SANDBOX", "auto"))
        return _default
