"""IOI medal cut-offs by year, read from one small data file (`judge/data/ioi_medals.json`).

Cut-offs change every year, so a benchmark on IOI 2026 must not be judged by
2024's lines. A year missing from the file has no cut-offs: it gets no medal and
its plot no lines, and reports say so, rather than borrowing another year's.
Adding a year is one line of data, no code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "ioi_medals.json"
DEFAULT_YEAR = 2024  # `judge select` without --year: the cut-offs it has always used


@dataclass(frozen=True)
class MedalCutoffs:
    year: int
    points: float  # what a full contest totals
    gold: float
    silver: float
    bronze: float
    source: str

    @property
    def lines(self) -> list[tuple[str, float]]:
        return [("gold", self.gold), ("silver", self.silver), ("bronze", self.bronze)]

    def medal(self, total: float) -> str:
        return next((name for name, cutoff in self.lines if total >= cutoff), "none")

    def describe(self) -> str:
        return f"gold {self.gold:g}, silver {self.silver:g}, bronze {self.bronze:g} (of {self.points:g}; {self.source})"


@cache
def known_cutoffs(path: Path = DATA) -> dict[int, MedalCutoffs]:
    """Every year of the data file; a malformed entry is an error naming the year."""
    years = json.loads(path.read_text())["years"]
    found = {}
    for year, entry in years.items():
        try:
            numbers = [float(entry[key]) for key in ("points", "gold", "silver", "bronze")]
            found[int(year)] = MedalCutoffs(int(year), *numbers, str(entry["source"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: year {year}: {exc!r}") from None
    return found


def cutoffs(year: int | None) -> MedalCutoffs | None:
    return None if year is None else known_cutoffs().get(int(year))
