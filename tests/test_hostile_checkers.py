"""Memory attacks on the checkers: whatever a submission prints (one giant line or token,
millions of tiny tokens or blank lines, a flood of carriage returns, a gibibyte), the
judge's own resident memory grows by less than RSS_BOUND and the verdict and message are
the ones white-diff (token diff, float diff) defines."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from judge.checkers import FloatDiff, TokenDiff, WhiteDiff, load_checker
from judge.verdicts import Verdict

RSS_BOUND = 64 << 20  # bytes the judge's resident memory may grow while checking one output
MIB = 1 << 20


def _memory() -> tuple[int, int]:
    """(current RSS, peak RSS) of this process in bytes."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) << 10, int(fields["VmHWM"].split()[0]) << 10


@contextmanager
def bounded_memory(bound: int = RSS_BOUND) -> Iterator[None]:
    """Asserts the peak RSS inside the block exceeds the RSS before it by less than `bound`."""
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS (VmHWM) to the current RSS
    before, _ = _memory()
    yield
    _, peak = _memory()
    assert peak - before < bound, f"the judge's RSS grew by {(peak - before) >> 20} MiB"


def repeated(path: Path, piece: bytes, size: int, tail: bytes = b"") -> Path:
    """`piece` repeated to `size` bytes, then `tail`, written in blocks (never held whole)."""
    block = piece * max(1, (4 * MIB) // len(piece))
    with path.open("wb") as handle:
        for start in range(0, size, len(block)):
            handle.write(block[: min(len(block), size - start)])
        handle.write(tail)
    return path


@pytest.fixture
def given(tmp_path: Path) -> Path:
    path = tmp_path / "input"
    path.write_bytes(b"")
    return path


def small(tmp_path: Path, text: bytes, name: str = "answer") -> Path:
    path = tmp_path / name
    path.write_bytes(text)
    return path


def check(checker, given: Path, answer: Path, output: Path, bound: int = RSS_BOUND):
    with bounded_memory(bound):
        return checker.check(given, answer, output)


A_A_A = repr("a " * 30 + "...")  # the line `a a a ...` as a message shows it: 60 characters, then "..."


@pytest.fixture(scope="module")
def a_a_a_line(tmp_path_factory) -> Path:
    """The reported attack: one 63 MiB line `a a a ...`."""
    return repeated(tmp_path_factory.mktemp("line") / "output", b"a ", 63 * MIB, b"\n")


@pytest.mark.parametrize(
    "checker,message",
    [
        (WhiteDiff(), f"line 1: expected 'a', got {A_A_A}"),
        (TokenDiff(), "token 2: expected end of file, got 'a'"),
        (FloatDiff(), "token 2: expected end of file, got 'a'"),
    ],
)
def test_one_63_mib_line_of_a_a_a(tmp_path, given, a_a_a_line, checker, message):
    result = check(checker, given, small(tmp_path, b"a\n"), a_a_a_line)
    assert (result.verdict, result.message) == (Verdict.WA, f"Output isn't correct: {message}")


@pytest.mark.parametrize("checker", [WhiteDiff(), TokenDiff(), FloatDiff()], ids=["white", "tokens", "float"])
def test_the_63_mib_line_against_itself_is_read_whole_and_accepted(given, a_a_a_line, checker):
    assert check(checker, given, a_a_a_line, a_a_a_line).verdict == Verdict.AC


@pytest.mark.parametrize("checker", [WhiteDiff(), TokenDiff(), FloatDiff()], ids=["white", "tokens", "float"])
def test_one_63_mib_token(tmp_path, given, checker):
    """No whitespace at all: against a short answer, then against itself with the last byte changed."""
    output = repeated(tmp_path / "output", b"7", 63 * MIB)
    unit = "line" if isinstance(checker, WhiteDiff) else "token"
    result = check(checker, given, small(tmp_path, b"7\n"), output)
    assert result.message == f"Output isn't correct: {unit} 1: expected '7', got '{'7' * 60}...'"
    answer = repeated(tmp_path / "answer", b"7", 63 * MIB - 1, b"8")
    result = check(checker, given, answer, output)
    assert result.message == f"Output isn't correct: {unit} 1: expected '{'7' * 60}...', got '{'7' * 60}...'"


def test_32_million_empty_lines(tmp_path, given):
    """Blank lines at the end are ignored; one line of text after them is found and numbered."""
    output = repeated(tmp_path / "output", b"\n", 32 * MIB)
    assert check(WhiteDiff(), given, small(tmp_path, b""), output).verdict == Verdict.AC
    result = check(WhiteDiff(), given, small(tmp_path, b"a\n"), output)
    assert result.message == "Output isn't correct: line 1: expected 'a', got ''"
    output = repeated(tmp_path / "output", b"\n", 32 * MIB, b"x")
    result = check(WhiteDiff(), given, small(tmp_path, b"\n\n"), output)
    assert result.message == f"Output isn't correct: line {32 * MIB + 1}: expected end of file, got 'x'"
    for checker in (TokenDiff(), FloatDiff()):
        result = check(checker, given, small(tmp_path, b""), output)
        assert result.message == "Output isn't correct: token 1: expected end of file, got 'x'"


@pytest.mark.parametrize("checker", [WhiteDiff(), TokenDiff(), FloatDiff()], ids=["white", "tokens", "float"])
def test_63_mib_of_carriage_returns_is_one_blank_line(tmp_path, given, checker):
    output = repeated(tmp_path / "output", b"\r", 63 * MIB)
    assert check(checker, given, small(tmp_path, b"\n"), output).verdict == Verdict.AC
    assert check(checker, given, small(tmp_path, b"a\n"), output).verdict == Verdict.WA


def test_a_correct_63_mib_output_is_accepted(tmp_path, given):
    """Lines of numbers, printed with CRLF and runs of blanks against a plain answer."""
    plain, spaced, lines = b"123456789 987654321 5\n", b"  123456789\t\t987654321 \x0b 5 \r\n", 2_250_000
    answer = repeated(tmp_path / "answer", plain, len(plain) * lines)
    output = repeated(tmp_path / "output", spaced, len(spaced) * lines)
    assert output.stat().st_size < 63 * MIB
    for checker in (WhiteDiff(), TokenDiff(), FloatDiff()):
        assert check(checker, given, answer, output).verdict == Verdict.AC


def test_millions_of_tiny_tokens(tmp_path, given):
    """32 million one-byte tokens on one line against the same tokens one per line."""
    output = repeated(tmp_path / "output", b"1 ", 64 * MIB)
    answer = repeated(tmp_path / "answer", b"1\n", 64 * MIB)
    assert check(TokenDiff(), given, answer, output).verdict == Verdict.AC
    result = check(WhiteDiff(), given, answer, output)
    assert result.message == f"Output isn't correct: line 1: expected '1', got {repr('1 ' * 30 + '...')}"


def test_float_diff_on_millions_of_numbers(tmp_path, given):
    """Three million numbers, each one printed differently but within the tolerance; then
    the same with one number out of it, which is found and numbered."""
    count = 3_000_000
    answer = repeated(tmp_path / "answer", b"0.5\n", 4 * count)
    output = repeated(tmp_path / "output", b"0.5000001 ", 10 * count)
    assert check(FloatDiff(), given, answer, output).verdict == Verdict.AC
    assert check(TokenDiff(), given, answer, output).message.startswith("Output isn't correct: token 1:")
    output = repeated(tmp_path / "output", b"0.5000001 ", 10 * (count - 2), b"0.5 0.51 ")
    result = check(FloatDiff(), given, answer, output)
    assert result.message == f"Output isn't correct: token {count}: expected '0.5', got '0.51'"


@pytest.mark.slow
def test_a_gibibyte_output_stays_bounded(tmp_path, given):
    """Memory does not depend on the output limit: two sparse 1 GiB files (one token of NUL
    bytes each) that differ only in their last byte are read to the end."""
    answer, output = tmp_path / "answer", tmp_path / "output"
    for path, last in ((answer, b"1"), (output, b"2")):
        with path.open("wb") as handle:
            handle.truncate((1 << 30) - 1)
            handle.seek(0, os.SEEK_END)
            handle.write(last)
    result = check(WhiteDiff(), given, answer, output)
    shown = repr("\0" * 60 + "...")
    assert result.message == f"Output isn't correct: line 1: expected {shown}, got {shown}"


FLOODING_CHECKER = r"""#include <cstdio>
#include <cstring>
int main(int argc, char **argv) {
    // A model-written checker gone wrong: its verdict, then 15 MiB on stdout and on stderr.
    static char junk[1 << 20]; std::memset(junk, 'z', sizeof junk);
    std::puts("1"); std::fputs("translate:success\n", stderr);
    for (int i = 0; i < 15; i++) { std::fwrite(junk, 1, sizeof junk, stdout); std::fwrite(junk, 1, sizeof junk, stderr); }
}
"""


def test_a_checker_flooding_its_output_is_read_in_a_bounded_prefix(tmp_path, given, compiler):
    source = tmp_path / "checker.cpp"
    source.write_text(FLOODING_CHECKER)
    checker = load_checker(source, "cms", compiler)
    result = check(checker, given, small(tmp_path, b"7\n"), small(tmp_path, b"7\n", "output"), bound=8 * MIB)
    assert (result.verdict, result.message) == (Verdict.AC, "Output is correct")


def test_the_63_mib_line_through_the_judge(judge_code, unharmed):
    """End to end: a submission prints the attack line and the default white-diff says WA."""
    code = r"""#include <cstdio>
int main(){ static char line[63 << 20]; for (int i = 0; i < (63 << 20); i += 2) { line[i] = 'a'; line[i + 1] = ' '; }
            line[(63 << 20) - 1] = '\n'; std::fwrite(line, 1, sizeof line, stdout); }"""
    result = judge_code(code, [("", "a\n")])
    assert [str(test.verdict) for test in result.tests] == ["WA"]
