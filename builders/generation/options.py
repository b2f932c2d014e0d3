"""Command-line options every generation command shares: the backend, sampling, sharding."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from rich.console import Console

from builders.generation.backends import OpenAIBackend, SamplingParams, VLLMBackend
from builders.generation.runs import RunStats, WorkItem, run


def add_generation_arguments(parser: argparse.ArgumentParser, *, shardable: bool = True, required: bool = True) -> None:
    """`required=False` where the command has a step that needs no model (the caller checks)."""
    parser.add_argument(
        "--model", required=required, help="model name for reports and rows (and the server, by default)"
    )
    parser.add_argument("--served-model", help="the model id the server expects, when it differs from --model")
    source = parser.add_mutually_exclusive_group(required=required)
    source.add_argument("--endpoint", help="OpenAI-compatible server, e.g. http://localhost:8000")
    source.add_argument("--vllm", help="a model path for the vLLM offline engine (GPU)")
    parser.add_argument("--vllm-engine", action="append", default=[], metavar="KEY=VALUE",
                        help="a vLLM engine argument, e.g. tensor_parallel_size=8 (repeatable)")  # fmt: skip
    parser.add_argument("--generations", type=int, default=1, help="samples per prompt")
    parser.add_argument("--sampling", type=Path, help="YAML with temperature, top_p, max_tokens, ...")
    parser.add_argument("--seed", type=int, default=0, help="sample i is requested with seed SEED+i")
    parser.add_argument("--prefill-think", action="store_true", help="start the answer with <think>")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    if shardable:
        parser.add_argument("--shard", type=int, default=0, help="this job's shard (cluster array index)")
        parser.add_argument("--num-shards", type=int, default=1, help="how many jobs share the work")


def make_backend(args: argparse.Namespace):
    if args.generations < 1:
        raise ValueError(f"--generations must be at least 1, not {args.generations}")
    if args.vllm:
        return VLLMBackend(args.vllm, **engine_arguments(args.vllm_engine))
    return OpenAIBackend(args.endpoint, args.served_model or args.model, concurrency=args.concurrency)


def generate_with(args: argparse.Namespace, items: list[WorkItem], out: Path, console: Console, label: str,
                  shard: int = 0, num_shards: int = 1) -> RunStats:  # fmt: skip
    """Run the work items on the backend the options name, then say what happened."""
    backend = make_backend(args)
    try:
        stats = run(items, backend, sampling_params(args), out, seed=args.seed, workers=args.concurrency,
                    shard=shard, num_shards=num_shards)  # fmt: skip
    finally:
        backend.close()
    console.print(f"{label}: {stats.done} generated, {stats.skipped} already done, {stats.errors} failed; "
                  f"{stats.completion_tokens} completion tokens in {stats.seconds:.1f} s "
                  f"({stats.tokens_per_second:.1f} tokens/s)")  # fmt: skip
    if stats.errors:
        console.print(f"[red]{stats.errors} generations failed (see the log); rerun to retry only those[/]")
    return stats


def engine_arguments(pairs: list[str]) -> dict:
    """`KEY=VALUE` strings as keyword arguments, values read as YAML (8 -> int, true -> bool)."""
    arguments = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--vllm-engine wants KEY=VALUE, not {pair!r}")
        arguments[key.replace("-", "_")] = yaml.safe_load(value)
    return arguments


def sampling_params(args: argparse.Namespace) -> SamplingParams:
    return SamplingParams.from_yaml(args.sampling) if args.sampling else SamplingParams()
