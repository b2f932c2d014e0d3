"""BatchAndOutput task type (IOI 2025): a program, output files, or both.

Each test is answered by running the program (as Batch does) or by an output
file the contestant submitted: a test in an `output_only` subtask (or listed in
the `output_only_testcases` parameter) only by a file; one in an
`output_optional` subtask by the file when there is one, else by the program.

Parameters, in CMS's order: Batch's three, then output_only_testcases (test
names separated by commas).
"""

from __future__ import annotations

from judge.tasktypes.batch import PARAMETERS as BATCH_PARAMETERS
from judge.tasktypes.parameters import Text

PARAMETERS = (*BATCH_PARAMETERS, Text("output_only_testcases"))


def output_only_testcases(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())
