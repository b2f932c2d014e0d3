"""Which of the validated tests a suite keeps, within a test count and a byte budget.

As the anchor describes its generated suites: the examples, every edge case, the
hardest tests (by the references' CPU time, then input size), then a random spread
over the size classes, so a suite is neither all tiny nor all maximal.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SIZE_CLASSES = ("small", "edge", "max")  # what a generator is asked for: `gen.py SEED SIZE`
HARDEST_SHARE = 0.5  # of the places left after examples and edge cases


@dataclass(frozen=True)
class Candidate:
    """One validated test: its files, where it came from, and what it cost the references."""

    name: str  # "example-1", "max-2-g0"...: our own label, never a file name from outside
    size: str  # example | small | edge | max
    input: Path
    output: Path
    bytes: int  # input + expected output
    reference_time: float  # the slowest reference's CPU seconds on it


class SuitePairs:
    """The tests as the judge takes them, {input, output}, read from their files one test at a
    time on each pass (a suite is judged once per labelled submission)."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.candidates = candidates

    def __len__(self) -> int:
        return len(self.candidates)

    def __iter__(self) -> Iterator[dict]:
        return ({"input": c.input.read_text(), "output": c.output.read_text()} for c in self.candidates)


def select_tests(candidates: list[Candidate], max_tests: int, max_bytes: int, seed: int = 0) -> list[Candidate]:
    """Examples first (always, they are what the statement shows), then edge cases, the
    hardest, and a seeded random spread over the size classes, until `max_tests` tests
    or `max_bytes` bytes; a test too big for the bytes left is passed over."""
    chosen: list[Candidate] = []
    used = 0

    def take(candidate: Candidate, always: bool = False) -> None:
        nonlocal used
        if candidate in chosen or (not always and (len(chosen) >= max_tests or used + candidate.bytes > max_bytes)):
            return
        chosen.append(candidate)
        used += candidate.bytes

    for candidate in (c for c in candidates if c.size == "example"):
        take(candidate, always=True)
    for candidate in (c for c in candidates if c.size == "edge"):
        take(candidate)
    rest = [c for c in candidates if c not in chosen and c.size != "example"]
    hardest = sorted(rest, key=lambda c: (-c.reference_time, -c.bytes, c.name))
    for candidate in hardest[: int(max(0, max_tests - len(chosen)) * HARDEST_SHARE)]:
        take(candidate)
    spread = _spread([c for c in rest if c not in chosen], random.Random(seed))
    for candidate in spread:
        take(candidate)
    return chosen


def _spread(candidates: list[Candidate], rng: random.Random) -> list[Candidate]:
    """Round-robin over the size classes, each class shuffled."""
    classes = [[c for c in candidates if c.size == size] for size in SIZE_CLASSES]
    for members in classes:
        rng.shuffle(members)
    order = []
    while any(classes):
        for members in classes:
            if members:
                order.append(members.pop())
    return order
