"""Full Codeforces test suites: imported (plain folder, the anchor's layout, the Hub),
validated with the reference solutions, written in the anchor's layout, judged on."""

from __future__ import annotations

from pathlib import Path

import pytest
from datasets import load_dataset
from test_push_fake_hub import hub  # noqa: F401  (the in-process fake Hub)

from builders.codeforces.build import build_codeforces, seed_cache
from builders.codeforces.fetch import Fetcher
from builders.codeforces.suites import ImportedSuite, SuiteStats, TestSource, validate_suite
from judge.cftests import TestSuiteError, contest_file, count_tests, problem_tests, write_contest

from cf_helpers import problem

SEED = Path(__file__).resolve().parents[1] / "examples" / "codeforces"
EEVEE = [("7\nj......\n", "jolteon\n"), ("7\n...feon\n", "leafeon\n"), ("7\n.l.r.o.\n", "flareon\n"),
         ("8\n........\n", "vaporeon\n"), ("6\n......\n", "espeon\n"), ("7\nu......\n", "WRONG\n")]  # fmt: skip
SUM = '#include <cstdio>\nint main() { long long a, b; std::scanf("%lld %lld", &a, &b); std::printf("%lld\\n", a + b); }\n'
SUM_32 = SUM.replace("long long", "int").replace("%lld", "%d")  # wrong past 2^31
SUM_PY = "a, b = map(int, input().split())\nprint(a + b)\n"


def write_plain(root: Path, problem_id: str, pairs, checker: str | None = None) -> Path:
    folder = root / problem_id
    folder.mkdir(parents=True)
    for number, (given, answer) in enumerate(pairs, 1):
        (folder / f"{number:02d}.in").write_text(given)
        (folder / f"{number:02d}.out").write_text(answer)
    if checker is not None:
        (folder / "checker.py").write_text(checker)
    return root


def demo_build(tmp_path: Path, compiler, tests_from: str):
    fetcher = Fetcher(tmp_path / "cache", offline=True)
    seed_cache(fetcher, SEED)
    return build_codeforces(fetcher, tmp_path / "hub", compiler=compiler, tests_from=tests_from)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def test_a_plain_folder_of_tests_makes_the_problem_verifiable(tmp_path, compiler):
    summary = demo_build(tmp_path, compiler, str(write_plain(tmp_path / "suites", "452/A", EEVEE)))
    assert summary.tests.imported == 6 and summary.tests.kept == 5 and summary.tests.dropped == 1
    assert summary.rows["verifiable"] == 1
    dataset = tmp_path / "hub" / "codeforces"
    [row] = load_dataset(str(dataset), "verifiable", split="train")
    assert row["id"] == "452/A" and row["generated_tests"] == 5 and row["generated_checker"] is None
    # our reader and code written for the anchor's layout read the same tests
    import pandas as pd

    frame = pd.read_parquet(contest_file(dataset / "generated_tests", 452))
    assert list(frame.columns) == ["problem_id", "input", "output"]
    by_problem = frame.groupby("problem_id")[["input", "output"]].apply(lambda x: x.to_dict("records")).to_dict()
    assert by_problem["452/A"] == list(problem_tests(dataset / "generated_tests", "452/A"))
    assert {"input": "7\nu......\n", "output": "WRONG\n"} not in by_problem["452/A"]  # no reference passes it
    card = (dataset / "README.md").read_text()
    assert "Imported test suites: 6 tests for 1 problems; 5 kept" in card and "1 dropped" in card


def test_the_anchors_layout_imports_from_a_folder_and_from_the_hub(tmp_path, compiler, hub, monkeypatch):  # noqa: F811
    anchor = tmp_path / "anchor"
    write_contest(anchor / "generated_tests", 452, [("452/A", {"input": i, "output": o}) for i, o in EEVEE[:4]])
    summary = demo_build(tmp_path / "local", compiler, str(anchor))
    assert summary.tests.kept == 4 and summary.rows["verifiable"] == 1

    from huggingface_hub import HfApi

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "0")
    api = HfApi(endpoint=hub.url, token="hf_fake_token")
    api.create_repo("anchor/codeforces", repo_type="dataset")
    api.upload_folder(folder_path=str(anchor), repo_id="anchor/codeforces", repo_type="dataset")
    source = TestSource("anchor/codeforces", {452}, cache=tmp_path / "hub-cache")
    assert source.layout == "anchor" and len(source.suite("452/A").tests) == 4
    assert source.suite("452/B") is None


def test_disagreeing_references_flag_the_problem(tmp_path, compiler):
    row = problem(1500, "A", "Sum", "Add.", [("1 2\n", "3\n")],
                  solutions=[{"language": "GNU C++17", "code": SUM}, {"language": "GNU C++17", "code": SUM_32}])  # fmt: skip
    suite = ImportedSuite([{"input": "1 2\n", "output": "3\n"},
                           {"input": "2000000000 2000000000\n", "output": "4000000000\n"}])  # fmt: skip
    stats = SuiteStats()
    assert validate_suite(row, suite, compiler, stats) == [] and stats.flagged == ["1500/A"]


def test_agreeing_references_keep_what_they_pass(tmp_path, compiler):
    row = problem(1500, "A", "Sum", "Add.", [("1 2\n", "3\n")],
                  solutions=[{"language": "GNU C++17", "code": SUM}, {"language": "PyPy 3", "code": SUM_PY}])  # fmt: skip
    suite = ImportedSuite([{"input": "1 2\n", "output": "3\n"}, {"input": "2 2\n", "output": "5\n"}])
    stats = SuiteStats()
    assert validate_suite(row, suite, compiler, stats) == suite.tests[:1]
    assert (stats.kept, stats.dropped, stats.flagged) == (1, 1, [])


def test_a_problem_without_references_is_not_published(compiler):
    stats = SuiteStats()
    row = problem(1500, "B", "X", "X.", [("1\n", "1\n")], solutions=[])
    assert validate_suite(row, ImportedSuite([{"input": "1\n", "output": "1\n"}]), compiler, stats) == []
    assert stats.unvalidated == ["1500/B"]


def test_the_checker_and_file_io_take_part_in_validation(tmp_path, compiler):
    """Several valid answers: only the checker accepts the reference's own one."""
    checker = ("import sys\nt = int(open(sys.argv[1]).read())\ngot = open(sys.argv[3]).read().split()\n"
               "print('ok' if len(got) == 2 and sum(map(int, got)) == t else 'wrong')\n")  # fmt: skip
    split = "t = int(open('input.txt').read())\nopen('output.txt', 'w').write(f'{t - 1} 1\\n')\n"
    row = problem(1500, "C", "Split", "Split t.", [("4\n", "2 2\n")], input_mode="file",
                  solutions=[{"language": "Python 3", "code": split}])  # fmt: skip
    suite = ImportedSuite([{"input": "10\n", "output": "5 5\n"}, {"input": "7\n", "output": "3 4\n"}], checker)
    assert len(validate_suite(row, suite, compiler, SuiteStats())) == 2
    without_checker = ImportedSuite(suite.tests)
    assert validate_suite(row, without_checker, compiler, SuiteStats()) == []  # token comparison: 9 1 != 5 5


@pytest.mark.parametrize(
    "layout,message",
    [({"1500/A/01.in": "1\n"}, "01.in has no matching 01.out"),
     ({"1500/A/01.in": "1\n", "1500/A/01.out": "1\n", "1500/A/checker.cpp": "int main(){}"}, "checker.cpp is not supported")],
    ids=["unpaired", "cpp-checker"],
)  # fmt: skip
def test_bad_plain_folders_name_the_problem(tmp_path, layout, message):
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    with pytest.raises(TestSuiteError, match=message):
        TestSource(str(tmp_path), {1500}).suite("1500/A")


def test_a_link_in_a_plain_folder_is_refused(tmp_path):
    write_plain(tmp_path, "1500/A", [("1\n", "1\n")])
    (tmp_path / "1500/A/02.in").symlink_to("/etc/passwd")
    with pytest.raises(Exception, match="link"):
        TestSource(str(tmp_path), {1500}).suite("1500/A")


@pytest.mark.parametrize("bad", ["../1/A", "1500", "1500/A/../../x", "", "abc/A"])
def test_problem_ids_that_could_name_other_files_are_refused(tmp_path, bad):
    with pytest.raises(TestSuiteError, match="is not of the form CONTEST/INDEX"):
        count_tests(tmp_path, bad)


def test_reading_skips_row_groups_of_other_problems(tmp_path, monkeypatch):
    from judge import cftests

    monkeypatch.setattr(cftests, "ROW_GROUP_BYTES", 1)  # a row group per test
    write_contest(tmp_path, 7, [(f"7/{index}", {"input": f"{n}\n", "output": "x\n"})
                                for index in "ABC" for n in range(3)])  # fmt: skip
    assert [t["input"] for t in problem_tests(tmp_path, "7/B")] == ["0\n", "1\n", "2\n"]
    assert count_tests(tmp_path, "7/D") == 0 and count_tests(tmp_path, "8/A") == 0


def test_the_demo_suites_make_a_checker_problem_verifiable(tmp_path, compiler):
    """1211A accepts any valid triple: its examples pass only through its checker; 120A
    reads input.txt and writes output.txt."""
    summary = demo_build(tmp_path, compiler, str(SEED / "tests"))
    assert summary.tests.flagged == [] and summary.tests.dropped == 0
    rows = {r["id"]: r for r in load_dataset(str(tmp_path / "hub" / "codeforces"), "verifiable", split="train")}
    assert sorted(rows) == ["120/A", "1211/A", "452/A"]
    assert rows["120/A"]["input_mode"] == "file" and rows["120/A"]["generated_tests"] == 9
    assert rows["1211/A"]["executable"] and "r[a - 1] < r[b - 1] < r[c - 1]" in rows["1211/A"]["generated_checker"]
    assert rows["1211/A"]["generated_tests"] == 10 and rows["452/A"]["generated_checker"] is None
