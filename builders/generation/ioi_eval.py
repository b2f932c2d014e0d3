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
from pathlib import Path

from rich.console import Console

from builders.generation.ioi_traces import (
    IOI_TRACE_DESCRIPTIONS,
    IOI_TRACE_FEATURES,
    judge_generations,
    load_ioi,
    trace_row,
    work_items,
)
from builders.generation.options import add_generation_arguments, generate_with
from builders.generation.runs import run_file
from builders.hub_writer import HubLayout, publish
from cards.card import CardSpec
from judge.paths import atomic_write_bytes, read_appended_jsonl
from judge.selection import MEDAL_CUTOFFS_2024, select_contest

log = logging.getLogger(__name__)


def model_slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model)


def evaluate(args: argparse.Namespace, console: Console) -> tuple[Path, int]:
    rows, tests = load_ioi(args.dataset, args.split, args.tests)
    folder = args.out / model_slug(args.model)
    folder.mkdir(parents=True, exist_ok=True)
    stats = generate_with(args, work_items(rows, args.generations, args.prefill_think), run_file(folder), console,
                          args.model)  # fmt: skip
    results = judge_generations(rows, tests, folder, args.model, workers=args.workers)
    limited = select_contest(results, limit=50)
    atomic_write_bytes(folder / "scores.json", json.dumps(limited.to_dict(), indent=2).encode())
    write_report(args.out, console)
    write_model_solutions(args.out, console)
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


def write_model_solutions(out: Path, console: Console) -> Path:
    """`ioi-2024-model-solutions` under DIR/hub: one config per model found in DIR."""
    with HubLayout(out / "hub", "ioi-2024-model-solutions") as layout:
        for results in sorted(out.glob("*/results.jsonl")):
            with layout.split(results.parent.name, "train", IOI_TRACE_FEATURES) as writer:
                for result in read_appended_jsonl(results):
                    writer.write(trace_row(result))
        spec = CardSpec("ioi-2024-model-solutions", "IOI model solutions, judged", "other",
                        "ioi-model-solutions.md.j2", descriptions=IOI_TRACE_DESCRIPTIONS,
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
    add_generation_arguments(ioi, shardable=False)
    ioi.add_argument("--dataset", required=True, help="an ioi dataset: local folder or Hub id")
    ioi.add_argument("--split", default="test")
    ioi.add_argument("--tests", help="the ioi-test-cases dataset (default: beside --dataset)")
    ioi.add_argument("--workers", type=int, default=None, help="judge workers")
    ioi.add_argument("--out", type=Path, required=True)
    ioi.set_defaults(generations=50, handler=cmd_eval_ioi)


def cmd_eval_ioi(args: argparse.Namespace) -> int:
    _, errors = evaluate(args, Console())
    return 1 if errors else 0
