"""Load a CMS export (IOI 2024/2025 archives): a folder or a zip of one.

`problem.json` (memory in bytes, `task_type_params` as a JSON string),
`subtasks/NN-name.json`, `tests/`, `graders/`, `checker/`, `solutions/<verdict>/`.
"""

from __future__ import annotations

import json
import shlex
import zipfile
from pathlib import Path

from judge.loaders.common import PackageError, make_workspace, source_files, year_and_day
from judge.task import ReferenceSolution, ScoreType, Subtask, Task, TaskTest, TaskType

VERDICT_FOLDERS = ("model_solution", "correct", "incorrect", "partially_correct", "time_limit", "memory_limit",
                   "runtime_error", "protocol_violation", "failed")  # fmt: skip


def is_cms_package(path: Path) -> bool:
    if path.is_dir():
        return (path / "problem.json").exists()
    return path.suffix == ".zip" and zipfile.is_zipfile(path)


def _read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise PackageError(f"{path}: missing") from None
    except json.JSONDecodeError as exc:
        raise PackageError(f"{path}: not valid JSON: {exc}") from None


def _type_params(raw, where: str) -> dict:
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise PackageError(f"{where}: task_type_params is not a JSON string: {exc}") from None
    if not isinstance(raw, dict):
        raise PackageError(f"{where}: task_type_params must be an object")
    return raw


def load_cms(path: str | Path) -> Task:
    path = Path(path)
    root = path
    workspace = None
    if path.is_file():
        workspace = make_workspace(path.stem)
        folder = Path(workspace.name) / "package"
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder)
        found = sorted(folder.rglob("problem.json"), key=lambda p: len(p.parts))
        if not found:
            raise PackageError(f"{path}: no problem.json inside the zip")
        root = found[0].parent
    meta_file = root / "problem.json"
    meta = _read_json(meta_file)
    for key in ("code", "name", "time_limit", "memory_limit"):
        if key not in meta:
            raise PackageError(f"{meta_file}: missing key {key!r}")
    try:
        task_type = TaskType(meta.get("task_type", "Batch"))
    except ValueError:
        raise PackageError(f"{meta_file}: unknown task_type {meta.get('task_type')!r}") from None
    params = _type_params(meta.get("task_type_params"), str(meta_file))
    prefix = f"task_type_parameters_{task_type}_"
    params = {k.removeprefix(prefix): v for k, v in params.items()}
    year, day = year_and_day(path)
    task = Task(
        code=meta["code"], name=meta["name"], time_limit=float(meta["time_limit"]),
        memory_limit=int(meta["memory_limit"]), task_type=task_type,
        score_precision=int(meta.get("score_precision", 2)), score_type=ScoreType.GROUP_MIN,
        year=year, day=day, num_processes=int(params.get("num_processes", 1)),
        user_io=params.get("user_io", "std_io"), manager_args=shlex.split(str(params.get("manager_args") or "")),
        source=path, workspace=workspace,
    )  # fmt: skip
    task.graders = source_files(root / "graders")
    task.checker = source_files(root / "checker")
    _load_tests(task, root)
    _load_subtasks(task, root)
    _load_solutions(task, root)
    task.check()
    return task


def _load_tests(task: Task, root: Path) -> None:
    tests_dir = root / "tests"
    if not tests_dir.is_dir():
        raise PackageError(f"{root}: no tests/ folder")
    for input_file in sorted(tests_dir.glob("*.in")):
        answer = input_file.with_suffix(".out")
        if not answer.exists():
            raise PackageError(f"{input_file}: no matching {answer.name}")
        task.tests[input_file.stem] = TaskTest(input_file.stem, input_file, answer)
    if not task.tests:
        raise PackageError(f"{tests_dir}: no .in files")


def _load_subtasks(task: Task, root: Path) -> None:
    files = sorted((root / "subtasks").glob("*.json"))
    if not files:
        raise PackageError(f"{root}: no subtasks/*.json")
    for file in files:
        data = _read_json(file)
        if "score" not in data or "testcases" not in data:
            raise PackageError(f"{file}: needs 'score' and 'testcases'")
        task.subtasks.append(Subtask(
            name=file.stem, points=float(data["score"]), tests=[str(t) for t in data["testcases"]],
            output_only=bool(data.get("output_only", False)), output_optional=bool(data.get("output_optional", False)),
        ))  # fmt: skip


def _load_solutions(task: Task, root: Path) -> None:
    for folder in VERDICT_FOLDERS:
        for source in sorted((root / "solutions" / folder).glob("*.cpp")):
            task.solutions.append(ReferenceSolution(f"{folder}/{source.name}", source, expected_verdict=folder))
