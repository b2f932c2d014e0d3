"""The `ioi-test-cases` dataset: one config per year, one row per test."""

from __future__ import annotations

from datasets import Features, Value

from builders.ioi.packages import IoiPackage
from judge.loaders.rows import case_rows

FEATURES = Features({
    "year": Value("int64"), "day": Value("string"), "problem_name": Value("string"), "problem_id": Value("string"),
    "test_name": Value("string"), "test_input": Value("string"), "test_output": Value("string"),
})  # fmt: skip

DESCRIPTIONS = {"year": "IOI year", "day": "contest day", "problem_name": "display name",
                "problem_id": "task code (`id` in ioi)", "test_name": "test name (in `test_names` of ioi)",
                "test_input": "input file", "test_output": "expected output file"}  # fmt: skip


def rows(package: IoiPackage):
    """Rows streamed one test at a time: tests can be tens of MB each."""
    for row in case_rows(package.task):
        yield {**row, "day": str(row["day"])}
