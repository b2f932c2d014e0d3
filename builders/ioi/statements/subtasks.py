"""A statement's general constraints and subtask table, matched to the package's subtasks.

IOI statements give the constraints every input meets under a "Constraints"
heading, and under "Subtasks" (or "Scoring") a table with one row per subtask:
its number, its score and its additional constraints. A prompt for one subtask
states both, as the anchor's (Open R1's `ioi`) prompts do, so a model knows what
it has to solve. The table's scores are checked against the package's: a
statement and a package that disagree are reported, never silently trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from judge.task import Subtask

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(.*)$")
SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
NO_CONSTRAINTS = re.compile(r"^(?:no\s+additional\s+constraints?|none|no\s+constraints?|-|—|–)\.?$", re.IGNORECASE)
EXAMPLES = re.compile(r"^(?:the\s+)?(?:examples?|samples?|sample\s+tests?)(?:\s+(?:only|tests?))?\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class SubtaskRow:
    """One row of the statement's subtask table."""

    number: int
    score: float
    constraints: str  # the row's additional constraints; "" when it says there are none

    @property
    def examples_only(self) -> bool:
        return bool(EXAMPLES.match(self.constraints))


@dataclass
class StatementConstraints:
    general: list[str] = field(default_factory=list)  # the "Constraints" section, one entry per item
    rows: list[SubtaskRow] = field(default_factory=list)  # the subtask table; [] when none was found


def sections(markdown: str) -> list[tuple[str, list[str]]]:
    """(heading text, body lines) of every heading; a body runs to the next heading of its level or above."""
    lines = markdown.splitlines()
    found = []
    for index, line in enumerate(lines):
        heading = HEADING.match(line)
        if not heading:
            continue
        level = len(heading.group(1))
        end = next((j for j in range(index + 1, len(lines))
                    if (h := HEADING.match(lines[j])) and len(h.group(1)) <= level), len(lines))  # fmt: skip
        found.append((heading.group(2).strip().rstrip(":"), lines[index + 1 : end]))
    return found


def _unfenced(lines: list[str]) -> list[str]:
    kept, fenced = [], False
    for line in lines:
        if line.strip().startswith("```"):
            fenced = not fenced
        elif not fenced and not HEADING.match(line):
            kept.append(line)
    return kept


def general_constraints(body: list[str]) -> list[str]:
    """The items of a Constraints section: its bullets (continuation lines joined), and any plain
    paragraph that is not a lead-in ending with a colon."""
    items: list[str] = []
    in_item = False
    paragraph: list[str] = []

    def end_paragraph() -> None:
        text = " ".join(paragraph).strip()
        if text and not text.endswith(":"):
            items.append(text)
        paragraph.clear()

    for line in _unfenced(body):
        bullet = BULLET.match(line)
        if bullet:
            end_paragraph()
            items.append(bullet.group(1).strip())
            in_item = True
        elif not line.strip():
            end_paragraph()
            in_item = False
        elif line.lstrip().startswith("|"):
            continue
        elif in_item and line.startswith((" ", "\t")):
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            in_item = False
            paragraph.append(line.strip())
    end_paragraph()
    return items


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _column(header: list[str], pattern: str, default: int) -> int:
    return next((i for i, cell in enumerate(header) if re.search(pattern, cell, re.IGNORECASE)), default)


def _plain(cell: str) -> str:
    return re.sub(r"[$*`]", "", cell).strip()


def subtask_table(body: list[str]) -> list[SubtaskRow]:
    """The first Markdown table of `body` whose rows start with a subtask number."""
    table = [line for line in body if line.lstrip().startswith("|")]
    if len(table) < 2:
        return []
    header = _cells(table[0])
    number_at = _column(header, r"subtask|^#$|^no\.?$", 0)
    score_at = _column(header, r"score|points?|marks", 1)
    constraints_at = _column(header, r"constraint", len(header) - 1)
    rows = []
    for line in table[1:]:
        cells = _cells(line)
        if all(SEPARATOR_CELL.match(c) for c in cells if c) or len(cells) <= max(number_at, score_at):
            continue
        number, score = NUMBER.search(_plain(cells[number_at])), NUMBER.search(_plain(cells[score_at]))
        if not number or not score or "." in number.group(0):
            continue
        own_column = constraints_at < len(cells) and constraints_at not in (number_at, score_at)
        text = cells[constraints_at] if own_column else ""
        rows.append(SubtaskRow(int(number.group(0)), float(score.group(0)), "" if NO_CONSTRAINTS.match(text) else text))
    return rows


def parse(markdown: str) -> StatementConstraints:
    """General constraints and subtask rows of a Markdown statement (ours from PDFs, or the official .md)."""
    found = StatementConstraints()
    for title, body in sections(markdown):
        if not found.general and re.fullmatch(r"constraints?", title, re.IGNORECASE):
            found.general = general_constraints(body)
        elif not found.rows and re.search(r"subtask|scoring", title, re.IGNORECASE):
            found.rows = subtask_table(body)
    return found


def _leading_number(name: str) -> int | None:
    match = re.match(r"\d+", name)
    return int(match.group(0)) if match else None


def match_rows(code: str, rows: list[SubtaskRow], subtasks: list[Subtask]) -> tuple[dict[str, SubtaskRow], list[str]]:
    """Each package subtask's row (by the number its name starts with, as `01-small` or task.yaml's `1`;
    by position otherwise), and a warning for every disagreement between the table and the package."""
    if not any(s.points for s in subtasks):
        return {}, []
    if not rows:
        return {}, [f"{code}: no subtask table found in the statement: the prompts cannot state each subtask's "
                    "own constraints"]  # fmt: skip
    numbers = [_leading_number(s.name) for s in subtasks]
    if None in numbers:
        first = 0 if subtasks[0].points == 0 else 1
        numbers = list(range(first, first + len(subtasks)))
    by_number = {row.number: row for row in rows}
    matched, warnings = {}, []
    for number, subtask in zip(numbers, subtasks, strict=True):
        row = by_number.get(number)
        if row is None:
            if subtask.points:
                warnings.append(f"{code}: subtask {subtask.name} ({subtask.points:g} points) has no row in the "
                                "statement's subtask table")  # fmt: skip
            continue
        matched[subtask.name] = row
        if abs(row.score - subtask.points) > 1e-6:
            warnings.append(f"{code}: subtask {subtask.name} is worth {subtask.points:g} points in the package but "
                            f"{row.score:g} in the statement's subtask table")  # fmt: skip
    extra = sorted(set(by_number) - set(numbers))
    if extra:
        warnings.append(f"{code}: the statement's subtask table lists subtask(s) {', '.join(map(str, extra))}, "
                        "which the package does not have")  # fmt: skip
    return matched, warnings
