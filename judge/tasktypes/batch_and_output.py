"""BatchAndOutput task type (IOI 2025): a program, output files, or both.

Each test is answered by running the program (as Batch does) or by an output
file the contestant submitted: a test in an `output_only` subtask (or listed in
the `output_only_testcases` parameter) only by a file; one in an
`output_optional` subtask by the file when there is one, else by the program.

As in CMS, a source that does not compile makes the whole submission a
compilation failure: nothing is evaluated, its output files neither (the
judge's runner sees to that). A comparator gets a 4th argument after input,
answer and output: `outputonly` for an output-only test, `batch` for any other,
whether its output came from the program or from a submitted file (CMS decides
by the test, not by where its output came from).

Parameters, in CMS's order: Batch's three, then output_only_testcases (test
names separated by commas).
"""

from __future__ import annotations

from judge.checkers import Checker, ExternalChecker
from judge.task import Task
from judge.tasktypes.batch import PARAMETERS as BATCH_PARAMETERS
from judge.tasktypes.parameters import Text

PARAMETERS = (*BATCH_PARAMETERS, Text("output_only_testcases"))


def output_only_testcases(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


def only_by_file(task: Task, name: str) -> bool:
    """Only a submitted file answers this test: it is listed in output_only_testcases, or
    every subtask holding it is output_only."""
    containing = [s for s in task.subtasks if name in s.tests]
    return name in task.output_only_tests or bool(containing) and all(s.output_only for s in containing)


def by_file(task: Task, name: str) -> bool:
    """A submitted file may answer this test (output-only, or in an output_optional subtask)."""
    return only_by_file(task, name) or any(s.output_optional for s in task.subtasks if name in s.tests)


def checker_for(checker: Checker, output_only: bool) -> Checker:
    """The package's checker with CMS's 4th argument; white diff needs none."""
    if isinstance(checker, ExternalChecker):
        return checker.with_extra_args("outputonly" if output_only else "batch")
    return checker
