"""Communication task type: a trusted manager talks to N user processes over FIFOs.

CMS semantics: one FIFO pair per user (`u{i}_to_m`, `m_to_u{i}`); the manager
gets `u0_to_m m_to_u0 [u1_to_m m_to_u1 ...] [args]` and the test input on stdin
and prints the outcome like a checker; users read/write the FIFOs either as
stdin/stdout (`std_io`) or by path (`fifo_io`), with their index as the last
argument only when there are several. Each user runs under TL/ML; the test
fails when the users' CPU times add up to more than TL.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from judge.batch import TestResult, judge_error
from judge.checkers import parse_outcome
from judge.compiler import Executable
from judge.sandbox import Bind, RunLimits, RunResult, RunStatus, Sandbox, SandboxError
from judge.sandbox.sandbox import RunningProcess
from judge.task import TaskTest
from judge.verdicts import RUN_STATUS_VERDICT, Verdict, verdict_for_outcome

PROTOCOL_VIOLATION = "protocol violation"
MANAGER_GRACE = 0.5  # seconds one side may run on after the other has ended, before the FIFOs are poked


def manager_limits(time_limit: float, num_processes: int) -> RunLimits:
    """Trusted manager: max(n * (TL + 1), 10) s and generous memory."""
    budget = max(num_processes * (time_limit + 1), 10.0)
    return RunLimits(cpu_time=budget, wall_time=budget + 5, memory=4 << 30, processes=16, file_size=256 << 20)


def _poke_fifos(fifo_dir: Path) -> None:
    """Open and close every FIFO end without blocking: a manager stuck in open()
    on a FIFO whose user never opened it wakes up and sees end of file."""
    for fifo in fifo_dir.iterdir():
        for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
            try:
                os.close(os.open(fifo, flags))
            except OSError:
                pass


@dataclass
class _Channels:
    """The FIFO folder of one test and how the sandboxes see it."""

    sandbox: Sandbox
    tmp: Path
    fifo_dir: Path

    @property
    def bind(self) -> Bind:
        return Bind(self.fifo_dir, "/fifo", writable=True)

    def inside(self, name: str) -> str:
        return f"{self.sandbox.program_path(self.bind)}/{name}"

    def box(self, name: str) -> Path:
        box = self.tmp / name
        box.mkdir()
        return box


def run_communication_test(
    user: Executable,
    manager: Executable,
    test: TaskTest,
    *,
    num_processes: int,
    user_io: str,
    manager_args: list[str],
    limits: RunLimits,
    sandbox: Sandbox,
) -> TestResult:
    if user_io not in ("std_io", "fifo_io"):
        return judge_error(test.name, f"unknown user_io {user_io!r}")
    with tempfile.TemporaryDirectory(prefix="olympicforge-comm-") as tmp:
        channels = _Channels(sandbox, Path(tmp), Path(tmp) / "fifo")
        channels.fifo_dir.mkdir()
        channels.fifo_dir.chmod(0o755)
        for i in range(num_processes):
            for name in (f"u{i}_to_m", f"m_to_u{i}"):
                os.mkfifo(channels.fifo_dir / name)
                os.chmod(channels.fifo_dir / name, 0o666)  # every sandbox uid opens them
        try:
            manager_run = _start_manager(channels, manager, test, num_processes, manager_args, limits)
            users = [_start_user(channels, user, i, num_processes, user_io, limits) for i in range(num_processes)]
            _wait_all(manager_run, users, channels.fifo_dir)
            user_runs = [u.wait() for u in users]
            manager_result = manager_run.wait()
        except SandboxError as exc:
            return judge_error(test.name, str(exc))
        outcome_text = (channels.tmp / "manager.out").read_text(errors="replace")
        message_text = (channels.tmp / "manager.err").read_text(errors="replace")
    return _decide(test.name, user_runs, manager_result, outcome_text, message_text, limits)


def _wait_all(manager, users, fifo_dir: Path) -> None:
    """Wait for every process; when one side has ended and the other still runs
    after a grace period, poke the FIFOs so nobody stays blocked in open()."""
    one_side_done_at = None
    poked = False
    while not (manager.done() and all(u.done() for u in users)):
        if manager.done() or all(u.done() for u in users):
            one_side_done_at = one_side_done_at or time.monotonic()
            if not poked and time.monotonic() - one_side_done_at > MANAGER_GRACE:
                _poke_fifos(fifo_dir)
                poked = True
        time.sleep(0.005)


def _start_manager(channels: _Channels, manager, test, num_processes, manager_args, limits) -> RunningProcess:
    fifo_args = []
    for i in range(num_processes):
        fifo_args += [channels.inside(f"u{i}_to_m"), channels.inside(f"m_to_u{i}")]
    argv, binds = manager.launch(channels.sandbox, (*fifo_args, *manager_args))
    return channels.sandbox.start(
        argv, work_dir=channels.box("manager-box"), limits=manager_limits(limits.cpu_time or 1.0, num_processes),
        stdin=test.input, stdout=channels.tmp / "manager.out", stderr=channels.tmp / "manager.err",
        binds=[*binds, channels.bind],
    )  # fmt: skip


def _start_user(channels: _Channels, user, index, num_processes, user_io, limits) -> RunningProcess:
    index_arg = (str(index),) if num_processes > 1 else ()
    box, stderr = channels.box(f"user{index}-box"), channels.tmp / f"user{index}.err"
    if user_io == "fifo_io":
        fifos = (channels.inside(f"m_to_u{index}"), channels.inside(f"u{index}_to_m"))
        argv, binds = user.launch(channels.sandbox, (*fifos, *index_arg))
        return channels.sandbox.start(argv, work_dir=box, limits=limits, stderr=stderr, binds=[*binds, channels.bind])
    argv, binds = user.launch(channels.sandbox, index_arg)
    return channels.sandbox.start(
        argv, work_dir=box, limits=limits, stdin=channels.fifo_dir / f"m_to_u{index}",
        stdout=channels.fifo_dir / f"u{index}_to_m", stderr=stderr, binds=binds,
    )  # fmt: skip


def _decide(
    name: str, users: list[RunResult], manager: RunResult, outcome_text: str, message_text: str, limits: RunLimits
) -> TestResult:
    cpu = sum(u.cpu_time for u in users)
    result = TestResult(name, Verdict.AC, 0.0, cpu, max(u.wall_time for u in users), max(u.memory for u in users))
    if any(u.status == RunStatus.SANDBOX_ERROR for u in users) or manager.status == RunStatus.SANDBOX_ERROR:
        bad = next(u for u in [*users, manager] if u.status == RunStatus.SANDBOX_ERROR)
        result.verdict, result.message = Verdict.JE, bad.message
        return result
    # A user's own failure (CPU, memory, crash, output) is the user's verdict.
    hard = next((u for u in users if u.status not in (RunStatus.OK, RunStatus.WALL_LIMIT)), None)
    if hard is not None:
        result.verdict, result.message = RUN_STATUS_VERDICT[hard.status], hard.message
        result.exit_code, result.signal = hard.exit_code, hard.signal
        return result
    if manager.status != RunStatus.OK:  # trusted code failed or hung: the judge's problem
        result.verdict = Verdict.JE
        result.message = f"manager failed: {manager.status} {manager.message}; {message_text.strip()[:200]}"
        return result
    blocked = next((u for u in users if u.status == RunStatus.WALL_LIMIT), None)
    if blocked is not None:
        result.verdict, result.message = Verdict.WTLE, blocked.message
        return result
    if limits.cpu_time is not None and cpu > limits.cpu_time:
        result.verdict = Verdict.TLE
        result.message = f"user processes used {cpu:.3f} s of CPU in total, over {limits.cpu_time:g} s"
        return result
    first_line = outcome_text.strip().splitlines()[0] if outcome_text.strip() else ""
    outcome = parse_outcome(first_line)
    message = message_text.strip().splitlines()[0] if message_text.strip() else ""
    if outcome is None:
        result.verdict, result.message = Verdict.JE, f"manager printed no outcome in [0, 1]: {first_line[:80]!r}"
        return result
    result.outcome, result.message = outcome, message
    if message.lower().startswith(PROTOCOL_VIOLATION):
        result.verdict, result.outcome = Verdict.PV, 0.0
    else:
        result.verdict = verdict_for_outcome(outcome)
    return result
