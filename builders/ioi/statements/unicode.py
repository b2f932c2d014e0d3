"""Unicode clean-up of statement text extracted from PDFs.

NFKC folds what PDF fonts leave behind: ligature glyphs (U+FB01 'ﬁ' -> 'fi'),
math-alphanumeric letters (U+1D441 -> 'N'), full-width forms, no-break and thin
spaces. It leaves the math a statement needs as it is (≤ ≥ ≠ × · − ∑), but it
would turn '10²' into '102' and 'a₁' into 'a1', so superscript and subscript
characters are rewritten first as `^2` and `_1`, like the positioned glyphs the
PDF extractor recovers. Soft hyphens and zero-width characters are dropped.
"""

from __future__ import annotations

import re
import unicodedata

_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ", "0123456789+-=()aeoxhklmnpstij", strict=True))
_SCRIPT_RUN = re.compile(f"[{''.join(_SUPERSCRIPTS)}]+|[{''.join(_SUBSCRIPTS)}]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_AFTER_NFKC = str.maketrans({"\u2044": "/"})  # NFKC writes '½' as 1⁄2 (fraction slash)


def script(marker: str, text: str) -> str:
    """`^15`, `_i`, or with braces when the script is more than one token: `^{n-1}`."""
    text = text.strip()
    return f"{marker}{text}" if re.fullmatch(r"[A-Za-z0-9]+|.", text) else f"{marker}{{{text}}}"


def _scripts(match: re.Match) -> str:
    run = match.group(0)
    if run[0] in _SUPERSCRIPTS:
        return script("^", "".join(_SUPERSCRIPTS[c] for c in run))
    return script("_", "".join(_SUBSCRIPTS[c] for c in run))


def normalise(text: str) -> str:
    """NFKC, with superscript and subscript characters kept as `^` and `_` forms."""
    text = _SCRIPT_RUN.sub(_scripts, text.translate(_INVISIBLE))
    return unicodedata.normalize("NFKC", text).translate(_AFTER_NFKC)
