"""The `ioi` dataset: one row per (problem, subtask), with a ready prompt.

Splits (shared with `ioi-sample-solutions`): `train` holds 2023 and before,
`test` holds 2024 (where the anchor, Open R1's `ioi`, and its users evaluate),
and every later year has a split of its own named by the year (`2025`, `2026`):
held out of `train`, so that the tasks newer than most models' training data stay
an uncontaminated benchmark, and never mixed into `test`, whose numbers must stay
comparable from one release to the next.
"""

from __future__ import annotations

from datasets import Features, List, Value

from builders.generation.prompts import ioi_prompt
from builders.ioi.packages import IoiPackage
from judge.loaders.rows import task_rows

TRAIN_UNTIL_YEAR = 2023
TEST_YEAR = 2024
SPLIT_REASONS = {
    "train": "for training",
    "test": "the anchor's (Open R1's `ioi`) benchmark, where its users expect it: unchanged",
    "year": "held out of `train`: newer than most models' training data, so an uncontaminated benchmark; a split "
    "of its own keeps `test` comparable across releases",
}

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
    """`train` up to 2023, `test` for 2024, the year itself (`"2025"`) after."""
    if year <= TRAIN_UNTIL_YEAR:
        return "train"
    return "test" if year == TEST_YEAR else str(year)


def split_summary(years: list[int]) -> list[dict]:
    """For the cards: each split with its years and why it holds them, `train` and `test` first."""
    by_split: dict[str, list[int]] = {}
    for year in sorted(set(years)):
        by_split.setdefault(split_of(year), []).append(year)
    order = sorted(by_split, key=lambda s: (s not in ("train", "test"), s != "train", s))
    return [{"split": s, "years": ", ".join(map(str, by_split[s])),
             "why": SPLIT_REASONS.get(s, SPLIT_REASONS["year"])} for s in order]  # fmt: skip


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
