"""Submissions whose Codeforces verdict is known: what a suite's quality is measured on.

From `--labelled FILE.jsonl` (one object per line: problem_id, language, code,
verdict, and an optional source), or from the Codeforces API through the cached
fetcher: `contest.status` carries every submission's verdict, and each chosen
submission's page its code.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from builders.codeforces.fetch import Fetcher
from builders.codeforces.pages import submissions_with_code

log = logging.getLogger(__name__)
ACCEPTED = frozenset({"OK"})
# CHALLENGED: hacked during the contest, so proven wrong (and often the hardest to catch: it passed the pretests)
REJECTED = frozenset({"WRONG_ANSWER", "TIME_LIMIT_EXCEEDED", "MEMORY_LIMIT_EXCEEDED", "RUNTIME_ERROR", "CHALLENGED"})
LABELLED_FIELDS = ("problem_id", "language", "code", "verdict")
PER_PROBLEM = {"accepted": 10, "rejected": 20}  # submissions fetched per problem from the API


@dataclass(frozen=True)
class Labelled:
    """A submission whose Codeforces verdict is known."""

    problem_id: str
    language: str
    code: str
    verdict: str  # Codeforces' word: OK, WRONG_ANSWER, ...
    source: str = ""

    @property
    def accepted(self) -> bool:
        return self.verdict in ACCEPTED


def read_labelled(path: Path) -> dict[str, list[Labelled]]:
    """`--labelled FILE.jsonl`: one submission per line with problem_id, language, code,
    verdict (and an optional source); per problem id."""
    by_problem: dict[str, list[Labelled]] = {}
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise ValueError(f"--labelled {path}: cannot read it: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON: {exc.msg}") from None
        if not isinstance(record, dict):
            raise ValueError(f"{path}:{number}: want an object with {', '.join(LABELLED_FIELDS)}")
        missing = [k for k in LABELLED_FIELDS if not isinstance(record.get(k), str) or not record[k]]
        if missing:
            raise ValueError(f"{path}:{number}: {', '.join(missing)} missing or not a non-empty string")
        verdict = record["verdict"].upper()
        if verdict not in ACCEPTED | REJECTED:
            raise ValueError(f"{path}:{number}: verdict {record['verdict']!r}: use one of "
                             f"{', '.join(sorted(ACCEPTED | REJECTED))}")  # fmt: skip
        submission = Labelled(record["problem_id"], record["language"], record["code"], verdict,
                              str(record.get("source") or f"{path.name}:{number}"))  # fmt: skip
        by_problem.setdefault(submission.problem_id, []).append(submission)
    return by_problem


def labelled_from_api(
    fetcher: Fetcher, problem_ids: set[str], per_problem: dict = PER_PROBLEM
) -> dict[str, list[Labelled]]:
    """C++ and Python submissions of each problem with an accepted or rejected verdict, the
    first `per_problem[label]` of each label in `contest.status` order; a page that cannot
    be fetched is skipped and logged."""
    by_problem: dict[str, list[Labelled]] = {}
    taken: Counter = Counter()  # (problem id, label) -> submissions kept

    def key(sub: dict) -> tuple[str, str | None]:
        contest = sub.get("contestId") or sub["problem"]["contestId"]
        return f"{contest}/{sub['problem']['index']}", _label(sub.get("verdict") or "")

    def wanted(sub: dict) -> bool:
        (problem_id, label) = found = key(sub)
        return problem_id in problem_ids and label is not None and taken[found] < per_problem[label]

    for contest in sorted({int(p.split("/")[0]) for p in problem_ids}):
        for sub, code, source in submissions_with_code(fetcher, contest, wanted, log.warning):
            taken[key(sub)] += 1
            problem_id = key(sub)[0]
            by_problem.setdefault(problem_id, []).append(
                Labelled(problem_id, sub.get("programmingLanguage") or "", code, sub["verdict"], source)
            )
    return by_problem


def _label(verdict: str) -> str | None:
    return "accepted" if verdict in ACCEPTED else "rejected" if verdict in REJECTED else None
