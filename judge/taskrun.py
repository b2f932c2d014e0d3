"""Judge a submission on a `Task`: compile per task type, run tests, score subtasks.

Tests shared by several subtasks run once. Once a subtask has a test that
settles it at 0 under the task's score type (an outcome of 0 for GroupMin and
GroupMul, one outside (0, threshold] for GroupThreshold, never for Sum), its
remaining tests are SKIPPED (unless `full`). A test the judge failed on is
retried once before it is reported as JE.
"""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from judge.checkers import Checker, ExternalChecker, WhiteDiff
from judge.compile import Compiler, CompileResult, Executable, Language, SourceFile
from judge.compile.languages import SOURCE_SUFFIXES, cxx_standard
from judge.contention import judge_test
from judge.evaluate import default_workers
from judge.names import is_safe_name, safe_extract, walk_files
from judge.sandbox import RunLimits
from judge.scoretypes import SCORE_RULES
from judge.scoring import SubtaskResult, TaskResult, score_subtask, skipped
from judge.task import MissingGrader, Subtask, Task, TaskTest, TaskType
from judge.tasktypes import batch_and_output
from judge.tasktypes.batch import BatchIO, run_batch_test
from judge.tasktypes.communication import run_communication_test
from judge.tasktypes.output_only import check_submitted_output
from judge.tasktypes.two_steps import run_two_steps_test
from judge.testset import TestCase
from judge.verdicts import TestResult, Verdict, judge_error

log = logging.getLogger(__name__)


@dataclass
class Submission:
    """What a contestant hands in: a source file, output files (output-only), or both.
    `std`: the C++ standard it is written for (`c++11` ... `c++20`, as CMS offers them
    as languages); None: the package's flags, else the contest default (gnu++17)."""

    source: SourceFile | None = None
    outputs: dict[str, Path] = field(default_factory=dict)  # test name -> output file
    workspace: tempfile.TemporaryDirectory | None = field(default=None, repr=False)
    std: str | None = None

    def __post_init__(self) -> None:
        if self.std is not None:
            self.std = cxx_standard(self.std)  # a clear error now, not a crash in the middle of judging

    @classmethod
    def from_path(cls, path: str | Path, test_names: list[str] | None = None, std: str | None = None) -> Submission:
        """A .c/.cpp/.py file, or a folder / zip of output files (and optionally one source).

        A zip is unpacked entry by entry (unsafe names, links, special files, duplicates
        and bombs refused); a folder is walked without following symlinks, and a symlink
        or special file anywhere in it is refused (a planted `output_1.txt -> /etc/shadow`)."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"submission {path} does not exist")
        if path.is_file() and path.suffix != ".zip":
            Language.of(path)  # clear error for an unknown kind of file
            return cls(source=SourceFile.read(path), std=std)
        submission = cls(std=std)
        folder = path
        where = f"submission {path}"
        if path.suffix == ".zip":
            submission.workspace = tempfile.TemporaryDirectory(prefix="olympicforge-outputs-")
            folder = Path(submission.workspace.name)
        try:
            if submission.workspace is not None:
                safe_extract(path, folder, where)
            files = walk_files(folder, where)
            sources = [p for p in files if p.suffix in SOURCE_SUFFIXES]
            if len(sources) > 1:
                raise ValueError(f"{path}: more than one source file: {[p.name for p in sources]}")
        except BaseException:
            if submission.workspace is not None:
                submission.workspace.cleanup()
            raise
        if sources:
            submission.source = SourceFile.read(sources[0])
        for file in files:
            name = output_test_name(file.name)
            if name and (test_names is None or name in test_names):
                submission.outputs[name] = file
        return submission


def output_test_name(filename: str) -> str | None:
    """`output_<test>.txt` (CMS), `<test>.out` or `<test>.txt` -> the test name (None when
    the name left is not a safe test name, such as `.` from `..txt`)."""
    if filename.startswith("output_") and filename.endswith(".txt"):
        name = filename.removeprefix("output_").removesuffix(".txt")
        return name if is_safe_name(name) else None
    for suffix in (".out", ".txt"):
        if filename.endswith(suffix):
            name = filename.removesuffix(suffix)
            return name if is_safe_name(name) else None
    return None


class TaskJudge:
    """Judges submissions on one task, compiling checker and manager once."""

    def __init__(self, task: Task, compiler: Compiler | None = None, workers: int | None = None, *,
                 confirm_time_limits: bool = True) -> None:  # fmt: skip
        """`confirm_time_limits`: rerun alone a test that hit a time limit beside other
        runs (see judge.contention), so labels do not depend on the worker count."""
        task.check()
        self.confirm_time_limits = confirm_time_limits
        self.task = task
        self.compiler = compiler or Compiler()
        self.sandbox = self.compiler.sandbox
        self.workers = workers or default_workers()
        self.limits = RunLimits(cpu_time=task.time_limit, memory=task.memory_limit)

    @property
    def flags(self) -> tuple[str, ...] | None:
        return self.task.compile_flags

    def flags_for(self, language: Language) -> tuple[str, ...] | None:
        """The package's flags are C++ flags (`cpp_config`, a row's compile_flags): C and
        Python programs get their language's contest defaults."""
        return self.flags if language == Language.CPP else None

    def _compile_helper(self, main: str, files: dict[str, bytes], what: str) -> Executable:
        """Compile a package program (checker, manager) in the language of `main`."""
        language = Language.of(main)
        sources = [SourceFile(main, files[main]), *(SourceFile(n, d) for n, d in files.items() if n != main)]
        result = self.compiler.compile(sources, language, flags=self.flags_for(language))
        if not result.ok:
            raise ValueError(f"task {self.task.code}: the {what} does not compile:\n{result.message[:2000]}")
        assert result.executable is not None
        return result.executable

    def _with_headers(self, main: str, files: dict[str, bytes]) -> dict[str, bytes]:
        """`main` with the package's headers when it is C or C++ (Python includes nothing)."""
        headers = self.task.headers() if Language.of(main) != Language.PYTHON else {}
        return {**headers, **files}

    @cached_property
    def checker(self) -> Checker:
        """The package's checker (C++, C or Python, CMS protocol), or white diff when the
        task says `diff` (even with a checker folder shipped) or ships none."""
        if not self.task.checker or self.task.output_eval == "diff":
            return WhiteDiff()
        main = self.task.checker_name()
        files = self._with_headers(main, self.task.checker)
        return ExternalChecker(self._compile_helper(main, files, "checker"), "cms", self.sandbox)

    @cached_property
    def manager(self) -> Executable:
        main = self.task.manager_name
        assert main is not None  # Task.check: a Communication task has one
        return self._compile_helper(main, self._with_headers(main, {main: self.task.graders[main]}), "manager")

    # -- one test ---------------------------------------------------------

    def _run_test(self, test: TaskTest, program: Executable | None, submission: Submission) -> TestResult:
        task = self.task
        kind = task.task_type
        if kind == TaskType.OUTPUT_ONLY:
            return check_submitted_output(test, submission.outputs.get(test.name), self.checker)
        checker = self.checker
        if kind == TaskType.BATCH_AND_OUTPUT:
            only_by_file = batch_and_output.only_by_file(task, test.name)
            checker = batch_and_output.checker_for(checker, only_by_file)
            if batch_and_output.by_file(task, test.name) and test.name in submission.outputs:
                return check_submitted_output(test, submission.outputs[test.name], checker)
            if only_by_file:
                return check_submitted_output(test, None, checker)
        if program is None:
            return TestResult(test.name, Verdict.CE, 0.0, 0.0, 0.0, 0, "no program submitted")
        if kind == TaskType.TWO_STEPS:
            return run_two_steps_test(program, test, self.limits, self.checker, self.sandbox)
        if kind == TaskType.COMMUNICATION:
            return run_communication_test(
                program, self.manager, test, num_processes=task.num_processes, user_io=task.user_io,
                manager_args=task.manager_args, limits=self.limits, sandbox=self.sandbox,
            )  # fmt: skip
        return run_batch_test(program, TestCase(test.name, test.input, test.answer), self.limits, checker,
                              self.sandbox, BatchIO(task.input_file, task.output_file))  # fmt: skip

    def _run_with_retry(self, test: TaskTest, program: Executable | None, submission: Submission) -> TestResult:
        return judge_test(lambda: self._run_test(test, program, submission), test.name, task=self.task.code,
                          confirm=self.confirm_time_limits)  # fmt: skip

    # -- a whole submission -------------------------------------------------

    def compile(self, submission: Submission) -> CompileResult | None:
        """None when there is nothing to compile: no source, or an OutputOnly task (whose
        sources CMS never compiles). Else the submission with the grader or stub of its
        language (saved as `<code>.<suffix>` beside it, as CMS does); a CE naming the
        language and the task when the task has a grader, but none in that language."""
        if submission.source is None or self.task.task_type == TaskType.OUTPUT_ONLY:
            return None
        language = Language.of(submission.source.name)
        try:
            companions = self.task.submission_companions(language)
        except MissingGrader as exc:
            return CompileResult("CE", language, str(exc), 0.0, False, "")
        name = f"{self.task.code}{language.suffix}" if companions else submission.source.name
        files = [SourceFile(name, submission.source.content), *(SourceFile(n, d) for n, d in companions.items())]
        if language == Language.PYTHON:  # the grader or stub is the program; the submission a module of it
            files = files[1:] + files[:1]
        return self.compiler.compile(files, language, flags=self.flags_for(language), std=submission.std)

    def judge(self, submission: Submission, full: bool = False) -> TaskResult:
        task = self.task
        compiled = self.compile(submission)
        result = TaskResult(task.code, task.max_score, task.score_precision, self.sandbox.info.name, compiled)
        if compiled is not None and not compiled.ok:  # CMS evaluates nothing, submitted output files included
            result.subtasks = [SubtaskResult(s.name, s.points, 0.0, compiled.status) for s in task.subtasks]
            return result
        program = compiled.executable if compiled is not None else None
        done: dict[str, TestResult] = {}
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for subtask in task.subtasks:
                self._run_subtask(pool, subtask, done, program, submission, stop_early=not full)
                tests = [done.get(name) or skipped(name) for name in subtask.tests]
                if subtask.missing_tests and not subtask.tests:  # a package defect: nothing to score it on
                    tests = [judge_error(name, "package defect: the test is missing") for name in subtask.missing_tests]
                result.subtasks.append(score_subtask(subtask, tests, task.score_type))
        return result

    def _run_subtask(self, pool, subtask: Subtask, done, program, submission, stop_early: bool) -> None:
        """Run the subtask's tests not run yet, at most `workers` at a time; once one
        settles the subtask at 0 (see judge.scoretypes) start no more of them."""
        rule = SCORE_RULES[self.task.score_type]

        def settles(result: TestResult) -> bool:
            return stop_early and rule.settles_zero(result.outcome, subtask)

        names = subtask.tests
        if any(settles(done[n]) for n in names if n in done):
            return
        queue = [name for name in names if name not in done]
        running: dict[Future, str] = {}
        stopped = False
        while queue or running:
            while queue and not stopped and len(running) < self.workers:
                name = queue.pop(0)
                running[pool.submit(self._run_with_retry, self.task.tests[name], program, submission)] = name
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                test_result = future.result()
                done[running.pop(future)] = test_result
                stopped = stopped or settles(test_result)
