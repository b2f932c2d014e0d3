"""The `ioi-cots` dataset: reasoning traces on IOI 2020-2023 subtasks, each judged
on the task's official tests (every subtask, not only the one asked for).

Input: run folders of `olympicforge generate ioi`; judged results resume from
`RUN/results.jsonl`, so a rerun judges only new traces.
"""

from __future__ import annotations

import argparse
import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from builders.generation.generate import add_trace_build_arguments, read_run
from builders.generation.ioi_traces import (
    IOI_TRACE_DESCRIPTIONS,
    IOI_TRACE_FEATURES,
    judge_generations,
    load_ioi,
    trace_row,
)
from builders.generation.select import drop_exact_duplicates
from builders.hub.writer import HubLayout, prepare_out, publish
from builders.ioi.dataset import split_of
from cards.card import CardSpec
from judge.executors import Executor, executor_from_args

log = logging.getLogger(__name__)


@dataclass
class IoiCotsSummary:
    rows: int = 0
    duplicates: int = 0
    compiled: int = 0
    full_marks: int = 0
    models: list[str] = field(default_factory=list)
    output: Path | None = None


def build_ioi_cots(runs: list[Path], out: Path, *, dataset: str | None = None, tests: str | None = None,
                   org: str = "olympicforge", workers: int | None = None,
                   executor: Executor | None = None) -> IoiCotsSummary:  # fmt: skip
    out = prepare_out(out)
    summary = IoiCotsSummary()
    results = []
    for run in runs:
        manifest = read_run(run, "ioi")
        rows, test_rows = load_ioi(dataset or manifest["dataset"], manifest["split"], tests)
        results += judge_generations(rows, test_rows, run, manifest["model"], workers=workers,
                                     executor=executor)  # fmt: skip
        summary.models.append(manifest["model"])
    kept = drop_exact_duplicates(results)
    summary.duplicates = len(results) - len(kept)
    if not kept:
        raise ValueError(f"no judged trace to publish from {', '.join(map(str, runs))}")
    with HubLayout(out, "ioi-cots") as layout:
        with layout.split("default", "train", IOI_TRACE_FEATURES) as writer:
            for result in sorted(kept, key=lambda r: (r["problem"], r["target_subtask"], r["id"])):
                writer.write(trace_row(result))
        summary.rows = layout.total_rows
        summary.compiled = sum(r["code_compiles"] for r in kept)
        summary.full_marks = sum(r["target_subtask_score"] == 1 for r in kept)
        years = sorted({r["problem"].split("/")[0] for r in kept})
        held_out = [year for year in years if split_of(int(year)) != "train"]  # benchmark years: test, 2025, ...
        context = {"org": org, "models": sorted(set(summary.models)), "years": years, "compiled": summary.compiled,
                   "full_marks": summary.full_marks, "duplicates": summary.duplicates, "held_out": held_out,
                   "build_year": datetime.date.today().year}  # fmt: skip
        spec = CardSpec("ioi-cots", "IOI reasoning traces, judged", "other", "ioi-cots.md.j2",
                        descriptions=IOI_TRACE_DESCRIPTIONS, context=context)  # fmt: skip
        summary.output = publish(layout, spec)
    return summary


def add_parser(builds: argparse._SubParsersAction) -> None:
    parser = add_trace_build_arguments(builds, "ioi-cots", "ioi")
    parser.add_argument("--tests", help="the ioi-test-cases dataset (default: beside the ioi dataset)")
    parser.set_defaults(handler=cmd_build_ioi_cots)


def cmd_build_ioi_cots(args: argparse.Namespace) -> int:
    console = Console()
    with executor_from_args(args) as executor:
        summary = build_ioi_cots(args.runs, args.out, dataset=args.dataset, tests=args.tests, org=args.org,
                                 executor=executor)  # fmt: skip
    console.print(f"ioi-cots: {summary.rows} traces ({summary.compiled} compile, {summary.full_marks} with full "
                  f"marks on their subtask; {summary.duplicates} duplicates dropped)")  # fmt: skip
    console.print(f"written to {summary.output}")
    return 0
