"""`olympicforge build ioi`: packages -> `ioi`, `ioi-test-cases`, `ioi-sample-solutions`.

Every package is loaded by the judge; every shipped solution is judged; the
three datasets are written in the Hub layout with generated cards.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from builders.hub.writer import HubLayout, prepare_out, publish
from builders.ioi import dataset, sample_solutions, testcases
from builders.ioi.packages import IoiPackage, discover, load_package
from cards.card import CardSpec
from judge.cli import wide_console
from judge.compile import Compiler
from judge.evaluate import default_workers
from judge.task import PackageError

log = logging.getLogger(__name__)
DEFAULT_ORG = "olympicforge"


@dataclass
class BuildSummary:
    packages: list[IoiPackage] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return [w for p in self.packages for w in p.warnings]


def load_packages(roots: list[Path], year: int | None, day: str | None, keep_going: bool, summary: BuildSummary):
    for folder in discover(roots):
        root = next((Path(r) for r in roots if Path(os.path.abspath(folder)).is_relative_to(os.path.abspath(r))),
                    folder)  # fmt: skip
        try:
            summary.packages.append(load_package(folder, year, day, root=root))
        except (PackageError, OSError) as exc:
            if not keep_going:
                raise PackageError(f"package {folder}: {exc}") from exc
            log.error("skipping package %s: %s", folder, exc)
            summary.failures.append((folder, str(exc)))
    summary.packages.sort(key=lambda p: (p.task.year, str(p.task.day), p.task.code))
    codes = Counter((p.task.year, p.task.code) for p in summary.packages)
    clashes = [f"{y}/{c}" for (y, c), n in codes.items() if n > 1]
    if clashes:
        raise PackageError(f"the same task appears more than once: {clashes}")


def licences(packages: list[IoiPackage]) -> list[dict]:
    by_year: dict[int, set] = defaultdict(set)
    for p in packages:
        by_year[p.task.year].add((p.licence, p.licence_source))
    return [
        {"year": year, "licence": ", ".join(sorted({lic for lic, _ in entries})),
         "source": "; ".join(sorted({src for _, src in entries}))}
        for year, entries in sorted(by_year.items())
    ]  # fmt: skip


def card_licence(packages: list[IoiPackage]) -> str:
    found = {p.licence for p in packages}
    return found.pop() if len(found) == 1 else "other"


def write_by_year(layout: HubLayout, rows, features) -> None:
    """Rows into the `default` config, each in the split of its year (`dataset.split_of`)."""
    writers = {}
    for row in rows:
        split = dataset.split_of(row["year"])
        if split not in writers:
            writers[split] = layout.split("default", split, features)
        writers[split].write(row)
    for writer in writers.values():
        writer.close()


def write_ioi(out: Path, packages: list[IoiPackage], org: str, summary: BuildSummary) -> None:
    with HubLayout(out, "ioi") as layout:
        write_by_year(layout, (row for package in packages for row in dataset.rows(package)), dataset.FEATURES)
        years = defaultdict(list)
        for p in packages:
            years[p.task.year].append(p)
        year_stats = [{"year": y, "problems": len(ps), "subtasks": sum(len(p.task.subtasks) for p in ps),
                       "points": sum(p.task.max_score for p in ps),
                       "task_types": ", ".join(sorted({str(p.task.task_type) for p in ps}))}
                      for y, ps in sorted(years.items())]  # fmt: skip
        problems = [{"name": p.task.name, "id": p.task.code, "year": p.task.year, "day": p.task.day,
                     "task_type": str(p.task.task_type), "subtasks": len(p.task.subtasks),
                     "points": p.task.max_score, "tests": len(p.task.tests),
                     "test_bytes": human_bytes(test_bytes(p))} for p in packages]  # fmt: skip
        spec = CardSpec(
            "ioi", "IOI tasks by subtask", card_licence(packages), "ioi.md.j2", descriptions=dataset.DESCRIPTIONS,
            context={"org": org, "years": year_stats, "problems": problems, "warnings": summary.warnings,
                     "splits": dataset.split_summary(list(years)), "licences": licences(packages),
                     "build_year": build_year()},
        )  # fmt: skip
        summary.outputs["ioi"] = publish(layout, spec)
        summary.rows["ioi"] = layout.total_rows


def write_test_cases(out: Path, packages: list[IoiPackage], org: str, summary: BuildSummary) -> None:
    with HubLayout(out, "ioi-test-cases") as layout:
        by_year = defaultdict(list)
        for p in packages:
            by_year[p.task.year].append(p)
        year_stats = []
        for year, group in sorted(by_year.items()):
            sizes = [(t.input.stat().st_size, t.answer.stat().st_size) for p in group for t in p.task.tests.values()]
            with layout.split(str(year), "train", testcases.FEATURES) as writer:
                for package in group:
                    for row in testcases.rows(package):
                        writer.write(row)
            year_stats.append({"year": year, "problems": len(group), "tests": len(sizes),
                               "input_bytes": human_bytes(sum(i for i, _ in sizes)),
                               "output_bytes": human_bytes(sum(o for _, o in sizes)),
                               "largest": human_bytes(max((i for i, _ in sizes), default=0))})  # fmt: skip
        spec = CardSpec(
            "ioi-test-cases", "IOI test cases", card_licence(packages), "ioi-test-cases.md.j2",
            descriptions=testcases.DESCRIPTIONS,
            context={"org": org, "years": year_stats, "licences": licences(packages), "build_year": build_year()},
        )  # fmt: skip
        summary.outputs["ioi-test-cases"] = publish(layout, spec)
        summary.rows["ioi-test-cases"] = layout.total_rows


def write_sample_solutions(out: Path, packages: list[IoiPackage], org: str, summary: BuildSummary,
                           compiler: Compiler, workers: int, console: Console) -> None:  # fmt: skip
    cache = sample_solutions.ResultCache(out / ".cache" / "ioi-sample-solutions.jsonl")
    all_rows = []
    columns = (TextColumn("judging sample solutions {task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as progress:
        bar = progress.add_task("", total=len(packages))
        for package in packages:
            progress.update(bar, description=package.task.code)
            all_rows += sample_solutions.rows(package, compiler, cache, workers)
            progress.advance(bar)
    with HubLayout(out, "ioi-sample-solutions") as layout:
        write_by_year(layout, all_rows, sample_solutions.FEATURES)
        groups = defaultdict(list)
        for row in all_rows:
            groups[row["expected"] if not row["expected"].replace(".", "").isdigit() else "expected total"].append(row)
        expectations = [{"expected": name, "count": len(rs), "matching": sum(r["matches_expectation"] for r in rs),
                         "mean_score": round(sum(r["score"] or 0 for r in rs) / len(rs), 2)}
                        for name, rs in sorted(groups.items())]  # fmt: skip
        verdicts = Counter(t["verdict"] for r in all_rows for s in r["subtask_results"] for t in s["tests"])
        spec = CardSpec(
            "ioi-sample-solutions", "IOI official solutions, judged", card_licence(packages),
            "ioi-sample-solutions.md.j2", descriptions=sample_solutions.DESCRIPTIONS,
            context={"org": org, "expectations": expectations, "licences": licences(packages),
                     "splits": dataset.split_summary([p.task.year for p in packages]),
                     "verdicts": ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())) or "none",
                     "backend": compiler.sandbox.info.name, "build_year": build_year()},
        )  # fmt: skip
        summary.outputs["ioi-sample-solutions"] = publish(layout, spec)
        summary.rows["ioi-sample-solutions"] = len(all_rows)


def build_year() -> int:
    return datetime.date.today().year


def test_bytes(package: IoiPackage) -> int:
    return sum(t.input.stat().st_size + t.answer.stat().st_size for t in package.task.tests.values())


def human_bytes(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"


def build_ioi(roots: list[Path], out: Path, *, year: int | None = None, day: str | None = None,
              keep_going: bool = False, org: str = DEFAULT_ORG, compiler: Compiler | None = None,
              workers: int | None = None, console: Console | None = None) -> BuildSummary:  # fmt: skip
    console = console or Console(stderr=True)
    out = prepare_out(out)
    summary = BuildSummary()
    with console.status("loading packages"):
        load_packages(roots, year, day, keep_going, summary)
    if not summary.packages:
        raise PackageError("no package could be loaded: nothing to build")
    write_ioi(out, summary.packages, org, summary)
    write_test_cases(out, summary.packages, org, summary)
    write_sample_solutions(out, summary.packages, org, summary, compiler or Compiler(), workers or default_workers(),
                           console)  # fmt: skip
    return summary


def print_summary(summary: BuildSummary, console: Console) -> None:
    table = Table(title="IOI packages", show_edge=False)
    for column in ("year", "day", "task", "type", "subtasks", "points", "tests", "solutions", "statement"):
        table.add_column(column)
    for p in summary.packages:
        t = p.task
        table.add_row(str(t.year), str(t.day), t.code, str(t.task_type), str(len(t.subtasks)), f"{t.max_score:g}",
                      str(len(t.tests)), str(len(t.solutions)), p.statement_source)  # fmt: skip
    console.print(table)
    for name, path in summary.outputs.items():
        console.print(f"{name}: {summary.rows[name]} rows -> {path}")
    for warning in summary.warnings:
        console.print(f"[yellow]warning: {warning}[/]")
    for folder, error in summary.failures:
        console.print(f"[red]skipped {folder}: {error}[/]")


def add_parser(builds: argparse._SubParsersAction) -> None:
    parser = builds.add_parser("ioi", help="build ioi, ioi-test-cases and ioi-sample-solutions from packages")
    parser.add_argument("--packages", type=Path, nargs="+", required=True,
                        help="task folders, or folders searched for them")  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path("out/hub"))
    parser.add_argument("--year", type=int, help="year when the path does not hold it")
    parser.add_argument("--day", help="day when the path does not hold it")
    parser.add_argument("--keep-going", action="store_true", help="skip bad packages and list them at the end")
    parser.add_argument("--org", default=DEFAULT_ORG, help="Hub organisation named in the cards' snippets")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.set_defaults(handler=cmd_build_ioi)


def cmd_build_ioi(args: argparse.Namespace) -> int:
    console = wide_console()
    summary = build_ioi(args.packages, args.out, year=args.year, day=args.day, keep_going=args.keep_going,
                        org=args.org, workers=args.workers, console=console)  # fmt: skip
    print_summary(summary, console)
    return 0  # with --keep-going the skipped packages are listed above; without it the first one stops the build
