"""Judge one submission on a set of tests: compile once, run tests in parallel.

This is the Python API behind `olympicforge judge run`; it returns plain
dataclasses so callers (builders, rewards, the benchmark) need no CLI.
"""

from __future__ import annotations

import logging
import math
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from judge.checkers import Checker, WhiteDiff
from judge.compile import Compiler, CompileResult, Language, SourceFile
from judge.contention import judge_test
from judge.sandbox import RunLimits
from judge.tasktypes.batch import BatchIO, run_batch_test
from judge.testset import TestCase
from judge.verdicts import TestResult, Verdict

log = logging.getLogger(__name__)


@dataclass
class SubmissionResult:
    backend: str
    compile: CompileResult
    tests: list[TestResult] = field(default_factory=list)
    low_fidelity: bool = False
    stopped_early: bool = False  # judging stopped after a failing batch: `tests` is not the whole suite

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
    """Tests judged at once by default: the cores this process may use, never more
    (more runs than cores starve each other of CPU and turn into reruns)."""
    return usable_cores()


def usable_cores(cgroup_root: Path = Path("/sys/fs/cgroup"), proc_cgroup: Path = Path("/proc/self/cgroup")) -> int:
    """CPUs in this process's affinity mask, capped by its cgroup's CPU quota (a
    container given 2 CPUs of a 64-core host may use 2), at least 1."""
    cores = len(os.sched_getaffinity(0))
    quota = _cgroup_cpu_quota(cgroup_root, proc_cgroup)
    if quota is not None:
        cores = min(cores, max(1, math.ceil(quota)))
    return max(1, cores)


def _cgroup_cpu_quota(cgroup_root: Path, proc_cgroup: Path) -> float | None:
    """CPUs' worth of quota of this process's cgroup (v2 `cpu.max`, v1
    `cpu.cfs_quota_us / cpu.cfs_period_us`), or None when unlimited or unknown."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        relative = path.lstrip("/")
        try:
            if controllers == "":
                quota, period = (cgroup_root / relative / "cpu.max").read_text().split()
                return None if quota == "max" else int(quota) / int(period)
            if "cpu" in controllers.split(","):
                folder = cgroup_root / controllers / relative
                if not folder.is_dir():
                    folder = cgroup_root / "cpu" / relative
                quota = int((folder / "cpu.cfs_quota_us").read_text())
                return None if quota < 0 else quota / int((folder / "cpu.cfs_period_us").read_text())
        except (OSError, ValueError):
            continue
    return None


def run_tests_parallel(run_one, tests: list[TestCase], workers: int, progress=None, *,
                       confirm_time_limits: bool = True) -> list[TestResult]:  # fmt: skip
    """Run `run_one(test)` over tests on a thread pool (each run is its own process),
    keeping the tests' order; a crash inside the judge becomes that test's JE; a
    time-limit verdict reached beside other runs is confirmed alone (judge.contention)."""

    def guarded(test: TestCase) -> TestResult:
        return judge_test(lambda: run_one(test), test.name, confirm=confirm_time_limits)

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
