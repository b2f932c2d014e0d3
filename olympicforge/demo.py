"""`olympicforge demo`: the main job on the embedded examples, no network.

It judges every bundled example solution and checks each verdict against the
one the example declares in its `judge.json`, then verifies every reference
solution of the example IOI packages (CMS and task.yaml layouts), and builds
the `ioi`, `ioi-test-cases` and `ioi-sample-solutions` datasets from them, and a
small `codeforces` dataset offline from the demo cache in `examples/codeforces`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from datasets import load_dataset
from rich.table import Table

from builders.codeforces.build import build_codeforces, seed_cache
from builders.codeforces.cots import build_codeforces_cots
from builders.codeforces.fetch import Fetcher
from builders.generation.generate import codeforces_work_items, record_run
from builders.generation.runs import run_file
from builders.ioi.build import build_ioi, print_summary
from judge.checkers import Checker, comparator, load_checker
from judge.cli import verify_packages, wide_console
from judge.compile import Compiler
from judge.evaluate import SubmissionResult, default_workers, judge_submission
from judge.paths import atomic_write_bytes, read_appended_jsonl
from judge.sandbox import RunLimits
from judge.tasktypes.batch import BatchIO
from judge.testset import discover_tests

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEMO_MIN_TNR = 0.95  # what every demo suite must reach (and the examples alone must not)


@dataclass
class ExampleTask:
    """A bundled judge example: tests, solutions and the verdict each one must get."""

    root: Path
    spec: dict

    @classmethod
    def load(cls, root: Path) -> ExampleTask:
        spec_file = root / "judge.json"
        try:
            spec = json.loads(spec_file.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{spec_file}: unreadable example spec: {exc}") from exc
        return cls(root, spec)

    @property
    def name(self) -> str:
        return self.root.name

    @property
    def limits(self) -> RunLimits:
        return RunLimits(cpu_time=self.spec["time_limit"], memory=int(self.spec["memory_limit_mb"] * 2**20))

    def checker(self, compiler: Compiler) -> Checker:
        if "checker" in self.spec:
            return load_checker(self.root / self.spec["checker"], self.spec["checker_protocol"], compiler)
        return comparator(self.spec.get("comparator", "whitediff"))

    def judge(self, solution: str, compiler: Compiler, checker: Checker | None = None) -> SubmissionResult:
        io = BatchIO.files() if self.spec.get("io") == "file" else BatchIO()
        return judge_submission(
            self.root / "solutions" / solution,
            discover_tests(self.root / "tests"),
            limits=self.limits,
            checker=checker or self.checker(compiler),
            io=io,
            grader_files=[self.root / g for g in self.spec.get("grader", [])],
            compiler=compiler,
        )


def example_tasks(root: Path = EXAMPLES / "judge") -> list[ExampleTask]:
    return [ExampleTask.load(p) for p in sorted(root.iterdir()) if (p / "judge.json").exists()]


def ioi_example_packages(root: Path = EXAMPLES / "ioi") -> list[Path]:
    """Every example IOI package (CMS export or task.yaml folder), sorted."""
    found = {p.parent for p in root.rglob("problem.json")} | {p.parent for p in root.rglob("task.yaml")}
    return sorted(found)


def recorded_codeforces_run(dataset: Path, answers_file: Path, run: Path) -> Path:
    """A run folder as `generate codeforces` writes it, answered from recorded answers instead of a model."""
    answers = json.loads(answers_file.read_text())
    rows = [row for split in load_dataset(str(dataset), "default").values() for row in split]
    variants = sorted({key.split("|")[1] for key in answers})
    items = [item for item in codeforces_work_items(rows, variants, 1, prefill_think=False)
             if f"{item.problem}|{item.variant}" in answers]  # fmt: skip
    record_run(run, {"kind": "codeforces", "model": "recorded-answers", "dataset": str(dataset)})
    lines = []
    for item in items:
        for sample, answer in enumerate(answers[f"{item.problem}|{item.variant}"]):
            record = {"key": f"{item.problem}|{item.variant}|{sample}", "problem": item.problem,
                      "variant": item.variant, "sample": sample, "messages": list(item.messages),
                      "generation": answer["answer"], "finish_reason": "stop", "usage": {}}  # fmt: skip
            lines.append(json.dumps(record))
    atomic_write_bytes(run_file(run), ("\n".join(lines) + "\n").encode())
    return run


def check_recorded_verdicts(run: Path, answers_file: Path, console) -> int:
    """Compare the judge's verdict on each recorded answer with the one the answers file expects."""
    expected = {f"{key}|{sample}": answer["verdict"] for key, answers in json.loads(answers_file.read_text()).items()
                for sample, answer in enumerate(answers)}  # fmt: skip
    got = {v["key"]: v["verdict"] for v in read_appended_jsonl(run / "verified.jsonl")}
    wrong = {key: (verdict, got.get(key)) for key, verdict in expected.items() if got.get(key) != verdict}
    for key, (want, have) in sorted(wrong.items()):
        console.print(f"[bold red]{key}: expected {want}, the judge says {have}[/]")
    console.print(f"{len(expected)} recorded traces judged; {len(wrong)} verdict mismatch(es)")
    return len(wrong)


def synthesize_demo_suites(dataset: Path, fetcher: Fetcher, compiler: Compiler, runs: Path,
                           console) -> tuple[Path, int]:  # fmt: skip
    """`build codeforces-tests` on the demo problems that lack a suite: the model's answers
    come from examples/generations/codeforces-tests-answers.json through a local
    OpenAI-compatible server, the labelled submissions from the demo cache's
    `contest.status`. Prints TNR on the examples alone vs on the suite; the count of
    suites below the demo's bar (TPR 1, TNR 0.95, examples alone lower) is returned."""
    from builders.codeforces.synth.command import KIND, needs_tests, validate_run, work_items
    from builders.codeforces.synth.labelled import labelled_from_api
    from builders.codeforces.synth.validate import SynthConfig
    from builders.generation.backends import OpenAIBackend, SamplingParams
    from builders.generation.recorded import RecordedServer
    from builders.generation.runs import run as run_items

    recorded = json.loads((EXAMPLES / "generations" / "codeforces-tests-answers.json").read_text())
    rows = {row["id"]: row for split in load_dataset(str(dataset), "default").values() for row in split}
    targets = [row for row in rows.values() if needs_tests(row) and f"{row['id']}|generator" in recorded]
    items = work_items(targets, generations=1)
    answers = {item.messages[0]["content"]: [a["answer"] for a in recorded[f"{item.problem}|{item.variant}"]]
               for item in items}  # fmt: skip
    folder = runs / "demo-codeforces-tests"
    shutil.rmtree(folder, ignore_errors=True)  # the demo shows the whole job every time
    record_run(folder, {"kind": KIND, "model": "recorded-answers", "dataset": str(dataset), "config": "default",
                        "split": "train"})  # fmt: skip
    with RecordedServer(answers) as server:
        backend = OpenAIBackend(server.url, "recorded-answers")
        try:
            stats = run_items(items, backend, SamplingParams(), run_file(folder), show_progress=False)
        finally:
            backend.close()
    console.print(f"{len(targets)} problems without a suite: {stats.done} answers asked, {stats.skipped} already there")
    # two references make the outputs; the third accepted submission is measured (TPR) on a suite not made from it
    config = SynthConfig(references=2, workers=default_workers())
    summary = validate_run(folder, rows, lambda problems: labelled_from_api(fetcher, problems), compiler, config,
                           console=console)  # fmt: skip
    table = Table(title="synthesized suites: rejected submissions caught (TNR), accepted ones passed (TPR)")
    for column in ("problem", "tests", "accepted", "rejected", "TPR", "TNR examples alone", "TNR suite", "verifiable"):
        table.add_column(column)
    weak = 0
    for record in summary["problems"]:
        quality = record["quality"] or {}
        good = (quality.get("tpr") == 1.0 and (quality.get("tnr") or 0) >= DEMO_MIN_TNR
                and quality["examples_tnr"] < quality["tnr"])  # fmt: skip
        weak += not good
        counts = [str(quality.get(key, 0)) for key in ("tests", "accepted", "rejected")]
        shares = [_share(quality.get(key)) for key in ("tpr", "examples_tnr", "tnr")]
        table.add_row(record["problem"], *counts, *shares, "[green]yes[/]" if record["written"] else "[bold red]no[/]")
    console.print(table)
    if weak:
        console.print(f"[bold red]{weak} demo suite(s) miss the bar: TPR 1.0, TNR >= {DEMO_MIN_TNR}, above examples[/]")
    return folder, weak


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def add_parser(areas: argparse._SubParsersAction) -> None:
    demo = areas.add_parser("demo", help="judge the bundled examples and build datasets from them (no network)")
    demo.add_argument("--out", type=Path, default=Path("out/hub"))
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    console = wide_console()
    compiler = Compiler()
    console.print(f"sandbox backend: [bold]{compiler.sandbox.info.name}[/]")
    for note in compiler.sandbox.info.notes:
        console.print(f"[yellow]note: {note}[/]")
    table = Table(title="olympicforge judge: bundled examples")
    for column in ("task", "solution", "expected", "verdict", "tests", "max CPU ms", "max MB", "compile", "ok"):
        table.add_column(column)
    mismatches = 0
    started = time.perf_counter()
    with console.status("judging examples...") as status:
        for task in example_tasks():
            checker = task.checker(compiler)
            for solution, expected in task.spec["expected"].items():
                status.update(f"judging {task.name}/{solution}")
                result = task.judge(solution, compiler, checker)
                ok = str(result.verdict) == expected
                mismatches += not ok
                tests = result.tests
                table.add_row(
                    task.name, solution, expected, str(result.verdict), f"{result.passed}/{len(tests)}",
                    f"{max((t.time for t in tests), default=0) * 1000:.0f}",
                    f"{max((t.memory for t in tests), default=0) / 2**20:.1f}",
                    "cached" if result.compile.cached else f"{result.compile.time:.1f}s",
                    "[green]yes[/]" if ok else "[bold red]NO[/]",
                )  # fmt: skip
    console.print(table)
    console.print(f"{table.row_count} solutions judged in {time.perf_counter() - started:.1f} s; "
                  f"{mismatches} verdict mismatch(es)")  # fmt: skip
    console.rule("IOI example packages: every reference solution, verified")
    packages = ioi_example_packages()
    started = time.perf_counter()
    with console.status("verifying IOI example packages..."):
        failures, _ = verify_packages(packages, compiler, default_workers(), console)
    console.print(f"{len(packages)} packages verified in {time.perf_counter() - started:.1f} s")
    console.rule("IOI datasets from the example packages (no network, no token)")
    summary = build_ioi(ioi_example_packages(), args.out, compiler=compiler, console=console)
    print_summary(summary, console)
    console.rule("codeforces dataset, offline, from the demo cache in examples/codeforces")
    fetcher = Fetcher(args.out.parent / "cache" / "codeforces-demo", offline=True)
    seed_cache(fetcher, EXAMPLES / "codeforces")
    imported = str(EXAMPLES / "codeforces" / "tests")
    codeforces = build_codeforces(fetcher, args.out, compiler=compiler, console=console, tests_from=imported)
    console.rule("synthesized test suites: recorded model answers, validated in the sandbox, measured")
    synth_run, weak = synthesize_demo_suites(codeforces.output, fetcher, compiler, args.out.parent / "runs", console)
    codeforces = build_codeforces(fetcher, args.out, compiler=compiler, console=console,
                                  tests_from=[imported, str(synth_run)])  # fmt: skip
    suites = codeforces.tests
    console.print(f"test suites: {suites.kept} of {suites.imported} imported tests confirmed by the references, "
                  f"{suites.dropped} dropped, {len(suites.flagged)} problems flagged")  # fmt: skip
    for config, count in codeforces.rows.items():
        console.print(f"codeforces/{config}: {count} rows -> {codeforces.output}")
    console.rule("codeforces-cots from recorded answers (examples/generations), judged")
    run = recorded_codeforces_run(codeforces.output, EXAMPLES / "generations" / "codeforces-answers.json",
                                  args.out.parent / "runs" / "demo-codeforces")  # fmt: skip
    cots = build_codeforces_cots([run, synth_run], args.out, benchmarks=[f"{summary.outputs['ioi']}#problem"],
                                 compiler=compiler)  # fmt: skip
    for config, count in sorted(cots.rows.items()):
        console.print(f"codeforces-cots/{config}: {count} rows")
    trace_mismatches = check_recorded_verdicts(run, EXAMPLES / "generations" / "codeforces-answers.json", console)
    verdicts = read_appended_jsonl(run / "verified.jsonl")
    caught = sum(v["passed_examples"] and v["passed_tests"] is False for v in verdicts)
    console.print(f"{caught} trace(s) pass every example but fail the full test suite (passed_tests false)")
    card = summary.outputs["ioi"] / "README.md"
    console.print(f"datasets written under {args.out.resolve()}; the ioi card is {card}")
    return 1 if mismatches or failures or trace_mismatches or weak else 0
