"""`olympicforge eval ioi`: generate, judge, select 50 per problem, report, for any IOI year.

Every stage writes JSONL under `DIR/<model>/` and resumes: generations keyed
by (problem, subtask, sample), judged results keyed by the same id. Each year is
a contest of its own: `DIR/<model>/scores.json` holds one selection per year
evaluated (a later run on another year adds to it), and every model found in DIR
is combined into `report.md`, `scores.json` and `scores.png`: per year, the totals
against that year's medal cut-offs (`judge/data/ioi_medals.json`; a year without
known cut-offs is drawn without lines and the report says so), and one table that
compares each model across years.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import re
from collections import defaultdict
from pathlib import Path

from rich.console import Console

from builders.generation.ioi_traces import (
    IOI_TRACE_DESCRIPTIONS,
    IOI_TRACE_FEATURES,
    judge_generations,
    load_ioi,
    parse_years,
    trace_row,
    work_items,
)
from builders.generation.options import add_generation_arguments, generate_with
from builders.generation.runs import run_file
from builders.hub.writer import HubLayout, publish
from cards.card import CardSpec
from judge.executors import add_executor_arguments, executor_from_args
from judge.medals import cutoffs
from judge.paths import atomic_write_bytes, read_appended_jsonl
from judge.selection import select_contest

log = logging.getLogger(__name__)
DEFAULT_ORG = "olympicforge"  # the Hub org the cards' snippets name (`push --org` publishes them for another)
DEFAULT_SPLIT = "test"  # without --split and --years: IOI 2024, the benchmark the anchor reports
MEDAL_COLOURS = {"gold": "gold", "silver": "silver", "bronze": "#cd7f32"}


def model_slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model)


def year_of(problem_key: str) -> int:
    return int(problem_key.split("/", 1)[0])


def evaluate(args: argparse.Namespace, console: Console) -> tuple[Path, int]:
    years = parse_years(args.years) if args.years else None
    split = args.split or (None if years else DEFAULT_SPLIT)
    rows, tests = load_ioi(args.dataset, split, args.tests, years)
    folder = args.out / model_slug(args.model)
    folder.mkdir(parents=True, exist_ok=True)
    stats = generate_with(args, work_items(rows, args.generations, args.prefill_think), run_file(folder), console,
                          args.model)  # fmt: skip
    with executor_from_args(args) as executor:
        results = judge_generations(rows, tests, folder, args.model, executor=executor)
    by_year: dict[int, list[dict]] = defaultdict(list)
    for result in results:
        by_year[year_of(result["problem"])].append(result)
    scores = read_scores(folder / "scores.json")
    for year, records in sorted(by_year.items()):
        scores[str(year)] = select_contest(records, limit=50, year=year).to_dict()
    atomic_write_bytes(folder / "scores.json", json.dumps(dict(sorted(scores.items())), indent=2).encode())
    write_report(args.out, console)
    write_model_solutions(args.out, console, args.org)
    return folder, stats.errors


def read_scores(path: Path) -> dict[str, dict]:
    """A model's contests by year; a file from before years were kept apart (one contest) is read as its year's."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if "problems" in data:
        return {str(year_of(data["problems"][0]["problem"])): data} if data["problems"] else {}
    return data


def combine(out: Path) -> dict[str, dict[str, dict]]:
    """{model: {year: summary}} for every model folder under `out`."""
    combined = {}
    for path in sorted(out.glob("*/scores.json")):
        combined[path.parent.name] = {
            year: {"total": s["total"], "unlimited_total": s["unlimited_total"], "max_total": s["max_total"],
                   "medal": s["medal"], "problems": {p["problem"]: {"score": p["score"],
                   "unlimited_score": p["unlimited_score"], "max_score": p["max_score"]} for p in s["problems"]}}
            for year, s in read_scores(path).items()
        }  # fmt: skip
    return combined


def report_lines(combined: dict[str, dict[str, dict]]) -> list[str]:
    years = sorted({year for per_year in combined.values() for year in per_year})
    lines = ["# IOI benchmark", "", "Scores with at most 50 submissions per problem (IOI rules) and without a cap, "
             "one contest per IOI year; medals use that year's cut-offs.", ""]  # fmt: skip
    for year in years:
        known = cutoffs(int(year))
        lines += [f"## IOI {year}", ""]
        unknown = f"No known medal cut-offs for {year}: no medal is given and the plot draws no medal lines."
        lines.append(f"Medal cut-offs: {known.describe()}." if known else unknown)
        lines += ["", "| model | total (50 cap) | unlimited | max | medal |", "|---|---|---|---|---|"]
        for name, per_year in combined.items():
            if year in per_year:
                s = per_year[year]
                why = "n/a (not a full contest)" if known else "n/a (no known cut-offs)"
                lines.append(f"| {name} | {s['total']:.2f} | {s['unlimited_total']:.2f} | {s['max_total']:g} | "
                             f"{s['medal'] or why} |")  # fmt: skip
        lines.append("")
    lines += ["## Across years", "", "Total with the 50-submission cap, and its share of the points evaluated.", ""]
    lines += ["| model | " + " | ".join(years) + " |", "|---|" + "---|" * len(years)]
    for name, per_year in combined.items():
        cells = [f"{per_year[y]['total']:.2f} of {per_year[y]['max_total']:g} "
                 f"({100 * per_year[y]['total'] / per_year[y]['max_total']:.0f}%)"
                 if y in per_year and per_year[y]["max_total"] else "not run" for y in years]  # fmt: skip
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for name, per_year in combined.items():
        lines += ["", f"## {name}", "", "| problem | score (50 cap) | unlimited | max |", "|---|---|---|---|"]
        problems = {key: value for s in per_year.values() for key, value in s["problems"].items()}
        lines += [f"| {p} | {v['score']:.2f} | {v['unlimited_score']:.2f} | {v['max_score']:g} |"
                  for p, v in sorted(problems.items())]  # fmt: skip
    return lines


def write_report(out: Path, console: Console) -> None:
    """Combine every model's scores found under `out` into one report and plot."""
    combined = combine(out)
    atomic_write_bytes(out / "scores.json", json.dumps(combined, indent=2).encode())
    atomic_write_bytes(out / "report.md", ("\n".join(report_lines(combined)) + "\n").encode())
    plot(plot_panels(combined), out / "scores.png")
    console.print(f"report: {out / 'report.md'}; plot: {out / 'scores.png'}")


def write_model_solutions(out: Path, console: Console, org: str = DEFAULT_ORG) -> list[Path]:
    """`ioi-<year>-model-solutions` under DIR/hub, one per year evaluated: one config per model found in DIR."""
    by_year: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for results in sorted(out.glob("*/results.jsonl")):
        for result in read_appended_jsonl(results):
            by_year[year_of(result["problem"])][results.parent.name].append(result)
    paths = []
    for year, models in sorted(by_year.items()):
        name = f"ioi-{year}-model-solutions"
        with HubLayout(out / "hub", name) as layout:
            for model, results in sorted(models.items()):
                with layout.split(model, "train", IOI_TRACE_FEATURES) as writer:
                    for result in results:
                        writer.write(trace_row(result))
            spec = CardSpec(name, f"IOI {year} model solutions, judged", "other", "ioi-model-solutions.md.j2",
                            descriptions=IOI_TRACE_DESCRIPTIONS,
                            context={"org": org, "build_year": datetime.date.today().year})  # fmt: skip
            paths.append(publish(layout, spec))
        console.print(f"model solutions: {paths[-1]}")
    return paths


def plot_panels(combined: dict[str, dict[str, dict]]) -> list[dict]:
    """One panel per year: the models' totals, that year's medal lines (none when unknown), a title saying which."""
    panels = []
    for year in sorted({year for per_year in combined.values() for year in per_year}):
        known = cutoffs(int(year))
        bars = {name: per_year[year]["total"] for name, per_year in combined.items() if year in per_year}
        panels.append({"year": year, "bars": bars, "lines": known.lines if known else [],
                       "title": f"IOI {year}" if known else f"IOI {year} (no known medal cut-offs)",
                       "points": known.points if known else None})  # fmt: skip
    return panels


def plot(panels: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width = max(4, 1.5 * max((len(p["bars"]) for p in panels), default=1) + 2)
    figure, axes = plt.subplots(1, max(len(panels), 1), figsize=(width * max(len(panels), 1), 4), squeeze=False)
    for axis, panel in zip(axes[0], panels, strict=False):
        axis.bar(list(panel["bars"]), list(panel["bars"].values()), color="#4c72b0", label="total (50 submissions)")
        for label, cutoff in panel["lines"]:
            axis.axhline(cutoff, color=MEDAL_COLOURS[label], linestyle="--", label=f"{label} {cutoff:g}")
        axis.set_ylabel(f"points (of {panel['points']:g} for a full contest)" if panel["points"] else "points")
        axis.set_title(panel["title"])
        axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def add_parser(areas: argparse._SubParsersAction) -> None:
    area = areas.add_parser("eval", help="benchmarks")
    verbs = area.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    ioi = verbs.add_parser("ioi", help="the IOI benchmark: generate, judge, select, report")
    add_generation_arguments(ioi, shardable=False)
    ioi.add_argument("--dataset", required=True, help="an ioi dataset: local folder or Hub id")
    ioi.add_argument("--years", help="IOI years to evaluate, e.g. 2026 or 2024,2026 (default: the --split)")
    ioi.add_argument("--split", help=f"the split to read (default: {DEFAULT_SPLIT}, or every split with --years)")
    ioi.add_argument("--tests", help="the ioi-test-cases dataset (default: beside --dataset)")
    ioi.add_argument("--workers", type=int, default=None, help="judge workers")
    add_executor_arguments(ioi)
    ioi.add_argument("--out", type=Path, required=True)
    ioi.add_argument("--org", default=DEFAULT_ORG, help="Hub organisation named in the model solutions' cards")
    ioi.set_defaults(generations=50, handler=cmd_eval_ioi)


def cmd_eval_ioi(args: argparse.Namespace) -> int:
    _, errors = evaluate(args, Console())
    return 1 if errors else 0
