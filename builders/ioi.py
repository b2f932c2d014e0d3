"""The `ioi` dataset: one row per (problem, subtask), with a ready prompt.

Split `train` holds 2020-2023 and `test` holds 2024 (any year from 2024 on).
"""

from __future__ import annotations

from datasets import Features, List, Value

from builders.generation.prompts import ioi_prompt
from builders.ioi_packages import IoiPackage
from judge.loaders.rows import task_rows

TEST_FROM_YEAR = 2024

FEATURES = Features({
    "year": Value("int64"), "day": Value("string"), "name": Value("string"), "id": Value("string"),
    "subtask": Value("string"), "statement": Value("string"), "score": Value("int64"),
    "time_limit": Value("float64"), "memory_limit": Value("int64"), "score_precision": Value("int64"),
    "task_type": Value("string"), "test_names": List(Value("string")), "starting_code": Value("string"),
    "grader_files": List(List(Value("string"))), "problem": Value("string"),
})  # fmt: skip

DESCRIPTIONS = {
    "year": "IOI year", "day": "contest day", "name": "display name", "id": "task code",
    "subtask": "subtask name (`00-samples` is the 0-point samples subtask)", "statement": "English statement",
    "score": "points of this subtask", "time_limit": "seconds per test", "memory_limit": "bytes",
    "score_precision": "decimal places of displayed scores", "task_type": "Batch, Communication or OutputOnly",
    "test_names": "tests of this subtask (in ioi-test-cases)", "starting_code": "the contestant's starting code",
    "grader_files": "[name, content] pairs: graders, headers, manager, checker, grader_config.json",
    "problem": "the full prompt for a model",
}  # fmt: skip


def split_of(year: int) -> str:
    return "test" if year >= TEST_FROM_YEAR else "train"


def prompt(package: IoiPackage, subtask_name: str, points: int) -> str:
    """The model's prompt for one subtask (template: builders/generation/templates/ioi.md.j2), with the
    statement's general constraints and the subtask's own row of its subtask table."""
    return ioi_prompt(package.task, package.statement, subtask_name, points, package.starting_code,
                      package.general_constraints, package.subtask_rows.get(subtask_name))  # fmt: skip


def rows(package: IoiPackage) -> list[dict]:
    result = []
    for row in task_rows(package.task):
        points = int(round(row["score"]))
        result.append({**row, "score": points, "day": str(row["day"]), "statement": package.statement,
                       "starting_code": package.starting_code,
                       "problem": prompt(package, row["subtask"], points)})  # fmt: skip
    return result
