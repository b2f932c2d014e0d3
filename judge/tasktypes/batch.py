"""Batch task type: run the program on one test (stdio or file I/O), then check it.

Parameters, in CMS's order: compilation (`alone`: the submission by itself,
`grader`: with the package's grader), io ([input file, output file], "" for
stdin/stdout), output_eval (`diff`: white diff, `comparator`: the package's
checker).
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from judge.checkers import Checker
from judge.compile import Executable
from judge.names import check_name
from judge.sandbox import RunLimits, RunResult, RunStatus, Sandbox, SandboxError
from judge.tasktypes.parameters import Choice, Collection, Text
from judge.testset import TestCase
from judge.verdicts import RUN_STATUS_VERDICT, TestResult, Verdict, judge_error
from judge.workdir import private_dir

COMPILATION = Choice("compilation", ("alone", "grader"))
IO = Collection("io", (Text("inputfile"), Text("outputfile")))
OUTPUT_EVAL = Choice("output_eval", ("diff", "comparator"))
PARAMETERS = (COMPILATION, IO, OUTPUT_EVAL)


@dataclass(frozen=True)
class BatchIO:
    """Where the program reads and writes: a named file in its work dir, or "" for
    stdin/stdout (each side on its own, as CMS's io parameter allows)."""

    input_file: str = ""
    output_file: str = ""

    def __post_init__(self) -> None:
        for name, what in ((self.input_file, "input file name"), (self.output_file, "output file name")):
            if name:
                check_name(name, "file I/O", what)  # each becomes a path in the work dir
        if self.input_file and self.input_file == self.output_file:
            raise ValueError(f"file I/O: input and output are the same file {self.input_file!r}")

    @classmethod
    def files(cls, input_file: str = "input.txt", output_file: str = "output.txt") -> BatchIO:
        return cls(input_file, output_file)


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
        if io.input_file:
            shutil.copyfile(test.input, box / io.input_file)
            (box / io.input_file).chmod(0o644)
            stdin = None
        if io.output_file:
            writable = (io.output_file,)
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
        if io.output_file:
            output = tmp_path / "output"
            if not _safe_copy_out(box, io.output_file, output):
                result.verdict, result.message = Verdict.WA, f"output file {io.output_file} was not written"
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
