"""OutputOnly task type: the submission is one output file per test, checked as is.

Parameters, in CMS's order: output_eval (`diff` or `comparator`).
"""

from __future__ import annotations

from pathlib import Path

from judge.checkers import Checker
from judge.task import TaskTest
from judge.tasktypes.batch import OUTPUT_EVAL
from judge.verdicts import TestResult, Verdict

PARAMETERS = (OUTPUT_EVAL,)


def check_submitted_output(test: TaskTest, output: Path | None, checker: Checker) -> TestResult:
    """A missing file is the submission's WA on that test, never an error."""
    if output is None:
        return TestResult(test.name, Verdict.WA, 0.0, 0.0, 0.0, 0, "no output file submitted for this test")
    checked = checker.check(test.input, test.answer, output)
    return TestResult(test.name, checked.verdict, checked.outcome, 0.0, 0.0, 0, checked.message)
