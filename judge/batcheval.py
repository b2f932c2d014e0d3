"""Judge many submissions against a set of tasks, resumably.

Results are appended to a JSONL file keyed by submission id, so a rerun skips
what is done. Identical sources compile once (the compile cache). A judge
failure is retried, then recorded with `judge_error: true` and `score: null`:
never as the submission's 0.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from judge.compile import Compiler, SourceFile, cxx_standard, parse_language
from judge.executors import Executor, Lost, Work, given_or_local
from judge.executors.shipping import ShippedTasks
from judge.paths import read_appended_jsonl
from judge.task import Task
from judge.taskrun import Submission, TaskJudge

log = logging.getLogger(__name__)
SUBMISSION_RETRIES = 1


@dataclass
class SubmissionJob:
    """One submission to judge. `extra` fields (e.g. generation_length) are kept in the result."""

    id: str
    problem: str  # key of the task: "<year>/<code>" or "<code>"
    code: str
    language: str = "cpp"
    target_subtask: str | None = None
    extra: dict = field(default_factory=dict)
    std: str | None = None  # C++ standard (record "std", or a language such as "cpp20")

    @classmethod
    def from_record(cls, record: dict, where: str) -> SubmissionJob:
        for key in ("id", "problem", "code"):
            if key not in record:
                raise ValueError(f"{where}: missing {key!r}")
        known = {"id", "problem", "code", "language", "target_subtask", "std"}
        std = record.get("std")
        try:
            std = cxx_standard(std) if std is not None else parse_language(record.get("language", "cpp"))[1]
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        return cls(str(record["id"]), str(record["problem"]), record["code"] or "", record.get("language", "cpp"),
                   record.get("target_subtask"), {k: v for k, v in record.items() if k not in known},
                   std)  # fmt: skip


def task_keys(task: Task) -> list[str]:
    keys = [task.code]
    if task.year is not None:
        keys.insert(0, f"{task.year}/{task.code}")
    return keys


def done_ids(results: Path) -> set[str]:
    """Ids already in the results file (a torn last line from a crash is cut off)."""
    try:
        return {str(record["id"]) for record in read_appended_jsonl(results)}
    except KeyError:
        raise ValueError(f"{results}: a line without an id is not a result record") from None


class ResultWriter:
    """Appends one JSON line per result, flushed and synced: a crash loses at most one line."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = path.open("a")
        self.lock = threading.Lock()

    def write(self, record: dict) -> None:
        line = json.dumps(record) + "\n"
        with self.lock:
            self.handle.write(line)
            self.handle.flush()
            os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()


def judge_job(job: SubmissionJob, judges: dict[str, TaskJudge], full: bool) -> dict:
    judge = judges[job.problem]
    suffix = parse_language(job.language)[0].suffix
    submission = Submission(source=SourceFile(f"{judge.task.code}{suffix}", job.code.encode()), std=job.std)
    for _attempt in range(SUBMISSION_RETRIES + 1):
        result = judge.judge(submission, full=full)
        if not result.judge_error:
            break
        log.warning("judge error on submission %s, retrying", job.id)
    subtasks = [s.to_dict() for s in result.subtasks]
    target = next((s for s in subtasks if s["name"] == job.target_subtask), None)
    return {
        "id": job.id,
        "problem": job.problem,
        "target_subtask": job.target_subtask,
        **job.extra,
        "score": result.score,
        "max_score": result.max_score,
        "judge_error": result.judge_error,
        "code_compiles": result.compiled,
        "compile_message": result.compile.message[:2000] if result.compile and not result.compile.ok else "",
        "target_subtask_score": target["score"] if target else None,
        "target_subtask_status": target["status"] if target else None,
        "subtasks": subtasks,
    }


@dataclass
class EvalSummary:
    judged: int
    skipped: int
    judge_errors: int  # recorded with score null, or lost (unrecorded: the next run judges them)
    lost: int = 0


@dataclass
class BatchContext:
    """What every job of a batch shares, shipped once per node: the tasks (with their tests)."""

    tasks: ShippedTasks
    full: bool


def prepare_judges(context: BatchContext, compiler: Compiler) -> tuple[dict[str, TaskJudge], bool]:
    """A judge per task (one test at a time: the executor runs `slots` submissions at once), by every key."""
    judges: dict[str, TaskJudge] = {}
    for task in context.tasks.tasks:
        judge = TaskJudge(task, compiler, workers=1)
        for key in task_keys(task):
            judges[key] = judge
    return judges, context.full


def judge_prepared(state: tuple[dict[str, TaskJudge], bool], job: SubmissionJob) -> dict:
    judges, full = state
    return judge_job(job, judges, full)


def evaluate_many(
    tasks: list[Task],
    jobs: Iterable[SubmissionJob],
    results: Path,
    *,
    compiler: Compiler | None = None,
    workers: int | None = None,
    full: bool = False,
    show_progress: bool = True,
    executor: Executor | None = None,
) -> EvalSummary:
    """Judge every job not yet in `results`, each as it finishes, on `executor` (default: a
    local pool of `workers`, one per core); the tests of one submission run in sequence."""
    known = {key for task in tasks for key in task_keys(task)}
    finished = done_ids(results)
    todo = [job for job in jobs if job.id not in finished]
    unknown = sorted({job.problem for job in todo} - known)
    if unknown:
        raise ValueError(f"submissions name unknown problems {unknown[:10]} (known: {sorted(known)[:10]})")
    work = Work(judge_prepared, BatchContext(ShippedTasks(tasks), full), prepare_judges, group=_problem_of)
    writer = ResultWriter(results)
    errors = lost = 0
    columns = (TextColumn("judging"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=Console(stderr=True), disable=not show_progress) as progress, \
                given_or_local(executor, workers, compiler) as executor:  # fmt: skip
            bar = progress.add_task("submissions", total=len(todo))
            for index, record in executor.run(work, todo):
                progress.advance(bar)
                if isinstance(record, Lost):
                    lost += 1
                    log.error("submission %s: %s; left for the next run", todo[index].id, record.reason)
                    continue
                writer.write(record)
                errors += record["judge_error"]
    finally:
        writer.close()
    return EvalSummary(len(todo) - lost, len(finished), errors + lost, lost)


def _problem_of(job: SubmissionJob) -> str:
    return job.problem
