"""Run every reference solution a package ships and compare with its expectation.

Every folder name is read as verdict words joined by `_and_`. Package defects
(tests named but absent, empty inputs) are the loader's findings, reported
beside the solutions. Hard expectations (a mismatch fails verification): `test_submissions` totals
(task.yaml, within the score precision), full marks for `model_solution`, and
no judge error anywhere. The other CMS verdict folders are used loosely by real
packages, so they are only reported, with whether the folder's name fits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from judge.scoring import TaskResult
from judge.task import ReferenceSolution, Task
from judge.taskrun import Submission, TaskJudge

Fit = Callable[[set[str], float, float], bool]  # (verdicts seen, score, full marks) -> does it fit?

# a verdict word of a folder name -> (description of a fit, test on the result)
FOLDER_WORDS: dict[str, tuple[str, Fit]] = {
    "correct": ("full marks", lambda seen, score, full: score == full),
    "incorrect": ("below full marks", lambda seen, score, full: score < full),
    "failed": ("below full marks", lambda seen, score, full: score < full),
    "wrong_answer": ("a WA", lambda seen, score, full: "WA" in seen),
    "partially_correct": ("partial marks", lambda seen, score, full: 0 < score < full or "PA" in seen),
    "time_limit": ("a TLE", lambda seen, score, full: bool({"TLE", "WTLE"} & seen)),
    "memory_limit": ("an MLE", lambda seen, score, full: "MLE" in seen),
    "runtime_error": ("an RE", lambda seen, score, full: "RE" in seen),
    "protocol_violation": ("a PV", lambda seen, score, full: "PV" in seen),
}


def folder_expectation(folder: str) -> list[tuple[str, Fit]] | None:
    """What a verdict folder's name asks for: `time_limit_and_runtime_error` asks for a
    TLE and an RE; None when a word of it is not a verdict (anything fits)."""
    words = folder.lower().split("_and_")
    if not all(word in FOLDER_WORDS for word in words):
        return None
    return [FOLDER_WORDS[word] for word in words]


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


def check_solution(solution: ReferenceSolution, result: TaskResult, precision: int,
                   defective: frozenset[str] = frozenset()) -> SolutionCheck:  # fmt: skip
    """`defective`: tests the package got wrong: what a solution does on them is no fit."""
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
    wanted = folder_expectation(folder)
    if wanted is None:
        description, ok = "anything", True
    else:
        seen = result.verdicts_seen(excluding=defective)
        description = " and ".join(d for d, _ in wanted)
        ok = all(fits(seen, score, full) for _, fits in wanted)
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
        checks.append(check_solution(solution, result, task.score_precision, frozenset(task.defective_tests)))
        if progress is not None:
            progress(checks[-1])
    return checks
