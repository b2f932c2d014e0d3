"""Resumable, shardable generation runs.

Work items are keyed by (problem, subtask or language, sample index); results
are appended to JSONL (flushed per line), so a rerun skips finished keys, and
`shard`/`num_shards` split the work for cluster array jobs. A failed request is
recorded as such (finish_reason "error"), never as an empty answer.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from builders.generation.backends import GenerationError, SamplingParams
from judge.paths import read_appended_jsonl

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkItem:
    problem: str
    variant: str  # subtask (IOI) or language (Codeforces)
    sample: int
    messages: tuple  # ({"role", "content"}, ...)

    @property
    def key(self) -> str:
        return f"{self.problem}|{self.variant}|{self.sample}"


def shard_of(items: list[WorkItem], shard: int, num_shards: int) -> list[WorkItem]:
    if not 0 <= shard < num_shards:
        raise ValueError(f"--shard must be in [0, {num_shards}), not {shard}")
    return [item for number, item in enumerate(sorted(items, key=lambda i: i.key)) if number % num_shards == shard]


def run_file(folder: Path, shard: int = 0, num_shards: int = 1) -> Path:
    """Each shard of an array job appends to its own file, so jobs never share one."""
    if num_shards == 1:
        return folder / "generations.jsonl"
    return folder / f"generations-{shard:05d}-of-{num_shards:05d}.jsonl"


def read_generations(folder: Path) -> list[dict]:
    """Every shard's records, one per key: a success beats a failed attempt, a later record an earlier one."""
    files = sorted(folder.glob("generations*.jsonl"))
    if not files:
        raise FileNotFoundError(f"{folder}: no generations*.jsonl (run `olympicforge generate` first)")
    chosen: dict[str, dict] = {}
    for path in files:
        for number, record in enumerate(read_appended_jsonl(path), 1):
            if "key" not in record or "generation" not in record:
                raise ValueError(f"{path}: line {number} is not a generation record")
            previous = chosen.get(record["key"])
            if previous is None or record["finish_reason"] != "error" or previous["finish_reason"] == "error":
                chosen[record["key"]] = record
    return [chosen[key] for key in sorted(chosen)]


def sft_messages(record: dict) -> list[dict]:
    """The conversation for SFT: the prompt, then the whole answer (a prefilled `<think>` included)."""
    messages = [dict(m) for m in record["messages"]]
    prefill = messages.pop()["content"] if messages[-1]["role"] == "assistant" else ""
    return [*messages, {"role": "assistant", "content": prefill + record["generation"]}]


def finished_keys(path: Path) -> set[str]:
    """Keys already written (failed requests excepted: the next run retries them)."""
    return {r["key"] for r in read_appended_jsonl(path) if r.get("finish_reason") != "error"}


@dataclass
class RunStats:
    done: int = 0
    skipped: int = 0
    errors: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds else 0.0


def run(items: Iterable[WorkItem], backend, params: SamplingParams, out: Path, *, seed: int = 0,
        workers: int = 8, shard: int = 0, num_shards: int = 1, show_progress: bool = True,
        batch_size: int = 256) -> RunStats:  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    mine = shard_of(list(items), shard, num_shards)
    done = finished_keys(out)
    todo = [item for item in mine if item.key not in done]
    stats = RunStats(skipped=len(mine) - len(todo))
    started = time.perf_counter()
    columns = (TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
               TextColumn("{task.fields[tokens]}"))  # fmt: skip
    progress_bar = Progress(*columns, console=Console(stderr=True), disable=not show_progress)  # stdout: results only
    with out.open("a") as handle, progress_bar as progress:
        bar = progress.add_task("", total=len(todo), tokens="")
        for record in _generate(todo, backend, params, seed, workers, batch_size):
            handle.write(json.dumps(record) + "\n")
            handle.flush()
            stats.done += 1
            stats.errors += record["finish_reason"] == "error"
            stats.completion_tokens += record["usage"].get("completion_tokens") or 0
            stats.seconds = time.perf_counter() - started
            progress.update(bar, advance=1, tokens=f"{stats.completion_tokens} tokens, "
                                                   f"{stats.tokens_per_second:.0f} tokens/s")  # fmt: skip
    return stats


def _record(item: WorkItem, generation=None, error: Exception | None = None) -> dict:
    record = {"key": item.key, "problem": item.problem, "variant": item.variant, "sample": item.sample,
              "messages": list(item.messages)}  # fmt: skip
    if error is not None:
        log.error("generation failed for %s: %s", item.key, error)
        return record | {"generation": "", "finish_reason": "error", "usage": {}, "error": str(error)}
    return record | {"generation": generation.text, "finish_reason": generation.finish_reason,
                     "usage": generation.usage}  # fmt: skip


def _generate(todo: list[WorkItem], backend, params: SamplingParams, seed: int, workers: int,
              batch_size: int) -> Iterator[dict]:  # fmt: skip
    """Records as they finish: whole batches for an engine that batches itself (vLLM offline),
    else one request per item from a thread pool (HTTP servers batch across requests)."""
    if hasattr(backend, "generate_batch"):
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            try:
                answers = backend.generate_batch([list(i.messages) for i in chunk], params,
                                                 [seed + i.sample for i in chunk])  # fmt: skip
            except GenerationError as exc:
                yield from (_record(item, error=exc) for item in chunk)
            else:
                yield from (_record(item, answer) for item, answer in zip(chunk, answers, strict=True))
        return

    def one(item: WorkItem) -> dict:
        try:
            return _record(item, backend.generate(list(item.messages), params, seed=seed + item.sample))
        except GenerationError as exc:
            return _record(item, error=exc)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(one, item) for item in todo]):
            yield future.result()
