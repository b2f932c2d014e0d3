"""How good a suite is, measured on labelled submissions: the share of accepted ones it
passes (TPR) and of rejected ones it fails (TNR), beside the TNR of the examples alone.

Each submission is judged by our judge on the examples and on the suite (examples
first), stopping at the first failing batch: a pass/fail is all that is needed. A
submission that does not compile here (another compiler, another language version)
tells nothing about the tests and is counted apart, as is one the judge failed on.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from builders.codeforces.synth.labelled import ACCEPTED, REJECTED, Labelled
from judge.codeforces import CodeforcesLimits, judge_codeforces
from judge.compile import Compiler
from judge.verdicts import Verdict

log = logging.getLogger(__name__)
DEFAULT_MIN_TNR = 0.9
QUALITY_BATCH = 4  # tests judged between early-stop checks


@dataclass
class TestsQuality:
    """A suite's measured quality; `tpr`/`tnr` are None when nothing of that label was judged."""

    __test__ = False

    tests: int = 0
    accepted: int = 0  # accepted submissions judged
    accepted_passed: int = 0
    rejected: int = 0  # rejected submissions judged
    rejected_failed: int = 0  # ... that the suite fails
    examples_rejected_failed: int = 0  # ... that the examples alone fail
    not_compiled: int = 0  # labelled submissions that do not compile here (not counted)
    min_tnr: float = DEFAULT_MIN_TNR
    escaped: list[str] = field(default_factory=list)  # sources of rejected submissions the suite passes
    refused: list[str] = field(default_factory=list)  # sources of accepted submissions the suite fails

    @property
    def tpr(self) -> float | None:
        return self.accepted_passed / self.accepted if self.accepted else None

    @property
    def tnr(self) -> float | None:
        return self.rejected_failed / self.rejected if self.rejected else None

    @property
    def examples_tnr(self) -> float | None:
        return self.examples_rejected_failed / self.rejected if self.rejected else None

    @property
    def verifiable(self) -> bool:
        """Every accepted submission passes and enough rejected ones fail; unmeasured is not verifiable."""
        return self.tpr == 1.0 and self.tnr is not None and self.tnr >= self.min_tnr

    def to_row(self) -> dict:
        """The `tests_quality` column of the `codeforces` dataset."""
        return {"source": "synthesized", "tests": self.tests, "tpr": self.tpr, "tnr": self.tnr,
                "examples_tnr": self.examples_tnr, "accepted": self.accepted, "accepted_passed": self.accepted_passed,
                "rejected": self.rejected, "rejected_failed": self.rejected_failed,
                "examples_rejected_failed": self.examples_rejected_failed, "not_compiled": self.not_compiled,
                "min_tnr": self.min_tnr, "verifiable": self.verifiable}  # fmt: skip


class QualityJudgeError(RuntimeError):
    """The judge failed on a labelled submission: the measurement is redone next run."""


def measure(row: dict, suite: Collection[dict], checker: str | None, labelled: list[Labelled],
            compiler: Compiler, min_tnr: float = DEFAULT_MIN_TNR) -> TestsQuality:  # fmt: skip
    """Judge every labelled submission of `row` on its examples and on `suite` ({input, output}
    pairs, examples first, read anew on each pass: see select.SuitePairs)."""
    limits = CodeforcesLimits(row["time_limit"], row["memory_limit"], "stdio", checker)
    quality = TestsQuality(min_tnr=min_tnr)
    quality.tests = len(suite)
    for submission in labelled:
        if submission.verdict not in ACCEPTED | REJECTED:
            continue
        on_suite = _passes(submission, suite, limits, compiler)
        if on_suite is None:
            quality.not_compiled += 1
            continue
        if submission.accepted:
            quality.accepted += 1
            quality.accepted_passed += on_suite
            if not on_suite:
                quality.refused.append(submission.source)
            continue
        quality.rejected += 1
        quality.rejected_failed += not on_suite
        if on_suite:
            quality.escaped.append(submission.source)
        quality.examples_rejected_failed += not _passes(submission, row["examples"], limits, compiler)
    return quality


def _passes(submission: Labelled, tests: Iterable[dict], limits: CodeforcesLimits, compiler: Compiler) -> bool | None:
    """Whether the submission passes every test; None when it does not compile here."""
    result = judge_codeforces(submission.code, submission.language, tests, limits, compiler=compiler,
                              batch_size=QUALITY_BATCH)  # fmt: skip
    if not result.compile.ok:
        return None
    if any(t.verdict == Verdict.JE for t in result.tests):
        raise QualityJudgeError(f"{submission.problem_id}: the judge failed on {submission.source or 'a submission'}")
    return all(t.verdict == Verdict.AC for t in result.tests)
