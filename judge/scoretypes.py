"""Score types as CMS defines them (`cms/grading/scoretypes/`): how the outcomes of
one subtask's tests become the fraction of its points it earns.

`Subtask.points` is the subtask's maximum under every type, so a task's maximum
is always the sum of its subtasks' points. CMS's Sum has no subtasks: each test
is worth the same parameter P. Here a Sum subtask spreads its points evenly over
its tests, so n tests worth P each are a subtask of n x P points earning
sum(outcome) x P (the loaders turn a package's per-test points into that).

Each type also says when one test alone settles its subtask at 0, which is when
the judge may stop running the subtask's other tests.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

from judge.task import ScoreType, Subtask


class ScoreRule(ABC):
    @abstractmethod
    def fraction(self, outcomes: list[float], subtask: Subtask) -> float:
        """The fraction of the subtask's points earned (outcomes of every test, skipped ones as 0)."""

    @abstractmethod
    def settles_zero(self, outcome: float, subtask: Subtask) -> bool:
        """Whether a test with this outcome makes the subtask score 0 whatever the others do."""


class GroupMin(ScoreRule):
    """The IOI rule: a subtask is as good as its worst test."""

    def fraction(self, outcomes: list[float], subtask: Subtask) -> float:
        return min(outcomes, default=1.0)

    def settles_zero(self, outcome: float, subtask: Subtask) -> bool:
        return outcome == 0.0


class GroupMul(ScoreRule):
    """Partial outcomes compound: two tests at 0.5 earn a quarter."""

    def fraction(self, outcomes: list[float], subtask: Subtask) -> float:
        return math.prod(outcomes)

    def settles_zero(self, outcome: float, subtask: Subtask) -> bool:
        return outcome == 0.0


class GroupThreshold(ScoreRule):
    """All or nothing: the points iff every outcome is in (0, threshold]. An outcome of 0
    is outside, as in CMS (many task types report a failed run as 0), and so is one above
    the threshold: either settles the subtask at 0, so the judge may stop on it."""

    def fraction(self, outcomes: list[float], subtask: Subtask) -> float:
        return 1.0 if all(self.passes(o, subtask) for o in outcomes) else 0.0

    def settles_zero(self, outcome: float, subtask: Subtask) -> bool:
        return not self.passes(outcome, subtask)

    @staticmethod
    def passes(outcome: float, subtask: Subtask) -> bool:
        assert subtask.threshold is not None, "Task.check requires a threshold per GroupThreshold subtask"
        return 0.0 < outcome <= subtask.threshold


class Sum(ScoreRule):
    """Every test counts on its own (an equal share of the subtask's points): no test
    settles the subtask, so every test runs."""

    def fraction(self, outcomes: list[float], subtask: Subtask) -> float:
        return sum(outcomes) / len(outcomes) if outcomes else 1.0

    def settles_zero(self, outcome: float, subtask: Subtask) -> bool:
        return False


SCORE_RULES: dict[ScoreType, ScoreRule] = {
    ScoreType.GROUP_MIN: GroupMin(),
    ScoreType.GROUP_MUL: GroupMul(),
    ScoreType.GROUP_THRESHOLD: GroupThreshold(),
    ScoreType.SUM: Sum(),
}
