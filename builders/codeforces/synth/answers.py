"""What a model's answers to the test-synthesis prompts say: code, and the answer's kind.

A run folder of `build codeforces-tests` holds one record per (problem, role, sample);
this gathers them per problem. A failed request or an answer without code is kept
as such, so the report can say why a problem got no suite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builders.generation.extract import extract_code

KINDS = ("single", "multiple", "interactive")
_KIND = re.compile(r"^\s*[`*]*kind\s*:[\s`*]*(single|multiple|interactive)\b", re.I | re.M)


@dataclass(frozen=True)
class Answer:
    """One model answer: its run record's key, and the Python code it holds ("" if none)."""

    key: str
    code: str
    kind: str | None = None  # checker role only: single | multiple | interactive, None if unsaid

    @property
    def sample(self) -> int:
        return int(self.key.rsplit("|", 1)[1])


@dataclass
class ProblemAnswers:
    problem: str
    generators: list[Answer] = field(default_factory=list)
    validators: list[Answer] = field(default_factory=list)
    checkers: list[Answer] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # keys whose request failed or held no usable code

    def kind(self) -> str | None:
        """The answers' verdict on the output's kind: the most common one said (ties go to the
        safer `multiple`: a checker accepts what an exact comparison would), None if none said."""
        said = [a.kind for a in self.checkers if a.kind]
        if not said:
            return None
        return max(KINDS, key=lambda kind: (said.count(kind), kind == "multiple"))


def answer_kind(text: str) -> str | None:
    """`kind: single|multiple|interactive` from the answer after its reasoning; the last one said."""
    answer = text.rsplit("</think>", 1)[-1] if "</think>" in text else text
    found = _KIND.findall(answer)
    return found[-1].lower() if found else None


def gather(records: list[dict]) -> dict[str, ProblemAnswers]:
    """Generation records (as `read_generations` returns them) per problem."""
    problems: dict[str, ProblemAnswers] = {}
    for record in records:
        answers = problems.setdefault(record["problem"], ProblemAnswers(record["problem"]))
        role = record["variant"]
        if record.get("finish_reason") == "error":
            answers.failed.append(record["key"])
            continue
        text = record.get("generation") or ""
        code, found = extract_code(text, "python")
        if role == "checker":
            kind = answer_kind(text)
            if kind is None and not found:
                answers.failed.append(record["key"])
                continue
            answers.checkers.append(Answer(record["key"], code if found else "", kind))
        elif role in ("generator", "validator"):
            if not found:
                answers.failed.append(record["key"])
                continue
            getattr(answers, f"{role}s").append(Answer(record["key"], code))
        else:
            raise ValueError(f"generation record {record['key']}: unknown role {role!r}")
    return problems
