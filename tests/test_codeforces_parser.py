"""The Codeforces page parser on the real fixture pages (every problem, exactly)
and on synthetic pages for the shapes the fixtures lack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builders.codeforces.parser import PageError, parse_page
from olympicforge.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "codeforces"
PAGES = {"problem-452A.html": 1, "contest-1211-problems.html": 9}

# (index, title, time limit s, memory MB, [(example input, example output), ...]), read off the pages.
EXPECTED = [
    (
        "A",
        "Eevee",
        1.0,
        256.0,
        [("7\nj......\n", "jolteon\n"), ("7\n...feon\n", "leafeon\n"), ("7\n.l.r.o.\n", "flareon\n")],
    ),
    (
        "A",
        "Three Problems",
        3.0,
        256.0,
        [
            ("6\n3 1 4 1 5 9\n", "4 1 3 "),
            ("5\n1 1000000000 1 1000000000 1\n", "-1 -1 -1\n"),
            ("9\n10 10 11 10 10 10 10 10 1\n", "9 8 3 "),
        ],
    ),
    (
        "B",
        "Traveling Around the Golden Ring of Berland",
        3.0,
        256.0,
        [
            ("3\n1 0 0\n", "1\n"),
            ("3\n2 0 2\n", "6\n"),
            ("5\n0 3 1 3 2\n", "14\n"),
            ("5\n1000000000 1000000000 1000000000 1000000000 0\n", "4999999999\n"),
        ],
    ),
    (
        "C",
        "Ice Cream",
        3.0,
        256.0,
        [
            ("3 7\n3 5 6\n0 3 4\n3 3 3\n", "31\n"),
            ("1 45000\n40000 50000 100000\n", "4500000000\n"),
            ("3 100\n2 10 50\n50 60 16\n20 21 25\n", "-1\n"),
            ("4 12\n2 5 1\n1 2 2\n2 3 7\n3 10 4\n", "35\n"),
        ],
    ),
    (
        "D",
        "Teams",
        3.0,
        256.0,
        [
            ("12 1 2 2\n1 1 2 2 2 2 2 3 3 4 6 6\n", "3\n"),
            ("14 1 1 3\n3 3 1 1 9 9 2 3 6 6 3 18 3 18\n", "6\n"),
            ("1 2 3 10\n1000000\n", "0\n"),
        ],
    ),
    (
        "E",
        "Double Permutation Inc.",
        5.0,
        256.0,
        [
            ("5\n1 2 3 2 1\n", "RBBBG\n"),
            ("3\n1 1 1\n", "BBB\n"),
            ("10\n3 3 2 2 5 4 1 5 4 1\n", "RGRGRRRGGG\n"),
            ("10\n3 9 3 1 2 1 2 4 4 4\n", "RBGRRGGBBB\n"),
        ],
    ),
    (
        "F",
        "kotlinkotlinkotlinkotlin...",
        3.0,
        256.0,
        [
            ("2\nlin\nkot\n", "2 1 "),
            ("4\nlinkotlinkotlinkotl\nkotlin\nin\nkot\n", "2 4 1 3 "),
            ("8\ni\nn\ntlin\no\nko\nt\nk\nl\n", "7 4 3 5 6 8 1 2 "),
        ],
    ),
    (
        "G",
        "King's Path",
        5.0,
        256.0,
        [
            ("1\n7\n2 3 2 7 1 1 3\n7 1 2 3 1 2 3\n1 7\n4 1\n2 6\n2 3\n2 4\n5 4\n", "Yes\n4\n1 4 2 6\n"),
            ("1\n5\n1 2 2 2 2\n2 2 2 2 1\n1 2\n2 3\n3 4\n4 5\n", "Yes\n5\n1 2 3 4 5\n"),
            (
                "3\n4\n10 20 10 20\n20 10 20 10\n1 2\n1 3\n1 4\n2\n1000000 1000000\n1000000 1000000\n1 2\n10\n4 2 2 4 2 4 1 2 3 4\n4 2 4 4 3 2 1 2 4 2\n5 8\n6 9\n10 5\n1 10\n7 10\n3 4\n5 9\n3 10\n2 4\n",
                "No\nYes\n0\nYes\n5\n3 10 5 9 6\n",
            ),
        ],
    ),
    (
        "H",
        "Road Repair in Treeland",
        3.0,
        256.0,
        [
            (
                "3\n3\n1 2\n2 3\n6\n1 2\n1 3\n1 4\n1 5\n1 6\n7\n3 1\n1 4\n4 6\n5 1\n2 4\n1 7\n",
                "1\n10 20\n3\n1 1 1 2 2\n2\n11 11 12 13 12 13\n",
            )
        ],
    ),
    ("I", "Unusual Graph", 5.0, 256.0, [("4 4\n1 2\n2 3\n3 4\n4 1\n", "0 1 0 1\n"), ("3 0\n", "0 0 0\n")]),
]


@pytest.fixture(scope="module")
def problems():
    found = []
    for page, count in PAGES.items():
        parsed = parse_page((FIXTURES / page).read_text())
        assert len(parsed) == count, page
        found += parsed
    return found


def test_every_problem_exactly(problems):
    got = [(p.index, p.title, p.time_limit, p.memory_limit, [(e["input"], e["output"]) for e in p.examples])
           for p in problems]  # fmt: skip
    assert got == EXPECTED


def test_io_files_and_modes(problems):
    assert {(p.input_file, p.output_file, p.input_mode, p.interactive) for p in problems} == {
        ("standard input", "standard output", "stdio", False)
    }


def test_old_style_tex_spans_become_dollar_math(problems):
    eevee = problems[0]
    assert eevee.input_format.startswith("First line contains an integer $n$ ($6 ≤ n ≤ 8$) – the length")
    assert eevee.note.startswith("Here's a set of names in a form you can paste into your solution:\n\n[")
    assert eevee.legend.count("\n\n") == 1  # two paragraphs


def test_raw_triple_dollar_math_is_normalised(problems):
    three = problems[1]
    assert three.legend.startswith("Polycarp is choosing three problems for creating a programming test. "
                                   "Totally he has $n$ problems in his list.")  # fmt: skip
    assert "$r_a < r_b < r_c$" in three.legend
    assert "($3 \\le n \\le 3000$)" in three.input_format
    assert "print three numbers `-1`" in three.output_format
    for p in problems:
        for text in (p.legend, p.input_format, p.output_format, p.note):
            assert "$$$" not in text and "<" + "p>" not in text and "\xa0" not in text


def test_lists_images_and_sections(problems):
    by_index = {p.index: p for p in problems[1:]}
    assert "\n\n- each player" in by_index["D"].legend
    assert by_index["G"].images == ["https://espresso.codeforces.com/5528c6d71ff5f43bfbf54549db94db779fcef756.png"]
    assert f"![]({by_index['G'].images[0]})" in by_index["G"].legend + by_index["G"].note
    assert by_index["C"].note.startswith("In the first example, Tanya needs to eat $3$ portions")
    assert 'writing the word "`kotlin`"' in by_index["F"].legend


SYNTHETIC = """<html><body><div class="problem-statement">
<div class="header"><div class="title">C. Guess</div>
<div class="time-limit"><div class="property-title">time limit per test</div>2.5 seconds</div>
<div class="memory-limit"><div class="property-title">memory limit per test</div>512 megabytes</div>
<div class="input-file"><div class="property-title">input</div>input.txt</div>
<div class="output-file"><div class="property-title">output</div>output.txt</div></div>
<div><p>Sum <span class="MathJax_Preview">x</span><span class="MathJax">rendered</span><script type="math/tex">a_1+a_2</script>
and <script type="math/tex; mode=display">\\sum_i a_i</script> and $$$$$$x^2$$$$$$.</p><img src="/predownloaded/a.png"></div>
<div class="input-specification"><div class="section-title">Input</div><p>One line.</p></div>
<div class="output-specification"><div class="section-title">Output</div><p>One number.</p></div>
<div class="interaction-specification"><div class="section-title">Interaction</div><p>Flush after each query.</p></div>
<div class="sample-tests"><div class="section-title">Example</div><div class="sample-test">
<div class="input"><div class="title">Input</div><pre><div class="test-example-line">2</div><div class="test-example-line">1 2</div></pre></div>
<div class="output"><div class="title">Output</div><pre>3
</pre></div></div></div>
<div class="note"><div class="section-title">Note</div><p>None.</p></div></div></body></html>"""


def test_mathjax_pages_multitest_lines_files_and_interaction():
    [p] = parse_page(SYNTHETIC)
    assert (p.index, p.title, p.time_limit, p.memory_limit) == ("C", "Guess", 2.5, 512.0)
    assert (p.input_file, p.output_file, p.input_mode) == ("input.txt", "output.txt", "file")
    assert "Sum $a_1+a_2$" in p.legend and "$$\\sum_i a_i$$" in p.legend and "$$x^2$$" in p.legend
    assert "rendered" not in p.legend
    assert p.images == ["https://codeforces.com/predownloaded/a.png"]
    assert p.examples == [{"input": "2\n1 2\n", "output": "3\n"}]
    assert p.interactive and p.interaction_format == "Flush after each query."
    assert p.note == "None."


def _interactive_page(legend: str, sections: str) -> str:
    """The shape of a real interactive problem: the Interaction section is a plain <div>."""
    return f"""<html><body><div class="problem-statement">
<div class="header"><div class="title">E. Hidden Number</div>
<div class="time-limit"><div class="property-title">time limit per test</div>1 second</div>
<div class="memory-limit"><div class="property-title">memory limit per test</div>256 megabytes</div>
<div class="input-file"><div class="property-title">input</div>standard input</div>
<div class="output-file"><div class="property-title">output</div>standard output</div></div>
<div>{legend}</div>
<div class="input-specification"><div class="section-title">Input</div><p>The first line holds $$$t$$$.</p></div>
{sections}
<div class="sample-tests"><div class="section-title">Example</div><div class="sample-test">
<div class="input"><div class="title">Input</div><pre>1
</pre></div><div class="output"><div class="title">Output</div><pre>? 1
! 1
</pre></div></div></div>
<div class="note"><div class="section-title">Note</div><p>The hidden number is $$$1$$$.</p></div>
</div></body></html>"""


def test_interaction_in_a_plain_div_makes_the_problem_interactive():
    page = _interactive_page(
        "<p>Guess the number.</p>", '<div><div class="section-title">Interaction</div><p>Print "? x" to ask.</p></div>'
    )
    [p] = parse_page(page)
    assert p.interactive and p.interaction_format == 'Print "? x" to ask.'
    assert p.legend == "Guess the number." and p.input_format == "The first line holds $t$."
    assert p.output_format == "" and p.note == "The hidden number is $1$."


@pytest.mark.parametrize("title", ["Interaction", "Протокол взаимодействия"])
def test_the_interaction_title_is_read_in_either_language(title):
    page = _interactive_page("<p>Guess.</p>", f'<div><div class="section-title">{title}</div><p>Ask.</p></div>')
    [p] = parse_page(page)
    assert p.interactive and p.interaction_format == "Ask."


def test_the_legend_alone_can_say_it_is_interactive():
    page = _interactive_page(
        "<p>This is an interactive problem.</p><p>Guess.</p>",
        '<div class="output-specification"><div class="section-title">Output</div><p>-</p></div>',
    )
    [p] = parse_page(page)
    assert p.interactive and p.interaction_format == "" and p.output_format == "-"


def test_interactive_rows_are_never_judged_on_stdio():
    from builders.codeforces.build import judgeable_on_stdio

    row = {"input_mode": "stdio", "interaction_format": "", "tags": [], "examples": [{"input": "1", "output": "1"}]}
    assert judgeable_on_stdio(row)
    assert not judgeable_on_stdio({**row, "interactive": True})
    assert not judgeable_on_stdio({**row, "interaction_format": "Ask."})
    assert not judgeable_on_stdio({**row, "tags": ["interactive", "binary search"]})
    assert not judgeable_on_stdio({**row, "input_mode": "file"})


@pytest.mark.parametrize("page", ["<html><body>Just a moment... checking your browser</body></html>",
                                  "<html><body><form id='enterForm'>Login</form></body></html>"])  # fmt: skip
def test_pages_without_problems_are_rejected(page):
    with pytest.raises(PageError, match="no div.problem-statement"):
        parse_page(page)


def test_parse_cli_json(capsys):
    assert main(["codeforces", "parse", str(FIXTURES / "problem-452A.html"), "--json"]) == 0
    [data] = json.loads(capsys.readouterr().out)
    assert data["title"] == "Eevee" and data["input_mode"] == "stdio" and len(data["examples"]) == 3
    assert set(data) >= {"index", "title", "time_limit", "memory_limit", "input_file", "output_file", "legend",
                         "input_format", "output_format", "interaction_format", "examples", "note", "images",
                         "interactive"}  # fmt: skip
