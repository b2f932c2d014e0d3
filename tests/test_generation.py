"""Generation pieces: the OpenAI-compatible backend against a fault-injecting local
server, resumable sharded runs, code extraction, decontamination, selection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import types

import pytest

from builders.generation.backends import Generation, GenerationError, OpenAIBackend, SamplingParams, VLLMBackend
from builders.generation.decontaminate import Decontaminator
from builders.generation.extract import extract_code
from builders.generation.options import engine_arguments
from builders.generation.runs import WorkItem, finished_keys, read_generations, run, shard_of
from builders.generation.select import drop_exact_duplicates, shortest_and_longest
from olympicforge.cli import main

from cf_helpers import write_codeforces_dataset
from http_helpers import FakeOpenAI


@pytest.fixture
def server():
    fake = FakeOpenAI()
    yield fake
    fake.close()


def backend(server, **options) -> OpenAIBackend:
    return OpenAIBackend(server.url, "tiny", **{"timeout": 0.3, "backoff": 0.01, "attempts": 4, **options})


def items(count: int) -> list[WorkItem]:
    return [WorkItem(f"p{i // 2}", "cpp", i % 2, ({"role": "user", "content": f"problem {i // 2}"},))
            for i in range(count)]  # fmt: skip


@pytest.mark.parametrize("fault", [429, 500, 503, "timeout", "garbage"])
def test_backend_retries_transient_failures(server, fault):
    server.faults.extend([fault, fault])
    result = backend(server).generate([{"role": "user", "content": "hi"}], SamplingParams(max_tokens=5), seed=3)
    assert result.finish_reason == "stop" and result.usage == {"completion_tokens": 7, "prompt_tokens": 3,
                                                               "total_tokens": 10}  # fmt: skip
    assert "seed 3" in result.text and server.requests[-1]["max_tokens"] == 5


def test_backend_gives_up_and_names_the_endpoint(server):
    server.faults.extend([500] * 10)
    with pytest.raises(GenerationError, match="gave up after 4 attempts: HTTP 500"):
        backend(server).generate([{"role": "user", "content": "hi"}], SamplingParams())
    server.faults.clear()
    server.faults.append(400)
    with pytest.raises(GenerationError, match="HTTP 400"):
        backend(server).generate([{"role": "user", "content": "hi"}], SamplingParams())


def test_sampling_parameters_from_yaml(tmp_path):
    (tmp_path / "sampling.yaml").write_text("temperature: 0.7\ntop_p: 0.9\nmax_tokens: 32768\nstop: ['</s>']\n")
    params = SamplingParams.from_yaml(tmp_path / "sampling.yaml")
    assert (params.temperature, params.top_p, params.max_tokens, params.extra) == (0.7, 0.9, 32768, {"stop": ["</s>"]})


def test_run_resumes_and_respects_the_concurrency_cap(server, tmp_path):
    out = tmp_path / "gen.jsonl"
    first = run(items(6)[:3], backend(server, concurrency=2), SamplingParams(), out, workers=4, show_progress=False)
    assert (first.done, first.skipped) == (3, 0)
    with out.open("a") as handle:
        handle.write('{"key": "torn')  # a run killed mid-write
    second = run(items(6), backend(server, concurrency=2), SamplingParams(), out, workers=4, show_progress=False)
    assert (second.done, second.skipped) == (3, 3)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["key"] for r in records) == sorted(i.key for i in items(6))
    assert server.max_active <= 2 and len(server.requests) == 6
    assert records[0]["usage"]["completion_tokens"] == 7 and second.completion_tokens == 21
    assert {r["sample"] for r in records} == {0, 1}
    assert any("seed 1" in r["generation"] for r in records if r["sample"] == 1)


def test_failed_requests_are_recorded_and_retried_next_run(server, tmp_path):
    out = tmp_path / "gen.jsonl"
    server.faults.extend([500] * 4)
    stats = run(items(1), backend(server), SamplingParams(), out, workers=1, show_progress=False)
    assert stats.errors == 1 and json.loads(out.read_text())["finish_reason"] == "error"
    assert finished_keys(out) == set()
    again = run(items(1), backend(server), SamplingParams(), out, workers=1, show_progress=False)
    assert (again.done, again.errors) == (1, 0)


def test_shards_split_the_work_without_overlap():
    work = items(10)
    parts = [shard_of(work, s, 3) for s in range(3)]
    assert sorted(i.key for p in parts for i in p) == sorted(i.key for i in work)
    assert all(parts) and not set(i.key for i in parts[0]) & set(i.key for i in parts[1])
    with pytest.raises(ValueError, match="--shard must be in"):
        shard_of(work, 3, 3)


@pytest.mark.parametrize(
    "text,language,code,found",
    [
        ("```cpp\nint a;\n```\ntext\n```cpp\nint b;\n```", "cpp", "int b;\n", True),
        ("```C++17\nint c;\n```", "cpp", "int c;\n", True),
        ("```c++\nint d;\n```", "cpp", "int d;\n", True),
        ("```python3\nprint(1)\n```", "python", "print(1)\n", True),
        ("```py\nx = 1\n```", "python", "x = 1\n", True),
        ("```python\nprint(2)\n```\n```cpp\nint e;\n```", "python", "print(2)\n", True),
        ("<think>```cpp\nint draft;\n```</think>no code after thinking", "cpp", "", False),
        ("```\nint plain;\n```", "cpp", "int plain;\n", True),
        ("no code at all", "cpp", "", False),
    ],
)
def test_code_extraction(text, language, code, found):
    assert extract_code(text, language) == (code, found)


def test_decontamination_by_shared_ngrams():
    bench = Decontaminator(["Alice has n boxes and wants to put the balls into the boxes so that"], n=8)
    assert bench.contaminated("Story: alice has N boxes, and wants to put the balls into the boxes!")
    assert not bench.contaminated("Alice has n boxes and wants something else entirely here today")
    assert not Decontaminator(["short text"], n=8).contaminated("short text")


def test_duplicates_and_short_long_selection():
    rows = [{"id": "a", "prompt": "A", "generation": "xx"}, {"id": "a", "prompt": "A", "generation": "xxxx"},
            {"id": "a", "prompt": "A", "generation": "xx"}, {"id": "a", "prompt": "A", "generation": "x"},
            {"id": "b", "prompt": "B", "generation": "only"}, {"id": "c", "prompt": "C", "generation": "only"}]  # fmt: skip
    unique = drop_exact_duplicates(rows)
    assert [r["generation"] for r in unique] == ["xx", "xxxx", "x", "only", "only"]
    picked = shortest_and_longest(unique)
    assert [(r["id"], r["generation"]) for r in picked] == [("a", "x"), ("a", "xxxx"), ("b", "only"), ("c", "only")]


class BatchEngine:
    """Stands in for the vLLM offline engine: whole batches per call, one seed per prompt."""

    def __init__(self, fail_batches: int = 0) -> None:
        self.batches: list[int] = []
        self.fail_batches = fail_batches

    def generate_batch(self, conversations, params, seeds):
        self.batches.append(len(conversations))
        if self.fail_batches:
            self.fail_batches -= 1
            raise GenerationError("engine crashed")
        usage = {"completion_tokens": 2, "prompt_tokens": 1, "total_tokens": 3}
        return [Generation(f"{c[0]['content']} seed {s}", "length", usage)
                for c, s in zip(conversations, seeds, strict=True)]  # fmt: skip


def test_batching_engines_get_whole_batches_with_a_seed_per_sample(tmp_path):
    out = tmp_path / "generations.jsonl"
    engine = BatchEngine(fail_batches=1)
    stats = run(items(5), engine, SamplingParams(), out, seed=10, batch_size=2, show_progress=False)
    assert engine.batches == [2, 2, 1] and stats.errors == 2  # the failed batch is recorded as failed
    again = run(items(5), engine, SamplingParams(), out, seed=10, batch_size=2, show_progress=False)
    assert engine.batches[3:] == [2] and (again.done, again.errors, again.skipped) == (2, 0, 3)
    records = {r["key"]: r for r in read_generations(tmp_path)}
    assert records["p1|cpp|1"]["generation"] == "problem 1 seed 11" and len(records) == 5
    assert all(r["finish_reason"] == "length" for r in records.values())


def test_a_killed_generate_command_resumes_without_asking_twice(tmp_path):
    """SIGKILL a real `olympicforge generate` mid-run; the rerun asks only for what is missing."""
    dataset = write_codeforces_dataset(tmp_path / "hub")
    server = FakeOpenAI(lambda body: time.sleep(0.1) or "```cpp\nint main() {}\n```")
    run_dir = tmp_path / "run"
    args = ["generate", "codeforces", "--model", "m", "--endpoint", server.url, "--dataset", str(dataset),
            "--languages", "cpp", "--editorial", "without", "--generations", "8", "--concurrency", "1",
            "--out", str(run_dir)]  # fmt: skip
    try:
        proc = subprocess.Popen([sys.executable, "-m", "olympicforge", *args], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env={**os.environ, "HF_DATASETS_OFFLINE": "1"})  # fmt: skip
        out = run_dir / "generations.jsonl"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 3):
            time.sleep(0.05)
        proc.kill()
        proc.wait()
        written = out.read_text().count("\n")
        assert 3 <= written < 16
        assert main(args) == 0
    finally:
        server.close()
    records = read_generations(run_dir)
    assert len(records) == 16 and all(r["finish_reason"] == "stop" for r in records)
    assert len(server.requests) <= 16 + 1  # at most the one request in flight at the kill is asked again


def fake_vllm(monkeypatch) -> list:
    """A stand-in `vllm` module recording how the engine is called (the real one needs a GPU)."""
    calls = []

    class SamplingParams:
        def __init__(self, **kwargs) -> None:
            self.kwargs = kwargs

    class Output:
        def __init__(self, text: str) -> None:
            self.outputs = [types.SimpleNamespace(text=text, token_ids=[1] * len(text.split()), finish_reason="stop")]
            self.prompt_token_ids = [0, 0, 0]

    class LLM:
        def __init__(self, **kwargs) -> None:
            calls.append(("init", kwargs))

        def chat(self, conversations, sampling, **kwargs):
            calls.append(("chat", conversations, [s.kwargs for s in sampling], kwargs))
            return [Output(f"answer to {c[0]['content']} seed {s.kwargs['seed']}") for c, s in
                    zip(conversations, sampling, strict=True)]  # fmt: skip

    module = types.ModuleType("vllm")
    module.LLM, module.SamplingParams = LLM, SamplingParams
    monkeypatch.setitem(sys.modules, "vllm", module)
    return calls


def test_vllm_backend_batches_prompts_with_prefix_caching_and_seeds(monkeypatch, tmp_path):
    calls = fake_vllm(monkeypatch)
    engine = VLLMBackend("some/model", tensor_parallel_size=2)
    assert calls[0] == ("init", {"model": "some/model", "enable_prefix_caching": True, "tensor_parallel_size": 2})
    prefilled = [WorkItem("p", "cpp", i, ({"role": "user", "content": "sum"},
                                          {"role": "assistant", "content": "<think>\n"})) for i in range(3)]  # fmt: skip
    stats = run(prefilled, engine, SamplingParams(max_tokens=9), tmp_path / "generations.jsonl", seed=5,
                show_progress=False)  # fmt: skip
    _, conversations, sampling, flags = calls[1]
    assert len(calls) == 2 and len(conversations) == 3  # one engine call for the whole batch
    assert [s["seed"] for s in sampling] == [5, 6, 7] and all(s["max_tokens"] == 9 for s in sampling)
    assert flags == {"use_tqdm": False, "continue_final_message": True, "add_generation_prompt": False}
    records = {r["sample"]: r for r in read_generations(tmp_path)}
    assert records[2]["generation"] == "answer to sum seed 7" and records[2]["usage"]["prompt_tokens"] == 3
    assert stats.completion_tokens == 3 * 5
    with pytest.raises(GenerationError, match="mixes prefilled and plain"):
        engine.generate_batch([[{"role": "user", "content": "a"}], list(prefilled[0].messages)], SamplingParams(),
                              [1, 2])  # fmt: skip


def test_vllm_engine_arguments_from_the_command_line():
    assert engine_arguments(["tensor_parallel_size=8", "enforce-eager=true", "max_model_len=32768"]) == {
        "tensor_parallel_size": 8, "enforce_eager": True, "max_model_len": 32768}  # fmt: skip
    with pytest.raises(ValueError, match="--vllm-engine wants KEY=VALUE"):
        engine_arguments(["tensor_parallel_size"])
