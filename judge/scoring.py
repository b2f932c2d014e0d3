"""From test outcomes to subtask and task scores, IOI style.

The task's score type (judge.scoretypes: GroupMin, GroupMul, GroupThreshold,
Sum) gives each subtask its fraction of the points. Precision applies to
display only. A judge error makes the score unknown (None), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from judge.compile import CompileResult
from judge.scoretypes import SCORE_RULES
from judge.task import ScoreType, Subtask
from judge.verdicts import TestResult, Verdict


def skipped(name: str) -> TestResult:
    return TestResult(name, Verdict.SKIPPED, 0.0, 0.0, 0.0, 0, "not run: an earlier test of the subtask scored 0")


@dataclass
class SubtaskResult:
    name: str
    points: float
    score: float  # fraction in [0, 1]
    status: str  # AC, PA, the first failing verdict, CE, or JE
    tests: list[TestResult] = field(default_factory=list)

    @property
    def weighted_score(self) -> float:
        return self.score * self.points

    def to_dict(self) -> dict:
        return {"name": self.name, "points": self.points, "score": self.score, "weighted_score": self.weighted_score,
                "status": self.status, "tests": [t.to_dict() for t in self.tests]}  # fmt: skip


def score_subtask(subtask: Subtask, tests: list[TestResult], score_type: ScoreType) -> SubtaskResult:
    """Status: JE when the judge failed on a test, AC at full score, PA above 0, else the
    verdict of the test that settled the subtask at 0 (WA when that test itself was
    accepted, as an outcome above a GroupThreshold threshold is)."""
    rule = SCORE_RULES[score_type]
    outcomes = [t.outcome if t.verdict != Verdict.SKIPPED else 0.0 for t in tests]
    fraction = rule.fraction(outcomes, subtask)
    if any(t.verdict == Verdict.JE for t in tests):
        status = "JE"
    elif fraction >= 1.0:
        status = "AC"
    elif fraction > 0.0:
        status = "PA"
    else:
        ran = [t for t in tests if t.verdict != Verdict.SKIPPED]
        failing = next((t for t in ran if rule.settles_zero(t.outcome, subtask)), None) or next(
            (t for t in ran if t.verdict != Verdict.AC), None)  # fmt: skip
        status = "WA" if failing is None or failing.verdict in (Verdict.AC, Verdict.PA) else str(failing.verdict)
    return SubtaskResult(subtask.name, subtask.points, fraction, status, tests)


@dataclass
class TaskResult:
    task: str
    max_score: float
    score_precision: int
    backend: str
    compile: CompileResult | None
    subtasks: list[SubtaskResult] = field(default_factory=list)

    @property
    def judge_error(self) -> bool:
        compile_failed = self.compile is not None and self.compile.status == "JE"
        return compile_failed or any(s.status == "JE" for s in self.subtasks)

    @property
    def score(self) -> float | None:
        """Total points; None when the judge failed somewhere (unknown, not 0)."""
        if self.judge_error:
            return None
        return sum(s.weighted_score for s in self.subtasks)

    @property
    def compiled(self) -> bool:
        return self.compile is None or self.compile.ok

    def rounded(self, value: float | None) -> float | None:
        return None if value is None else round(value, self.score_precision)

    def verdicts_seen(self, excluding: frozenset[str] = frozenset()) -> set[str]:
        """Verdicts of the tests run (and CE/JE of the compilation), leaving out `excluding` tests."""
        seen = {str(t.verdict) for s in self.subtasks for t in s.tests
                if t.verdict != Verdict.SKIPPED and t.name not in excluding}  # fmt: skip
        if self.compile is not None and not self.compile.ok:
            seen.add("CE" if self.compile.status == "CE" else "JE")
        return seen

    def to_dict(self) -> dict:
        return {
            "task": self.task,
            "score": self.rounded(self.score),
            "max_score": self.max_score,
            "backend": self.backend,
            "compile": self.compile.to_dict() if self.compile else None,
            "subtasks": [s.to_dict() for s in self.subtasks],
        }
