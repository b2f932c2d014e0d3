"""Batch task type: run the program on one test (stdio or file I/O), then check it."""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from judge.checkers import Checker
from judge.compile import Executable
from judge.names import check_name
from judge.sandbox import RunLimits, RunResult, RunStatus, Sandbox, SandboxError
from judge.testset import TestCase
from judge.verdicts import RUN_STATUS_VERDICT, Verdict
from judge.workdir import private_dir


@dataclass(frozen=True)
class BatchIO:
    """How the program reads and writes: stdin/stdout, or named files in its work dir."""

    mode: str = "stdio"  # "stdio" | "file"
    input_name: str = "input.txt"
    output_name: str = "output.txt"

    def __post_init__(self) -> None:
        if self.mode not in ("stdio", "file"):
            raise ValueError(f"unknown I/O mode {self.mode!r}: use stdio or file")
        check_name(self.input_name, "file I/O", "input file name")  # both become paths in the work dir
        check_name(self.output_name, "file I/O", "output file name")
        if self.input_name == self.output_name:
            raise ValueError(f"file I/O: input and output are the same file {self.input_name!r}")


@dataclass
class TestResult:
    __test__ = False  # not a pytest class

    name: str
    verdict: Verdict
    outcome: float  # in [0, 1]
    time: float  # CPU seconds
    wall_time: float
    memory: int  # bytes
    message: str = ""
    exit_code: int | None = None
    signal: int | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["verdict"] = str(self.verdict)
        return data


def judge_error(name: str, message: str) -> TestResult:
    return TestResult(name, Verdict.JE, 0.0, 0.0, 0.0, 0, message)


def _safe_copy_out(box: Path, name: str, target: Path) -> bool:
    """Copy the program's output file without following links it may have planted."""
    try:  # O_NONBLOCK: a FIFO planted as the output file must not hang the judge
        fd = os.open(box / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as src:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        with target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    target.chmod(0o644)
    return True


def run_batch_test(
    executable: Executable,
    test: TestCase,
    limits: RunLimits,
    checker: Checker,
    sandbox: Sandbox,
    io: BatchIO = BatchIO(),
) -> TestResult:
    """Run one test in a fresh private work dir; the answer file never enters it.
    The work dir is read-only for the program except its output file (file I/O)."""
    with private_dir("olympicforge-run-") as tmp_path:
        box = tmp_path / "box"
        box.mkdir()
        stdout, stderr = tmp_path / "stdout", tmp_path / "stderr"
        stdin = test.input
        writable: tuple[str, ...] = ()
        if io.mode == "file":
            shutil.copyfile(test.input, box / io.input_name)
            (box / io.input_name).chmod(0o644)
            stdin, writable = None, (io.output_name,)
        argv, binds = executable.launch(sandbox)
        try:
            run = sandbox.run(argv, work_dir=box, limits=limits, stdin=stdin, stdout=stdout, stderr=stderr,
                              binds=binds, writable=writable)  # fmt: skip
        except SandboxError as exc:
            return judge_error(test.name, str(exc))
        result = _from_run(test.name, run)
        if run.status != RunStatus.OK:
            return result
        output = stdout
        if io.mode == "file":
            output = tmp_path / "output"
            if not _safe_copy_out(box, io.output_name, output):
                result.verdict, result.message = Verdict.WA, f"output file {io.output_name} was not written"
                return result
        output.chmod(0o644)
        checked = checker.check(test.input, test.answer, output)
        result.verdict, result.outcome, result.message = checked.verdict, checked.outcome, checked.message
        return result


def _from_run(name: str, run: RunResult) -> TestResult:
    verdict = RUN_STATUS_VERDICT.get(run.status, Verdict.AC)
    return TestResult(
        name=name, verdict=verdict, outcome=0.0, time=run.cpu_time, wall_time=run.wall_time,
        memory=run.memory, message=run.message, exit_code=run.exit_code, signal=run.signal,
    )  # fmt: skip
