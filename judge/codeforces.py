"""Judge a Codeforces submission on a full test suite, as the anchor's rewards do.

Tests come as an iterable (official tests, then generated ones read lazily from
the per-contest parquet files, see judge.cftests), and are written to disk one
batch at a time, so a suite of any size is judged in bounded memory and disk.
The output is checked by the problem's checker (a model-written Python
`checker.py`, run in the sandbox like any untrusted program) or by token
comparison; file-I/O problems read `input.txt` and write `output.txt`. With a
batch size, judging stops after the first batch holding a failure: a pass/fail
reward is already known to be 0, and the rest of a long suite is not paid for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from judge.checkers import Checker, ExternalChecker, comparator
from judge.compile import Compiler, Language, SourceFile, parse_language
from judge.contention import judge_test
from judge.evaluate import SubmissionResult
from judge.sandbox import RunLimits
from judge.tasktypes.batch import BatchIO, run_batch_test
from judge.testset import TestCase
from judge.verdicts import Verdict
from judge.workdir import private_dir

INPUT_MODES = ("stdio", "file")


@dataclass(frozen=True)
class CodeforcesLimits:
    """How a Codeforces problem judges: its limits, its I/O and its checker."""

    time_limit: float  # seconds
    memory_limit_mb: float
    input_mode: str = "stdio"  # stdio | file (input.txt -> output.txt)
    checker: str | None = None  # a Python checker's source (`generated_checker`), else token comparison

    def __post_init__(self) -> None:
        if self.input_mode not in INPUT_MODES:
            raise ValueError(f"input_mode {self.input_mode!r}: use one of {', '.join(INPUT_MODES)}")

    @property
    def run_limits(self) -> RunLimits:
        return RunLimits(cpu_time=float(self.time_limit), memory=int(self.memory_limit_mb * 2**20))

    @property
    def io(self) -> BatchIO:
        return BatchIO.files("input.txt", "output.txt") if self.input_mode == "file" else BatchIO()


def python_checker(source: str, compiler: Compiler) -> Checker:
    """A generated `checker.py`, run in the sandbox as `checker.py input answer output`."""
    compiled = compiler.compile([SourceFile("checker.py", source.encode())], Language.PYTHON)
    if not compiled.ok:
        raise ValueError(f"the problem's checker does not compile:\n{compiled.message[:2000]}")
    assert compiled.executable is not None
    return ExternalChecker(compiled.executable, "python", compiler.sandbox)


def batches(tests: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(tests)
    while batch := list(islice(iterator, size)):
        yield batch


def judge_codeforces(code: str, language: str | Language, tests: Iterable[dict], limits: CodeforcesLimits, *,
                     compiler: Compiler | None = None, batch_size: int | None = None,
                     std: str | None = None) -> SubmissionResult:  # fmt: skip
    """Compile once, then judge test after test (in batches when `batch_size`), stopping
    after a batch with a failure when `batch_size` is given. `result.tests` holds
    what was judged; a suite with no test at all is the caller's error. `language`: c,
    cpp, python, or a name carrying a C++ standard (`cpp20`); `std` overrides that."""
    compiler = compiler or Compiler()
    kind, named_std = (language, None) if isinstance(language, Language) else parse_language(language)
    source = SourceFile(f"sol{kind.suffix}", code.encode())
    compiled = compiler.compile([source], kind, std=std or named_std)
    result = SubmissionResult(compiler.sandbox.info.name, compiled, low_fidelity=compiler.sandbox.info.low_fidelity)
    if not compiled.ok:
        return result
    assert compiled.executable is not None
    checker = python_checker(limits.checker, compiler) if limits.checker else comparator("tokens")
    judged = 0
    for batch in batches(tests, batch_size or 256):
        with private_dir("olympicforge-cf-") as folder:
            for offset, pair in enumerate(batch, judged + 1):
                (folder / f"{offset}.in").write_text(pair["input"])
                (folder / f"{offset}.out").write_text(pair["output"])
                case = TestCase(str(offset), folder / f"{offset}.in", folder / f"{offset}.out")
                result.tests.append(
                    judge_test(
                        lambda case=case: run_batch_test(
                            compiled.executable, case, limits.run_limits, checker, compiler.sandbox, limits.io
                        ),
                        case.name,
                    )
                )
        judged += len(batch)
        if batch_size and any(t.verdict != Verdict.AC for t in result.tests[-len(batch) :]):
            result.stopped_early = True
            break
    if not judged:
        raise ValueError("no tests to judge on")
    return result


def judge_on_pairs(code: str, language: str, pairs: list[dict], time_limit: float, memory_limit_mb: float,
                   compiler: Compiler | None = None, std: str | None = None) -> SubmissionResult:  # fmt: skip
    """Judge code on in-memory {input, output} pairs (examples, official tests) on stdio
    with token comparison, as Codeforces checkers mostly do."""
    return judge_codeforces(code, language, pairs, CodeforcesLimits(time_limit, memory_limit_mb), compiler=compiler,
                            std=std)  # fmt: skip
