"""A PDF statement as Markdown, rebuilt from where and in which font each piece of text sits.

`pypdf`'s plain `extract_text` breaks a line wherever the baseline jumps, so an
exponent set smaller and raised comes out as "10" and a stray line "15"; it also
keeps the running headers and footers of every page and hard line breaks inside
paragraphs. Here `visitor_text` gives each run of text with its text matrix and
font, and the page is rebuilt from those:

- runs are grouped into lines by baseline; a run smaller than the line and raised
  is a superscript (`10^15`), lowered a subscript (`a_i`);
- lines that repeat at the top or bottom of most pages (the task code, "Day 1
  Tasks", "English (ISC)", "souvenirs (1 of 4)", with digits ignored) are page
  furniture and dropped;
- larger lines become headings, bullets list items, monospace lines fenced code
  blocks (the implementation details' signatures, the sample grader's formats),
  monospace inside prose inline code; the rest is re-joined into paragraphs from
  the vertical gaps, also across page breaks;
- a subtask table ("Subtask Score Additional Constraints" then one row per
  subtask, a long cell wrapping onto indented lines) becomes a Markdown table.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from builders.ioi.statements.unicode import normalise, script

MONO_FONT = re.compile(r"mono|courier|cmtt|sftt|consol|menlo|inconsolata|typewriter|code|fixed", re.IGNORECASE)
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|cmbx", re.IGNORECASE)
BULLET = re.compile(r"^(?:[•●◦▪■‣∙]\s*|[-–*]\s+)(\S.*)$")  # a bullet glyph may sit apart, with no space after
NUMBERED = re.compile(r"^\d{1,2}[.)]\s+\S")
TABLE_HEADER = re.compile(r"^(subtasks?|#|no\.?)\s+(score|points?|marks)\s*(.*)$", re.IGNORECASE)
TABLE_ROW = re.compile(r"^(\d{1,3})\s+(\d+(?:\.\d+)?)(?:\s+|$)(.*)$")
SENTENCE_END = (".", "!", "?", ":")
FURNITURE_ZONE = 3  # lines at the top and at the bottom of a page where headers and footers live
FURNITURE_WORDS = 10


@dataclass
class Run:
    text: str
    x: float
    y: float
    size: float
    mono: bool
    bold: bool


@dataclass
class Line:
    page: int
    runs: list[Run]
    y: float
    size: float
    text: str = ""

    @property
    def x(self) -> float:
        return min(r.x for r in self.runs)

    @property
    def mono(self) -> bool:
        return all(r.mono for r in self.runs if r.text.strip())

    @property
    def bold(self) -> bool:
        return all(r.bold for r in self.runs if r.text.strip())


def _mult(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]  # fmt: skip


def _font_style(font) -> tuple[bool, bool]:
    """(monospace, bold) from the font's name and descriptor (FixedPitch and ForceBold flags, weight)."""
    if font is None:
        return False, False
    name = str(font.get("/BaseFont", "")).split("+")[-1]
    descriptor = font.get("/FontDescriptor")
    if descriptor is None and "/DescendantFonts" in font:
        descriptor = font["/DescendantFonts"].get_object()[0].get_object().get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    flags = int(descriptor.get("/Flags", 0) or 0)
    weight = float(descriptor.get("/FontWeight", 0) or 0)
    return bool(MONO_FONT.search(name) or flags & 1), bool(BOLD_FONT.search(name) or flags & (1 << 18) or weight >= 600)


def page_runs(page) -> list[Run]:
    """The upright runs of text of one page, in content order, with their position and size in points."""
    runs: list[Run] = []
    styles: dict[int, tuple[bool, bool]] = {}

    def visit(text, cm, tm, font, size) -> None:
        text = text.rstrip("\n").replace("\n", " ")
        if not text:
            return  # a space alone is kept: it may be the only sign of a gap between two runs
        m = _mult(tm, cm)
        if m[0] <= 0 or m[3] <= 0 or abs(m[1]) > 1e-3 or abs(m[2]) > 1e-3:
            return  # rotated or mirrored: margin notes and watermarks, not the statement
        if id(font) not in styles:
            styles[id(font)] = _font_style(font)
        runs.append(Run(text, m[4], m[5], float(size or 0) * m[3], *styles[id(font)]))

    page.extract_text(visitor_text=visit)
    return runs


def _lines(runs: list[Run], page: int) -> list[Line]:
    """Runs grouped into lines by baseline, top to bottom, each line's runs left to right."""
    lines: list[Line] = []
    for run in runs:
        line = lines[-1] if lines else None
        if not run.text.strip() and line is None:
            continue
        if line is not None and (not run.text.strip() or abs(run.y - line.y) < 0.65 * max(line.size, run.size)):
            line.runs.append(run)
            if run.size > line.size and run.text.strip():
                line.y, line.size = run.y, run.size
        else:
            lines.append(Line(page, [run], run.y, run.size))
    lines.sort(key=lambda line: -line.y)
    merged: list[Line] = []
    for line in lines:  # the same baseline emitted twice (a table written column by column, a header's two ends)
        if merged and abs(merged[-1].y - line.y) < 0.2 * max(merged[-1].size, line.size):
            merged[-1].runs += [Run(" ", line.x, line.y, line.size, False, False), *line.runs]
            merged[-1].size = max(merged[-1].size, line.size)
        else:
            merged.append(line)
    for line in merged:
        line.runs.sort(key=lambda r: r.x)
        line.size = _dominant_size(line)
        line.text = _render(line)
    return [line for line in merged if line.text]


def _dominant_size(line: Line) -> float:
    """The size most of the line is set in: neither a big operator nor an exponent is it."""
    weights: Counter[float] = Counter()
    for run in line.runs:
        weights[round(run.size * 2) / 2] += len(run.text.strip()) * run.size
    return max(weights, key=lambda size: (weights[size], size))


def _render(line: Line) -> str:
    """A line's text: scripts as `^`/`_`, monospace inside prose as inline code, spaces collapsed."""
    if line.mono:
        return normalise("".join(r.text for r in line.runs)).rstrip()
    main = line.size
    levels = sorted(r.y for r in line.runs if abs(r.size - main) <= 0.1 * main and r.text.strip())
    base = levels[len(levels) // 2]

    def kind(run: Run) -> str:
        if run.size <= 0.85 * main and run.text.strip():
            if run.y - base > 0.12 * main:
                return "^"
            if base - run.y > 0.08 * main:
                return "_"
        return "`" if run.mono and run.text.strip() else ""

    out = ""
    for marker, group in groupby(line.runs, key=kind):
        text = normalise("".join(r.text for r in group))
        if marker in ("^", "_"):
            out = out.rstrip() + script(marker, text) + (" " if text.endswith(" ") else "")
        elif marker == "`":
            core = text.strip()
            fence = "``" if "`" in core else "`"
            out += text[: len(text) - len(text.lstrip())] + fence + core + fence + (" " if text.endswith(" ") else "")
        else:
            out += text
    return re.sub(r"\s+", " ", out).strip()


def _key(line: Line) -> tuple[str, int] | None:
    """What a running header or footer keeps from page to page: its words, digits aside, and its height.
    Long lines are never furniture: a body line at the top of two pages can look alike, a header is short."""
    if len(line.text.split()) > FURNITURE_WORDS:
        return None
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.text.lower())).strip(), round(line.y)


def drop_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop the short lines near the top or bottom of a page that recur at the same height on most pages."""
    if len(pages) < 2:
        return pages
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        counts.update({_key(line) for line in lines[:FURNITURE_ZONE] + lines[-FURNITURE_ZONE:]} - {None})
    need = max(2, math.ceil(len(pages) / 2))
    kept = []
    for lines in pages:
        zone = {id(line) for line in lines[:FURNITURE_ZONE] + lines[-FURNITURE_ZONE:]}
        kept.append([line for line in lines
                     if not (id(line) in zone and _key(line) is not None and counts[_key(line)] >= need)])  # fmt: skip
    return kept


@dataclass
class _Layout:
    """What counts as body text, line spacing and headings in this document."""

    body: float
    leading: float
    heading_sizes: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, lines: list[Line]) -> _Layout:
        sizes: Counter[float] = Counter()
        for line in lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
        body = sizes.most_common(1)[0][0] if sizes else 10.0
        gaps: Counter[float] = Counter()
        for before, after in zip(lines, lines[1:], strict=False):
            gap = before.y - after.y
            if before.page == after.page and abs(before.size - body) < 0.1 * body and 0 < gap < 3 * body:
                gaps[round(gap * 2) / 2] += 1
        leading = gaps.most_common(1)[0][0] if gaps else 1.2 * body
        headings = sorted({round(line.size) for line in lines if line.size >= 1.15 * body and len(line.text) <= 120},
                          reverse=True)  # fmt: skip
        return cls(body, leading, headings)

    def heading_level(self, line: Line) -> int:
        if line.size >= 1.15 * self.body and len(line.text) <= 120:
            return min(self.heading_sizes.index(round(line.size)) + 1, 3) if len(self.heading_sizes) > 1 else 2
        words = line.text.split()
        if line.bold and len(words) <= 8 and not line.text.endswith((".", ",", ";")) and not BULLET.match(line.text):
            return 3
        return 0


@dataclass
class _Writer:
    """Markdown blocks from lines, one open block at a time."""

    layout: _Layout
    blocks: list[str] = field(default_factory=list)
    kind: str = ""  # of the open block: "para", "item", "code", "table", "heading"
    lines: list[Line] = field(default_factory=list)
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    last_kind: str = ""

    def close(self) -> None:
        if self.kind == "code":
            left = min(line.x for line in self.lines)
            body = "\n".join(" " * round((line.x - left) / (0.6 * line.size)) + line.text for line in self.lines)
            self.blocks.append(f"```\n{body}\n```")
        elif self.kind == "table":
            self.blocks.append("\n".join("| " + " | ".join(row) + " |" for row in [self.rows[0], ["---"] * 3,
                                                                                     *self.rows[1:]]))  # fmt: skip
        elif self.kind == "item" and self.blocks and self.last_kind == "item":
            self.blocks[-1] += "\n" + self.text  # one list, not a list per item
        elif self.kind:
            self.blocks.append(self.text)
        self.last_kind = self.kind or self.last_kind
        self.kind, self.lines, self.text, self.rows = "", [], "", []

    def open(self, kind: str, line: Line, text: str = "") -> None:
        self.close()
        self.kind, self.lines, self.text = kind, [line], text or line.text

    def gap(self, line: Line) -> float | None:
        """Vertical distance from the open block's last line, None across a page break."""
        last = self.lines[-1]
        return last.y - line.y if last.page == line.page else None

    def continues(self, line: Line, limit: float) -> bool:
        """Whether `line` goes on with the open block: close enough below it, or on the next page where the
        block is code, or prose that did not end its sentence."""
        gap = self.gap(line)
        if gap is None:
            prose = self.kind in ("para", "item", "table") and not self.text.endswith(SENTENCE_END)
            return self.kind == "code" or prose
        return gap <= limit

    def add(self, line: Line) -> None:
        paragraph_gap = 1.3 * self.layout.leading
        text = line.text
        if self.kind == "table":
            row = TABLE_ROW.match(text)
            if row and not line.mono:
                self.rows.append([row.group(1), row.group(2), row.group(3)])
                self.lines.append(line)
                return
            indented = line.x > self.lines[0].x + 1.5 * line.size  # wrapped into the constraints column
            if indented and len(self.rows) > 1 and self.continues(line, paragraph_gap):
                self.rows[-1][2] = f"{self.rows[-1][2]} {text}".strip()
                self.lines.append(line)
                return
        if line.mono:
            if self.kind == "code" and self.continues(line, 2.2 * line.size):
                self.lines.append(line)
            else:
                self.open("code", line)
            return
        header = TABLE_HEADER.match(text)
        if header:
            cells = [header.group(1), header.group(2), header.group(3) or "Additional constraints"]
            if self.kind == "table" and self.rows[0] == cells:
                return  # the header repeated where the table goes on over a page break
            self.open("table", line)
            self.rows = [cells]
            return
        level = self.layout.heading_level(line)
        if level:
            same = self.kind == "heading" and self.text.startswith("#" * level + " ")
            if same and self.continues(line, 1.6 * line.size):  # a heading over two lines
                self.text += " " + text
                self.lines.append(line)
            else:
                self.open("heading", line, "#" * level + " " + text)
            return
        bullet = BULLET.match(text)
        if bullet or NUMBERED.match(text):
            self.open("item", line, "- " + bullet.group(1) if bullet else text)
        elif (
            self.kind in ("para", "item")
            and self.continues(line, paragraph_gap)
            and (self.kind == "para" or line.x > self.lines[0].x + 0.3 * line.size)
        ):
            joiner = "" if re.search(r"[A-Za-z]-$", self.text) and text[:1].islower() else " "
            self.text += joiner + text
            self.lines.append(line)
        else:
            self.open("para", line)


def lines_to_markdown(pages: list[list[Line]]) -> str:
    lines = [line for page in drop_furniture(pages) for line in page]
    writer = _Writer(_Layout.of(lines))
    for line in lines:
        writer.add(line)
    writer.close()
    return "\n\n".join(writer.blocks) + "\n" if writer.blocks else ""


def pdf_markdown(path: Path) -> str:
    """The statement PDF at `path` as Markdown ("" when it has no extractable text)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return lines_to_markdown([_lines(page_runs(page), number) for number, page in enumerate(reader.pages)])
