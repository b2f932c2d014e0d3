"""`olympicforge eval ioi` end to end against a local OpenAI-compatible server that
answers with the example packages' solutions: generate, judge, select, report, per year."""

from __future__ import annotations

import json

import pytest
from datasets import load_dataset

from builders.generation.ioi_eval import plot_panels, read_scores
from builders.generation.ioi_traces import IOI_TRACE_FEATURES
from builders.ioi.build import BuildSummary, write_ioi, write_test_cases
from builders.ioi.packages import discover, load_package
from cards.card import local_paths
from olympicforge.cli import main

from cf_helpers import write_codeforces_dataset
from http_helpers import FakeOpenAI
from ioi_helpers import BALANCE, EXAMPLES, example_answer


@pytest.fixture(scope="module")
def ioi_hub(tmp_path_factory):
    """`ioi` and `ioi-test-cases` of the 2024 examples and the 2026 one (its own split `2026`)."""
    out = tmp_path_factory.mktemp("eval-hub")
    packages = [load_package(folder) for folder in [*discover([EXAMPLES / "2024"]), BALANCE]]
    write_ioi(out, packages, "olympicforge", BuildSummary())
    write_test_cases(out, packages, "olympicforge", BuildSummary())
    return out


def test_generate_judge_select_report(ioi_hub, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    server = FakeOpenAI(example_answer)
    out = tmp_path / "eval"
    try:
        args = ["eval", "ioi", "--model", "tiny/model-a", "--endpoint", server.url, "--dataset",
                str(ioi_hub / "ioi"), "--generations", "2", "--out", str(out), "--concurrency", "4"]  # fmt: skip
        assert main(args) == 0
        requests = len(server.requests)
        assert requests == 3 * 3 * 2  # 3 problems x 3 subtasks x 2 samples
        assert main(args) == 0  # a rerun resumes: nothing generated or judged again
        assert len(server.requests) == requests
        second = ["eval", "ioi", "--model", "tiny/model-b", "--endpoint", server.url, "--dataset",
                  str(ioi_hub / "ioi"), "--generations", "1", "--out", str(out), "--org", "acme"]  # fmt: skip
        assert main(second) == 0
    finally:
        server.close()
    scores = json.loads((out / "scores.json").read_text())
    assert set(scores) == {"tiny_model-a", "tiny_model-b"} and set(scores["tiny_model-a"]) == {"2024"}
    a = scores["tiny_model-a"]["2024"]
    assert a["problems"]["2024/findpair"]["score"] == 100
    assert a["problems"]["2024/guess"]["score"] == 50
    assert a["problems"]["2024/relay"]["score"] == 0
    assert a["total"] == 150 and a["max_total"] == 300 and a["medal"] is None
    results = [json.loads(line) for line in (out / "tiny_model-a" / "results.jsonl").read_text().splitlines()]
    assert len(results) == 18 and all(r["generation_length"] > 0 for r in results if r["code_compiles"])
    report = (out / "report.md").read_text()
    assert (
        "| tiny_model-a | 150.00 | 150.00 | 300 | n/a (not a full contest) |" in report and "## tiny_model-b" in report
    )
    assert "## IOI 2024\n\nMedal cut-offs: gold 359.71, silver 289.31, bronze 216.97 (of 600;" in report
    assert (out / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    solutions_a = load_dataset(str(out / "hub" / "ioi-2024-model-solutions"), "tiny_model-a", split="train")
    assert len(solutions_a) == 18 and solutions_a.features == IOI_TRACE_FEATURES
    row = next(r for r in solutions_a if r["problem_id"] == "findpair" and r["target_subtask"] == "02-full")
    assert row["code_compiles"] and row["target_subtask_score"] == 1.0 and row["all_subtasks_points"] == 100
    assert row["target_subtask_status"] == "AC" and "hashing" not in row["prompt"] and "find_pair" in row["code"]
    assert row["metadata"]["usage"]["completion_tokens"] == 7 and len(row["uuid"]) == 36
    assert [s["subtask"] for s in row["all_subtasks_results"]] == ["00-samples", "01-small", "02-full"]
    assert len(load_dataset(str(out / "hub" / "ioi-2024-model-solutions"), "tiny_model-b", split="train")) == 9
    card = (out / "hub" / "ioi-2024-model-solutions" / "README.md").read_text()
    assert 'load_dataset("acme/ioi-2024-model-solutions"' in card and "olympicforge/" not in card  # --org
    assert local_paths(card) == [] and str(tmp_path) not in card


def test_failed_generations_make_the_run_fail_and_are_retried(ioi_hub, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    server = FakeOpenAI(example_answer)
    server.faults.extend([400] * 3)  # three requests refused for good
    out = tmp_path / "eval"
    args = ["eval", "ioi", "--model", "m", "--endpoint", server.url, "--dataset", str(ioi_hub / "ioi"),
            "--generations", "1", "--out", str(out), "--concurrency", "1"]  # fmt: skip
    try:
        assert main(args) == 1
        assert main(args) == 0  # the rerun retries only the three failed generations
        assert len(server.requests) == 9 + 3
    finally:
        server.close()
    assert json.loads((out / "scores.json").read_text())["m"]["2024"]["total"] == 150


def test_any_year_and_a_report_across_years(ioi_hub, tmp_path, monkeypatch):
    """`--years 2026` reads the 2026 split; the model's 2024 and 2026 contests are kept apart, 2026 has no
    known medal cut-offs (no lines, no medal, said so), and one table compares the models across years."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    server = FakeOpenAI(example_answer)
    out = tmp_path / "eval"
    common = ["--endpoint", server.url, "--dataset", str(ioi_hub / "ioi"), "--generations", "1", "--out", str(out)]
    try:
        assert main(["eval", "ioi", "--model", "a", "--years", "2024", *common]) == 0
        assert main(["eval", "ioi", "--model", "a", "--years", "2026", *common]) == 0
        assert len(server.requests) == 9 + 3  # 2026 prompts only the 2026 subtasks
        assert "Balance Point" in server.requests[-1]["messages"][0]["content"]
        assert main(["eval", "ioi", "--model", "b", "--years", "2024", *common]) == 0
    finally:
        server.close()
    a = read_scores(out / "a" / "scores.json")
    assert set(a) == {"2024", "2026"} and a["2026"]["year"] == 2026 and a["2026"]["total"] == 100
    assert a["2026"]["medal_cutoffs"] is None and a["2024"]["total"] == 150
    report = (out / "report.md").read_text()
    assert "## IOI 2026\n\nNo known medal cut-offs for 2026: no medal is given and the plot draws no medal lines." in (
        report
    )
    assert "| a | 100.00 | 100.00 | 100 | n/a (no known cut-offs) |" in report
    assert "| model | 2024 | 2026 |" in report and "| a | 150.00 of 300 (50%) | 100.00 of 100 (100%) |" in report
    assert "| b | 150.00 of 300 (50%) | not run |" in report
    assert "| 2026/balance | 100.00 | 100.00 | 100 |" in report
    panels = plot_panels(json.loads((out / "scores.json").read_text()))
    assert [(p["year"], p["lines"], p["title"]) for p in panels] == [
        ("2024", [("gold", 359.71), ("silver", 289.31), ("bronze", 216.97)], "IOI 2024"),
        ("2026", [], "IOI 2026 (no known medal cut-offs)"),
    ]
    assert panels[1]["bars"] == {"a": 100}
    assert (out / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    newest = load_dataset(str(out / "hub" / "ioi-2026-model-solutions"), "a", split="train")
    assert {r["problem_id"] for r in newest} == {"balance"} and len(newest) == 3
    assert not (out / "hub" / "ioi-2026-model-solutions" / "data" / "b").exists()


def test_scores_from_before_years_are_read_as_their_year(tmp_path):
    legacy = {"total": 10, "problems": [{"problem": "2024/findpair", "score": 10}]}
    (tmp_path / "scores.json").write_text(json.dumps(legacy))
    assert read_scores(tmp_path / "scores.json") == {"2024": legacy}


def eval_error(capsys, dataset, *extra: str) -> str:
    """`eval ioi` on DATASET fails before any generation with one line on stderr; that line."""
    capsys.readouterr()
    assert main(["eval", "ioi", "--model", "m", "--endpoint", "http://127.0.0.1:9", "--dataset", str(dataset),
                 "--out", "unused", *extra]) == 2  # fmt: skip
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("olympicforge")]  # not `datasets`' progress bars
    assert len(lines) == 1 and lines[0].startswith("olympicforge: error: ") and "Traceback" not in err, err
    return lines[0]


def test_eval_on_the_wrong_dataset_says_what_it_expected(ioi_hub, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    codeforces = write_codeforces_dataset(tmp_path / "hub")
    line = eval_error(capsys, codeforces)
    assert f"{codeforces}: not an ioi dataset: no column year, day, name, subtask, score, problem, test_names, " in line
    assert "an ioi dataset has a `default` config with the columns year, day, id, name" in line
    assert line.endswith("(it looks like a codeforces dataset)")
    line = eval_error(capsys, ioi_hub / "ioi-test-cases")
    assert "not an ioi dataset: its configs are 2024, 2026;" in line and "pass that with --tests" in line
    line = eval_error(capsys, ioi_hub / "ioi", "--tests", str(ioi_hub / "ioi"))
    assert f"{ioi_hub / 'ioi'} (--tests): no config 2024 for the IOI 2024 tasks (configs: default)" in line
    assert "an ioi-test-cases dataset has one config per year with the columns problem_id, test_name" in line
    line = eval_error(capsys, ioi_hub / "ioi", "--split", "validation")
    assert line.startswith(f"olympicforge: error: {ioi_hub / 'ioi'}: ") and "validation" in line
    assert not (tmp_path / "unused").exists()  # nothing generated
