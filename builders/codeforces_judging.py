"""Judge code on a Codeforces row's input/output pairs (examples or official tests).

Shared by the `codeforces` builder (is a known-correct solution accepted on the
examples?) and the `codeforces-cots` builder (does a model's trace pass?).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from judge.checkers import comparator
from judge.compiler import Compiler
from judge.evaluate import SubmissionResult, judge_submission
from judge.sandbox import RunLimits
from judge.testset import TestCase

SUFFIXES = {"cpp": ".cpp", "python": ".py"}


def language_of(codeforces_language: str) -> str:
    """Our language name for a Codeforces one ("GNU C++17" -> cpp, "PyPy 3" -> python)."""
    return "python" if "Py" in codeforces_language else "cpp"


def judge_on_pairs(code: str, language: str, pairs: list[dict], time_limit: float, memory_limit_mb: float,
                   compiler: Compiler) -> SubmissionResult:  # fmt: skip
    """Compile once and run every pair (token comparison, as Codeforces checkers mostly do)."""
    with tempfile.TemporaryDirectory(prefix="olympicforge-cf-") as tmp:
        folder = Path(tmp)
        source = folder / f"sol{SUFFIXES[language]}"
        source.write_text(code)
        tests = []
        for number, pair in enumerate(pairs, 1):
            (folder / f"{number}.in").write_text(pair["input"])
            (folder / f"{number}.out").write_text(pair["output"])
            tests.append(TestCase(str(number), folder / f"{number}.in", folder / f"{number}.out"))
        limits = RunLimits(cpu_time=float(time_limit), memory=int(memory_limit_mb * 2**20))
        return judge_submission(source, tests, limits=limits, checker=comparator("tokens"), compiler=compiler,
                                workers=1)  # fmt: skip
