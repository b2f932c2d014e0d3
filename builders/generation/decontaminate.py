"""Drop training problems whose text overlaps a benchmark's by a shared n-gram."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


class Decontaminator:
    """Index benchmark texts once; `contaminated(text)` says whether any n-gram is shared."""

    def __init__(self, benchmark_texts: Iterable[str], n: int = 8) -> None:
        self.n = n
        self.index: set[tuple[str, ...]] = set()
        for text in benchmark_texts:
            self.index |= ngrams(text, n)

    def contaminated(self, text: str) -> bool:
        return not self.index.isdisjoint(ngrams(text, self.n))
