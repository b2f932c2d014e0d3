"""`generate codeforces|ioi` then `build codeforces-cots|ioi-cots`: traces generated
in shards against a local OpenAI-compatible server, judged by the real judge,
deduplicated, decontaminated and published with cards."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from datasets import load_dataset

from builders.codeforces.cots import FEATURES, SHORT_AND_LONG
from builders.generation.ioi_traces import IOI_TRACE_FEATURES
from builders.hub.writer import SplitStats
from builders.ioi.build import build_ioi
from cards.card import CardSpec, local_paths, render_card, validate_card
from olympicforge.cli import main

from cf_helpers import REVERSE_STATEMENT, write_codeforces_dataset
from http_helpers import FakeOpenAI
from ioi_helpers import EXAMPLES, example_answer

SUM_CPP = '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n'
SUM_CPP_OVERFLOW = '#include <cstdio>\nint main(){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);}\n'
SUM_PY = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture(autouse=True)
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def codeforces_answer(body: dict) -> str:
    """Per problem, language and editorial: AC, WA on the official tests only, no code, CE, WA."""
    prompt = body["messages"][0]["content"]
    python, editorial = "Python 3 solution" in prompt, "## Editorial" in prompt
    thinking = "<think>\n" + "let me think. " * (1 + (body.get("seed") or 0)) + "\n</think>\n"
    if "Sum of Two" in prompt:
        if python:
            return "Plain prose, no code." if editorial else f"{thinking}```python\n{SUM_PY}```\n"
        return f"{thinking}```cpp\n{SUM_CPP_OVERFLOW if editorial else SUM_CPP}```\n"
    if python:
        return "<think>\nreverse\n</think>\n```py\nprint(input())\n```\n"
    return "<think>\nreverse\n</think>\n```c++\nint main( {\n```\n"


def test_codeforces_cots_end_to_end(tmp_path, compiler):
    dataset = write_codeforces_dataset(tmp_path / "hub")
    benchmark = tmp_path / "benchmark.md"
    benchmark.write_text(f"# A benchmark problem\n\n{REVERSE_STATEMENT}\n")
    server = FakeOpenAI(codeforces_answer)
    run = tmp_path / "runs" / "cf"
    base = ["generate", "codeforces", "--model", "fake/model", "--endpoint", server.url, "--dataset", str(dataset),
            "--generations", "2", "--out", str(run), "--num-shards", "2"]  # fmt: skip
    try:
        assert main([*base, "--shard", "0"]) == 0
        assert main([*base, "--shard", "1"]) == 0
        # 1000/A: 4 prompts (cpp, python, each with and without the editorial); 1000/B: 2; 1000/C is interactive
        assert len(server.requests) == (4 + 2) * 2
        assert main([*base, "--shard", "1"]) == 0 and len(server.requests) == 12  # resumed: nothing asked again
    finally:
        server.close()
    assert sorted(p.name for p in run.glob("generations*")) == ["generations-00000-of-00002.jsonl",
                                                                "generations-00001-of-00002.jsonl"]  # fmt: skip
    assert main(["generate", "codeforces", "--model", "other", "--endpoint", server.url, "--dataset", str(dataset),
                 "--out", str(run)]) == 2  # another model's run cannot join this folder  # fmt: skip

    out = tmp_path / "out"
    build = ["build", "codeforces-cots", "--runs", str(run), "--benchmark", str(benchmark), "--out", str(out)]
    assert main(build) == 0
    verified = (run / "verified.jsonl").read_text().count("\n")
    assert main(build) == 0 and (run / "verified.jsonl").read_text().count("\n") == verified  # nothing re-judged
    shard = run / "generations-00001-of-00002.jsonl"
    last = json.loads(shard.read_text().splitlines()[-1])
    with shard.open("a") as handle:  # a regenerated trace replaces the old one and is judged again
        handle.write(json.dumps(last | {"generation": last["generation"] + "\n"}) + "\n")
    assert main(build) == 0 and (run / "verified.jsonl").read_text().count("\n") == verified + 1
    shard.write_text("".join(shard.read_text().splitlines(keepends=True)[:-1]))
    assert main(build) == 0

    cots = out / "codeforces-cots"
    solutions = list(load_dataset(str(cots), "solutions", split="train"))
    solutions = load_dataset(str(cots), "solutions", split="train")
    assert solutions.features == FEATURES
    # the anchor's value conventions: contest_id a string, memory_limit whole MB as an integer
    assert FEATURES["contest_id"].dtype == "string" and FEATURES["memory_limit"].dtype == "int64"
    assert all(isinstance(r["contest_id"], str) and r["memory_limit"] == 256 for r in solutions)
    by_problem = {}
    for row in solutions:
        by_problem.setdefault(row["id"], []).append(row)
    # 1000/A: two distinct traces (their thinking differs by seed); 1000/B: two identical ones, one kept
    assert sorted((k, len(v)) for k, v in by_problem.items()) == [("1000/A", 2), ("1000/B", 1)]
    a = by_problem["1000/A"][0]
    assert (a["verdict"], a["passed_examples"], a["passed_tests"], a["language"]) == ("AC", True, True, "cpp")
    assert a["code"] == SUM_CPP and a["api_metadata"] == {"completion_tokens": 7, "prompt_tokens": 3,
                                                          "total_tokens": 10}  # fmt: skip
    assert a["messages"] == [{"role": "user", "content": a["prompt"]},
                             {"role": "assistant", "content": a["generation"]}]  # fmt: skip
    assert "## Editorial" not in a["prompt"] and a["finish_reason"] == "stop" and a["title"] == "Sum of Two"
    b = by_problem["1000/B"][0]
    assert (b["verdict"], b["passed_examples"], b["passed_tests"]) == ("CE", False, None)

    editorial = list(load_dataset(str(cots), "solutions_w_editorials", split="train"))
    assert [(r["verdict"], r["passed_examples"], r["passed_tests"]) for r in editorial] == [("WA", True, False)] * 2
    assert all("## Editorial" in r["prompt"] and "64 bits" in r["prompt"] for r in editorial)
    python = {r["id"]: r for r in load_dataset(str(cots), "solutions_py", split="train")}
    assert python["1000/A"]["verdict"] == "AC" and python["1000/A"]["language"] == "python"
    assert (python["1000/B"]["verdict"], python["1000/B"]["passed_examples"]) == ("WA", False)
    no_code = list(load_dataset(str(cots), "solutions_w_editorials_py", split="train"))
    assert len(no_code) == 1 and (no_code[0]["code"], no_code[0]["verdict"]) == ("", "NO_CODE")

    # 1000/B's statement is in the benchmark: it leaves every _decontaminated config
    clean = list(load_dataset(str(cots), "solutions_decontaminated", split="train"))
    assert {r["id"] for r in clean} == {"1000/A"} and len(clean) == 2
    assert {r["id"] for r in load_dataset(str(cots), "solutions_py_decontaminated", split="train")} == {"1000/A"}
    short_long = list(load_dataset(str(cots), SHORT_AND_LONG, split="train"))
    lengths = sorted(len(r["generation"]) for r in clean)
    assert [len(r["generation"]) for r in short_long] == lengths and lengths[0] < lengths[1]

    card = (cots / "README.md").read_text()
    validate_card(card)
    configs = {c["config_name"] for c in yaml.safe_load(card.split("---")[1])["configs"]}
    assert configs == {"solutions", "solutions_py", "solutions_w_editorials", "solutions_w_editorials_py",
                       "solutions_decontaminated", "solutions_py_decontaminated",
                       "solutions_w_editorials_decontaminated", "solutions_w_editorials_py_decontaminated",
                       SHORT_AND_LONG}  # fmt: skip
    assert "1 problems removed" in card and "| `solutions` | 2 | 2 | 1 | AC 2, CE 1 |" in card
    # the card names the run's model and the benchmark, by its name, not by the build machine's path
    assert "generated by `fake/model`." in card and "Decontaminated against: `benchmark.md`" in card
    assert local_paths(card) == [] and str(tmp_path) not in card


def test_codeforces_cots_without_benchmarks_builds_no_decontaminated_configs(tmp_path, compiler):
    dataset = write_codeforces_dataset(tmp_path / "hub")
    server = FakeOpenAI(codeforces_answer)
    run = tmp_path / "run"
    try:
        assert main(["generate", "codeforces", "--model", "m", "--endpoint", server.url, "--dataset", str(dataset),
                     "--languages", "cpp", "--editorial", "without", "--prefill-think", "--out", str(run)]) == 0  # fmt: skip
    finally:
        server.close()
    assert len(server.requests) == 2  # 1000/A and 1000/B, C++ only, without the editorial
    request = server.requests[0]
    assert request["messages"][-1] == {"role": "assistant", "content": "<think>\n"}
    assert request["continue_final_message"] is True and request["add_generation_prompt"] is False
    assert main(["build", "codeforces-cots", "--runs", str(run), "--out", str(tmp_path / "out")]) == 0
    rows = list(load_dataset(str(tmp_path / "out" / "codeforces-cots"), "solutions", split="train"))
    # the prefilled `<think>\n` starts the assistant message the model is trained on
    assert all(r["messages"][1]["content"] == "<think>\n" + r["generation"] for r in rows)
    assert sorted(p.name for p in (tmp_path / "out" / "codeforces-cots" / "data").iterdir()) == ["solutions"]
    card = (tmp_path / "out" / "codeforces-cots" / "README.md").read_text()
    assert "generated by `m`." in card and "Not decontaminated: built without a benchmark" in card


def test_bad_benchmark_and_unknown_problem_are_named(tmp_path, capsys):
    dataset = write_codeforces_dataset(tmp_path / "hub")
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"kind": "codeforces", "model": "m", "dataset": str(dataset)}))
    record = {"key": "9/Z|cpp|0", "problem": "9/Z", "variant": "cpp", "sample": 0, "generation": "x",
              "messages": [{"role": "user", "content": "p"}], "finish_reason": "stop", "usage": {}}  # fmt: skip
    (run / "generations.jsonl").write_text(json.dumps(record) + "\n")
    assert main(["build", "codeforces-cots", "--runs", str(run), "--out", str(tmp_path / "out")]) == 2
    missing = str(tmp_path / "nope.md")
    assert main(["build", "codeforces-cots", "--runs", str(run), "--benchmark", missing,
                 "--out", str(tmp_path / "out")]) == 2  # fmt: skip
    assert main(["build", "codeforces-cots", "--runs", str(run), "--benchmark", "nobody/nothing#problem",
                 "--out", str(tmp_path / "out")]) == 2  # fmt: skip
    assert "benchmark 'nobody/nothing#problem': cannot load dataset 'nobody/nothing'" in capsys.readouterr().err
    assert not (tmp_path / "out" / "codeforces-cots").exists()


def test_ioi_cots_end_to_end(tmp_path, compiler, capsys):
    hub = tmp_path / "hub"
    build_ioi([EXAMPLES / "2024"], hub, compiler=compiler)
    server = FakeOpenAI(example_answer)
    run = tmp_path / "runs" / "ioi"
    try:
        assert main(["generate", "ioi", "--model", "fake/model", "--endpoint", server.url, "--dataset",
                     str(hub / "ioi"), "--split", "test", "--years", "2024", "--out", str(run)]) == 0  # fmt: skip
    finally:
        server.close()
    assert len(server.requests) == 9  # 3 problems x 3 subtasks
    assert main(["generate", "ioi", "--model", "m", "--endpoint", server.url, "--dataset", str(hub / "ioi"),
                 "--years", "twenty", "--out", str(tmp_path / "bad")]) == 2  # fmt: skip
    assert "--years wants A-B or A" in capsys.readouterr().err
    assert main(["build", "ioi-cots", "--runs", str(run), "--out", str(tmp_path / "out")]) == 0
    assert "ioi-cots: 9 traces" in capsys.readouterr().out.replace("\n", " ")
    cots = load_dataset(str(tmp_path / "out" / "ioi-cots"), split="train")
    assert cots.features == IOI_TRACE_FEATURES and len(cots) == 9
    findpair = [r for r in cots if r["problem_id"] == "findpair"]
    assert [r["target_subtask_score"] for r in findpair] == [1.0, 1.0, 1.0]
    assert all(r["all_subtasks_points"] == 100 and r["code_compiles"] for r in findpair)
    relay = [r for r in cots if r["problem_id"] == "relay"]
    assert all(not r["code_compiles"] and r["code"] == "" and r["target_subtask_score"] == 0 for r in relay)
    row = findpair[0]
    assert row["messages"][0]["content"] == row["prompt"] and row["messages"][1]["content"] == row["generation"]
    assert re.search(r"Solve subtask `00-samples`", row["prompt"]) and row["year"] == 2024
    card = (tmp_path / "out" / "ioi-cots" / "README.md").read_text()
    validate_card(card)
    assert "generated by `fake/model`." in card and local_paths(card) == [] and str(tmp_path) not in card
    # traces on the benchmark year: the card says so
    assert "## Decontamination" in card and "**Not for training before evaluating on IOI 2024**" in card


def test_ioi_cots_card_on_training_years_says_how_it_is_decontaminated():
    stats = {"default": {"train": SplitStats(num_examples=2, num_bytes=100, parquet_bytes=50)}}
    spec = CardSpec("ioi-cots", "IOI reasoning traces, judged", "other", "ioi-cots.md.j2",
                    context={"org": "acme", "models": ["a/one", "b/two"], "years": ["2021", "2022"], "compiled": 1,
                             "full_marks": 1, "duplicates": 0, "held_out": [], "build_year": 2026})  # fmt: skip
    card = render_card(spec, {"default": IOI_TRACE_FEATURES}, stats)
    assert "generated by `a/one`, `b/two`." in card
    assert "Decontaminated by year, not by n-grams: every prompt is an IOI 2021, 2022" in card
    assert "Not for training" not in card and 'load_dataset("acme/ioi-cots"' in card
