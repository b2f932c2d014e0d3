"""Judge one submission on a set of tests: compile once, run tests in parallel.

This is the Python API behind `olympicforge judge run`; it returns plain
dataclasses so callers (builders, rewards, the benchmark) need no CLI.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from judge.checkers import Checker, WhiteDiff, comparator
from judge.compile import Compiler, CompileResult, Language, SourceFile, parse_language
from judge.contention import run_confirmed
from judge.sandbox import RunLimits
from judge.tasktypes.batch import BatchIO, run_batch_test
from judge.testset import TestCase
from judge.verdicts import TestResult, Verdict, judge_error
from judge.workdir import private_dir

log = logging.getLogger(__name__)


@dataclass
class SubmissionResult:
    backend: str
    compile: CompileResult
    tests: list[TestResult] = field(default_factory=list)
    low_fidelity: bool = False

    @property
    def verdict_counts(self) -> Counter:
        return Counter(str(t.verdict) for t in self.tests)

    @property
    def passed(self) -> int:
        return sum(t.verdict == Verdict.AC for t in self.tests)

    @property
    def verdict(self) -> Verdict:
        """Codeforces-style overall verdict: CE, else the first non-AC test's, else AC."""
        if not self.compile.ok:
            return Verdict.JE if self.compile.status == "JE" else Verdict.CE
        return next((t.verdict for t in self.tests if t.verdict != Verdict.AC), Verdict.AC)

    @property
    def has_judge_error(self) -> bool:
        return self.compile.status == "JE" or any(t.verdict == Verdict.JE for t in self.tests)

    def to_dict(self) -> dict:
        return {
            "backend": self.backend,
            "low_fidelity": self.low_fidelity,
            "verdict": str(self.verdict),
            "compile": self.compile.to_dict(),
            "tests": [t.to_dict() for t in self.tests],
        }


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def run_tests_parallel(run_one, tests: list[TestCase], workers: int, progress=None, *,
                       confirm_time_limits: bool = True) -> list[TestResult]:  # fmt: skip
    """Run `run_one(test)` over tests on a thread pool (each run is its own process),
    keeping the tests' order; a crash inside the judge becomes that test's JE; a
    time-limit verdict reached beside other runs is confirmed alone (judge.contention)."""

    def guarded(test: TestCase) -> TestResult:
        try:
            return run_confirmed(lambda: run_one(test), lambda r: r.verdict, confirm=confirm_time_limits)
        except Exception as exc:  # the judge's own failure, reported, never scored
            log.exception("judging %s failed", test.name)
            return judge_error(test.name, f"judge failure: {exc}")

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = []
        for result in pool.map(guarded, tests):
            results.append(result)
            if progress is not None:
                progress(result)
        return results


def judge_submission(
    source: str | Path,
    tests: list[TestCase],
    *,
    limits: RunLimits | None = None,
    checker: Checker | None = None,
    io: BatchIO | None = None,
    grader_files: list[Path] | None = None,
    compiler: Compiler | None = None,
    flags: tuple[str, ...] | None = None,
    workers: int | None = None,
    progress=None,
    std: str | None = None,
) -> SubmissionResult:
    """Compile `source` (with grader files, if any) once and judge it on every test.
    `std`: the C++ standard (`c++11` ... `c++20`), replacing the flags' `-std=`."""
    compiler = compiler or Compiler()
    sandbox = compiler.sandbox
    source = Path(source)
    files = [SourceFile.read(source), *(SourceFile.read(p) for p in grader_files or [])]
    if Language.of(source) == Language.PYTHON:  # a Python grader is the program, the source a module of it
        files.sort(key=lambda f: f.name == source.name or not f.name.endswith(".py"))
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise ValueError(f"{source}: file names clash with the grader files: {names}")
    compiled = compiler.compile(files, Language.of(source), flags=flags, std=std)
    result = SubmissionResult(sandbox.info.name, compiled, low_fidelity=sandbox.info.low_fidelity)
    if not compiled.ok:
        return result
    assert compiled.executable is not None
    limits = limits or RunLimits()
    checker = checker or WhiteDiff()
    io = io or BatchIO()
    result.tests = run_tests_parallel(
        lambda test: run_batch_test(compiled.executable, test, limits, checker, sandbox, io),
        tests,
        workers or default_workers(),
        progress,
    )
    return result


def judge_on_pairs(code: str, language: str, pairs: list[dict], time_limit: float, memory_limit_mb: float,
                   compiler: Compiler | None = None, std: str | None = None) -> SubmissionResult:  # fmt: skip
    """Judge code on in-memory {input, output} pairs (Codeforces rows: examples, official
    tests) with token comparison, as Codeforces checkers mostly do. `language`: cpp | c |
    python (or a name carrying a standard, `cpp20`); `std` overrides that standard."""
    kind, named_std = parse_language(language)
    with private_dir("olympicforge-pairs-") as folder:
        source = folder / f"sol{kind.suffix}"
        source.write_text(code)
        tests = []
        for number, pair in enumerate(pairs, 1):
            (folder / f"{number}.in").write_text(pair["input"])
            (folder / f"{number}.out").write_text(pair["output"])
            tests.append(TestCase(str(number), folder / f"{number}.in", folder / f"{number}.out"))
        limits = RunLimits(cpu_time=float(time_limit), memory=int(memory_limit_mb * 2**20))
        return judge_submission(source, tests, limits=limits, checker=comparator("tokens"), compiler=compiler,
                                workers=1, std=std or named_std)  # fmt: skip
