"""Choosing among traces: exact duplicates out, the shortest and longest per problem kept."""

from __future__ import annotations

import hashlib
from collections import defaultdict


def drop_exact_duplicates(rows: list[dict], keys: tuple[str, ...] = ("prompt", "generation")) -> list[dict]:
    """The first of the rows that agree on every key: the same answer to the same prompt is one trace,
    while the same answer ("I cannot solve this") to different prompts is not a duplicate."""
    seen, kept = set(), []
    for row in rows:
        digest = hashlib.sha256("\0".join(str(row[key]) for key in keys).encode()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            kept.append(row)
    return kept


def shortest_and_longest(rows: list[dict], problem_key: str = "id", length_key: str = "generation") -> list[dict]:
    """Per problem, the shortest and the longest trace (one row when they are the same)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row[problem_key]].append(row)
    kept = []
    for problem in sorted(groups):
        ordered = sorted(groups[problem], key=lambda r: (len(r[length_key]), r[length_key]))
        kept.append(ordered[0])
        if len(ordered) > 1:
            kept.append(ordered[-1])
    return kept
