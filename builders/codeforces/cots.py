"""The `codeforces-cots` dataset: reasoning traces on Codeforces problems, each
checked by the judge, in C++ and Python, with and without the editorial.

Input: run folders of `olympicforge generate codeforces`. Every trace's last code
block is judged on the problem's examples and, where the dataset has them, its
official tests; verdicts are appended to `RUN/verified.jsonl`, so a rerun judges
only new traces. Configs: `solutions`, `solutions_py`, `solutions_w_editorials`,
`solutions_w_editorials_py`; with benchmarks given, each also `_decontaminated`
(no shared n-gram with any benchmark statement) and
`solutions_short_and_long_decontaminated` (per problem the shortest and the
longest C++ trace). Exact duplicate generations are dropped everywhere.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import itertools
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from datasets import Features, List, Value, load_dataset
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from builders.codeforces.build import DESCRIPTIONS as PROBLEM_DESCRIPTIONS
from builders.codeforces.build import FEATURES as PROBLEM_FEATURES
from builders.codeforces.suites import suite_folder
from builders.codeforces.synth.command import KIND as SYNTH_KIND
from builders.codeforces.synth.traces import CONFIG_OF_ROLE, trace_features
from builders.codeforces.synth.traces import DESCRIPTIONS as SYNTH_DESCRIPTIONS
from builders.codeforces.synth.traces import trace_rows as synth_trace_rows
from builders.generation.benchmarks import benchmark_texts
from builders.generation.decontaminate import Decontaminator
from builders.generation.extract import extract_code
from builders.generation.generate import EDITORIAL, add_trace_build_arguments, read_run
from builders.generation.ioi_traces import MESSAGE
from builders.generation.runs import read_generations, sft_messages
from builders.generation.select import drop_exact_duplicates, shortest_and_longest
from builders.hub.writer import HubLayout, prepare_out, publish
from cards.card import CardSpec, shown_source
from judge.batcheval import ResultWriter
from judge.cftests import contest_of, problem_tests
from judge.codeforces import CodeforcesLimits, judge_codeforces
from judge.compile import Compiler
from judge.executors import Executor, Lost, Work, executor_from_args, given_or_local, with_compiler
from judge.paths import read_appended_jsonl

log = logging.getLogger(__name__)
NO_CODE = "NO_CODE"
DROPPED_PROBLEM_COLUMNS = ("solutions", "official_tests")
CONFIG_OF_VARIANT = {"cpp": "solutions", "python": "solutions_py", f"cpp{EDITORIAL}": "solutions_w_editorials",
                     f"python{EDITORIAL}": "solutions_w_editorials_py"}  # fmt: skip
SHORT_AND_LONG = "solutions_short_and_long_decontaminated"
USAGE = {"completion_tokens": Value("int64"), "prompt_tokens": Value("int64"), "total_tokens": Value("int64")}
COTS_PROBLEM_FEATURES = {  # the anchor's codeforces-cots keeps memory_limit as an integer (MB)
    **{k: v for k, v in PROBLEM_FEATURES.items() if k not in DROPPED_PROBLEM_COLUMNS}, "memory_limit": Value("int64"),
}  # fmt: skip
FEATURES = Features({
    **COTS_PROBLEM_FEATURES,
    "prompt": Value("string"), "generation": Value("string"), "finish_reason": Value("string"),
    "api_metadata": USAGE, "messages": List(MESSAGE), "code": Value("string"), "language": Value("string"),
    "passed_examples": Value("bool"), "passed_tests": Value("bool"), "verdict": Value("string"),
})  # fmt: skip
SYNTH_FEATURES = trace_features(COTS_PROBLEM_FEATURES)
SUITE_BATCH = 16  # tests judged before checking for a failure: only pass or fail is recorded
DESCRIPTIONS = {
    **{k: v for k, v in PROBLEM_DESCRIPTIONS.items() if k in FEATURES},
    "prompt": "the user prompt", "generation": "the model's whole answer (reasoning, then code)",
    "finish_reason": "why generation stopped (stop, length)", "api_metadata": "token usage reported by the server",
    "messages": "prompt + answer as chat messages, ready for SFT",
    "code": "the answer's last code block in the language asked for (empty when none)",
    "language": "cpp or python", "passed_examples": "the code passes every example through the judge",
    "passed_tests": "the code passes the full suite: official and generated tests (null: the problem has none)",
    "verdict": f"the judge's verdict: AC, WA, TLE, MLE, RE, CE, ... or {NO_CODE}",
    **SYNTH_DESCRIPTIONS,
}  # fmt: skip


@dataclass
class CotsSummary:
    rows: dict[str, int] = field(default_factory=dict)
    failed_generations: int = 0
    unjudged: int = 0  # traces the judge failed on (JE, or its workers died): left out, judged by the next build
    duplicates: int = 0
    contaminated_problems: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)  # the runs' models (`run.json`), for the card
    output: Path | None = None


def problem_columns(problem: dict) -> dict:
    """A problem's columns as a cots row carries them (memory_limit in whole MB, as the anchor's)."""
    columns = {k: v for k, v in problem.items() if k in COTS_PROBLEM_FEATURES}
    return {**columns, "memory_limit": int(problem["memory_limit"]) if problem["memory_limit"] is not None else None}


def problem_text(problem: dict) -> str:
    """What decontamination compares: the statement, not our prompt wording."""
    return "\n".join(problem[k] or "" for k in ("title", "description", "input_format", "output_format", "note"))


def load_problems(dataset: str) -> dict[str, dict]:
    """Every problem of the `default` config, by id."""
    problems = {}
    for split in load_dataset(dataset, "default").values():
        problems.update({row["id"]: row for row in split})
    return problems


def trace_digest(record: dict, suite: str = "") -> str:
    """Ties a verdict to the exact trace, problem and test suite, so a regenerated or edited
    trace, or a problem given a new suite, is judged again."""
    text = f"{record['problem']}\0{record['variant']}\0{record['generation']}" + (f"\0{suite}" if suite else "")
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class VerifyContext:
    """What the traces of a run are judged against, shipped once per node: the problems and
    (read here when pickled for another machine) their generated tests."""

    problems: dict[str, dict]
    tests_folder: Path | None = None
    shipped: dict[str, list[dict]] | None = None  # problem id -> its generated tests, once pickled

    def generated(self, problem: dict):
        if not problem.get("generated_tests"):
            return ()
        if self.shipped is not None:
            return self.shipped.get(problem["id"], [])
        return problem_tests(self.tests_folder, problem["id"]) if self.tests_folder else ()

    def __getstate__(self) -> dict:
        shipped = self.shipped
        if shipped is None:
            shipped = {pid: list(self.generated(p)) for pid, p in self.problems.items() if p.get("generated_tests")}
        return {"problems": self.problems, "tests_folder": None, "shipped": shipped}


def verify_in(state: tuple[VerifyContext, Compiler], record: dict) -> dict:
    context, compiler = state
    problem = context.problems[record["problem"]]
    return verify(record, problem, compiler, context.generated(problem))


def _problem_of(record: dict) -> str:
    return record["problem"]


def verify(record: dict, problem: dict, compiler: Compiler, generated=()) -> dict:
    """Judge one trace: the examples, then the full suite (official tests and `generated`, the
    generated ones, with the problem's checker and I/O mode) when there is one,
    stopping at the first failing batch: only pass or fail is recorded."""
    language = record["variant"].partition("+")[0]
    code, found = extract_code(record["generation"], language)
    verdict = {"key": record["key"], "digest": trace_digest(record, suite_key(problem)), "code": code,
               "passed_examples": False,
               "passed_tests": None, "verdict": NO_CODE}  # fmt: skip
    if not found:
        return verdict
    limits = CodeforcesLimits(problem["time_limit"], problem["memory_limit"], problem.get("input_mode") or "stdio",
                              problem.get("generated_checker") or None)  # fmt: skip
    examples = judge_codeforces(code, language, problem["examples"], limits, compiler=compiler)
    verdict["passed_examples"] = examples.verdict == "AC" and len(examples.tests) == len(problem["examples"]) > 0
    verdict["verdict"] = str(examples.verdict)
    suite = itertools.chain(problem["official_tests"] or [], generated)
    first = next(suite, None)
    if first is not None:
        if verdict["passed_examples"]:
            tests = judge_codeforces(code, language, itertools.chain([first], suite), limits, compiler=compiler,
                                     batch_size=SUITE_BATCH)  # fmt: skip
            verdict["verdict"] = str(tests.verdict)
        verdict["passed_tests"] = verdict["verdict"] == "AC"
    verdict["judge_error"] = verdict["verdict"] == "JE"
    return verdict


def suite_key(problem: dict) -> str:
    """What identifies a problem's test suite in a verdict's digest."""
    return f"{len(problem['official_tests'] or [])}+{problem.get('generated_tests') or 0}"


def verify_run(run: Path, records: list[dict], problems: dict[str, dict], compiler: Compiler,
               workers: int | None, tests_folder: Path | None = None,
               executor: Executor | None = None) -> dict[str, dict]:  # fmt: skip
    """Verdicts for every record, judging only those not yet in `run/verified.jsonl` (a judge error is retried)."""
    path = run / "verified.jsonl"
    digests = {r["key"]: trace_digest(r, suite_key(problems[r["problem"]])) for r in records}
    done = {v["key"]: v for v in read_appended_jsonl(path)
            if not v.get("judge_error") and v.get("digest") == digests.get(v["key"])}  # fmt: skip
    todo = [r for r in records if r["key"] not in done]
    writer = ResultWriter(path)
    columns = (TextColumn(f"judging {run.name}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        progress_bar = Progress(*columns, console=Console(stderr=True))  # stdout: results only
        needed = {r["problem"] for r in todo}
        context = VerifyContext({pid: p for pid, p in problems.items() if pid in needed}, tests_folder)
        work = Work(verify_in, context, with_compiler, group=_problem_of)
        with progress_bar as progress, given_or_local(executor, workers, compiler) as executor:
            bar = progress.add_task("", total=len(todo))
            for index, verdict in executor.run(work, todo):
                progress.advance(bar)
                if isinstance(verdict, Lost):  # unrecorded: the next run judges it
                    log.error("trace %s: %s; left for the next run", todo[index]["key"], verdict.reason)
                    continue
                writer.write(verdict)
                done[verdict["key"]] = verdict
    finally:
        writer.close()
    return done


def trace_rows(run: Path, problems: dict[str, dict], compiler: Compiler, workers: int | None,
               summary: CotsSummary, tests_folder: Path | None = None,
               executor: Executor | None = None) -> list[dict]:  # fmt: skip
    records = []
    for record in read_generations(run):
        if record["finish_reason"] == "error":
            summary.failed_generations += 1
        elif record["problem"] not in problems:
            raise ValueError(f"{run}: generation {record['key']!r} names a problem the dataset does not have")
        elif record["variant"] not in CONFIG_OF_VARIANT:
            raise ValueError(f"{run}: generation {record['key']!r} has an unknown variant {record['variant']!r}")
        else:
            records.append(record)
    # within a run, problem and variant fix the prompt: a duplicate is dropped before it is judged
    unique = drop_exact_duplicates(records, keys=("problem", "variant", "generation"))
    summary.duplicates += len(records) - len(unique)
    records = unique
    verdicts = verify_run(run, records, problems, compiler, workers, tests_folder, executor)
    rows = []
    for record in records:
        problem = problem_columns(problems[record["problem"]])
        verdict = verdicts.get(record["key"])
        if verdict is None or verdict.get("judge_error"):  # JE or lost: no row, not a 0; the next build judges it
            summary.unjudged += 1
            continue
        rows.append({
            **problem, "prompt": record["messages"][0]["content"], "generation": record["generation"],
            "finish_reason": record["finish_reason"], "api_metadata": record["usage"],
            "messages": sft_messages(record), "code": verdict["code"],
            "language": record["variant"].partition("+")[0], "passed_examples": verdict["passed_examples"],
            "passed_tests": verdict["passed_tests"], "verdict": verdict["verdict"],
            "_config": CONFIG_OF_VARIANT[record["variant"]],
        })  # fmt: skip
    return rows


def build_codeforces_cots(runs: list[Path], out: Path, *, dataset: str | None = None,
                          benchmarks: list[str] = (), ngram: int = 8, org: str = "olympicforge",
                          compiler: Compiler | None = None, workers: int | None = None,
                          executor: Executor | None = None) -> CotsSummary:  # fmt: skip
    out = prepare_out(out)
    compiler = compiler or Compiler()
    summary = CotsSummary()
    decontaminator = Decontaminator(benchmark_texts(list(benchmarks)), ngram) if benchmarks else None
    rows: list[dict] = []
    problem_sets: dict[str, dict] = {}
    for run in runs:
        manifest = read_run(run, ("codeforces", SYNTH_KIND))
        if manifest.get("model") and manifest["model"] not in summary.models:
            summary.models.append(manifest["model"])
        source = dataset or manifest["dataset"]
        problems = problem_sets.get(source) or problem_sets.setdefault(source, load_problems(source))
        if manifest["kind"] == SYNTH_KIND:  # test-synthesis traces: their fate is known from validation
            rows += synth_trace_rows(run, problems, problem_columns)
            continue
        contests = {contest_of(p["id"]) for p in problems.values() if p.get("generated_tests")}
        rows += trace_rows(run, problems, compiler, workers, summary, suite_folder(source, contests), executor)
    kept = drop_exact_duplicates(rows)  # across runs
    summary.duplicates += len(rows) - len(kept)
    clean: set[str] = set()
    if decontaminator:
        ids = {row["id"]: row for row in kept}
        clean = {i for i, row in ids.items() if not decontaminator.contaminated(problem_text(row))}
        summary.contaminated_problems = sorted(set(ids) - clean)
    with HubLayout(out, "codeforces-cots") as layout:
        writers = {}

        def write(config: str, row: dict) -> None:
            features = SYNTH_FEATURES if config in CONFIG_OF_ROLE.values() else FEATURES
            writer = writers.get(config) or writers.setdefault(config, layout.split(config, "train", features))
            writer.write({k: v for k, v in row.items() if k != "_config"})

        for row in kept:
            write(row["_config"], row)
            if row["_config"] in CONFIG_OF_ROLE.values():
                continue
            if decontaminator and row["id"] in clean:
                write(f"{row['_config']}_decontaminated", row)
        if decontaminator:
            chosen = [r for r in kept if r["_config"] == "solutions" and r["id"] in clean]
            for row in shortest_and_longest(chosen):
                write(SHORT_AND_LONG, row)
        for writer in writers.values():
            writer.close()
        if not writers:
            raise ValueError(f"no trace to publish from {', '.join(map(str, runs))}")
        summary.rows = {config: s["train"].num_examples for config, s in layout.stats.items()}
        summary.output = publish(layout, card_spec(kept, summary, benchmarks, ngram, org))
    return summary


def card_spec(rows: list[dict], summary: CotsSummary, benchmarks, ngram: int, org: str) -> CardSpec:
    synthesis = {}
    for config in CONFIG_OF_ROLE.values():
        traces = [r for r in rows if r["_config"] == config]
        if traces:
            synthesis[config] = {"rows": len(traces), "used": sum(r["used"] for r in traces)}
    rows = [r for r in rows if r["_config"] not in CONFIG_OF_ROLE.values()]
    by_config: dict[str, Counter] = {}
    for row in rows:
        by_config.setdefault(row["_config"], Counter())[row["verdict"]] += 1
    passed = {c: sum(r["passed_examples"] for r in rows if r["_config"] == c) for c in by_config}
    suite_passed = {c: sum(r["passed_tests"] is True for r in rows if r["_config"] == c) for c in by_config}
    examples_only = {c: sum(r["passed_tests"] is None for r in rows if r["_config"] == c) for c in by_config}
    return CardSpec(
        "codeforces-cots", "Codeforces reasoning traces, judged", "other", "codeforces-cots.md.j2",
        descriptions=DESCRIPTIONS,
        context={"org": org, "verdicts": {c: v.most_common() for c, v in sorted(by_config.items())},
                 "passed": passed, "suite_passed": suite_passed, "examples_only": examples_only,
                 "problems": len({r["id"] for r in rows}), "duplicates": summary.duplicates,
                 "failed_generations": summary.failed_generations, "models": sorted(summary.models),
                 "benchmarks": [shown_source(spec) for spec in benchmarks], "ngram": ngram,
                 "contaminated": len(summary.contaminated_problems), "build_year": datetime.date.today().year,
                 "synthesis": synthesis},
    )  # fmt: skip


def add_parser(builds: argparse._SubParsersAction) -> None:
    parser = add_trace_build_arguments(builds, "codeforces-cots", "codeforces")
    parser.add_argument("--benchmark", action="append", default=[],
                        help="statements to decontaminate against: a file, a folder or DATASET[:config][@split]#column "
                             "(repeatable; without any, no _decontaminated configs are built)")  # fmt: skip
    parser.add_argument("--ngram", type=int, default=8, help="n-gram length for decontamination")
    parser.set_defaults(handler=cmd_build_codeforces_cots)


def cmd_build_codeforces_cots(args: argparse.Namespace) -> int:
    console = Console()
    if not args.benchmark:
        console.print("[yellow]no --benchmark: the _decontaminated configs are not built[/]")
    with executor_from_args(args) as executor:
        summary = build_codeforces_cots(args.runs, args.out, dataset=args.dataset, benchmarks=args.benchmark,
                                        ngram=args.ngram, org=args.org, executor=executor)  # fmt: skip
    for config, count in sorted(summary.rows.items()):
        console.print(f"codeforces-cots/{config}: {count} rows")
    console.print(f"{summary.duplicates} duplicate traces dropped; {summary.failed_generations} failed generations "
                  f"left out; {len(summary.contaminated_problems)} problems overlap a benchmark")  # fmt: skip
    console.print(f"written to {summary.output}")
    if summary.unjudged:
        console.print(f"[red]{summary.unjudged} traces left out: the judge failed on them (rerun to judge them)[/]")
    return 1 if summary.unjudged else 0
