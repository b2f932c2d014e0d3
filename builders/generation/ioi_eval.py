"""`olympicforge eval ioi`: generate, judge, select 50 per problem, report.

Every stage writes JSONL under `DIR/<model>/` and resumes: generations keyed
by (problem, subtask, sample), judged results keyed by the same id. Scores of
every model found in DIR are combined into `report.md`, `scores.json` and
`scores.png` (total per model against the 2024 medal lines).
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import re
import uuid
from collections import defaultdict
from pathlib import Path

from datasets import Features, List, Value, load_dataset
from rich.console import Console

from builders.generation.backends import OpenAIBackend, SamplingParams, VLLMBackend
from builders.generation.extract import extract_code
from builders.generation.prompts import chat
from builders.generation.runs import WorkItem, run
from builders.hub_writer import HubLayout, publish
from cards.card import CardSpec
from judge.batcheval import SubmissionJob, evaluate_many
from judge.loaders.rows import task_from_rows
from judge.paths import atomic_write_bytes
from judge.selection import MEDAL_CUTOFFS_2024, select_contest

log = logging.getLogger(__name__)


def model_slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model)


def load_ioi(dataset: str, split: str, tests: str | None):
    """(ioi rows, {year: test rows}) from a local folder or a Hub id; tests found beside it."""
    rows = list(load_dataset(dataset, split=split))
    if not rows:
        raise ValueError(f"{dataset}: split {split!r} is empty")
    source = tests or (str(Path(dataset).parent / "ioi-test-cases") if Path(dataset).exists() else
                       dataset.rsplit("/", 1)[0] + "/ioi-test-cases")  # fmt: skip
    years = sorted({str(r["year"]) for r in rows})
    return rows, {year: list(load_dataset(source, year, split="train")) for year in years}


def work_items(rows: list[dict], generations: int, prefill_think: bool) -> list[WorkItem]:
    items = []
    for row in rows:
        messages = chat(row["problem"], prefill_think)
        for sample in range(generations):
            items.append(WorkItem(f"{row['year']}/{row['id']}", row["subtask"], sample, tuple(messages)))
    return items


def evaluate(args: argparse.Namespace, console: Console) -> tuple[Path, int]:
    rows, tests = load_ioi(args.dataset, args.split, args.tests)
    folder = args.out / model_slug(args.model)
    folder.mkdir(parents=True, exist_ok=True)
    if args.vllm:
        backend = VLLMBackend(args.vllm)
    else:
        backend = OpenAIBackend(args.endpoint, args.served_model or args.model, concurrency=args.concurrency)
    params = SamplingParams.from_yaml(args.sampling) if args.sampling else SamplingParams()
    stats = run(work_items(rows, args.generations, args.prefill_think), backend, params,
                folder / "generations.jsonl", workers=args.concurrency)  # fmt: skip
    console.print(f"{args.model}: {stats.done} generated, {stats.skipped} already done, {stats.errors} failed, "
                  f"{stats.tokens_per_second:.1f} completion tokens/s")  # fmt: skip
    by_problem = defaultdict(list)
    for row in rows:
        by_problem[f"{row['year']}/{row['id']}"].append(row)
    tasks = [task_from_rows(group, [t for t in tests[str(group[0]["year"])] if t["problem_id"] == group[0]["id"]])
             for group in by_problem.values()]  # fmt: skip
    generations = [json.loads(line) for line in (folder / "generations.jsonl").read_text().splitlines() if line]
    names = {f"{r['year']}/{r['id']}": (r["name"], r["day"]) for r in rows}
    jobs = []
    for record in generations:
        if record["finish_reason"] == "error":
            continue
        code, _ = extract_code(record["generation"], "cpp")
        name, day = names[record["problem"]]
        extra = {"generation_length": len(record["generation"]), "problem_name": name, "day": day,
                 "prompt": record["messages"][0]["content"], "generation": record["generation"], "code": code,
                 "finish_reason": record["finish_reason"], "metadata": {"usage": record["usage"]},
                 "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{args.model}|{record['key']}"))}  # fmt: skip
        jobs.append(SubmissionJob(record["key"], record["problem"], code, target_subtask=record["variant"],
                                  extra=extra))  # fmt: skip
    evaluate_many(tasks, jobs, folder / "results.jsonl", workers=args.workers)
    results = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines() if line]
    limited = select_contest(results, limit=50)
    atomic_write_bytes(folder / "scores.json", json.dumps(limited.to_dict(), indent=2).encode())
    write_report(args.out, console)
    write_model_solutions(args.out, console)
    if stats.errors:
        console.print(f"[red]{stats.errors} generations failed (see the log); rerun to retry only those[/]")
    return folder, stats.errors


def write_report(out: Path, console: Console) -> None:
    """Combine every model's scores found under `out` into one report and plot."""
    models = {p.parent.name: json.loads(p.read_text()) for p in sorted(out.glob("*/scores.json"))}
    combined = {name: {"total": s["total"], "unlimited_total": s["unlimited_total"], "max_total": s["max_total"],
                       "medal": s["medal"], "problems": {p["problem"]: {"score": p["score"],
                       "unlimited_score": p["unlimited_score"], "max_score": p["max_score"]} for p in s["problems"]}}
                for name, s in models.items()}  # fmt: skip
    atomic_write_bytes(out / "scores.json", json.dumps(combined, indent=2).encode())
    lines = ["# IOI benchmark", "", "Scores with at most 50 submissions per problem (IOI rules) and without a cap.", ""]
    lines += ["| model | total (50 cap) | unlimited | max | medal |", "|---|---|---|---|---|"]
    for name, s in combined.items():
        lines.append(f"| {name} | {s['total']:.2f} | {s['unlimited_total']:.2f} | {s['max_total']:g} | "
                     f"{s['medal'] or 'n/a (not a full contest)'} |")  # fmt: skip
    for name, s in combined.items():
        lines += ["", f"## {name}", "", "| problem | score (50 cap) | unlimited | max |", "|---|---|---|---|"]
        lines += [f"| {p} | {v['score']:.2f} | {v['unlimited_score']:.2f} | {v['max_score']:g} |"
                  for p, v in sorted(s["problems"].items())]  # fmt: skip
    atomic_write_bytes(out / "report.md", ("\n".join(lines) + "\n").encode())
    plot(combined, out / "scores.png")
    console.print(f"report: {out / 'report.md'}; plot: {out / 'scores.png'}")


MODEL_SOLUTION_FEATURES = Features({
    "year": Value("int64"), "day": Value("string"), "problem_id": Value("string"), "problem_name": Value("string"),
    "target_subtask": Value("string"), "prompt": Value("string"), "generation": Value("string"),
    "code": Value("string"), "uuid": Value("string"),
    "metadata": {"usage": {"completion_tokens": Value("int64"), "prompt_tokens": Value("int64"),
                           "total_tokens": Value("int64")}},
    "finish_reason": Value("string"), "code_compiles": Value("bool"), "target_subtask_score": Value("float64"),
    "target_subtask_status": Value("string"), "all_subtasks_points": Value("float64"),
    "all_subtasks_results": List({
        "subtask": Value("string"), "points": Value("float64"), "score": Value("float64"),
        "weighted_score": Value("float64"), "status": Value("string"),
        "tests": List({"name": Value("string"), "verdict": Value("string"), "time": Value("float64"),
                       "memory": Value("int64")}),
    }),
})  # fmt: skip


def model_solution_row(result: dict) -> dict:
    year, problem_id = result["problem"].split("/", 1)
    subtasks = [{"subtask": s["name"], "points": s["points"], "score": s["score"],
                 "weighted_score": s["weighted_score"], "status": s["status"],
                 "tests": [{"name": t["name"], "verdict": t["verdict"], "time": t["time"], "memory": t["memory"]}
                           for t in s["tests"]]} for s in result["subtasks"]]  # fmt: skip
    return {"year": int(year), "day": str(result["day"]), "problem_id": problem_id,
            "problem_name": result["problem_name"], "target_subtask": result["target_subtask"],
            "prompt": result["prompt"], "generation": result["generation"], "code": result["code"],
            "uuid": result["uuid"], "metadata": result["metadata"], "finish_reason": result["finish_reason"],
            "code_compiles": result["code_compiles"], "target_subtask_score": result["target_subtask_score"],
            "target_subtask_status": result["target_subtask_status"], "all_subtasks_points": result["score"],
            "all_subtasks_results": subtasks}  # fmt: skip


def write_model_solutions(out: Path, console: Console) -> Path:
    """`ioi-2024-model-solutions` under DIR/hub: one config per model found in DIR."""
    with HubLayout(out / "hub", "ioi-2024-model-solutions") as layout:
        for results in sorted(out.glob("*/results.jsonl")):
            with layout.split(results.parent.name, "train", MODEL_SOLUTION_FEATURES) as writer:
                for line in results.read_text().splitlines():
                    if line.strip():
                        writer.write(model_solution_row(json.loads(line)))
        spec = CardSpec("ioi-2024-model-solutions", "IOI model solutions, judged", "other",
                        "ioi-model-solutions.md.j2", descriptions={},
                        context={"org": "olympicforge", "build_year": datetime.date.today().year})  # fmt: skip
        path = publish(layout, spec)
    console.print(f"model solutions: {path}")
    return path


def plot(combined: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(combined)
    figure, axes = plt.subplots(figsize=(max(4, 1.5 * len(names) + 2), 4))
    axes.bar(names, [combined[n]["total"] for n in names], color="#4c72b0", label="total (50 submissions)")
    for (label, cutoff), colour in zip(MEDAL_CUTOFFS_2024, ("gold", "silver", "#cd7f32"), strict=True):
        axes.axhline(cutoff, color=colour, linestyle="--", label=f"{label} {cutoff}")
    axes.set_ylabel("points (of 600 for a full contest)")
    axes.set_title("IOI benchmark")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def add_parser(areas: argparse._SubParsersAction) -> None:
    area = areas.add_parser("eval", help="benchmarks")
    verbs = area.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    ioi = verbs.add_parser("ioi", help="the IOI benchmark: generate, judge, select, report")
    ioi.add_argument("--model", required=True, help="model name for the report (and the server, by default)")
    ioi.add_argument("--served-model", help="the model id the server expects, when it differs from --model")
    source = ioi.add_mutually_exclusive_group(required=True)
    source.add_argument("--endpoint", help="OpenAI-compatible server, e.g. http://localhost:8000")
    source.add_argument("--vllm", help="a model path for the vLLM offline engine (GPU)")
    ioi.add_argument("--dataset", required=True, help="an ioi dataset: local folder or Hub id")
    ioi.add_argument("--split", default="test")
    ioi.add_argument("--tests", help="the ioi-test-cases dataset (default: beside --dataset)")
    ioi.add_argument("--generations", type=int, default=50, help="samples per subtask")
    ioi.add_argument("--sampling", type=Path, help="YAML with temperature, top_p, max_tokens, ...")
    ioi.add_argument("--prefill-think", action="store_true", help="start the answer with <think>")
    ioi.add_argument("--concurrency", type=int, default=8)
    ioi.add_argument("--workers", type=int, default=None, help="judge workers")
    ioi.add_argument("--out", type=Path, required=True)
    ioi.set_defaults(handler=cmd_eval_ioi)


def cmd_eval_ioi(args: argparse.Namespace) -> int:
    _, errors = evaluate(args, Console())
    return 1 if errors else 0
