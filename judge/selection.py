"""IOI contest selection: score a model as if it had a limited number of submissions.

Per problem: drop submissions that did not compile, then pick at most `limit`
round-robin over subtasks, from the last subtask backwards, skipping subtasks
already solved (score 1 in any selected submission) or with no candidates
left; within a subtask prefer the higher score on the first (samples) subtask,
then the longer generation; fill any remaining slots in the same order.
Problem score = sum over subtasks of the best weighted score among the
selected (IOI 2017+ rule). Solved subtasks are tracked by *name* both when
marked and when checked. The medal of a full contest uses its year's cut-offs
(`judge/medals.py`); a year without known cut-offs gets none.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from judge.medals import DEFAULT_YEAR, cutoffs

FULL_CONTEST_POINTS = 600.0  # when the year's cut-offs are unknown
UNTARGETED = "\0untargeted"


@dataclass
class ScoredSubmission:
    id: str
    problem: str
    target_subtask: str | None
    generation_length: int
    subtasks: list[dict]  # name, points, score in [0, 1], status
    compiled: bool = True

    @classmethod
    def from_record(cls, record: dict, where: str) -> ScoredSubmission:
        for key in ("problem", "id", "subtasks"):
            if key not in record:
                raise ValueError(f"{where}: missing {key!r}")
        subtasks = record["subtasks"]
        compiled = record.get("code_compiles")
        if compiled is None:
            compiled = not subtasks or any(s.get("status") != "CE" for s in subtasks)
        return cls(str(record["id"]), str(record["problem"]), record.get("target_subtask"),
                   int(record.get("generation_length") or 0), subtasks, bool(compiled))  # fmt: skip

    def score_of(self, name: str) -> float:
        return next((float(s["score"] or 0.0) for s in self.subtasks if s["name"] == name), 0.0)


@dataclass
class ProblemSelection:
    problem: str
    selected: list[ScoredSubmission]
    score: float
    unlimited_score: float
    max_score: float
    submissions: int
    compiled: int

    def to_dict(self) -> dict:
        return {"problem": self.problem, "score": self.score, "unlimited_score": self.unlimited_score,
                "max_score": self.max_score, "submissions": self.submissions, "compiled": self.compiled,
                "selected": len(self.selected), "selected_ids": [s.id for s in self.selected]}  # fmt: skip


@dataclass
class ContestResult:
    problems: list[ProblemSelection] = field(default_factory=list)
    limit: int = 50
    year: int | None = DEFAULT_YEAR  # whose medal cut-offs apply

    @property
    def total(self) -> float:
        return sum(p.score for p in self.problems)

    @property
    def unlimited_total(self) -> float:
        return sum(p.unlimited_score for p in self.problems)

    @property
    def max_total(self) -> float:
        return sum(p.max_score for p in self.problems)

    @property
    def full_contest(self) -> bool:
        known = cutoffs(self.year)
        return abs(self.max_total - (known.points if known else FULL_CONTEST_POINTS)) < 1e-6

    def to_dict(self) -> dict:
        known = cutoffs(self.year)
        graded = self.full_contest and known is not None
        return {"year": self.year, "limit": self.limit, "total": self.total, "unlimited_total": self.unlimited_total,
                "max_total": self.max_total,
                "medal": known.medal(self.total) if graded else None,
                "unlimited_medal": known.medal(self.unlimited_total) if graded else None,
                "medal_cutoffs": dict(known.lines) if known else None,
                "problems": [p.to_dict() for p in self.problems]}  # fmt: skip


def medal(total: float, year: int = DEFAULT_YEAR) -> str | None:
    """gold, silver, bronze or none under the year's cut-offs; None when they are not known."""
    known = cutoffs(year)
    return known.medal(total) if known else None


def subtask_layout(submissions: list[ScoredSubmission]) -> list[tuple[str, float]]:
    """The problem's subtasks (name, points) in order, from the submission that lists the most."""
    richest = max(submissions, key=lambda s: len(s.subtasks))
    return [(s["name"], float(s["points"])) for s in richest.subtasks]


def best_total(submissions: list[ScoredSubmission], layout: list[tuple[str, float]]) -> float:
    return sum(points * max((s.score_of(name) for s in submissions), default=0.0) for name, points in layout)


def select_submissions(submissions: list[ScoredSubmission], limit: int) -> list[ScoredSubmission]:
    candidates = [s for s in submissions if s.compiled]
    if not candidates:
        return []
    layout = subtask_layout(submissions)
    names = [name for name, _ in layout]
    samples = names[0] if names else None
    queues: dict[str, list[ScoredSubmission]] = defaultdict(list)
    for sub in candidates:
        queues[sub.target_subtask if sub.target_subtask in names else UNTARGETED].append(sub)
    for queue in queues.values():
        queue.sort(key=lambda s: (-(s.score_of(samples) if samples else 0.0), -s.generation_length, s.id))
    order = [*reversed(names), UNTARGETED]
    selected: list[ScoredSubmission] = []
    solved: set[str] = set()

    def take(name: str) -> None:
        sub = queues[name].pop(0)
        selected.append(sub)
        solved.update(s["name"] for s in sub.subtasks if float(s["score"] or 0.0) >= 1.0)

    while len(selected) < limit:  # round robin, skipping solved subtasks
        progressed = False
        for name in order:
            if len(selected) >= limit:
                break
            if name not in solved and queues[name]:
                take(name)
                progressed = True
        if not progressed:
            break
    while len(selected) < limit and any(queues[n] for n in order):  # fill the remaining slots
        for name in order:
            if len(selected) < limit and queues[name]:
                take(name)
    return selected


def select_contest(records: list[dict], limit: int = 50, where: str = "results",
                   year: int | None = DEFAULT_YEAR) -> ContestResult:  # fmt: skip
    by_problem: dict[str, list[ScoredSubmission]] = defaultdict(list)
    for number, record in enumerate(records, 1):
        sub = ScoredSubmission.from_record(record, f"{where}: record {number}")
        by_problem[sub.problem].append(sub)
    contest = ContestResult(limit=limit, year=year)
    for problem in sorted(by_problem):
        subs = by_problem[problem]
        layout = subtask_layout(subs)
        chosen = select_submissions(subs, limit)
        contest.problems.append(ProblemSelection(
            problem, chosen, best_total(chosen, layout), best_total(subs, layout),
            sum(points for _, points in layout), len(subs), sum(s.compiled for s in subs),
        ))  # fmt: skip
    return contest


def read_results(path: Path) -> list[dict]:
    """Records of a results JSONL file; a bad line is an error naming its number."""
    records = []
    with path.open() as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not valid JSON: {exc}") from None
    return records
