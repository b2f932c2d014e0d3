"""`olympicforge judge ...`: judge a submission from the command line."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from judge.batch import BatchIO
from judge.checkers import Checker, comparator, load_checker
from judge.compiler import Compiler
from judge.evaluate import SubmissionResult, default_workers, judge_submission
from judge.sandbox import RunLimits, Sandbox
from judge.testset import discover_tests
from judge.verdicts import Verdict

VERDICT_STYLE = {"AC": "green", "PA": "yellow", "WA": "red", "CE": "magenta", "JE": "bold red reverse"}
EXIT_JUDGE_ERROR = 3


def wide_console(**kwargs) -> Console:
    """A console that does not fold tables to 80 columns when output is piped."""
    console = Console(**kwargs)
    return console if console.is_terminal else Console(width=140, **kwargs)


def add_parser(areas: argparse._SubParsersAction) -> None:
    judge = areas.add_parser("judge", help="compile and judge submissions")
    verbs = judge.add_subparsers(dest="verb", required=True, metavar="VERB")
    run = verbs.add_parser("run", help="judge one submission on a folder of tests")
    run.add_argument("--source", required=True, type=Path, help="SOL.cpp or SOL.py")
    run.add_argument("--tests", required=True, type=Path, help="folder of NAME.in with NAME.out or NAME.ans")
    run.add_argument("--time-limit", type=float, default=1.0, help="CPU seconds per test (default 1)")
    run.add_argument("--wall-limit", type=float, help="wall seconds per test (default 2*TL+1)")
    run.add_argument("--memory-limit", type=float, default=256, help="MB per test (default 256)")
    run.add_argument("--output-limit", type=float, default=64, help="MB of output per file (default 64)")
    run.add_argument("--checker", type=Path, help="checker source (.cpp or .py)")
    run.add_argument("--checker-protocol", choices=["cms", "testlib", "python"], default="cms")
    run.add_argument(
        "--comparator",
        choices=["whitediff", "tokens", "float"],
        default="whitediff",
        help="built-in comparison when no --checker is given (default: CMS white-diff)",
    )
    run.add_argument("--abs-tol", type=float, default=1e-6)
    run.add_argument("--rel-tol", type=float, default=1e-6)
    run.add_argument("--file-io", action="store_true", help="the program reads input.txt, writes output.txt")
    run.add_argument("--input-name", default="input.txt")
    run.add_argument("--output-name", default="output.txt")
    run.add_argument(
        "--grader",
        type=Path,
        action="append",
        default=[],
        help="grader/header file compiled with the submission (repeatable)",
    )
    run.add_argument("--flags", help="C++ compiler flags replacing the contest defaults")
    run.add_argument("--workers", type=int, default=default_workers())
    run.add_argument("--backend", default="auto", choices=["auto", "cgroup-v2", "cgroup-v1", "rlimit"])
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.set_defaults(handler=cmd_run)  # fmt: skip


def make_checker(args: argparse.Namespace, compiler: Compiler) -> Checker:
    if args.checker is None:
        return comparator(args.comparator, args.abs_tol, args.rel_tol)
    if not args.checker.exists():
        raise FileNotFoundError(f"checker {args.checker} does not exist")
    return load_checker(args.checker, args.checker_protocol, compiler)


def cmd_run(args: argparse.Namespace) -> int:
    if not args.source.exists():
        raise FileNotFoundError(f"source {args.source} does not exist")
    for grader in args.grader:
        if not grader.exists():
            raise FileNotFoundError(f"grader file {grader} does not exist")
    tests = discover_tests(args.tests)
    limits = RunLimits(
        cpu_time=args.time_limit, wall_time=args.wall_limit, memory=int(args.memory_limit * 2**20),
        file_size=int(args.output_limit * 2**20),
    )  # fmt: skip
    compiler = Compiler(Sandbox(backend=args.backend))
    checker = make_checker(args, compiler)
    io = BatchIO("file", args.input_name, args.output_name) if args.file_io else BatchIO()
    flags = tuple(shlex.split(args.flags)) if args.flags is not None else None
    console = Console(stderr=True)
    with Progress(TextColumn("judging {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True, disable=args.json) as bar:  # fmt: skip
        task = bar.add_task(args.source.name, total=len(tests))
        result = judge_submission(
            args.source, tests, limits=limits, checker=checker, io=io, grader_files=args.grader,
            compiler=compiler, flags=flags, workers=args.workers, progress=lambda _: bar.advance(task),
        )  # fmt: skip
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=2)
        print()
    else:
        print_result(result, args.source.name, wide_console())
    return EXIT_JUDGE_ERROR if result.has_judge_error else 0


def print_result(result: SubmissionResult, title: str, console: Console) -> None:
    """One row per test and a summary line."""
    compiled = result.compile
    how = "cache hit" if compiled.cached else f"{compiled.time:.2f} s" + (", PCH" if compiled.used_pch else "")
    console.print(f"[bold]{title}[/]: compile {compiled.status} ({how}); sandbox {result.backend}")
    if result.low_fidelity:
        console.print("[yellow]warning: this sandbox backend measures with lower fidelity[/]")
    if not compiled.ok:
        console.print(compiled.message[:3000], markup=False, highlight=False)
        console.print(f"verdict: [{VERDICT_STYLE.get(str(result.verdict), 'red')}]{result.verdict}[/]")
        return
    table = Table(show_edge=False)
    for column, justify in (("test", "left"), ("verdict", "left"), ("CPU ms", "right"), ("wall ms", "right"),
                            ("mem MB", "right"), ("message", "left")):  # fmt: skip
        table.add_column(column, justify=justify, overflow="fold")
    for test in result.tests:
        style = VERDICT_STYLE.get(str(test.verdict), "red")
        table.add_row(test.name, f"[{style}]{test.verdict}[/]", f"{test.time * 1000:.0f}",
                      f"{test.wall_time * 1000:.0f}", f"{test.memory / 2**20:.1f}", test.message[:80])  # fmt: skip
    console.print(table)
    counts = ", ".join(f"{v} {n}" for v, n in sorted(result.verdict_counts.items()))
    style = VERDICT_STYLE.get(str(result.verdict), "red")
    console.print(f"verdict: [{style}]{result.verdict}[/]  passed {result.passed}/{len(result.tests)}  ({counts})")
    if result.verdict == Verdict.JE:
        console.print("[bold red]the judge failed on some test: this is not the submission's fault[/]")
