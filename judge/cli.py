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

from judge.batcheval import SubmissionJob, evaluate_many
from judge.checkers import Checker, comparator, load_checker
from judge.compile import CXX_STANDARDS, Compiler, cxx_standard
from judge.compile.flags import check_flags
from judge.evaluate import SubmissionResult, default_workers, judge_submission
from judge.executors import add_executor_arguments, executor_from_args
from judge.loaders import load_task
from judge.medals import DEFAULT_YEAR
from judge.sandbox import RunLimits, Sandbox
from judge.scoring import TaskResult
from judge.selection import read_results, select_contest
from judge.taskrun import Submission, TaskJudge
from judge.tasktypes.batch import BatchIO
from judge.testset import discover_tests
from judge.verdicts import Verdict
from judge.verify import verify_task

VERDICT_STYLE = {"AC": "green", "PA": "yellow", "WA": "red", "CE": "magenta", "JE": "bold red reverse"}
EXIT_JUDGE_ERROR = 3


def wide_console(**kwargs) -> Console:
    """A console that does not fold tables to 80 columns when output is piped."""
    console = Console(**kwargs)
    return console if console.is_terminal else Console(width=140, **kwargs)


def print_json(data) -> None:
    json.dump(data, sys.stdout, indent=2)
    print()


def standard(value: str) -> str:
    """--std: a C++ standard, as CMS offers them (c++11, c++14, c++17, c++20)."""
    try:
        return cxx_standard(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


STD_HELP = f"C++ standard of the submission, one of {', '.join(CXX_STANDARDS)} (compiled as gnu++NN, as CMS does; " \
           "default: the package's flags, else gnu++17)"  # fmt: skip


def add_parser(areas: argparse._SubParsersAction) -> None:
    judge = areas.add_parser("judge", help="compile and judge submissions")
    verbs = judge.add_subparsers(dest="verb", required=True, metavar="VERB")
    run = verbs.add_parser("run", help="judge one submission on a folder of tests")
    run.add_argument("--source", required=True, type=Path, help="SOL.cpp, SOL.c or SOL.py")
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
        help="grader/header file compiled with the submission (repeatable); a Python grader is the program, "
        "importing the submission as a module",
    )
    run.add_argument("--flags", help="compiler flags replacing the contest defaults")
    run.add_argument("--std", type=standard, help=STD_HELP)
    run.add_argument("--workers", type=int, default=default_workers())
    run.add_argument("--backend", default="auto", choices=["auto", "cgroup-v2", "cgroup-v1", "rlimit"])
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.set_defaults(handler=cmd_run)  # fmt: skip

    task = verbs.add_parser("task", help="judge a solution on an IOI task package, per subtask")
    task.add_argument("package", type=Path, help="CMS export folder or zip, or task.yaml folder")
    task.add_argument("solution", type=Path, help="source file, or a folder/zip of output files")
    task.add_argument("--full", action="store_true", help="run every test (no early stop after a 0)")
    task.add_argument("--std", type=standard, help=STD_HELP)
    task.add_argument("--workers", type=int, default=default_workers())
    task.add_argument("--json", action="store_true")
    task.set_defaults(handler=cmd_task)

    verify = verbs.add_parser("verify", help="run every reference solution a package ships")
    verify.add_argument("package", type=Path, nargs="+")
    verify.add_argument("--std", type=standard, help="C++ standard of every C++ solution (default as for `task`)")
    verify.add_argument("--workers", type=int, default=default_workers())
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=cmd_verify)

    select = verbs.add_parser("select", help="IOI contest selection over scored submissions (JSONL)")
    select.add_argument("results", type=Path)
    select.add_argument("--limit", type=int, default=50, help="submissions per problem (default 50)")
    select.add_argument(
        "--year",
        type=int,
        default=DEFAULT_YEAR,
        help=f"whose medal cut-offs apply (judge/data/ioi_medals.json; default {DEFAULT_YEAR})",
    )
    select.add_argument("--json", action="store_true")
    select.set_defaults(handler=cmd_select)

    batch = verbs.add_parser("batch", help="judge many submissions (JSONL) on task packages, resumably")
    batch.add_argument("--packages", type=Path, nargs="+", required=True)
    batch.add_argument(
        "--submissions",
        type=Path,
        required=True,
        help="JSONL: id, problem (<year>/<code> or <code>), code, [target_subtask, ...]",
    )
    batch.add_argument("--out", type=Path, required=True, help="results JSONL (appended; reruns resume)")
    batch.add_argument("--workers", type=int, default=default_workers())
    batch.add_argument("--full", action="store_true")
    add_executor_arguments(batch)
    batch.set_defaults(handler=cmd_batch)

    serve = verbs.add_parser("serve", help="an HTTP judge worker for GRPO rewards (POST /judge, GET /health)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    serve.add_argument("--port", type=int, default=8710)
    serve.add_argument("--workers", type=int, default=default_workers(), help="jobs judged at once (default: cores)")
    serve.add_argument(
        "--token",
        help="shared secret clients send as `Authorization: Bearer TOKEN`; required beyond loopback; default: env "
        "OLYMPICFORGE_JUDGE_TOKEN (which, unlike this flag, ps does not show)",
    )
    serve.add_argument("--max-body-mb", type=float, default=64, help="largest job accepted, MB (default 64)")
    serve.add_argument(
        "--max-buffer-mb",
        type=float,
        default=256,
        help="job bodies held in memory at once, MB (default 256); more wait",
    )
    serve.add_argument("--max-connections", type=int, default=512, help="open connections (default 512)")
    serve.add_argument(
        "--timeout",
        type=float,
        default=60,
        help="seconds a client has for its headers, and again for its body (default 60)",
    )
    serve.set_defaults(handler=cmd_serve)  # fmt: skip


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
    io = BatchIO.files(args.input_name, args.output_name) if args.file_io else BatchIO()
    flags = check_flags(shlex.split(args.flags), "--flags") if args.flags is not None else None
    console = Console(stderr=True)
    with Progress(TextColumn("judging {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True, disable=args.json) as bar:  # fmt: skip
        task = bar.add_task(args.source.name, total=len(tests))
        result = judge_submission(
            args.source, tests, limits=limits, checker=checker, io=io, grader_files=args.grader,
            compiler=compiler, flags=flags, workers=args.workers, progress=lambda _: bar.advance(task), std=args.std,
        )  # fmt: skip
    if args.json:
        print_json(result.to_dict())
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


def cmd_task(args: argparse.Namespace) -> int:
    task = load_task(args.package)
    judge = TaskJudge(task, Compiler(), workers=args.workers)
    submission = Submission.from_path(args.solution, list(task.tests), std=args.std)
    with wide_console(stderr=True).status(f"judging {args.solution.name} on {task.code}", spinner="dots"):
        result = judge.judge(submission, full=args.full)
    if args.json:
        print_json(result.to_dict())
    else:
        print_task_result(result, args.solution.name, wide_console())
    return EXIT_JUDGE_ERROR if result.judge_error else 0


def print_task_result(result: TaskResult, title: str, console: Console) -> None:
    console.print(f"[bold]{title}[/] on [bold]{result.task}[/] (sandbox {result.backend})")
    if result.compile is not None and not result.compile.ok:
        console.print(result.compile.message[:3000], markup=False, highlight=False)
    table = Table(show_edge=False)
    for column in ("subtask", "points", "score", "status", "tests", "max CPU ms"):
        table.add_column(column, justify="left" if column in ("subtask", "status") else "right")
    for sub in result.subtasks:
        ran = [t for t in sub.tests if t.verdict != Verdict.SKIPPED]
        style = VERDICT_STYLE.get(sub.status, "red")
        passed = sum(t.verdict == Verdict.AC for t in ran)
        table.add_row(sub.name, f"{sub.points:g}", f"{result.rounded(sub.weighted_score):g}",
                      f"[{style}]{sub.status}[/]", f"{passed}/{len(sub.tests)}",
                      f"{max((t.time for t in ran), default=0) * 1000:.0f}")  # fmt: skip
    console.print(table)
    total = "unknown (judge error)" if result.score is None else f"{result.rounded(result.score):g}"
    console.print(f"total: [bold]{total}[/] / {result.max_score:g}")


def cmd_verify(args: argparse.Namespace) -> int:
    console = None if args.json else wide_console()
    failures, report = verify_packages(args.package, Compiler(), args.workers, console, std=args.std)
    if args.json:
        print_json(report)
    return 1 if failures else 0


def verify_packages(packages: list[Path], compiler: Compiler, workers: int, console: Console | None,
                    std: str | None = None):  # fmt: skip
    """Verify every package; print a table per package when given a console.
    Returns the number of hard mismatches and a JSON-able report."""
    failures = 0
    report = []
    for package in packages:
        task = load_task(package)
        judge = TaskJudge(task, compiler, workers=workers)
        checks = verify_task(task, judge, std=std)
        failures += sum(c.hard and not c.ok for c in checks)
        report.append({"task": task.code, "package": str(package), "defects": list(task.defects),
                       "solutions": [c.to_dict() for c in checks]})  # fmt: skip
        if console is None:
            continue
        for defect in task.defects:
            console.print(f"[yellow]{task.code}: package defect: {defect}[/]")
        table = Table(title=f"{task.code}: {len(task.solutions)} reference solutions", show_edge=False)
        for column in ("solution", "expected", "score", "verdicts seen", "kind", "result"):
            table.add_column(column)
        for check in checks:
            style = "green" if check.ok else ("bold red" if check.hard else "yellow")
            score = "JE" if check.score is None else f"{round(check.score, task.score_precision):g}"
            table.add_row(check.label, check.expected, f"{score}/{check.max_score:g}", " ".join(check.verdicts),
                          "hard" if check.hard else "loose", f"[{style}]{check.note}[/]")  # fmt: skip
        console.print(table)
    if console is not None:
        console.print(f"{failures} hard mismatch(es)" if failures else "[green]all hard expectations met[/]")
    return failures, report


def cmd_select(args: argparse.Namespace) -> int:
    if not args.results.exists():
        raise FileNotFoundError(f"results file {args.results} does not exist")
    contest = select_contest(read_results(args.results), args.limit, str(args.results), year=args.year)
    data = contest.to_dict()
    if args.json:
        print_json(data)
        return 0
    console = wide_console()
    table = Table(title=f"contest selection, at most {args.limit} submissions per problem", show_edge=False)
    for column in ("problem", "submissions", "compiled", "selected", f"score ({args.limit} cap)", "unlimited", "max"):
        table.add_column(column, justify="left" if column == "problem" else "right")
    for p in contest.problems:
        table.add_row(p.problem, str(p.submissions), str(p.compiled), str(len(p.selected)), f"{p.score:.2f}",
                      f"{p.unlimited_score:.2f}", f"{p.max_score:g}")  # fmt: skip
    console.print(table)
    console.print(
        f"total: [bold]{contest.total:.2f}[/] (unlimited {contest.unlimited_total:.2f}) / {contest.max_total:g}"
    )
    if data["medal"] is not None:
        console.print(f"medal with the {args.year} cut-offs: [bold]{data['medal']}[/] "
                      f"(unlimited: {data['unlimited_medal']})")  # fmt: skip
    elif data["medal_cutoffs"] is None:
        console.print(f"no medal: the {args.year} cut-offs are not known (judge/data/ioi_medals.json)")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    tasks = [load_task(p) for p in args.packages]
    jobs = []
    with args.submissions.open() as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{args.submissions}:{number}: not valid JSON: {exc}") from None
                jobs.append(SubmissionJob.from_record(record, f"{args.submissions}:{number}"))
    with executor_from_args(args) as executor:
        summary = evaluate_many(tasks, jobs, args.out, full=args.full, executor=executor)
    print(f"judged {summary.judged}, already done {summary.skipped}, judge errors {summary.judge_errors}; "
          f"results in {args.out}")  # fmt: skip
    return EXIT_JUDGE_ERROR if summary.judge_errors else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from judge.server import JudgeServer

    try:
        server = JudgeServer(args.host, args.port, args.workers, token=args.token, max_body_mb=args.max_body_mb,
                             max_buffer_mb=args.max_buffer_mb, max_connections=args.max_connections,
                             timeout=args.timeout)  # fmt: skip
    except OSError as exc:  # address in use, unknown host: one line, not a traceback
        print(f"olympicforge: error: {exc}", file=sys.stderr)
        return 2
    guard = "token required" if server.token else "no token: loopback only"
    print(f"judge worker on {server.url} ({args.workers} at once, sandbox {server.backend}, {guard}); Ctrl-C stops it",
          flush=True)  # fmt: skip
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
