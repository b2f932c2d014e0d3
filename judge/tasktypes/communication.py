"""Communication task type: a trusted manager talks to N user processes over FIFOs.

CMS semantics: one FIFO pair per user (`u{i}_to_m`, `m_to_u{i}`), each pair in
a folder of its own that only that user sees (`/fifo{i}`); the manager sees
every folder and gets `u0_to_m m_to_u0 [u1_to_m m_to_u1 ...] [args]`, the test
input on stdin and as `input.txt`, and prints the outcome like a checker.
Users read/write the FIFOs either as stdin/stdout (`std_io`) or by path
(`fifo_io`), with their index as the last argument only when there are
several. Each user runs under TL/ML; the test fails when the users' CPU times
add up to the TL or more.

Whose fault a failure is: the judge holds both ends of every FIFO itself
until one side has ended, so nobody blocks in open() and nobody sees end of
file or a broken pipe while the other side is still there. When the manager
ends first, the ends are let go at once (the users then see end of file).
When every user has ended, the manager gets a short while to finish on its
own, then the ends are let go under it: a manager that fails in reaction to
that (within a moment) was left alone by the submission, whose fault it is
(never JE, and known in moments, not at the manager's wall limit). A manager
that fails on its own, while the users are there or before it is left alone,
or that runs out of its own time or memory, is the judge's failure (JE), as
CMS never scores a failed manager.

Parameters, in CMS's order: num_processes, compilation (`stub`: the
submission with the package's stub, `alone`: by itself), user_io; then
manager_args, an extension of some exports (extra arguments for the manager).
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from judge.checkers import parse_outcome
from judge.compile import Executable
from judge.paths import read_head
from judge.sandbox import Bind, RunLimits, RunResult, RunStatus, Sandbox, SandboxError
from judge.sandbox.sandbox import RunningProcess
from judge.task import MAX_PROCESSES, TaskTest
from judge.tasktypes.fifos import POKE_EVERY, FifoFolder
from judge.tasktypes.parameters import Choice, Integer, Text
from judge.verdicts import (
    RUN_STATUS_VERDICT,
    TestResult,
    Verdict,
    is_protocol_violation,
    judge_error,
    verdict_for_outcome,
)
from judge.workdir import private_dir

PARAMETERS = (
    Integer("num_processes", default=1, minimum=1, maximum=MAX_PROCESSES),
    Choice("compilation", ("alone", "stub")),
    Choice("user_io", ("std_io", "fifo_io"), default="std_io"),
    Text("manager_args"),
)

JUDGE_FAILURE = "judge failure"  # what CMS managers print when they themselves failed
ALONE_AFTER = 0.5  # seconds the manager may run on after every user ended, before the FIFOs are let go under it
REACTION = 1.0  # seconds after that within which a manager's failure is its reaction to being left alone
OUTPUT_HEAD = 64 << 10  # bytes of the manager's stdout/stderr read back


def manager_limits(time_limit: float, num_processes: int) -> RunLimits:
    """Trusted manager: max(n * (TL + 1), 10) s, generous memory, two descriptors per user."""
    budget = max(num_processes * (time_limit + 1), 10.0)
    return RunLimits(cpu_time=budget, wall_time=budget + 5, memory=4 << 30, processes=16, file_size=256 << 20,
                     open_files=2 * num_processes + 64)  # fmt: skip


@dataclass
class _Channels:
    """The FIFO folders of one test (one per user, see judge.tasktypes.fifos) and the
    users' and manager's work dirs."""

    sandbox: Sandbox
    tmp: Path
    num_processes: int
    folders: list[FifoFolder] = field(default_factory=list)

    def create(self) -> None:
        self.folders = [FifoFolder.create(self.tmp / f"fifo{i}", f"/fifo{i}", (f"u{i}_to_m", f"m_to_u{i}"))
                        for i in range(self.num_processes)]  # fmt: skip

    def folder(self, index: int) -> Path:
        return self.folders[index].path

    def bind(self, index: int) -> Bind:
        return self.folders[index].bind()

    def inside(self, index: int, name: str) -> str:
        return self.folders[index].inside(self.sandbox, name)

    def box(self, name: str) -> Path:
        box = self.tmp / name
        box.mkdir()
        return box

    def hold(self) -> None:
        for folder in self.folders:
            folder.hold()

    def release(self) -> float:
        """Let go of the judge's ends (idempotent); returns when."""
        for folder in self.folders:
            folder.release()
        return time.monotonic()

    def poke(self) -> None:
        for folder in self.folders:
            folder.poke()


@dataclass
class _Ending:
    """How the judge let go of the FIFOs: because the manager had ended, or under a
    manager that every user had left (and when), or never (all ended meanwhile)."""

    manager_ended_first: bool = False
    left_alone_at: float | None = None


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
    with private_dir("olympicforge-comm-") as tmp:
        channels = _Channels(sandbox, tmp, num_processes)
        channels.create()
        channels.hold()
        try:
            manager_run = _start_manager(channels, manager, test, manager_args, limits)
            users = [_start_user(channels, user, i, user_io, limits) for i in range(num_processes)]
            ending = _wait_all(manager_run, users, channels)
            user_runs = [u.wait() for u in users]
            manager_result = manager_run.wait()
        except SandboxError as exc:
            return judge_error(test.name, str(exc))
        finally:
            channels.release()
        outcome_text = read_head(tmp / "manager.out", OUTPUT_HEAD).decode(errors="replace")
        message_text = read_head(tmp / "manager.err", OUTPUT_HEAD).decode(errors="replace")
    return _decide(test.name, user_runs, manager_result, outcome_text, message_text, limits, ending)


def _wait_all(manager: RunningProcess, users: list[RunningProcess], channels: _Channels) -> _Ending:
    """Wait for every process, letting go of the FIFOs when one side has ended."""
    ending = _Ending()
    users_done_at: float | None = None
    holding = True
    last_poke = 0.0
    while not (manager.done() and all(u.done() for u in users)):
        if not holding and time.monotonic() - last_poke > POKE_EVERY:
            channels.poke()
            last_poke = time.monotonic()
        if holding and manager.done():
            ending.manager_ended_first = True
            channels.release()
            holding = False
        elif holding and all(u.done() for u in users):
            users_done_at = users_done_at or time.monotonic()
            if time.monotonic() - users_done_at > ALONE_AFTER:
                ending.left_alone_at = channels.release()
                holding = False
        time.sleep(0.005)
    return ending


def _start_manager(channels: _Channels, manager, test, manager_args, limits) -> RunningProcess:
    fifo_args = []
    for i in range(channels.num_processes):
        fifo_args += [channels.inside(i, f"u{i}_to_m"), channels.inside(i, f"m_to_u{i}")]
    argv, binds = manager.launch(channels.sandbox, (*fifo_args, *manager_args))
    box = channels.box("manager-box")
    (box / "input.txt").write_bytes(test.input.read_bytes())  # CMS managers may read either
    (box / "input.txt").chmod(0o644)
    return channels.sandbox.start(
        argv, work_dir=box, limits=manager_limits(limits.cpu_time or 1.0, channels.num_processes),
        stdin=test.input, stdout=channels.tmp / "manager.out", stderr=channels.tmp / "manager.err",
        binds=[*binds, *(channels.bind(i) for i in range(channels.num_processes))],
    )  # fmt: skip


def _start_user(channels: _Channels, user, index, user_io, limits) -> RunningProcess:
    index_arg = (str(index),) if channels.num_processes > 1 else ()
    box, stderr = channels.box(f"user{index}-box"), channels.tmp / f"user{index}.err"
    if user_io == "fifo_io":
        fifos = (channels.inside(index, f"m_to_u{index}"), channels.inside(index, f"u{index}_to_m"))
        argv, binds = user.launch(channels.sandbox, (*fifos, *index_arg))
        return channels.sandbox.start(argv, work_dir=box, limits=limits, stderr=stderr,
                                      binds=[*binds, channels.bind(index)])  # fmt: skip
    argv, binds = user.launch(channels.sandbox, index_arg)
    return channels.sandbox.start(
        argv, work_dir=box, limits=limits, stdin=channels.folder(index) / f"m_to_u{index}",
        stdout=channels.folder(index) / f"u{index}_to_m", stderr=stderr, binds=binds,
    )  # fmt: skip


def _manager_failed(manager: RunResult, message: str, outcome: float | None) -> str | None:
    """Why the manager's own answer cannot be used, or None when it can."""
    if manager.status != RunStatus.OK:
        return f"{manager.status} {manager.message}"
    if message.lower().startswith(JUDGE_FAILURE):
        return message
    if outcome is None:
        return "it printed no outcome in [0, 1]"
    return None


def _broken_pipe(run: RunResult) -> bool:
    return run.status == RunStatus.RUNTIME_ERROR and run.signal == signal.SIGPIPE


def _decide(
    name: str,
    users: list[RunResult],
    manager: RunResult,
    outcome_text: str,
    message_text: str,
    limits: RunLimits,
    ending: _Ending,
) -> TestResult:
    cpu = sum(u.cpu_time for u in users)
    left = ending.left_alone_at
    # it ended (as its launcher timed it) after being left alone, and soon enough to be a reaction to it
    reacted = left is not None and left <= manager.ended_at <= left + REACTION
    result = TestResult(name, Verdict.AC, 0.0, cpu, max(u.wall_time for u in users), max(u.memory for u in users))
    bad = next((r for r in [*users, manager] if r.status == RunStatus.SANDBOX_ERROR), None)
    if bad is not None:
        result.verdict, result.message = Verdict.JE, bad.message
        return result
    first_line = outcome_text.strip().splitlines()[0] if outcome_text.strip() else ""
    message = message_text.strip().splitlines()[0] if message_text.strip() else ""
    outcome = parse_outcome(first_line)
    failure = _manager_failed(manager, message, outcome)
    own_limits = manager.status in (RunStatus.TIME_LIMIT, RunStatus.WALL_LIMIT, RunStatus.MEMORY_LIMIT)
    if failure is not None and (own_limits or not reacted):
        result.verdict = Verdict.JE
        result.message = f"manager failed: {failure}; {message_text.strip()[:200]}"
        return result
    # A user's own failure (CPU, memory, crash, output) is the user's verdict; a broken
    # pipe after the manager had already ended is only the echo of that ending.
    hard = next((u for u in users if u.status not in (RunStatus.OK, RunStatus.WALL_LIMIT)
                 and not (_broken_pipe(u) and ending.manager_ended_first)), None)  # fmt: skip
    if hard is not None:
        result.verdict, result.message = RUN_STATUS_VERDICT[hard.status], hard.message
        result.exit_code, result.signal = hard.exit_code, hard.signal
        return result
    blocked = next((u for u in users if u.status == RunStatus.WALL_LIMIT), None)
    if blocked is not None:
        result.verdict, result.message = Verdict.WTLE, blocked.message
        return result
    if limits.cpu_time is not None and cpu >= limits.cpu_time:
        result.verdict = Verdict.TLE
        result.message = f"user processes used {cpu:.3f} s of CPU in total, at least {limits.cpu_time:g} s"
        return result
    if failure is not None:  # the users left the manager without an answer
        result.verdict = Verdict.WA
        result.message = f"the user processes ended before the manager had an answer (manager: {failure})"
        return result
    result.outcome, result.message = outcome, message
    if is_protocol_violation(message):
        result.outcome = 0.0
    result.verdict = verdict_for_outcome(result.outcome, message)
    return result
