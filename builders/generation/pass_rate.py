"""`olympicforge filter pass-rate`: keep the prompts a model solves sometimes, not always or never.

As the anchor's `pass_rate_filtering`: K answers per prompt are generated (any
OpenAI-compatible server, or vLLM), each is judged by the reward the prompt's rows
are trained with (`cf_code` in pass_fail mode, or `ioi_code`), and the dataset is
written with `pass_rate_generations`, `pass_rate_rewards` (None where the judge
failed) and, ours, `pass_rate`: the share of judged answers that fully pass. The
`default` config keeps every row, `filt-MIN-MAX` those with MIN < pass_rate < MAX
(strictly, as the anchor filters): a GRPO curriculum of problems worth learning.

Generation resumes from the run folder like `generate`; with `--num-shards` each
array job only generates, and a last run without it judges and writes. Verdicts are
appended to `RUN/judged.jsonl`, so a rerun judges only new answers.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import logging
from pathlib import Path

from rich.console import Console

from builders.generation.generate import record_run
from builders.generation.options import add_generation_arguments, generate_with
from builders.generation.runs import WorkItem, read_generations, run_file
from judge.executors import add_executor_arguments
from judge.paths import read_appended_jsonl

log = logging.getLogger(__name__)
KIND = "pass-rate"
REWARDS = ("cf_code", "ioi_code")
JUDGED = "judged.jsonl"
ROWS_PER_BATCH = 16  # prompts judged in one reward call (their K answers each)


def row_key(index: int, row: dict) -> str:
    """A stable key per prompt row (the same problem may have a row per language)."""
    return f"{row.get('id', '')}#{index}"


def conversation(row: dict, prompt_column: str, system_prompt: str | None) -> list[dict]:
    """The chat a prompt column holds: a string is one user message; a list of messages is kept."""
    if prompt_column not in row:
        raise ValueError(f"--prompt-column {prompt_column!r}: the dataset has no such column "
                         f"(it has {', '.join(sorted(row))})")  # fmt: skip
    prompt = row[prompt_column]
    messages = [dict(m) for m in prompt] if isinstance(prompt, list) else [{"role": "user", "content": str(prompt)}]
    if system_prompt and not any(m["role"] == "system" for m in messages):
        messages.insert(0, {"role": "system", "content": system_prompt})
    return messages


def work_items(rows: list[dict], prompt_column: str, generations: int, system_prompt: str | None = None,
               prefill_think: bool = False) -> list[WorkItem]:  # fmt: skip
    items = []
    for index, row in enumerate(rows):
        messages = conversation(row, prompt_column, system_prompt)
        if prefill_think:
            messages.append({"role": "assistant", "content": "<think>\n"})
        items += [WorkItem(row_key(index, row), "pass-rate", s, tuple(messages)) for s in range(generations)]
    return items


def make_reward(name: str, judge, cf_tests_folder: str | None, ioi_tests: str | None):
    """The reward a row is trained with, in the mode that says pass or fail."""
    from recipes.rewards import CFCode, IOICode

    if name == "cf_code":
        return CFCode(judge, scoring="pass_fail", tests_folder=cf_tests_folder)
    if not ioi_tests:
        raise ValueError("--reward ioi_code needs --ioi-tests (the ioi-test-cases dataset: folder or Hub id)")
    return IOICode(judge, ioi_tests)


def judge_answers(rows: list[dict], records: dict[str, list[dict]], reward, run: Path) -> dict[str, float | None]:
    """generation key -> reward, judging only answers not yet in RUN/judged.jsonl."""
    path = run / JUDGED
    digest = {r["key"]: _digest(r) for answers in records.values() for r in answers}
    done = {j["key"]: j["reward"] for j in read_appended_jsonl(path) if j.get("digest") == digest.get(j["key"])}
    todo = [(index, row) for index, row in enumerate(rows)
            if any(r["key"] not in done for r in records.get(row_key(index, row), []))]  # fmt: skip
    with path.open("a") as out:
        for start in range(0, len(todo), ROWS_PER_BATCH):
            chunk = todo[start : start + ROWS_PER_BATCH]
            answers = [(row, r) for index, row in chunk for r in records.get(row_key(index, row), [])]
            columns = {name: [row[name] for row, _ in answers] for name in answers[0][0]} if answers else {}
            rewards = reward([r["generation"] for _, r in answers], **columns) if answers else []
            for (_, record), value in zip(answers, rewards, strict=True):
                done[record["key"]] = value
                out.write(json.dumps({"key": record["key"], "digest": digest[record["key"]], "reward": value}) + "\n")
            out.flush()
    return done


def _digest(record: dict) -> str:
    return hashlib.sha256(record["generation"].encode()).hexdigest()


def pass_rate(rewards: list[float | None]) -> float | None:
    """Share of the judged answers that fully pass (reward 1); None when none was judged."""
    judged = [r for r in rewards if r is not None]
    return sum(r >= 1.0 for r in judged) / len(judged) if judged else None


def in_band(rate: float | None, low: float, high: float) -> bool:
    return rate is not None and low < rate < high


def write_filtered(out: Path, name: str, rows: list[dict], features, records: dict[str, list[dict]],
                   rewards: dict[str, float | None], low: float, high: float, spec_context: dict) -> dict:  # fmt: skip
    """`default` with every row and its rates, `filt-LOW-HIGH` with the rows in the band."""
    from datasets import Features, List, Value

    from builders.hub.writer import HubLayout, prepare_out, publish
    from cards.card import CardSpec

    extended = Features({**features, "pass_rate": Value("float64"), "pass_rate_rewards": List(Value("float64")),
                         "pass_rate_generations": List(Value("string"))})  # fmt: skip
    band = f"filt-{low}-{high}"
    kept = 0
    prepare_out(out)
    with HubLayout(out, name) as layout:
        everything = layout.split("default", "train", extended)
        filtered = layout.split(band, "train", extended)
        for index, row in enumerate(rows):
            answers = sorted(records.get(row_key(index, row), []), key=lambda r: r["sample"])
            values = [rewards.get(r["key"]) for r in answers]
            rate = pass_rate(values)
            full = {**row, "pass_rate": rate, "pass_rate_rewards": values,
                    "pass_rate_generations": [r["generation"] for r in answers]}  # fmt: skip
            everything.write(full)
            if in_band(rate, low, high):
                filtered.write(full)
                kept += 1
        everything.close()
        filtered.close()
        spec = CardSpec(name, f"{name}: prompts filtered by pass rate", "other", "pass-rate.md.j2",
                        descriptions=DESCRIPTIONS,
                        context={**spec_context, "build_year": datetime.date.today().year, "band": band,
                                 "low": low, "high": high, "kept": kept,
                                 "rows_total": len(rows)})  # fmt: skip
        output = publish(layout, spec)
    return {"output": str(output), "rows": len(rows), "in_band": kept, "config": band}


DESCRIPTIONS = {
    "pass_rate": "share of the judged answers that pass every test (null: none could be judged)",
    "pass_rate_rewards": "the reward of each answer in pass/fail mode (null: the judge failed on it)",
    "pass_rate_generations": "the model's answers, one per sample",
}


def cmd_pass_rate(args: argparse.Namespace) -> int:
    if not 0.0 <= args.pass_rate_min < args.pass_rate_max <= 1.0:
        raise ValueError(f"--pass-rate-min {args.pass_rate_min} / --pass-rate-max {args.pass_rate_max}: "
                         "want 0 <= min < max <= 1")  # fmt: skip
    from datasets import load_dataset

    from cards.card import shown_source
    from judge.executors import make_job_judge

    data = load_dataset(args.dataset, args.config, split=args.split)
    rows = list(data)[: args.limit] if args.limit else list(data)
    if not rows:
        raise ValueError(f"{args.dataset} ({args.config}/{args.split}): no rows")
    items = work_items(rows, args.prompt_column, args.generations, args.system_prompt, args.prefill_think)
    record_run(args.run, {"kind": KIND, "model": args.model, "dataset": args.dataset, "config": args.config,
                          "split": args.split, "generations": args.generations})  # fmt: skip
    console = Console(stderr=True)
    stats = generate_with(args, items, run_file(args.run, args.shard, args.num_shards), console,
                          f"pass-rate shard {args.shard}/{args.num_shards}", args.shard, args.num_shards)  # fmt: skip
    if args.num_shards > 1:
        console.print("generation only (--num-shards): run once more without it to judge and write")
        return 1 if stats.errors else 0
    records: dict[str, list[dict]] = {}
    for record in read_generations(args.run):
        if record["finish_reason"] != "error":
            records.setdefault(record["problem"], []).append(record)
    pool = make_job_judge(args.executor, args.workers, ray_address=args.ray_address,
                          cores_per_actor=args.ray_cores_per_actor)  # fmt: skip
    try:
        reward = make_reward(args.reward, pool, args.cf_tests_folder, args.ioi_tests)
        with console.status(f"judging {sum(map(len, records.values()))} answers with {args.reward}"):
            rewards = judge_answers(rows, records, reward, args.run)
    finally:
        pool.close()
    name = args.name or f"{Path(args.dataset.rstrip('/')).name}-pass-rate"
    context = {"org": args.org, "model": args.model, "dataset": shown_source(args.dataset), "reward": args.reward,
               "generations": args.generations}  # fmt: skip
    summary = write_filtered(args.out, name, rows, data.features, records, rewards, args.pass_rate_min,
                             args.pass_rate_max, context)  # fmt: skip
    if args.json:
        print(json.dumps(summary, indent=2))
    band = f"({args.pass_rate_min}, {args.pass_rate_max})"
    console.print(f"{summary['in_band']} of {summary['rows']} prompts have a pass rate in {band}: "
                  f"{summary['output']}, config {summary['config']}")  # fmt: skip
    return 1 if stats.errors else 0


def add_parser(areas: argparse._SubParsersAction) -> None:
    area = areas.add_parser("filter", help="filter a dataset by what a model does on it")
    kinds = area.add_subparsers(dest="filter", required=True, metavar="FILTER")
    parser = kinds.add_parser("pass-rate", help="keep prompts a model solves sometimes (GRPO curriculum)")
    add_generation_arguments(parser)
    parser.add_argument("--dataset", required=True, help="prompts: a local folder or Hub id")
    parser.add_argument("--config", default="default")
    parser.add_argument("--split", default="train")
    parser.add_argument("--prompt-column", default="prompt", help="a string or a list of chat messages")
    parser.add_argument("--system-prompt", help="a system message put before each prompt")
    parser.add_argument("--reward", choices=REWARDS, default="cf_code", help="how an answer is judged")
    parser.add_argument("--cf-tests-folder", help="cf_code: the generated tests (default: CF_TESTS_FOLDER)")
    parser.add_argument("--ioi-tests", help="ioi_code: the ioi-test-cases dataset (folder or Hub id)")
    parser.add_argument("--pass-rate-min", type=float, default=0.1, help="keep rows above this (strictly)")
    parser.add_argument("--pass-rate-max", type=float, default=0.9, help="keep rows below this (strictly)")
    parser.add_argument("--limit", type=int, help="only the first N rows (smoke runs)")
    parser.add_argument("--run", type=Path, required=True, help="the run folder (answers, verdicts; reruns resume)")
    parser.add_argument("--out", type=Path, default=Path("out/hub"))
    parser.add_argument("--name", help="the dataset's name under --out (default: DATASET-pass-rate)")
    parser.add_argument("--org", default="olympicforge")
    parser.add_argument("--workers", type=int, help="judge processes (default: one per usable core)")
    parser.add_argument("--json", action="store_true", help="print only the summary, as JSON, on stdout")
    add_executor_arguments(parser)
    parser.set_defaults(handler=cmd_pass_rate)
