"""The layout-free task model every loader produces and every runner consumes.

A `Task` holds what judging needs: limits, the task type and its parameters,
grader/manager/checker files as bytes, tests as files on disk, and subtasks.
Loaders (CMS export, task.yaml, dataset rows) only fill it in.
"""

from __future__ import annotations

import enum
import hashlib
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_PROCESSES = 64  # Communication users per test (IOI 2026 has a 64-process task)
# The languages by name (judge.compile.languages.Language's values; the task model imports nothing above it)
LANGUAGE_SUFFIXES = {"cpp": ".cpp", "c": ".c", "python": ".py"}
LANGUAGE_TITLES = {"cpp": "C++", "c": "C", "python": "Python"}
PROGRAM_SUFFIXES = (".cpp", ".cc", ".c", ".py")  # a manager or checker in C++, C or Python, first found wins


class PackageError(ValueError):
    """A task package (or task) is missing something or has something wrong: names the file."""


class MissingGrader(PackageError):
    """The task compiles submissions with a grader or stub, but has none in the submission's
    language: the submission cannot be judged (a CE, as CMS would not accept it)."""


class TaskType(enum.StrEnum):
    BATCH = "Batch"
    COMMUNICATION = "Communication"
    OUTPUT_ONLY = "OutputOnly"
    BATCH_AND_OUTPUT = "BatchAndOutput"
    TWO_STEPS = "TwoSteps"


class ScoreType(enum.StrEnum):
    """CMS's score types (judge.scoretypes says how each turns outcomes into a score)."""

    GROUP_MIN = "GroupMin"  # subtask score = min outcome x points (IOI)
    GROUP_MUL = "GroupMul"  # subtask score = product of outcomes x points
    GROUP_THRESHOLD = "GroupThreshold"  # points iff every outcome is in (0, threshold], else 0
    SUM = "Sum"  # every test worth an equal share of its subtask's points: mean outcome x points


@dataclass
class Subtask:
    name: str  # e.g. "00-samples", "01-len64"
    points: float
    tests: list[str]
    output_only: bool = False  # BatchAndOutput: answered by a submitted output file only
    output_optional: bool = False  # BatchAndOutput: a submitted output file or running the code
    threshold: float | None = None  # GroupThreshold: the largest outcome that still counts as passing
    missing_tests: list[str] = field(default_factory=list)  # named by the package, absent from it (a defect)


@dataclass(frozen=True)
class TaskTest:
    name: str
    input: Path
    answer: Path


@dataclass
class ReferenceSolution:
    """A solution the package ships, with what the package expects of it."""

    label: str  # path inside the package, e.g. "model_solution/a.cpp" or "solution/x.cpp"
    source: Path
    expected_verdict: str | None = None  # CMS verdict folder: model_solution, correct, time_limit, ...
    expected_score: float | None = None  # task.yaml test_submissions: expected total


@dataclass
class Task:
    code: str
    name: str
    time_limit: float  # seconds
    memory_limit: int  # bytes
    task_type: TaskType = TaskType.BATCH
    score_precision: int = 2
    score_type: ScoreType = ScoreType.GROUP_MIN
    year: int | None = None
    day: str | None = None
    num_processes: int = 1
    user_io: str = "std_io"  # Communication: std_io | fifo_io
    manager_args: list[str] = field(default_factory=list)
    # CMS task-type parameters (judge.tasktypes declares them); None: inferred from the files shipped
    compilation: str | None = None  # alone | grader (Batch, BatchAndOutput) | stub (Communication)
    input_file: str = ""  # Batch io: the file the program reads its input from; "": stdin
    output_file: str = ""  # Batch io: the file the program writes; "": stdout
    output_eval: str | None = None  # diff | comparator (the package's checker)
    output_only_tests: tuple[str, ...] = ()  # BatchAndOutput: answered by a submitted file only
    graders: dict[str, bytes] = field(default_factory=dict)  # grader.cpp/stub.cpp/manager.cpp/headers
    checker: dict[str, bytes] = field(default_factory=dict)  # checker.cpp and its headers (CMS protocol)
    compile_flags: tuple[str, ...] | None = None  # None: the judge's contest defaults
    tests: dict[str, TaskTest] = field(default_factory=dict)
    subtasks: list[Subtask] = field(default_factory=list)
    solutions: list[ReferenceSolution] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)  # what is wrong with the package itself, by test name
    defective_tests: set[str] = field(default_factory=set)  # tests whose verdicts say nothing of a solution
    source: Path | None = None  # where it was loaded from
    workspace: tempfile.TemporaryDirectory | None = field(default=None, repr=False, compare=False)

    @property
    def max_score(self) -> float:
        return sum(s.points for s in self.subtasks)

    @property
    def manager_name(self) -> str | None:
        """The manager's source among the graders (manager.cpp, manager.c or manager.py)."""
        return next((f"manager{suffix}" for suffix in PROGRAM_SUFFIXES if f"manager{suffix}" in self.graders), None)

    @property
    def manager(self) -> bytes | None:
        name = self.manager_name
        return None if name is None else self.graders[name]

    def headers(self) -> dict[str, bytes]:
        return {name: data for name, data in self.graders.items() if name.endswith(".h")}

    def uses_grader(self) -> bool:
        """Whether submissions compile with a grader or stub: the task says so, or (legacy
        packages, no `compilation`) ships one in some language."""
        if self.compilation is not None:
            return self.compilation in ("grader", "stub")
        return any(self._grader_name(language) for language in LANGUAGE_SUFFIXES)

    def _grader_name(self, language: str) -> str | None:
        suffix = LANGUAGE_SUFFIXES[language]
        roles = {TaskType.COMMUNICATION: ("stub", "grader"), TaskType.TWO_STEPS: ("manager",)}.get(
            self.task_type, ("grader",)
        )  # TwoSteps (as CMS) compiles the manager with the submission
        return next((f"{role}{suffix}" for role in roles if f"{role}{suffix}" in self.graders), None)

    def submission_companions(self, language: str = "cpp") -> dict[str, bytes]:
        """Files compiled with a contestant's source in `language` (c, cpp, python), as
        CMS picks them: the grader or stub of that language (grader.c, stub.cpp,
        grader.py, ...), plus the headers for C and C++; nothing when the task compiles
        submissions alone. MissingGrader when the task has a grader, but none in `language`."""
        if not self.uses_grader():
            return {}
        name = self._grader_name(language)
        if name is None:
            shipped = sorted(n for n in self.graders if n.startswith(("grader.", "stub.")))
            title = LANGUAGE_TITLES.get(language, language)
            raise MissingGrader(f"task {self.code} has no {title} grader (graders/ ships {shipped or 'none'}): "
                                f"a {title} submission cannot be judged on it")  # fmt: skip
        companions = self.headers() if language in ("c", "cpp") else {}
        companions[name] = self.graders[name]
        return companions

    def checker_name(self) -> str:
        """The checker's main source: checker.cpp, checker.c or checker.py, else the first
        C++, C or Python source there; PackageError naming the folder when there is none."""
        named = [f"checker{suffix}" for suffix in PROGRAM_SUFFIXES if f"checker{suffix}" in self.checker]
        others = [name for suffix in PROGRAM_SUFFIXES for name in sorted(self.checker) if name.endswith(suffix)]
        if named or others:
            return (named or others)[0]
        raise PackageError(f"task {self.code} ({self.source}): checker/ holds no checker source (checker.cpp, "
                           f"checker.c or checker.py), only {sorted(self.checker)}")  # fmt: skip

    def note_defects(self) -> None:
        """Record what shipped packages get wrong (IOI archives drop tests, truncate inputs)
        instead of refusing them: a subtask's absent tests are set aside (a subtask left
        with none is the judge's failure, JE), a 0-byte input is judged but marked, so
        `judge verify` reports both by test name rather than blaming a solution."""
        for subtask in self.subtasks:
            missing = [t for t in subtask.tests if t not in self.tests]
            if missing:
                subtask.missing_tests = missing
                subtask.tests = [t for t in subtask.tests if t in self.tests]
                left = f"scored on the {len(subtask.tests)} left" if subtask.tests else "it cannot be scored (JE)"
                self.defects.append(f"subtask {subtask.name} names tests the package lacks: {missing}; {left}")
        for name, test in sorted(self.tests.items()):
            if test.input.stat().st_size == 0:
                self.defective_tests.add(name)
                self.defects.append(f"test {name}: empty input (0 bytes)")

    def check(self) -> None:
        """Raise ValueError naming what is inconsistent (a test a subtask lacks, ...)."""
        from judge.names import check_name, is_safe_name, show  # lazy: judge.names builds on this module

        where = f"task {self.code if is_safe_name(self.code) else show(self.code)} ({self.source})"
        check_name(self.code, where, "code")  # it names the submission's file and the task's workspace
        for kind, names in (("test", self.tests), ("grader file", self.graders), ("checker file", self.checker)):
            for name in names:
                check_name(name, where, f"{kind} name")
        if self.time_limit <= 0 or self.memory_limit <= 0:
            raise PackageError(f"{where}: time and memory limits must be positive")
        if not self.subtasks:
            raise PackageError(f"{where}: no subtasks")
        for subtask in self.subtasks:
            missing = [t for t in subtask.tests if t not in self.tests]
            if missing:
                raise PackageError(f"{where}: subtask {subtask.name} names missing tests {missing[:5]}")
        if self.task_type in (TaskType.COMMUNICATION, TaskType.TWO_STEPS) and self.manager is None:
            raise PackageError(f"{where}: {self.task_type} task without graders/manager.cpp (or manager.c, manager.py)")
        if not 1 <= self.num_processes <= MAX_PROCESSES:  # each user is a sandbox with the task's limits
            raise PackageError(
                f"{where}: num_processes must be between 1 and {MAX_PROCESSES}, not {self.num_processes}"
            )
        self._check_type_parameters(where)
        self._check_score_type(where)
        if self.compile_flags is not None:
            from judge.compile.flags import check_flags  # lazy, as above

            check_flags(self.compile_flags, f"{where}: compile flags")

    def _check_type_parameters(self, where: str) -> None:
        from judge.names import check_name  # lazy, as above
        from judge.tasktypes import choices  # lazy: the task types build on this module

        allowed = choices(self.task_type, "compilation")  # as the task type declares its parameter
        if self.compilation is not None and self.compilation not in allowed:
            raise PackageError(f"{where}: compilation {self.compilation!r} is not one of {list(allowed)}")
        if self.compilation in ("grader", "stub") and not any(map(self._grader_name, LANGUAGE_SUFFIXES)):
            raise PackageError(f"{where}: compilation {self.compilation!r} but graders/ has no grader or stub")
        for name, what in ((self.input_file, "input file"), (self.output_file, "output file")):
            if name:
                check_name(name, where, what)
        if self.input_file and self.input_file == self.output_file:
            raise PackageError(f"{where}: input and output are the same file {self.input_file!r}")
        if self.output_eval not in (None, "diff", "comparator"):
            raise PackageError(f"{where}: output_eval must be diff or comparator, not {self.output_eval!r}")
        if self.output_eval == "comparator" and not self.checker:
            raise PackageError(f"{where}: output_eval is comparator but the package has no checker")
        if self.checker and self.output_eval != "diff":
            self.checker_name()
        missing = [t for t in self.output_only_tests if t not in self.tests]
        if missing:
            raise PackageError(f"{where}: output_only_testcases names missing tests {missing[:5]}")

    def _check_score_type(self, where: str) -> None:
        for subtask in self.subtasks:
            threshold = subtask.threshold
            if self.score_type != ScoreType.GROUP_THRESHOLD:
                if threshold is not None:
                    raise PackageError(f"{where}: subtask {subtask.name} has a threshold but scores {self.score_type}")
            elif type(threshold) not in (int, float) or not 0 < threshold < math.inf:
                raise PackageError(f"{where}: GroupThreshold subtask {subtask.name} needs a positive threshold, "
                                   f"not {threshold!r}")  # fmt: skip

    def signature(self) -> dict:
        """Everything that decides how a submission is judged, tests by content hash:
        two tasks with equal signatures judge every submission identically."""

        def digest(path: Path) -> str:
            return hashlib.sha256(path.read_bytes()).hexdigest()

        return {
            "code": self.code,
            "name": self.name,
            "time_limit": self.time_limit,
            "memory_limit": self.memory_limit,
            "task_type": str(self.task_type),
            "score_precision": self.score_precision,
            "score_type": str(self.score_type),
            "num_processes": self.num_processes,
            "user_io": self.user_io,
            "manager_args": list(self.manager_args),
            "compilation": self.compilation,
            "io": [self.input_file, self.output_file],
            "output_eval": self.output_eval,
            "output_only_tests": list(self.output_only_tests),
            "graders": {k: hashlib.sha256(v).hexdigest() for k, v in sorted(self.graders.items())},
            "checker": {k: hashlib.sha256(v).hexdigest() for k, v in sorted(self.checker.items())},
            "compile_flags": list(self.compile_flags) if self.compile_flags else None,
            "tests": {n: (digest(t.input), digest(t.answer)) for n, t in sorted(self.tests.items())},
            "subtasks": [_subtask_signature(s) for s in self.subtasks],
        }


def _subtask_signature(subtask: Subtask) -> tuple:
    """The threshold only where there is one: signatures of other tasks (result cache keys) stay as they were."""
    fields = (subtask.name, subtask.points, list(subtask.tests), subtask.output_only, subtask.output_optional)
    return fields if subtask.threshold is None else (*fields, subtask.threshold)
