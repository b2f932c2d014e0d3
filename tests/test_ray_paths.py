"""The batch paths other than `judge batch` on a real local Ray cluster (2 CPUs): `build
codeforces-cots`, `build ioi-cots` and `eval ioi` give the same rows, records and scores with
`--executor ray` as with the local pool."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from datasets import load_dataset
from test_cots import codeforces_answer

from builders.ioi.build import BuildSummary, write_ioi, write_test_cases
from builders.ioi.packages import discover, load_package
from olympicforge.cli import main

from cf_helpers import REVERSE_STATEMENT, write_codeforces_dataset
from http_helpers import FakeOpenAI
from ioi_helpers import EXAMPLES, example_answer
from ray_helpers import normalized


@pytest.fixture(autouse=True)
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def ioi_hub(tmp_path_factory) -> Path:
    """`ioi` and `ioi-test-cases` of the 2024 examples (findpair, guess, relay)."""
    out = tmp_path_factory.mktemp("ray-ioi-hub")
    packages = [load_package(folder) for folder in discover([EXAMPLES / "2024"])]
    write_ioi(out, packages, "olympicforge", BuildSummary())
    write_test_cases(out, packages, "olympicforge", BuildSummary())
    return out


def on_ray(ray_cluster) -> list[str]:
    return ["--executor", "ray", "--ray-address", ray_cluster.address]


def records(path: Path, key: str) -> dict[str, dict]:
    """The JSONL records of `path` by `key`, without timings; each recorded once."""
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    by_key = {r[key]: normalized(r) for r in lines}
    assert len(by_key) == len(lines), f"{path}: a record written twice"
    return by_key


def configs(dataset: Path) -> dict[str, list[dict]]:
    """Every config's train rows, in order."""
    return {c.name: list(load_dataset(str(dataset), c.name, split="train")) for c in (dataset / "data").iterdir()}


def untimed(row: dict) -> dict:
    """An ioi trace row without its tests' times and memory."""
    for subtask in row["all_subtasks_results"]:
        for test in subtask["tests"]:
            test.pop("time"), test.pop("memory")
    return row


def generate_twice(tmp_path, answer, command: list[str]) -> None:
    """A run generated from recorded answers into `local`, copied to `ray`: each executor judges its own records."""
    server = FakeOpenAI(answer)
    try:
        assert main(["generate", *command, "--model", "fake/model", "--endpoint", server.url,
                     "--out", str(tmp_path / "local")]) == 0  # fmt: skip
    finally:
        server.close()
    shutil.copytree(tmp_path / "local", tmp_path / "ray")


def test_build_codeforces_cots_on_ray_gives_the_local_dataset(ray_cluster, ray_calls, tmp_path):
    dataset = write_codeforces_dataset(tmp_path / "hub")
    benchmark = tmp_path / "benchmark.md"
    benchmark.write_text(f"# A benchmark problem\n\n{REVERSE_STATEMENT}\n")
    generate_twice(tmp_path, codeforces_answer, ["codeforces", "--dataset", str(dataset), "--generations", "2"])
    built = {}
    for name, extra in (("local", []), ("ray", on_ray(ray_cluster))):
        out = tmp_path / f"out-{name}"
        assert main(["build", "codeforces-cots", "--runs", str(tmp_path / name), "--benchmark", str(benchmark),
                     "--out", str(out), *extra]) == 0  # fmt: skip
        built[name] = configs(out / "codeforces-cots")
    local, ray = built["local"], built["ray"]
    assert {c: len(rows) for c, rows in local.items()} == {
        "solutions": 3, "solutions_py": 3, "solutions_w_editorials": 2, "solutions_w_editorials_py": 1,
        "solutions_decontaminated": 2, "solutions_py_decontaminated": 2, "solutions_w_editorials_decontaminated": 2,
        "solutions_w_editorials_py_decontaminated": 1, "solutions_short_and_long_decontaminated": 2,
    }  # fmt: skip
    assert ray == local
    verdicts = {r["verdict"] for rows in ray.values() for r in rows}
    assert verdicts == {"AC", "WA", "CE", "NO_CODE"}  # the comparison covers passing, failing and unjudged code
    verified = records(tmp_path / "ray" / "verified.jsonl", "key")
    # 12 traces, 3 exact duplicates dropped before judging: 9 verdicts, every one judged on the cluster
    assert len(verified) == 9 and verified == records(tmp_path / "local" / "verified.jsonl", "key")
    assert len(ray_calls["results"]) == 9
    card_local = (tmp_path / "out-local" / "codeforces-cots" / "README.md").read_text()
    assert (tmp_path / "out-ray" / "codeforces-cots" / "README.md").read_text() == card_local


def test_build_ioi_cots_on_ray_gives_the_local_dataset(ray_cluster, ray_calls, ioi_hub, tmp_path):
    generate_twice(tmp_path, example_answer, ["ioi", "--dataset", str(ioi_hub / "ioi"), "--split", "test", "--years",
                                              "2024"])  # fmt: skip
    built = {}
    for name, extra in (("local", []), ("ray", on_ray(ray_cluster))):
        out = tmp_path / f"out-{name}"
        assert main(["build", "ioi-cots", "--runs", str(tmp_path / name), "--out", str(out), *extra]) == 0
        built[name] = [untimed(row) for row in load_dataset(str(out / "ioi-cots"), split="train")]
    local, ray = built["local"], built["ray"]
    assert len(local) == 9  # 3 problems x 3 subtasks
    assert ray == local
    scores = sorted({(r["problem_id"], r["all_subtasks_points"]) for r in ray})
    assert scores == [("findpair", 100), ("guess", 50), ("relay", 0)]
    judged = records(tmp_path / "ray" / "results.jsonl", "id")
    assert len(judged) == 9 and judged == records(tmp_path / "local" / "results.jsonl", "id")
    assert len(ray_calls["results"]) == 9


def test_eval_ioi_on_ray_gives_the_local_scores(ray_cluster, ray_calls, ioi_hub, tmp_path):
    server = FakeOpenAI(example_answer)
    try:
        for name, extra in (("local", []), ("ray", on_ray(ray_cluster))):
            for model, generations in (("tiny/model-a", "2"), ("tiny/model-b", "1")):
                assert main(["eval", "ioi", "--model", model, "--endpoint", server.url, "--dataset",
                             str(ioi_hub / "ioi"), "--generations", generations, "--out", str(tmp_path / name),
                             *extra]) == 0  # fmt: skip
    finally:
        server.close()
    assert len(server.requests) == 2 * (18 + 9)
    for model, count in (("tiny_model-a", 18), ("tiny_model-b", 9)):
        local, ray = tmp_path / "local" / model, tmp_path / "ray" / model
        scores = json.loads((ray / "scores.json").read_text())
        assert scores == json.loads((local / "scores.json").read_text())
        assert scores["2024"]["total"] == 150 and scores["2024"]["max_total"] == 300
        judged = records(ray / "results.jsonl", "id")
        assert len(judged) == count and judged == records(local / "results.jsonl", "id")
    assert len(ray_calls["results"]) == 18 + 9
    assert (tmp_path / "ray" / "report.md").read_text() == (tmp_path / "local" / "report.md").read_text()
