"""Comparators and checker protocols; a broken checker is JE, never WA."""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.checkers import ExternalChecker, FloatDiff, TokenDiff, WhiteDiff, load_checker
from judge.verdicts import Verdict


@pytest.fixture
def files(tmp_path):
    def make(answer: str, output: str, given: str = "in\n") -> tuple[Path, Path, Path]:
        paths = tmp_path / "input", tmp_path / "answer", tmp_path / "output"
        for path, text in zip(paths, (given, answer, output), strict=True):
            path.write_text(text)
        return paths

    return make


@pytest.mark.parametrize(
    "answer,output,ok",
    [
        ("1 2\n3\n", "1 2\n3\n", True),
        ("1 2\n3\n", "  1   2  \n3", True),  # whitespace runs collapsed, ends stripped
        ("1 2\n3\n", "1 2\n3\n\n\n", True),  # trailing blank lines ignored
        ("1 2\n3\n", "1\t2\r\n3\r\n", True),
        ("1 2\n3\n", "1 2 3\n", False),  # line structure matters
        ("1\n", "1.0\n", False),  # numbers are text
        ("1\n\n2\n", "1\n2\n", False),  # a blank line in the middle matters
        ("a\n", "", False),
        ("", "\n\n", True),
    ],
)
def test_white_diff(files, answer, output, ok):
    result = WhiteDiff().check(*files(answer, output))
    assert result.verdict == (Verdict.AC if ok else Verdict.WA)


def test_white_diff_message_names_the_line(files):
    result = WhiteDiff().check(*files("1\n2\n3\n", "1\n2\n4\n"))
    assert "line 3" in result.message and "'3'" in result.message and "'4'" in result.message


def test_token_diff(files):
    assert TokenDiff().check(*files("1 2\n3\n", "1\n2 3")).verdict == Verdict.AC
    assert TokenDiff().check(*files("1 2 3", "1 2")).verdict == Verdict.WA
    assert TokenDiff().check(*files("1 2", "1 2 3")).verdict == Verdict.WA


def test_token_diff_across_chunk_boundaries(files, monkeypatch):
    monkeypatch.setattr("judge.checkers.CHUNK", 3)
    assert TokenDiff().check(*files("12345 678 9", "12345\n678 9\n")).verdict == Verdict.AC
    assert TokenDiff().check(*files("12345 678", "1234 5678")).verdict == Verdict.WA


@pytest.mark.parametrize(
    "answer,output,ok",
    [
        ("1.0", "1.0000001", True),
        ("1000000", "1000000.5", True),  # relative 5e-7
        ("1.0", "1.001", False),
        ("0", "0.0000009", True),  # absolute
        ("nan", "nan", True),  # same token
        ("1", "inf", False),
        ("YES 2.5", "YES 2.5000001", True),
        ("YES 2.5", "NO 2.5", False),
    ],
)
def test_float_diff(files, answer, output, ok):
    assert FloatDiff(1e-6, 1e-6).check(*files(answer, output)).verdict == (Verdict.AC if ok else Verdict.WA)


CMS_CHECKER = r"""#include <cstdio>
#include <cstring>
int main(int argc, char **argv) {
    // argv: input answer output. Behaviour picked by the input file's first word.
    char mode[32] = {0}; FILE *in = std::fopen(argv[1], "r"); std::fscanf(in, "%31s", mode);
    FILE *ans = std::fopen(argv[2], "r"), *out = std::fopen(argv[3], "r");
    int want = 0, got = -1; std::fscanf(ans, "%d", &want); std::fscanf(out, "%d", &got);
    if (!std::strcmp(mode, "crash")) { int *p = nullptr; return *p; }
    if (!std::strcmp(mode, "garbage")) { std::puts("banana"); return 0; }
    if (!std::strcmp(mode, "nonzero")) { std::puts("1"); return 1; }
    if (!std::strcmp(mode, "range")) { std::puts("1.5"); return 0; }
    if (got == want) { std::puts("1"); std::fputs("translate:success\n", stderr); }
    else if (got == want + 1) { std::puts("0.25"); std::fputs("translate:partial\n", stderr); }
    else { std::puts("0"); std::fputs("translate:wrong\n", stderr); }
}
"""

TESTLIB_CHECKER = r"""#include <cstdio>
#include <cstring>
int main(int argc, char **argv) {
    // argv: input output answer (testlib order). Exit code by the input's first word.
    char mode[32] = {0}; FILE *in = std::fopen(argv[1], "r"); std::fscanf(in, "%31s", mode);
    FILE *out = std::fopen(argv[2], "r"), *ans = std::fopen(argv[3], "r");
    int want = 0, got = -1; std::fscanf(ans, "%d", &want); std::fscanf(out, "%d", &got);
    if (!std::strcmp(mode, "fail")) { std::fputs("answer file is broken\n", stderr); return 3; }
    if (!std::strcmp(mode, "points")) { std::fputs("points 0.75 three quarters\n", stderr); return 7; }
    if (!std::strcmp(mode, "bigpoints")) { std::fputs("points 2.0 too much\n", stderr); return 7; }
    if (!std::strcmp(mode, "pe")) { std::fputs("presentation error\n", stderr); return 2; }
    if (!std::strcmp(mode, "weird")) return 42;
    if (got == want) { std::fputs("ok answer is right\n", stderr); return 0; }
    std::fputs("wrong answer mismatch\n", stderr); return 1;
}
"""

PYTHON_CHECKER = """import sys
given, answer, output = (open(p).read().split() for p in sys.argv[1:4])
if given and given[0] == "crash":
    raise SystemExit(5)
if given and given[0] == "score":
    print(0.4)
else:
    print("True" if answer == output else "False")
"""


@pytest.fixture(scope="module")
def checker_sources(tmp_path_factory):
    root = tmp_path_factory.mktemp("checkers")
    for name, text in (("cms.cpp", CMS_CHECKER), ("testlib.cpp", TESTLIB_CHECKER), ("check.py", PYTHON_CHECKER)):
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    "given,output,verdict,outcome",
    [
        ("ok", "7", Verdict.AC, 1.0),
        ("ok", "8", Verdict.PA, 0.25),
        ("ok", "9", Verdict.WA, 0.0),
        ("crash", "7", Verdict.JE, 0.0),
        ("garbage", "7", Verdict.JE, 0.0),
        ("nonzero", "7", Verdict.JE, 0.0),
        ("range", "7", Verdict.JE, 0.0),
    ],
)
def test_cms_protocol(checker_sources, compiler, files, given, output, verdict, outcome):
    checker = load_checker(checker_sources / "cms.cpp", "cms", compiler)
    result = checker.check(*files("7\n", output + "\n", given + "\n"))
    assert (result.verdict, result.outcome) == (verdict, outcome)
    if verdict == Verdict.AC:
        assert result.message == "Output is correct"


@pytest.mark.parametrize(
    "given,output,verdict,outcome",
    [
        ("ok", "7", Verdict.AC, 1.0),
        ("ok", "8", Verdict.WA, 0.0),
        ("pe", "7", Verdict.WA, 0.0),
        ("points", "7", Verdict.PA, 0.75),
        ("fail", "7", Verdict.JE, 0.0),
        ("bigpoints", "7", Verdict.JE, 0.0),
        ("weird", "7", Verdict.JE, 0.0),
    ],
)
def test_testlib_protocol(checker_sources, compiler, files, given, output, verdict, outcome):
    checker = load_checker(checker_sources / "testlib.cpp", "testlib", compiler)
    result = checker.check(*files("7\n", output + "\n", given + "\n"))
    assert (result.verdict, result.outcome) == (verdict, outcome)


def test_testlib_points_scaled_by_max_points(checker_sources, compiler, files):
    base = load_checker(checker_sources / "testlib.cpp", "testlib", compiler)
    scaled = ExternalChecker(base.executable, "testlib", base.sandbox, max_points=4.0)
    result = scaled.check(*files("7\n", "7\n", "bigpoints\n"))
    assert result.outcome == 0.5


@pytest.mark.parametrize(
    "given,output,verdict,outcome",
    [("x", "7", Verdict.AC, 1.0), ("x", "6", Verdict.WA, 0.0), ("score", "7", Verdict.PA, 0.4),
     ("crash", "7", Verdict.JE, 0.0)],
)  # fmt: skip
def test_python_checker(checker_sources, compiler, files, given, output, verdict, outcome):
    checker = load_checker(checker_sources / "check.py", "python", compiler)
    result = checker.check(*files("7\n", output + "\n", given + "\n"))
    assert (result.verdict, result.outcome) == (verdict, outcome)


def test_unreadable_files_are_still_checked(checker_sources, compiler, files):
    paths = files("7\n", "7\n", "ok\n")
    for path in paths:
        path.chmod(0o600)
    checker = load_checker(checker_sources / "cms.cpp", "cms", compiler)
    assert checker.check(*paths).verdict == Verdict.AC


def test_checker_that_does_not_compile_is_a_clear_error(tmp_path, compiler):
    broken = tmp_path / "checker.cpp"
    broken.write_text("int main( {")
    with pytest.raises(ValueError, match="does not compile"):
        load_checker(broken, "cms", compiler)


def test_unknown_protocol(checker_sources, compiler):
    with pytest.raises(ValueError, match="unknown checker protocol"):
        load_checker(checker_sources / "cms.cpp", "icpc", compiler)
