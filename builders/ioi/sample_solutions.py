"""The `ioi-sample-solutions` dataset: every shipped solution with its judged results.

Judging is the slow part of the build, so results are cached in a JSONL file
keyed by the task's signature and the solution's code: a rerun of a killed
build resumes, and gives byte-identical rows.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from datasets import Features, List, Value

from builders.ioi.packages import IoiPackage
from judge.compile import Compiler, Language
from judge.loaders.rows import day_label
from judge.paths import read_appended_jsonl
from judge.taskrun import Submission, TaskJudge
from judge.verify import check_solution

TEST_FEATURE = {"name": Value("string"), "verdict": Value("string"), "time": Value("float64"),
                "memory": Value("int64")}  # fmt: skip
FEATURES = Features({
    "year": Value("int64"), "day": Value("string"), "problem_id": Value("string"), "problem_name": Value("string"),
    "label": Value("string"), "language": Value("string"), "code": Value("string"), "expected": Value("string"),
    "score": Value("float64"),
    "subtask_results": List({
        "subtask": Value("string"), "points": Value("float64"), "score": Value("float64"),
        "weighted_score": Value("float64"), "status": Value("string"), "tests": List(TEST_FEATURE),
    }),
    "matches_expectation": Value("bool"),
})  # fmt: skip

DESCRIPTIONS = {
    "label": "path inside the package (verdict folder / file)", "language": "cpp, c, python or output",
    "code": "the solution",
    "expected": "the package's expectation: verdict folder or expected total", "score": "total we judged",
    "subtask_results": "per subtask: points, score in [0,1], weighted score, status, tests",
    "matches_expectation": "whether our judge agrees with the package",
}  # fmt: skip


class ResultCache:
    """Judged solutions by (task signature, code), in a JSONL file that survives killed builds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict] = {e["key"]: e["row"] for e in read_appended_jsonl(path)}

    @staticmethod
    def key(package: IoiPackage, code: str, label: str) -> str:
        signature = json.dumps(package.task.signature(), sort_keys=True)
        return hashlib.sha256(f"{signature}\0{label}\0{code}".encode()).hexdigest()

    def put(self, key: str, row: dict) -> None:
        self.entries[key] = row
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(json.dumps({"key": key, "row": row}) + "\n")


def _language(label: str) -> str:
    """cpp, c or python for a source; output for a folder of output files."""
    if "." not in Path(label).name:
        return "output"
    try:
        return str(Language.of(label))
    except ValueError:
        return "cpp"


def rows(package: IoiPackage, compiler: Compiler, cache: ResultCache, workers: int) -> list[dict]:
    task = package.task
    judge = TaskJudge(task, compiler, workers=workers)
    result_rows = []
    for solution in task.solutions:
        if not solution.source.exists():
            continue
        code = solution.source.read_text() if solution.source.is_file() else ""
        key = cache.key(package, code, solution.label)
        if key not in cache.entries:
            result = judge.judge(Submission.from_path(solution.source, list(task.tests)), full=True)
            check = check_solution(solution, result, task.score_precision)
            subtasks = [{"subtask": s.name, "points": s.points, "score": s.score, "weighted_score": s.weighted_score,
                         "status": s.status, "tests": [{"name": t.name, "verdict": str(t.verdict), "time": t.time,
                                                        "memory": t.memory} for t in s.tests]}
                        for s in result.subtasks]  # fmt: skip
            cache.put(key, {"expected": check.expected, "score": check.score, "subtask_results": subtasks,
                            "matches_expectation": check.ok})  # fmt: skip
        judged = cache.entries[key]
        result_rows.append({"year": task.year, "day": day_label(task.day), "problem_id": task.code,
                            "problem_name": task.name, "label": solution.label, "language": _language(solution.label),
                            "code": code, **judged})  # fmt: skip
    return result_rows
