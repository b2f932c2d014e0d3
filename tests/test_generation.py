"""Generation pieces: the OpenAI-compatible backend against a fault-injecting local
server, resumable sharded runs, code extraction, decontamination, selection."""

from __future__ import annotations

import json

import pytest

from builders.generation.backends import GenerationError, OpenAIBackend, SamplingParams
from builders.generation.decontaminate import Decontaminator
from builders.generation.extract import extract_code
from builders.generation.runs import WorkItem, finished_keys, run, shard_of
from builders.generation.select import drop_exact_duplicates, shortest_and_longest

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
