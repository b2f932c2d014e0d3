"""`olympicforge eval ioi` end to end against a local OpenAI-compatible server that
answers with the example packages' solutions: generate, judge, select, report."""

from __future__ import annotations

import json

import pytest
from datasets import load_dataset

from builders.build_ioi import build_ioi
from builders.generation.ioi_traces import IOI_TRACE_FEATURES
from olympicforge.cli import main

from http_helpers import FakeOpenAI
from ioi_helpers import EXAMPLES, example_answer


@pytest.fixture(scope="module")
def ioi_hub(tmp_path_factory, compiler):
    out = tmp_path_factory.mktemp("eval-hub")
    build_ioi([EXAMPLES / "2024"], out, compiler=compiler)
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
                  str(ioi_hub / "ioi"), "--generations", "1", "--out", str(out)]  # fmt: skip
        assert main(second) == 0
    finally:
        server.close()
    scores = json.loads((out / "scores.json").read_text())
    assert set(scores) == {"tiny_model-a", "tiny_model-b"}
    a = scores["tiny_model-a"]
    assert a["problems"]["2024/findpair"]["score"] == 100
    assert a["problems"]["2024/guess"]["score"] == 50
    assert a["problems"]["2024/relay"]["score"] == 0
    assert a["total"] == 150 and a["max_total"] == 300 and a["medal"] is None
    results = [json.loads(line) for line in (out / "tiny_model-a" / "results.jsonl").read_text().splitlines()]
    assert len(results) == 18 and all(r["generation_length"] > 0 for r in results if r["code_compiles"])
    report = (out / "report.md").read_text()
    assert "| tiny_model-a | 150.00 | 150.00 | 300 |" in report and "## tiny_model-b" in report
    assert (out / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    solutions_a = load_dataset(str(out / "hub" / "ioi-2024-model-solutions"), "tiny_model-a", split="train")
    assert len(solutions_a) == 18 and solutions_a.features == IOI_TRACE_FEATURES
    row = next(r for r in solutions_a if r["problem_id"] == "findpair" and r["target_subtask"] == "02-full")
    assert row["code_compiles"] and row["target_subtask_score"] == 1.0 and row["all_subtasks_points"] == 100
    assert row["target_subtask_status"] == "AC" and "hashing" not in row["prompt"] and "find_pair" in row["code"]
    assert row["metadata"]["usage"]["completion_tokens"] == 7 and len(row["uuid"]) == 36
    assert [s["subtask"] for s in row["all_subtasks_results"]] == ["00-samples", "01-small", "02-full"]
    assert len(load_dataset(str(out / "hub" / "ioi-2024-model-solutions"), "tiny_model-b", split="train")) == 9


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
    assert json.loads((out / "scores.json").read_text())["m"]["total"] == 150
