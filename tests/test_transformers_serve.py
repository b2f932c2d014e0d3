"""Generation against a real OpenAI-compatible server: `transformers serve` on a tiny
model built here, then the IOI benchmark end to end on it (report and plot)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from datasets import load_dataset

from builders.generation.backends import OpenAIBackend, SamplingParams
from builders.generation.runs import WorkItem, run
from builders.ioi.build import build_ioi
from olympicforge.cli import main

from cf_helpers import write_codeforces_dataset

REPO = Path(__file__).resolve().parents[1]
SERVE = Path(sys.executable).with_name("transformers")


@pytest.fixture(scope="session")
def served(tiny_model, tmp_path_factory):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as handle:
        proc = subprocess.Popen([str(SERVE), "serve", str(tiny_model), "--device", "cpu", "--port", str(port)],
                                stdout=handle, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"transformers serve exited: {log.read_text()[-2000:]}")
        time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError(f"transformers serve did not come up: {log.read_text()[-2000:]}")
    yield url, str(tiny_model)
    proc.terminate()
    proc.wait(timeout=30)


def test_backend_against_transformers_serve(served, tmp_path):
    url, model = served
    backend = OpenAIBackend(url, model, concurrency=2, timeout=120)
    result = backend.generate([{"role": "user", "content": "Write int main()."}], SamplingParams(max_tokens=8), seed=1)
    assert isinstance(result.text, str) and result.finish_reason in ("stop", "length")
    assert 0 < result.usage["completion_tokens"] <= 8 and result.usage["prompt_tokens"] > 0
    items = [WorkItem("p", "cpp", i, ({"role": "user", "content": "Solve it."},)) for i in range(3)]
    stats = run(items, backend, SamplingParams(max_tokens=8), tmp_path / "gen.jsonl", workers=2, show_progress=False)
    assert (stats.done, stats.errors) == (3, 0) and stats.tokens_per_second > 0
    records = [json.loads(line) for line in (tmp_path / "gen.jsonl").read_text().splitlines()]
    assert [r["sample"] for r in sorted(records, key=lambda r: r["sample"])] == [0, 1, 2]
    print(f"tiny-model generation throughput: {stats.tokens_per_second:.1f} completion tokens/s")


@pytest.fixture(scope="module")
def ioi_hub(tmp_path_factory, compiler) -> Path:
    hub = tmp_path_factory.mktemp("serve-hub")
    build_ioi([REPO / "examples" / "ioi" / "2024"], hub, compiler=compiler)
    return hub


@pytest.fixture
def sampling(tmp_path) -> Path:
    path = tmp_path / "sampling.yaml"
    path.write_text("temperature: 1.0\ntop_p: 1.0\nmax_tokens: 16\n")
    return path


def test_ioi_benchmark_end_to_end_on_the_tiny_model(served, ioi_hub, sampling, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    url, model = served
    hub = ioi_hub
    out = tmp_path / "eval"
    assert main(["eval", "ioi", "--model", "tiny-qwen2", "--served-model", model, "--endpoint", url,
                 "--dataset", str(hub / "ioi"),
                 "--generations", "1", "--sampling", str(sampling), "--out", str(out), "--concurrency", "2"]) == 0  # fmt: skip
    scores = json.loads((out / "scores.json").read_text())["tiny-qwen2"]["2024"]
    assert scores["max_total"] == 300 and scores["total"] == 0  # random weights solve nothing
    generations = (out / "tiny-qwen2" / "generations.jsonl").read_text().splitlines()
    assert len(generations) == 9 and all(json.loads(g)["usage"]["completion_tokens"] for g in generations)
    assert "| tiny-qwen2 | 0.00 | 0.00 | 300 |" in (out / "report.md").read_text()
    assert (out / "scores.png").stat().st_size > 1000


def test_cots_datasets_from_the_tiny_model(served, ioi_hub, sampling, tmp_path, monkeypatch, capsys):
    """Both cots pipelines on real generations: random weights write no code, and the rows say so."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    url, model = served
    common = ["--model", "tiny-qwen2", "--served-model", model, "--endpoint", url, "--sampling", str(sampling),
              "--concurrency", "2"]  # fmt: skip
    codeforces = write_codeforces_dataset(tmp_path / "hub")
    assert main(["generate", "codeforces", *common, "--dataset", str(codeforces), "--languages", "cpp",
                 "--out", str(tmp_path / "cf")]) == 0  # fmt: skip
    assert main(["generate", "ioi", *common, "--dataset", str(ioi_hub / "ioi"), "--split", "test", "--years", "2024",
                 "--out", str(tmp_path / "ioi")]) == 0  # fmt: skip
    print(capsys.readouterr().out)  # the throughput lines, for the record
    out = tmp_path / "out"
    assert main(["build", "codeforces-cots", "--runs", str(tmp_path / "cf"), "--out", str(out)]) == 0
    assert main(["build", "ioi-cots", "--runs", str(tmp_path / "ioi"), "--out", str(out)]) == 0
    editorial = load_dataset(str(out / "codeforces-cots"), "solutions_w_editorials", split="train")
    plain = load_dataset(str(out / "codeforces-cots"), "solutions", split="train")
    assert len(plain) == 2 and len(editorial) == 1  # 1000/A and 1000/B; only 1000/A has an editorial
    assert all(r["api_metadata"]["completion_tokens"] and r["messages"][1]["content"] == r["generation"]
               for r in plain)  # fmt: skip
    assert all(r["passed_examples"] is False and r["verdict"] in ("NO_CODE", "CE") for r in plain)
    ioi = load_dataset(str(out / "ioi-cots"), split="train")
    assert len(ioi) <= 9 and all(r["target_subtask_score"] == 0 for r in ioi)


def test_pass_rate_filter_against_transformers_serve(served, tmp_path, capsys, monkeypatch):
    """The real HTTP path of `filter pass-rate`: the tiny model writes no code, so every
    answer gets cf_code's no-code value and the prompt's pass rate is 0 (out of the band)."""
    from test_pass_rate import prompts_dataset

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    url, model = served
    sampling = tmp_path / "sampling.yaml"
    sampling.write_text("max_tokens: 8\ntemperature: 0.0\n")
    dataset = prompts_dataset(tmp_path / "data")
    args = ["filter", "pass-rate", "--dataset", str(dataset), "--model", model, "--endpoint", url, "--limit", "1",
            "--generations", "2", "--sampling", str(sampling), "--run", str(tmp_path / "run"),
            "--out", str(tmp_path / "hub"), "--name", "tiny", "--workers", "1", "--json"]  # fmt: skip
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["in_band"] == 0
    row = load_dataset(str(tmp_path / "hub" / "tiny"), "default", split="train")[0]
    assert len(row["pass_rate_generations"]) == 2 and row["pass_rate"] == 0.0
    assert row["pass_rate_rewards"] == [-1.0, -1.0]  # no code block in 8 tokens: Open R1's no-submission value
