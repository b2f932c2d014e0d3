"""Statements: PDFs rebuilt as Markdown, Unicode clean-up, and the subtask table in every prompt."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builders.generation.benchmarks import benchmark_texts
from builders.ioi import dataset
from builders.ioi.packages import load_package
from builders.ioi.statements.pdf import pdf_markdown
from builders.ioi.statements.pdf_writer import Document, Flow, Span
from builders.ioi.statements.subtasks import SubtaskRow, match_rows, parse
from builders.ioi.statements.unicode import normalise
from judge.task import Subtask

from ioi_helpers import EXAMPLES, FINDPAIR

BALANCE = EXAMPLES / "2026" / "day1" / "balance"


def sub(text: str) -> Span:
    return Span(text, size=7, rise=-2.5)


def sup(text: str) -> Span:  # raised by more than pypdf's line threshold for a 6.5 pt font: its own "line" there
    return Span(text, size=6.5, rise=5.5)


def long_statement(path: Path) -> str:
    """Three pages as the IOI prints them: running header and footer, a paragraph over a page break,
    ligature glyphs, scripts, code, a subtask table whose last cell wraps."""
    flow = Flow()
    flow.heading("Souvenirs", 18)
    flow.paragraph([Span("Amaru wants to buy souvenirs. There are N types; the \ufb01rst costs P"), sub("0"),
                    Span(" coins and the prices can reach 10"), sup("15"), Span(", so use 64-bit integers. He de\ufb01nes"),
                    Span(" the \ufb02ow of coins and calls "), Span("buy_souvenirs", "mono"), Span(" once.")])  # fmt: skip
    flow.heading("Implementation Details")
    flow.code(["void buy_souvenirs(int N, long long P0)", "    // at most 5000 calls to transaction"])
    flow.heading("Constraints")
    flow.bullets(["2 \u2264 N \u2264 100", [Span("1 \u2264 P"), sub("i"), Span(" \u2264 10"), sup("15"),
                                             Span(" for each i, and P"), sub("i"), Span(" > P"), sub("i+1")]])  # fmt: skip
    flow.heading("Subtasks")
    flow.table(["Subtask", "Score", "Additional Constraints"],
               [["1", "4", "N = 2"], ["2", "3", [Span("P"), sub("i"), Span(" = N \u2212 i for each i")]],
                ["3", "93", "No additional constraints, but this cell is long enough that it has to wrap onto a "
                            "second line inside its column."]], [0, 60, 120])  # fmt: skip
    for number in range(40):
        flow.paragraph(f"Filler paragraph number {number} so that the statement runs over three pages, with text "
                       "long enough to wrap at least once on the page.")  # fmt: skip
    flow.heading("Sample Grader")
    flow.paragraph("Input format:")
    flow.code(["N", "P[0] P[1] ... P[N-1]"])
    flow.finish(("souvenirs", "English (ISC)"), "souvenirs ({page} of {pages})").save(path)
    assert len(flow.document.pages) == 3
    return pdf_markdown(path)


@pytest.fixture(scope="module")
def souvenirs(tmp_path_factory) -> str:
    return long_statement(tmp_path_factory.mktemp("pdf") / "statement.pdf")


def test_unicode_is_normalised_without_breaking_math():
    text = normalise("the \ufb01rst \ufb02ow: 1 \u2264 n \u2264 10\u2075, a\u2081 \u00d7 b \u00b7 c \u2260 d, "
                     "\U0001d441 \uff21\u00a0x\u2009y, 2\u207f\u207b\u00b9, \u00bd, soft\u00adhyphen\u200b")  # fmt: skip
    assert text == "the first flow: 1 ≤ n ≤ 10^5, a_1 × b · c ≠ d, N A x y, 2^{n-1}, 1/2, softhyphen"


def test_pdf_scripts_ligatures_and_inline_code(souvenirs):
    assert "\ufb01" not in souvenirs and "\ufb02" not in souvenirs
    assert "the first costs P_0 coins and the prices can reach 10^15, so use 64-bit integers" in souvenirs
    assert "He defines the flow of coins and calls `buy_souvenirs` once." in souvenirs
    assert not any(line.strip() in ("15", "0", "i") for line in souvenirs.splitlines())  # no stray script lines
    assert "- 1 ≤ P_i ≤ 10^15 for each i, and P_i > P_{i+1}" in souvenirs


def test_pdf_page_furniture_is_dropped_and_paragraphs_rejoined(souvenirs):
    assert "English (ISC)" not in souvenirs and "of 3)" not in souvenirs
    assert souvenirs.startswith("# Souvenirs\n\nAmaru wants")
    assert not [line for line in souvenirs.splitlines() if line.startswith("souvenirs")]  # no running header left
    fillers = [line for line in souvenirs.splitlines() if line.startswith("Filler paragraph")]
    assert len(fillers) == 40  # one line each, the ones broken over a page break included
    assert all(re.fullmatch(r"Filler paragraph number \d+ .* at least once on the page\.", f) for f in fillers)


def test_pdf_code_blocks_and_subtask_table(souvenirs):
    assert "```\nvoid buy_souvenirs(int N, long long P0)\n    // at most 5000 calls to transaction\n```" in souvenirs
    assert "Input format:\n\n```\nN\nP[0] P[1] ... P[N-1]\n```" in souvenirs
    assert ("| Subtask | Score | Additional Constraints |\n| --- | --- | --- |\n| 1 | 4 | N = 2 |\n"
            "| 2 | 3 | P_i = N − i for each i |\n| 3 | 93 | No additional constraints, but this cell is long enough "
            "that it has to wrap onto a second line inside its column. |") in souvenirs  # fmt: skip
    found = parse(souvenirs)
    assert found.rows == [SubtaskRow(1, 4, "N = 2"), SubtaskRow(2, 3, "P_i = N − i for each i"),
                          SubtaskRow(3, 93, "No additional constraints, but this cell is long enough that it has to "
                                            "wrap onto a second line inside its column.")]  # fmt: skip
    assert found.general == ["2 ≤ N ≤ 100", "1 ≤ P_i ≤ 10^15 for each i, and P_i > P_{i+1}"]


def test_body_lines_are_kept_when_they_do_not_repeat_as_furniture(tmp_path):
    flow = Flow()
    flow.paragraph("Only on the first page, at its top.")
    flow.paragraph("Look at the figure below.")
    flow.page_break()
    flow.paragraph("Second page, first line, long enough to wrap: it pushes what follows one line lower than on "
                   "the first page.")  # fmt: skip
    flow.paragraph("Look at the figure below.")  # the same short line near the top of both pages, at other heights
    flow.y -= 200
    flow.paragraph("Look at the figure below.")
    flow.document.save(tmp_path / "two.pdf")
    text = pdf_markdown(tmp_path / "two.pdf")
    assert text.count("Look at the figure below.") == 3
    assert "Only on the first page, at its top." in text and "Second page, first line, long" in text
    single = Flow()
    single.paragraph("souvenirs (1 of 1)")
    single.document.save(tmp_path / "one.pdf")
    assert pdf_markdown(tmp_path / "one.pdf") == "souvenirs (1 of 1)\n"  # one page: nothing repeats


def test_markdown_subtask_table_variants():
    statement = """# T

## Constraints

The inputs satisfy:

* $1 \\le N \\le 2000$
* $W[i] = 1$ for each $i$ such that
  $0 \\le i < N$
* All values are integers.

Every input is valid.

```
not a constraint
```

## Subtasks and scoring

| # | Points | Constraints |
| :-: | :-: | --- |
| 1 | $6$ | $Q \\le 5$ |
| **2** | 13 pts | None |
| 3 | 81 | No additional constraints. |
"""
    found = parse(statement)
    assert found.general == ["$1 \\le N \\le 2000$", "$W[i] = 1$ for each $i$ such that $0 \\le i < N$",
                             "All values are integers.", "Every input is valid."]  # fmt: skip
    assert found.rows == [SubtaskRow(1, 6, "$Q \\le 5$"), SubtaskRow(2, 13, ""), SubtaskRow(3, 81, "")]
    assert parse("# T\n\nno headings here\n").rows == []


def test_table_scores_are_checked_against_the_package():
    subtasks = [Subtask("00-samples", 0, []), Subtask("01-a", 6, []), Subtask("02-b", 10, []), Subtask("03-c", 84, [])]
    rows = [SubtaskRow(1, 6, "x"), SubtaskRow(2, 13, "y"), SubtaskRow(4, 81, "")]
    matched, warnings = match_rows("nile", rows, subtasks)
    assert set(matched) == {"01-a", "02-b"}
    assert warnings == [
        "nile: subtask 02-b is worth 10 points in the package but 13 in the statement's subtask table",
        "nile: subtask 03-c (84 points) has no row in the statement's subtask table",
        "nile: the statement's subtask table lists subtask(s) 4, which the package does not have",
    ]
    assert match_rows("nile", [], subtasks)[1] == [
        "nile: no subtask table found in the statement: the prompts cannot state each subtask's own constraints"
    ]
    positional, none = match_rows("x", [SubtaskRow(1, 40, "a"), SubtaskRow(2, 60, "")],
                                  [Subtask("first", 40, []), Subtask("second", 60, [])])  # fmt: skip
    assert positional == {"first": SubtaskRow(1, 40, "a"), "second": SubtaskRow(2, 60, "")} and none == []


def test_every_prompt_states_its_subtask_constraints():
    rows = {r["subtask"]: r for r in dataset.rows(load_package(FINDPAIR))}
    small, full, samples = rows["01-small"]["problem"], rows["02-full"]["problem"], rows["00-samples"]["problem"]
    general = "- $2 \\le n \\le 300\\,000$\n- $0 \\le a_i \\le 10^9$\n- $0 \\le T \\le 2 \\cdot 10^9$\n"
    assert "subtask list" not in small + full + samples
    assert ("### Constraints of this subtask\n\n" + general + "- $n \\le 1000$ (this subtask's additional "
            "constraints)\n") in small  # fmt: skip
    assert "You do not have to solve the general problem" in small
    assert "It adds no constraint of its own" in full and "### Constraints of this subtask\n\n" + general in full
    assert "additional constraints)" not in full
    assert "judged on the examples of the statement" in samples and "### Constraints\n\n" + general in samples


def test_2026_layout_statement_from_en_pdf():
    package = load_package(BALANCE)
    assert package.statement_source == "pdf: en.pdf" and not (BALANCE / "translations").exists()
    assert package.statement.startswith("# Balance Point\n")
    assert (
        "a_0, a_1, ..., a_{n−1}" in package.statement and "3 · 10^14: they do not fit in 32 bits" in package.statement
    )
    assert "English (ISC)" not in package.statement and "(1 of 2)" not in package.statement
    assert "```\nint find_balance(std::vector<long long> a)\n```" in package.statement
    assert package.general_constraints == ["1 ≤ n ≤ 300 000", "1 ≤ a_i ≤ 10^9"]
    assert package.subtask_rows["01-small"] == SubtaskRow(
        1, 30, "n ≤ 1 000 and a_i ≤ 10^6 for each i such that 0 ≤ i < n"
    )
    assert [w for w in package.warnings if "subtask" in w] == []  # the table agrees with subtasks/*.json
    prompt = next(r["problem"] for r in dataset.rows(package) if r["subtask"] == "01-small")
    assert "- 1 ≤ a_i ≤ 10^9\n- n ≤ 1 000 and a_i ≤ 10^6 for each i such that 0 ≤ i < n (this subtask's" in prompt


def test_2025_layout_statement_pdf_and_a_disagreeing_table(tmp_path):
    """IOI 2025: the CMS export unpacked with `statement.pdf` beside it; a table that disagrees is reported."""
    folder = tmp_path / "2025" / "day1" / "findpair"
    shutil.copytree(FINDPAIR, folder)
    shutil.rmtree(folder / "translations")
    flow = Flow()
    flow.heading("Find a Pair", 18)
    flow.heading("Subtasks")
    flow.table(["Subtask", "Score", "Additional Constraints"], [["1", "25", "n ≤ 1000"], ["2", "70", "None"]],
               [0, 60, 120])  # fmt: skip
    flow.document.save(folder / "statement.pdf")
    package = load_package(folder)
    assert package.task.year == 2025 and package.statement_source == "pdf: statement.pdf"
    assert "findpair: subtask 01-small is worth 30 points in the package but 25 in the statement's subtask table" in (
        package.warnings
    )


def test_a_pdf_benchmark_is_read_like_a_pdf_statement():
    """Decontamination compares a benchmark PDF's n-grams with the rows': both come from the same reader."""
    assert benchmark_texts([str(BALANCE / "en.pdf")]) == [load_package(BALANCE).statement]


def test_pdf_tables_over_a_page_break_bullets_apart_and_big_symbols(tmp_path):
    """A table header repeated on the next page continues the table; a bullet glyph with no space after it is
    still a bullet; a symbol set larger and lower than the line does not turn the line into exponents."""
    document = Document()
    first, second = document.page(), document.page()
    first.line(72, 700, "Subtasks", 14, "bold")
    for page, y, rows in ((first, 670, [("1", "10", "N = 1")]), (second, 760, [("2", "90", "None")])):
        page.line(72, y, "Subtask", 11, "bold")
        page.line(140, y, "Score", 11, "bold")
        page.line(200, y, "Additional Constraints", 11, "bold")
        for offset, (number, score, constraint) in enumerate(rows, 1):
            for x, cell in ((72, number), (140, score), (200, constraint)):
                page.line(x, y - 16 * offset, cell)
    second.line(72, 700, [Span("\u2022"), Span("glued to its bullet")])
    second.line(72, 680, [Span("S", size=16, rise=-3), Span(" over all i of a"), sub("i"), Span(" is at most 10"),
                          sup("9")])  # fmt: skip
    document.save(tmp_path / "edges.pdf")
    text = pdf_markdown(tmp_path / "edges.pdf")
    assert "| 1 | 10 | N = 1 |\n| 2 | 90 | None |" in text and text.count("| Subtask |") == 1
    assert parse(text).rows == [SubtaskRow(1, 10, "N = 1"), SubtaskRow(2, 90, "")]
    assert "- glued to its bullet" in text
    assert text.endswith("\n\nS over all i of a_i is at most 10^9\n")  # a paragraph, not a heading


def test_pdf_in_flipped_pixel_coordinates_as_browsers_print(tmp_path):
    """Browsers print with a page matrix that flips y and scales CSS pixels to points (0.75): positions and
    sizes are read through both matrices, so the exponent is still smaller and raised, and lines keep their order."""
    document = Document()
    page = document.page()
    page.operations.append(b"q 0.75 0 0 -0.75 0 842 cm BT /F1 14.667 Tf 1 0 0 -1 96 100 Tm (Prices reach 10) Tj "
                           b"/F1 8.667 Tf 1 0 0 -1 199 92.667 Tm (15) Tj /F1 14.667 Tf 1 0 0 -1 211 100 Tm (.) Tj ET "
                           b"BT /F1 14.667 Tf 1 0 0 -1 96 124 Tm (Second line.) Tj ET Q")  # fmt: skip
    document.save(tmp_path / "browser.pdf")
    assert pdf_markdown(tmp_path / "browser.pdf") == "Prices reach 10^15. Second line.\n"


def test_pdf_code_block_over_a_page_break_stays_one_block(tmp_path):
    document = Document()
    first, second = document.page(), document.page()
    first.line(72, 100, "Input format:")
    first.line(84, 80, "N Q", 10, "mono")
    second.line(84, 760, "A[0] ... A[N-1]", 10, "mono")
    document.save(tmp_path / "code.pdf")
    assert pdf_markdown(tmp_path / "code.pdf") == "Input format:\n\n```\nN Q\nA[0] ... A[N-1]\n```\n"
