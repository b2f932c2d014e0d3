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

from builders.build_ioi import build_ioi
from builders.generation.backends import OpenAIBackend, SamplingParams
from builders.generation.runs import WorkItem, run
from olympicforge.cli import main

from tiny_model import build_tiny_model

REPO = Path(__file__).resolve().parents[1]
SERVE = Path(sys.executable).with_name("transformers")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model") / "tiny-qwen2")


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


def test_ioi_benchmark_end_to_end_on_the_tiny_model(served, tmp_path, compiler, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    url, model = served
    hub = tmp_path / "hub"
    build_ioi([REPO / "examples" / "ioi" / "2024"], hub, compiler=compiler)
    sampling = tmp_path / "sampling.yaml"
    sampling.write_text("temperature: 1.0\ntop_p: 1.0\nmax_tokens: 16\n")
    out = tmp_path / "eval"
    assert main(["eval", "ioi", "--model", "tiny-qwen2", "--served-model", model, "--endpoint", url,
                 "--dataset", str(hub / "ioi"),
                 "--generations", "1", "--sampling", str(sampling), "--out", str(out), "--concurrency", "2"]) == 0  # fmt: skip
    scores = json.loads((out / "scores.json").read_text())["tiny-qwen2"]
    assert scores["max_total"] == 300 and scores["total"] == 0  # random weights solve nothing
    generations = (out / "tiny-qwen2" / "generations.jsonl").read_text().splitlines()
    assert len(generations) == 9 and all(json.loads(g)["usage"]["completion_tokens"] for g in generations)
    assert "| tiny-qwen2 | 0.00 | 0.00 | 300 |" in (out / "report.md").read_text()
    assert (out / "scores.png").stat().st_size > 1000
