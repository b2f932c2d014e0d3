"""Judge jobs as plain JSON dicts: the unit of work of GRPO rewards.

One function, `run_job`, runs a job in a local pool worker, behind
`olympicforge judge serve`, or inline; a job is a dict so that it pickles and
travels over HTTP alike.

    cf:  {"kind": "cf", "code", "language": "cpp"|"c"|"python" (or "cpp20"; "std" wins), "tests": [{"input", "output"}],
          "time_limit": seconds, "memory_limit": MB, optional "input_mode": "stdio"|"file",
          "checker": a Python checker's source, "batch_size": stop after the first failing batch}
    ioi: {"kind": "ioi", "code", "language", "row": one `ioi` dataset row (its target subtask),
          "tests": an `ioi-test-cases` Hub id or local folder, or a list of its rows}

Either may add "std": "c++20" (C++11 to C++20; a language such as "cpp20" says it too).

The answer always has "status": "ok" or "judge_error" (the judge's own fault:
the score is unknown, never 0). cf answers add "verdict", "passed", "total",
"outcomes"; ioi answers add "score" (the target subtask's fraction in [0, 1], unrounded),
"score_precision" (the task's) and "subtask_status". `row` may be in the anchor's
layout too (Open R1's `ioi`: `graders/grader_config.json`, see judge.loaders.rows).
A malformed job raises BadJob naming the missing key, or the bad name: a row whose
id, subtask, test names or grader file names could reach the file system
(`../../x`, `/abs`, NUL, ...) is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from judge.codeforces import CodeforcesLimits, judge_codeforces
from judge.compile import Compiler, Language, SourceFile, cxx_standard, parse_language
from judge.evaluate import default_workers
from judge.loaders.rows import check_row_names, task_from_rows
from judge.task import PackageError
from judge.taskrun import Submission, TaskJudge
from judge.verdicts import Verdict

log = logging.getLogger(__name__)
KINDS = ("cf", "ioi")
TASK_CACHE_SIZE = 32  # rebuilt IOI tasks (graders compiled, tests on disk) kept per process

_compiler: Compiler | None = None
_tasks: OrderedDict[tuple, TaskJudge] = OrderedDict()
_test_sets: dict[tuple[str, str], tuple] = {}
_lock = threading.Lock()


class BadJob(ValueError):
    """The job itself is malformed (missing key, unknown kind): the caller's bug, raised, never a score."""


def init_worker() -> None:
    """Pool initializer: build this process's sandbox and compiler now, so a broken
    sandbox shows up as a failed worker (judge error), not later as a wrong score."""
    compiler()


def compiler() -> Compiler:
    """One compiler (and sandbox) per process: they hold handles that do not pickle."""
    global _compiler
    with _lock:
        if _compiler is None:
            _compiler = Compiler()
        return _compiler


def require(job: dict, *keys: str) -> None:
    missing = [k for k in keys if k not in job]
    if missing:
        raise BadJob(f"judge job ({job.get('kind')!r}) lacks {missing}")


def language_of(job: dict) -> tuple[Language, str | None]:
    """The job's language and C++ standard ("std" wins over a standard in the language's name)."""
    language, std = parse_language(job.get("language", "cpp"))
    try:
        return language, cxx_standard(job["std"]) if job.get("std") is not None else std
    except ValueError as exc:
        raise BadJob(f"judge job: {exc}") from None


def run_job(job: dict) -> dict:
    """Judge one job; a failure of the judge itself becomes status "judge_error"."""
    kind = job.get("kind")
    if kind not in KINDS:
        raise BadJob(f"judge job kind {kind!r}: use one of {KINDS}")
    require(job, "code")
    try:
        return run_cf(job) if kind == "cf" else run_ioi(job)
    except BadJob:
        raise
    except Exception as exc:  # the sandbox, the compiler, the task or its tests failed: not the submission
        log.exception("judge job failed")
        return {"status": "judge_error", "message": f"{type(exc).__name__}: {exc}"}


def run_cf(job: dict) -> dict:
    require(job, "tests")
    if not job["tests"]:
        raise BadJob("cf judge job without tests")
    try:
        limits = CodeforcesLimits(float(job.get("time_limit", 2.0)), float(job.get("memory_limit", 256)),
                                  job.get("input_mode") or "stdio", job.get("checker") or None)  # fmt: skip
    except ValueError as exc:
        raise BadJob(f"cf judge job: {exc}") from None
    batch_size = job.get("batch_size")
    if batch_size is not None and (type(batch_size) is not int or batch_size < 1):
        raise BadJob(f"cf judge job: batch_size must be a positive integer, not {batch_size!r}")
    language, std = language_of(job)
    result = judge_codeforces(job["code"], language, job["tests"], limits, compiler=compiler(), batch_size=batch_size,
                              std=std)  # fmt: skip
    total = len(result.tests) if result.stopped_early else len(job["tests"])
    answer = {"verdict": str(result.verdict), "passed": result.passed, "total": total,
              "outcomes": [t.outcome for t in result.tests], "compile": result.compile.status,
              "stopped_early": result.stopped_early}  # fmt: skip
    if result.has_judge_error:
        message = result.compile.message if result.compile.status == "JE" else "judge error on a test"
        return {**answer, "status": "judge_error", "message": message[:2000]}
    return {**answer, "status": "ok"}


def run_ioi(job: dict) -> dict:
    require(job, "row", "tests")
    row = job["row"]
    if not isinstance(row, dict):
        raise BadJob(f"ioi judge job: row must be an object, not {type(row).__name__}")
    require(row, "id", "year", "subtask", "grader_files", "test_names", "score")
    try:
        check_row_names(row)  # before any file is written, and before the task cache is keyed on them
    except PackageError as exc:
        raise BadJob(f"ioi judge job: {exc}") from None
    try:
        judge = ioi_judge(row, job["tests"])
    except PackageError as exc:  # a bad name, flag or shape in the job's task: the caller's fault, not the judge's
        raise BadJob(f"ioi judge job: {exc}") from None
    language, std = language_of(job)
    source = SourceFile(f"{judge.task.code}{language.suffix}", job["code"].encode())
    result = judge.judge(Submission(source=source, std=std))
    subtask = result.subtasks[0]
    if result.judge_error:
        return {"status": "judge_error", "subtask_status": subtask.status, "message": "judge error"}
    return {"status": "ok", "score": subtask.score, "score_precision": judge.task.score_precision,
            "subtask_status": subtask.status, "compiled": result.compiled}  # fmt: skip


def ioi_judge(row: dict, tests) -> TaskJudge:
    """The task of `row`, restricted to its subtask; rebuilt once per process (LRU) when
    the tests come from a dataset."""
    if isinstance(tests, list):  # inline test rows (small tasks, tests): nothing to cache by
        test_rows = [t for t in tests if t["problem_id"] == row["id"]]
        return TaskJudge(task_from_rows([row], test_rows, subtasks=[row["subtask"]]), compiler(), workers=1)
    # the grader files are part of the key: two datasets (ours, the anchor's) may share a problem's tests
    files = hashlib.sha256(json.dumps(row["grader_files"], sort_keys=True).encode()).hexdigest()
    key = (tests, str(row["year"]), row["id"], row["subtask"], tuple(row["test_names"]), files)
    with _lock:
        if key in _tasks:
            _tasks.move_to_end(key)
            return _tasks[key]
    task = task_from_rows([row], ioi_test_rows(tests, row), subtasks=[row["subtask"]])
    judge = TaskJudge(task, compiler(), workers=1)
    with _lock:
        _tasks[key] = judge
        while len(_tasks) > TASK_CACHE_SIZE:
            _tasks.popitem(last=False)
    return judge


def ioi_test_rows(source: str, row: dict):
    """The test rows of `row`'s problem from an `ioi-test-cases` dataset (config = year),
    loaded once per process and indexed by problem: tests can be gigabytes."""
    from datasets import load_dataset  # lazy: only IOI jobs need it

    year = str(row["year"])
    with _lock:
        cached = _test_sets.get((source, year))
    if cached is None:
        dataset = load_dataset(source, year, split="train")
        index: dict[str, list[int]] = {}
        for position, problem in enumerate(dataset["problem_id"]):
            index.setdefault(problem, []).append(position)
        cached = (dataset, index)
        with _lock:
            _test_sets[(source, year)] = cached
    dataset, index = cached
    if row["id"] not in index:
        raise LookupError(f"{source} ({year}) has no tests of problem {row['id']}")
    names = set(row["test_names"])
    return (t for t in dataset.select(index[row["id"]]) if t["test_name"] in names)


def is_judge_failure(answer: dict) -> bool:
    return answer.get("status") != "ok" or answer.get("verdict") == str(Verdict.JE)


class JobJudge(Protocol):
    """What judges jobs in batches: JobPool, RemoteJudge (judge serve), RayJudge (a Ray cluster).
    `map` answers None for a job the judge could not finish: its reward is unknown."""

    def map(self, jobs: list[dict]) -> list[dict | None]: ...

    def close(self) -> None: ...


class JobPool:
    """Runs judge jobs in worker processes, so judging never competes with the training
    loop for the GIL. Workers are spawned (not forked from a process holding CUDA and
    torch threads), each with its own sandbox; the compile cache on disk is shared.
    `map` answers None for a job the judge could not finish (crash, timeout, dead pool)."""

    def __init__(self, workers: int | None = None, timeout: float = 600.0) -> None:
        self.workers = workers or default_workers()
        self.timeout = timeout
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=init_worker)  # fmt: skip
            return self._pool

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                log.error("the judge process pool broke (a worker died); starting a new one")
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def map(self, jobs: list[dict]) -> list[dict | None]:
        pool = self._executor()
        try:
            futures: list[Future] = [pool.submit(run_job, job) for job in jobs]
        except BrokenProcessPool:
            self._restart(pool)
            return [None] * len(jobs)
        deadline = time.monotonic() + self.timeout
        answers: list[dict | None] = []
        for future in futures:
            try:
                answers.append(future.result(timeout=max(0.0, deadline - time.monotonic())))
            except BadJob:
                raise  # a malformed job is a bug in the caller, not a judge failure
            except BrokenProcessPool:
                self._restart(pool)
                answers.append(None)
            except FutureTimeout:
                log.error("a judge job ran past %.0f s: its reward is unknown", self.timeout)
                answers.append(None)
            except Exception:
                log.exception("a judge job failed in its worker")
                answers.append(None)
        return answers

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
