"""TwoSteps task type (CMS): one program run twice at once, its halves talking
through one FIFO.

CMS semantics (`cms/grading/tasktypes/TwoSteps.py`): the submission is compiled
with the package's manager (`manager.cpp` and the headers) into one program.
Each test runs it twice concurrently, each run in a sandbox of its own under the
task's time and memory limits (each run on its own, never their sum):

- first step: `prog 0 /fifo/fifo`, the test input on stdin (and as `input.txt`
  in its work dir), its stdout thrown away;
- second step: `prog 1 /fifo/fifo`, nothing on stdin, its stdout the output,
  which is checked by white diff or the package's checker (output_eval).

The manager opens the FIFO by the path it is given; the folder holding it is
the only thing the two sandboxes share, and neither may create files there.

Whose fault: the manager is compiled into the submission, so a failure of
either step is the submission's 0, never JE (only the sandbox's own failure
is). When both steps failed, the verdict names the one that failed first, whose
end is usually why the other failed (CMS names the first step's). As CMS merges
concurrent runs, the time and memory reported are the sum of both steps, the
wall time the longer one.

Nobody waits on a partner that failed: once a step has failed (its 0 is
settled) the judge pokes the FIFO, so the other is not left blocked in open()
until its wall limit. A step that ended well is not followed by pokes: its
partner then meets the FIFO as it would under CMS.

Parameters, in CMS's order: output_eval.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from judge.checkers import Checker
from judge.compile import Executable
from judge.sandbox import RunLimits, RunResult, RunStatus, Sandbox, SandboxError
from judge.sandbox.sandbox import RunningProcess
from judge.task import TaskTest
from judge.tasktypes.batch import OUTPUT_EVAL
from judge.tasktypes.fifos import POKE_EVERY, FifoFolder
from judge.verdicts import RUN_STATUS_VERDICT, TestResult, Verdict, judge_error
from judge.workdir import private_dir

PARAMETERS = (OUTPUT_EVAL,)

FIFO = "fifo"
STEPS = ("first step", "second step")


def run_two_steps_test(
    program: Executable, test: TaskTest, limits: RunLimits, checker: Checker, sandbox: Sandbox
) -> TestResult:
    with private_dir("olympicforge-twosteps-") as tmp:
        fifo = FifoFolder.create(tmp / "fifo", "/fifo", (FIFO,), writable=False)
        output = tmp / "output"
        started: list[RunningProcess] = []
        try:
            for step in (0, 1):
                started.append(_start(program, step, fifo, test, tmp, output, limits, sandbox))
            runs = _wait(started, fifo)
        except SandboxError as exc:
            _abandon(started, fifo)
            return judge_error(test.name, str(exc))
        result = _merge(test.name, runs)
        if result.verdict == Verdict.AC:  # both steps ended well: check what the second printed
            output.chmod(0o644)
            checked = checker.check(test.input, test.answer, output)
            result.verdict, result.outcome, result.message = checked.verdict, checked.outcome, checked.message
    return result


def _start(program: Executable, step: int, fifo: FifoFolder, test: TaskTest, tmp: Path, output: Path,
           limits: RunLimits, sandbox: Sandbox) -> RunningProcess:  # fmt: skip
    box = tmp / f"step{step}-box"
    box.mkdir()
    if step == 0:
        shutil.copyfile(test.input, box / "input.txt")
        (box / "input.txt").chmod(0o644)
    argv, binds = program.launch(sandbox, (str(step), fifo.inside(sandbox, FIFO)))
    return sandbox.start(
        argv, work_dir=box, limits=limits, stdin=test.input if step == 0 else None,
        stdout=output if step == 1 else None, stderr=tmp / f"step{step}.err", binds=[*binds, fifo.bind()],
    )  # fmt: skip


def _wait(runs: list[RunningProcess], fifo: FifoFolder) -> list[RunResult]:
    """Both results, poking the FIFO from the moment one step has failed."""
    ended: dict[int, RunResult] = {}
    failed, last_poke = False, 0.0
    while len(ended) < len(runs):
        for index, run in enumerate(runs):
            if index not in ended and run.done():
                ended[index] = run.wait()
                failed = failed or ended[index].status != RunStatus.OK
        if failed and time.monotonic() - last_poke > POKE_EVERY:
            fifo.poke()
            last_poke = time.monotonic()
        time.sleep(0.005)
    return [ended[index] for index in range(len(runs))]


def _abandon(started: list[RunningProcess], fifo: FifoFolder) -> None:
    """After a failed start: release and reap the step already running (the judge's failure)."""
    while not all(run.done() for run in started):
        fifo.poke()
        time.sleep(POKE_EVERY)
    for run in started:
        try:
            run.wait()
        except SandboxError:
            pass


def _merge(name: str, runs: list[RunResult]) -> TestResult:
    result = TestResult(name, Verdict.AC, 0.0, sum(r.cpu_time for r in runs), max(r.wall_time for r in runs),
                        sum(r.memory for r in runs))  # fmt: skip
    broken = next((r for r in runs if r.status == RunStatus.SANDBOX_ERROR), None)
    if broken is not None:
        result.verdict, result.message = Verdict.JE, broken.message
        return result
    failed = sorted((i for i, r in enumerate(runs) if r.status != RunStatus.OK), key=lambda i: runs[i].ended_at)
    if failed:  # sorted() is stable: on a tie, the first step
        run = runs[failed[0]]
        result.verdict, result.message = RUN_STATUS_VERDICT[run.status], f"{STEPS[failed[0]]}: {run.message}"
        result.exit_code, result.signal = run.exit_code, run.signal
    return result
