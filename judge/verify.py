"""Run every reference solution a package ships and compare with its expectation.

Hard expectations (a mismatch fails verification): `test_submissions` totals
(task.yaml, within the score precision), full marks for `model_solution`, and
no judge error anywhere. The other CMS verdict folders are used loosely by real
packages, so they are only reported, with whether the folder's name fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from judge.scoring import TaskResult
from judge.task import ReferenceSolution, Task
from judge.taskrun import Submission, TaskJudge

# verdict folder -> (description of a fit, test on the result)
FOLDER_FITS = {
    "correct": ("full marks", lambda r, full: r.score == full),
    "incorrect": ("below full marks", lambda r, full: r.score < full),
    "failed": ("below full marks", lambda r, full: r.score < full),
    "partially_correct": ("partial marks", lambda r, full: 0 < r.score < full or "PA" in r.verdicts_seen()),
    "time_limit": ("a TLE", lambda r, full: bool({"TLE", "WTLE"} & r.verdicts_seen())),
    "memory_limit": ("an MLE", lambda r, full: "MLE" in r.verdicts_seen()),
    "runtime_error": ("an RE", lambda r, full: "RE" in r.verdicts_seen()),
    "protocol_violation": ("a PV", lambda r, full: "PV" in r.verdicts_seen()),
}


@dataclass
class SolutionCheck:
    label: str
    expected: str
    score: float | None
    max_score: float
    verdicts: list[str]
    hard: bool  # a mismatch here fails verification
    ok: bool  # hard: matches; loose: the folder's name fits
    note: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def check_solution(solution: ReferenceSolution, result: TaskResult, precision: int) -> SolutionCheck:
    full = result.max_score
    verdicts = sorted(result.verdicts_seen())
    score = result.score
    if score is None:
        return SolutionCheck(solution.label, _expected(solution), None, full, verdicts, True, False,
                             "the judge failed (JE): this says nothing about the solution")  # fmt: skip
    if solution.expected_score is not None:
        ok = abs(score - solution.expected_score) <= 0.5 * 10**-precision + 1e-9
        return SolutionCheck(solution.label, _expected(solution), score, full, verdicts, True, ok,
                             "matches the expected total" if ok else "differs from the expected total")  # fmt: skip
    folder = solution.expected_verdict or ""
    if folder == "model_solution":
        ok = score == full
        return SolutionCheck(solution.label, folder, score, full, verdicts, True, ok,
                             "full marks" if ok else "the model solution must get full marks")  # fmt: skip
    description, fits = FOLDER_FITS.get(folder, ("anything", lambda r, f: True))
    ok = bool(fits(result, full))
    fit = "fits" if ok else "does not fit (reported only)"
    return SolutionCheck(
        solution.label, folder, score, full, verdicts, False, ok, f"folder expects {description}: {fit}"
    )


def _expected(solution: ReferenceSolution) -> str:
    if solution.expected_score is not None:
        return f"{solution.expected_score:g}"
    return solution.expected_verdict or "?"


def verify_task(task: Task, judge: TaskJudge, progress=None, std: str | None = None) -> list[SolutionCheck]:
    """Judge every shipped solution (all tests, no early stop) and check it; `std`: the
    C++ standard of the C++ ones."""
    checks = []
    for solution in task.solutions:
        if not solution.source.exists():
            checks.append(SolutionCheck(solution.label, _expected(solution), None, task.max_score, [], True, False,
                                        f"listed solution {solution.source} does not exist"))  # fmt: skip
            continue
        submission = Submission.from_path(solution.source, list(task.tests), std=std)
        result = judge.judge(submission, full=True)
        checks.append(check_solution(solution, result, task.score_precision))
        if progress is not None:
            progress(checks[-1])
    return checks
