"""Pull the solution out of a model's answer: the last fenced block of the language asked for."""

from __future__ import annotations

import re

LANGUAGE_TAGS = {
    "cpp": {"cpp", "c++", "c++17", "c++20", "cc", "cxx"},
    "python": {"python", "py", "python3"},
}
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9+#._-]*)[^\n]*\n(.*?)```", re.S)


def extract_code(text: str, language: str) -> tuple[str, bool]:
    """(code, found). Only the answer after a closing `</think>` counts when there is one;
    an unlabelled last block is accepted when no labelled one exists."""
    tags = LANGUAGE_TAGS[language]
    answer = text.rsplit("</think>", 1)[-1] if "</think>" in text else text
    blocks = [(tag.lower(), body) for tag, body in _FENCE.findall(answer)]
    labelled = [body for tag, body in blocks if tag in tags]
    if labelled:
        return labelled[-1].strip("\n") + "\n", True
    unlabelled = [body for tag, body in blocks if not tag]
    if unlabelled:
        return unlabelled[-1].strip("\n") + "\n", True
    return "", False
