"""`olympicforge build codeforces-tests`: synthesize test suites with a model, then validate them.

Two steps, so generation can run on GPU nodes and validation on CPU nodes:

    build codeforces-tests --dataset DS --model M --endpoint URL --out RUN [--shard I --num-shards N]
    build codeforces-tests --validate --out RUN [--labelled FILE.jsonl | --labelled-from-api]

The first asks the model, per problem, for an input generator, a validator and the
answer's kind with a checker (resumable, shardable: builders.generation.runs). The
second judges those programs in the sandbox (validate.py), selects the tests, measures
each suite on labelled submissions (quality.py) and writes the suites that are good
enough to `RUN/suites/CONTEST/INDEX/` (NNN.in + NNN.out, checker.py), in the plain
layout; `RUN/synth.jsonl` holds a record per problem validated (reruns skip problems
already recorded; with `--force` a problem is validated again and its newest record is
the one that counts).
`build codeforces --tests-from RUN` imports the suites and gives every measured
problem its `tests_quality`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console

from builders.codeforces.synth.answers import gather
from builders.codeforces.synth.labelled import Labelled, labelled_from_api, read_labelled
from builders.codeforces.synth.quality import DEFAULT_MIN_TNR, QualityJudgeError, TestsQuality, measure
from builders.codeforces.synth.select import SIZE_CLASSES, SuitePairs
from builders.codeforces.synth.validate import DEFAULT_PLAN, JudgeFailure, SynthConfig, synthesize
from builders.generation.options import add_generation_arguments
from builders.generation.prompts import TEST_ROLES, chat, codeforces_test_prompt
from builders.generation.runs import WorkItem, read_generations
from judge.executors import (
    Executor,
    Lost,
    Work,
    add_executor_arguments,
    executor_from_args,
    given_or_local,
    with_compiler,
)
from judge.paths import read_appended_jsonl
from judge.workdir import private_dir

log = logging.getLogger(__name__)
KIND = "codeforces-tests"
RECORDS = "synth.jsonl"
SUITES = "suites"


def needs_tests(row: dict) -> bool:
    """A problem worth a synthesized suite: judged on stdin/stdout, with examples and a
    reference solution, and no full suite yet."""
    from builders.codeforces.build import judgeable_on_stdio
    from builders.codeforces.suites import references

    has_suite = bool(row.get("official_tests_complete")) or (row.get("generated_tests") or 0) > 0
    return judgeable_on_stdio(row) and bool(references(row)) and not has_suite


def work_items(rows: list[dict], generations: int, prefill_think: bool = False) -> list[WorkItem]:
    """One item per (problem, role, sample): roles are generator, validator, checker."""
    items = []
    for row in rows:
        for role in TEST_ROLES:
            messages = tuple(chat(codeforces_test_prompt(row, role), prefill_think))
            items += [WorkItem(row["id"], role, sample, messages) for sample in range(generations)]
    return items


def load_rows(dataset: str, config: str, split: str) -> list[dict]:
    from datasets import load_dataset

    return list(load_dataset(dataset, config, split=split))


def cmd_generate(args: argparse.Namespace) -> int:
    from builders.generation.generate import generate, manifest_of

    rows = [row for row in load_rows(args.dataset, args.config, args.split) if args.all or needs_tests(row)]
    rows = rows[: args.limit] if args.limit else rows
    if not rows:
        raise ValueError(f"{args.dataset} ({args.config}/{args.split}): no problem needs a synthesized suite "
                         "(stdio, examples, a reference, no full suite; --all takes every judgeable one)")  # fmt: skip
    items = work_items(rows, args.generations, args.prefill_think)
    return generate(args, items, manifest_of(args, KIND, config=args.config, split=args.split), Console(stderr=True))


def parse_plan(text: str) -> dict:
    """`small=10,edge=10,max=3` -> {"small": 10, ...}; names the bad part otherwise."""
    plan = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        size, sep, count = part.partition("=")
        if not sep or size not in SIZE_CLASSES or not count.isdigit():
            raise ValueError(f"--plan {text!r}: {part!r} is not SIZE=COUNT with SIZE one of {', '.join(SIZE_CLASSES)}")
        plan[size] = int(count)
    return plan


def suite_folder(run: Path, problem_id: str) -> Path:
    contest, index = problem_id.split("/")
    return run / SUITES / contest / index


@dataclass
class Suite:
    """A verifiable suite as bytes, so that it can come back from another machine to be written."""

    tests: list[tuple[bytes, bytes]]  # (input, output), in order
    checker: str | None


def write_suite(run: Path, problem_id: str, suite: Suite) -> Path:
    """The suite as NNN.in + NNN.out (+ checker.py), written beside and renamed into place."""
    target = suite_folder(run, problem_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    for number, (given, expected) in enumerate(suite.tests, 1):
        (staging / f"{number:03d}.in").write_bytes(given)
        (staging / f"{number:03d}.out").write_bytes(expected)
    if suite.checker:
        (staging / "checker.py").write_text(suite.checker)
    if target.exists():
        shutil.rmtree(target)
    os.replace(staging, target)
    return target


def record_suite(run: Path, record: dict, suite: Suite | None) -> None:
    """Write the suite a record says is verifiable, or remove the one an earlier run wrote (before
    --force): the folder always says what the newest record says."""
    if suite is not None:
        write_suite(run, record["problem"], suite)
    else:
        shutil.rmtree(suite_folder(run, record["problem"]), ignore_errors=True)


def validate_problem(row: dict, answers, labelled: list[Labelled], compiler, config: SynthConfig, run: Path,
                     min_tnr: float) -> dict:  # fmt: skip
    """Synthesize, measure and (when good enough) write one problem's suite; its record."""
    record, suite = judge_problem(row, answers, labelled, compiler, config, min_tnr)
    record_suite(run, record, suite)
    return record


def judge_problem(row: dict, answers, labelled: list[Labelled], compiler, config: SynthConfig,
                  min_tnr: float) -> tuple[dict, Suite | None]:  # fmt: skip
    """Synthesize and measure one problem's suite in a private scratch folder: its record, and
    the suite when it is good enough to write."""
    with private_dir("olympicforge-synth-") as scratch:
        result = synthesize(row, answers, compiler, config, scratch)
        quality: TestsQuality | None = None
        if result.tests:
            quality = measure(row, SuitePairs(result.tests), result.checker, labelled, compiler, min_tnr)
            if not labelled:
                result.report.flags.append("no labelled submission: quality unmeasured, not verifiable")
        written = bool(quality and quality.verifiable)
        suite = None
        if written:
            suite = Suite([(t.input.read_bytes(), t.output.read_bytes()) for t in result.tests], result.checker)
    record = {"problem": row["id"], "report": result.report.to_dict(),
              "quality": quality.to_row() if quality else None,
              "escaped": quality.escaped if quality else [], "refused": quality.refused if quality else [],
              "tests": [{"name": t.name, "size": t.size, "bytes": t.bytes,
                         "reference_time": round(t.reference_time, 4)} for t in result.tests],
              "written": written}  # fmt: skip
    return record, suite


@dataclass
class ValidationContext:
    """What validating the problems of a run needs, shipped once per node."""

    rows: dict[str, dict]
    answers: dict
    labelled: dict[str, list[Labelled]]
    config: SynthConfig
    min_tnr: float


def validate_in(state: tuple[ValidationContext, object], problem: str) -> dict:
    """One problem judged where the executor put it: its record and suite, or the judge's failure."""
    context, compiler = state
    try:
        record, suite = judge_problem(context.rows[problem], context.answers[problem],
                                      context.labelled.get(problem, []), compiler, context.config,
                                      context.min_tnr)  # fmt: skip
    except (JudgeFailure, QualityJudgeError) as exc:
        return {"failure": str(exc)}
    return {"record": record, "suite": suite}


def validate_run(run: Path, rows: dict[str, dict], labelled_for: Callable[[set[str]], dict[str, list[Labelled]]],
                 compiler, config: SynthConfig, min_tnr: float = DEFAULT_MIN_TNR, force: bool = False,
                 console: Console | None = None, executor: Executor | None = None) -> dict:  # fmt: skip
    """Validate every problem of a run not recorded yet (all with `force`); the summary.
    `labelled_for(problems)` gives the labelled submissions of the problems to validate.
    Problems run `executor.slots` at once, each on one core (default: a local pool of
    `config.workers`), and are recorded as they finish. A judge failure leaves its problem
    unrecorded, for the next run."""
    console = console or Console(stderr=True)
    answers = gather(read_generations(run))
    records_path = run / RECORDS
    done = set() if force else {r["problem"] for r in read_appended_jsonl(records_path)}
    todo = [p for p in sorted(answers) if p not in done]
    missing = [p for p in todo if p not in rows]
    if missing:
        raise ValueError(f"{run}: problem {missing[0]} is not in the dataset: give the run's --dataset")
    labelled = labelled_for(set(todo)) if todo else {}
    failures, records = 0, []
    context = ValidationContext({p: rows[p] for p in todo}, {p: answers[p] for p in todo}, labelled,
                                replace(config, workers=1), min_tnr)  # fmt: skip
    work = Work(validate_in, context, with_compiler)
    with records_path.open("a") as out, console.status("validating synthesized tests...") as status, \
            given_or_local(executor, config.workers, compiler) as executor:  # fmt: skip
        for number, (index, result) in enumerate(executor.run(work, todo), 1):
            problem = todo[index]
            status.update(f"validated {problem} ({number}/{len(todo)})")
            failure = result.reason if isinstance(result, Lost) else result.get("failure")
            if failure is not None:
                failures += 1
                log.error("%s: %s (left for the next run)", problem, failure)
                continue
            record = result["record"]
            record_suite(run, record, result["suite"])
            out.write(json.dumps(record) + "\n")
            out.flush()
            records.append(record)
            console.print(summary_line(record))
    return {"run": str(run), "validated": len(records), "skipped": len(done & set(answers)),
            "judge_failures": failures, "written": sum(r["written"] for r in records), "problems": records}  # fmt: skip


def cmd_validate(args: argparse.Namespace) -> int:
    from builders.generation.generate import read_run
    from judge.compile import Compiler
    from judge.evaluate import default_workers

    manifest = read_run(args.out, KIND)
    dataset = args.dataset or manifest["dataset"]
    rows = {row["id"]: row for row in load_rows(dataset, manifest.get("config", "default"), manifest["split"])}
    config = SynthConfig(plan=parse_plan(args.plan), max_tests=args.max_tests, max_bytes=args.max_bytes,
                         references=args.references, workers=args.workers or default_workers(),
                         seed=args.seed)  # fmt: skip
    console = Console(stderr=True)
    with executor_from_args(args, config.workers) as executor:
        summary = validate_run(args.out, rows, lambda problems: _labelled(args, problems), Compiler(), config,
                               args.min_tnr, args.force, console, executor)  # fmt: skip
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        print()
    console.print(f"{summary['validated']} problems validated ({summary['skipped']} already done), "
                  f"{summary['written']} suites written to {args.out / SUITES}; "
                  f"{summary['judge_failures']} judge failure(s)")  # fmt: skip
    return 1 if summary["judge_failures"] else 0


def summary_line(record: dict) -> str:
    quality, report = record["quality"], record["report"]
    if quality is None:
        return f"{record['problem']}: no suite ({'; '.join(report['flags']) or 'nothing survived'})"

    def share(value):
        return "n/a" if value is None else f"{value:.2f}"

    verdict = "verifiable" if record["written"] else "not verifiable"
    return (f"{record['problem']}: {quality['tests']} tests, TPR {share(quality['tpr'])}, TNR {share(quality['tnr'])}"
            f" (examples alone {share(quality['examples_tnr'])}): {verdict}")  # fmt: skip


def _labelled(args: argparse.Namespace, problems: set[str]) -> dict[str, list[Labelled]]:
    if args.labelled:
        return read_labelled(args.labelled)
    if args.labelled_from_api:
        from builders.codeforces.build import seed_cache
        from builders.codeforces.fetch import Fetcher

        fetcher = Fetcher(args.cache, offline=args.offline)
        if args.seed_cache:
            seed_cache(fetcher, args.seed_cache)
        try:
            return labelled_from_api(fetcher, problems)
        finally:
            fetcher.close()
    return {}


def cmd_codeforces_tests(args: argparse.Namespace) -> int:
    if args.validate:
        return cmd_validate(args)
    if not args.model or not (args.endpoint or args.vllm) or not args.dataset:
        raise ValueError("build codeforces-tests: generation needs --dataset, --model and --endpoint or --vllm "
                         "(or give --validate to validate a finished run)")  # fmt: skip
    return cmd_generate(args)


def add_parser(builds: argparse._SubParsersAction) -> None:
    parser = builds.add_parser("codeforces-tests", help="synthesize test suites with a model (then --validate)")
    add_generation_arguments(parser, required=False)
    parser.add_argument("--dataset", help="a codeforces dataset: local folder or Hub id (default with --validate: "
                                          "the run's)")  # fmt: skip
    parser.add_argument("--config", default="default")
    parser.add_argument("--split", default="train")
    parser.add_argument("--all", action="store_true", help="also problems that have a full suite already")
    parser.add_argument("--limit", type=int, help="only the first N problems (smoke runs)")
    parser.add_argument("--out", type=Path, required=True, help="the run folder")
    step = parser.add_argument_group("validation (--validate)")
    step.add_argument("--validate", action="store_true", help="judge the run's programs and write the suites")
    step.add_argument("--plan", default=",".join(f"{k}={v}" for k, v in DEFAULT_PLAN.items()),
                      help="seeds per size class asked of each generator")  # fmt: skip
    step.add_argument("--max-tests", type=int, default=50, help="tests per suite, at most")
    step.add_argument("--max-bytes", type=int, default=64 << 20, help="bytes per suite (inputs + outputs), at most")
    step.add_argument("--references", type=int, default=3, help="reference solutions run on each input")
    step.add_argument("--min-tnr", type=float, default=DEFAULT_MIN_TNR,
                      help="share of rejected submissions a suite must fail to be verifiable")  # fmt: skip
    labels = step.add_mutually_exclusive_group()
    labels.add_argument("--labelled", type=Path, help="JSONL of submissions: problem_id, language, code, verdict")
    labels.add_argument("--labelled-from-api", action="store_true",
                        help="labelled submissions from the Codeforces API (contest.status, cached)")  # fmt: skip
    step.add_argument("--cache", type=Path, default=Path("out/cache/codeforces"), help="the fetcher's cache")
    step.add_argument("--offline", action="store_true", help="use the cache only")
    step.add_argument("--seed-cache", type=Path, help="load a demo cache folder into --cache first")
    step.add_argument("--workers", type=int, help="runs at once (default: one per usable core)")
    step.add_argument("--force", action="store_true", help="validate again problems already recorded")
    add_executor_arguments(parser)
    step.add_argument("--json", action="store_true", help="print only the summary, as JSON, on stdout")
    parser.set_defaults(handler=cmd_codeforces_tests)
