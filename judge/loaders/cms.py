"""Load a CMS export (IOI 2024/2025 archives): a folder or a zip of one.

`problem.json` (memory in bytes; `task_type_params` a JSON string holding an
object keyed by parameter in protocol 1, a positional list in protocol 2: see
judge.tasktypes.parameters),
`subtasks/NN-name.json`, `tests/`, `graders/`, `checker/`, `solutions/<verdict>/`.

`score_type` in problem.json names CMS's score type (GroupMin when absent, as
every IOI export so far); a subtask's `score` is its maximum under every type
(Sum spreads it evenly over the subtask's tests) and GroupThreshold subtasks
carry their `threshold`.
"""

from __future__ import annotations

import json
import shlex
import zipfile
from pathlib import Path

from judge.compile.languages import SOURCE_SUFFIXES
from judge.loaders.common import PackageError, make_workspace, require_checker_source, source_files, year_and_day
from judge.names import check_name, inside, is_safe_name, safe_extract
from judge.task import ReferenceSolution, ScoreType, Subtask, Task, TaskTest, TaskType
from judge.tasktypes import PARAMETERS
from judge.tasktypes.batch_and_output import output_only_testcases
from judge.tasktypes.parameters import decode


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


def load_cms(path: str | Path) -> Task:
    """A CMS export folder, or a zip of one (unpacked entry by entry, every entry checked)."""
    path = Path(path)
    workspace = make_workspace(path.stem if is_safe_name(path.stem) else "zip") if path.is_file() else None
    try:
        return _load_cms(path, workspace)
    except BaseException:
        if workspace is not None:
            workspace.cleanup()
        raise


def _load_cms(path: Path, workspace) -> Task:
    root = path
    if workspace is not None:
        folder = Path(workspace.name) / "package"
        safe_extract(path, folder, str(path))
        found = sorted(folder.rglob("problem.json"), key=lambda p: len(p.parts))
        if not found:
            raise PackageError(f"{path}: no problem.json inside the zip")
        root = found[0].parent
    meta_file = inside(root, root / "problem.json", str(root), "file", "problem.json")
    meta = _read_json(meta_file)
    if not isinstance(meta, dict):
        raise PackageError(f"{meta_file}: expected a JSON object")
    for key in ("code", "name", "time_limit", "memory_limit"):
        if key not in meta:
            raise PackageError(f"{meta_file}: missing key {key!r}")
    check_name(meta["code"], str(meta_file), "code")
    try:
        task_type = TaskType(meta.get("task_type", "Batch"))
    except ValueError:
        raise PackageError(f"{meta_file}: unknown task_type {meta.get('task_type')!r}") from None
    protocol = meta.get("protocol_version", 1)
    if type(protocol) is not int or protocol not in (1, 2):
        raise PackageError(f"{meta_file}: protocol_version must be 1 or 2, not {protocol!r}")
    params = decode(str(task_type), PARAMETERS[task_type], meta.get("task_type_params"), protocol, str(meta_file))
    try:
        score_type = ScoreType(meta.get("score_type", "GroupMin"))
    except ValueError:
        raise PackageError(f"{meta_file}: unknown score_type {meta.get('score_type')!r} "
                           f"(one of {[str(t) for t in ScoreType]})") from None  # fmt: skip
    year, day = year_and_day(path)
    input_file, output_file = params.get("io", ("", ""))
    task = Task(
        code=meta["code"], name=meta["name"], time_limit=float(meta["time_limit"]),
        memory_limit=int(meta["memory_limit"]), task_type=task_type,
        score_precision=int(meta.get("score_precision", 2)), score_type=score_type,
        year=year, day=day, num_processes=params.get("num_processes", 1),
        user_io=params.get("user_io", "std_io"), manager_args=shlex.split(params.get("manager_args", "")),
        compilation=params.get("compilation"), input_file=input_file, output_file=output_file,
        output_eval=params.get("output_eval"),
        output_only_tests=output_only_testcases(params.get("output_only_testcases", "")),
        source=path, workspace=workspace,
    )  # fmt: skip
    task.graders = source_files(root / "graders", root)
    task.checker = source_files(root / "checker", root)
    require_checker_source(root / "checker", task.checker, task.output_eval)
    _load_tests(task, root)
    _load_subtasks(task, root)
    _load_solutions(task, root)
    task.note_defects()
    task.check()
    return task


def _load_tests(task: Task, root: Path) -> None:
    tests_dir = root / "tests"
    if not tests_dir.is_dir():
        raise PackageError(f"{root}: no tests/ folder")
    for input_file in sorted(tests_dir.glob("*.in")):
        name = check_name(input_file.stem, str(tests_dir), "test name")
        inside(root, input_file, str(root), "test input", f"tests/{input_file.name}")
        answer = inside(root, input_file.with_suffix(".out"), str(root), "test answer", f"tests/{name}.out")
        if not answer.exists():
            raise PackageError(f"{input_file}: no matching {answer.name}")
        task.tests[name] = TaskTest(name, input_file, answer)
    if not task.tests:
        raise PackageError(f"{tests_dir}: no .in files")


def _load_subtasks(task: Task, root: Path) -> None:
    files = sorted((root / "subtasks").glob("*.json"))
    if not files:
        raise PackageError(f"{root}: no subtasks/*.json")
    for file in files:
        data = _read_json(inside(root, file, str(root), "subtask file", f"subtasks/{file.name}"))
        if not isinstance(data, dict) or "score" not in data or "testcases" not in data:
            raise PackageError(f"{file}: needs 'score' and 'testcases'")
        if not isinstance(data["testcases"], list):
            raise PackageError(f"{file}: 'testcases' must be a list of test names")
        tests = [check_name(str(t) if type(t) is int else t, str(file), "test name") for t in data["testcases"]]
        threshold = data.get("threshold") if task.score_type == ScoreType.GROUP_THRESHOLD else None
        if task.score_type == ScoreType.GROUP_THRESHOLD and (type(threshold) not in (int, float) or threshold <= 0):
            raise PackageError(f"{file}: a GroupThreshold subtask needs a positive 'threshold', not {threshold!r}")
        task.subtasks.append(Subtask(
            name=check_name(file.stem, str(file), "subtask name"), points=float(data["score"]), tests=tests,
            output_only=bool(data.get("output_only", False)), output_optional=bool(data.get("output_optional", False)),
            threshold=None if threshold is None else float(threshold),
        ))  # fmt: skip


def _load_solutions(task: Task, root: Path) -> None:
    """Every folder of solutions/ is a verdict folder (`time_limit_and_runtime_error/`
    too): its name says what the package expects, judge.verify reads it. C, C++ and
    Python solutions alike."""
    solutions = root / "solutions"
    if not solutions.is_dir():
        return
    for folder in sorted(p for p in solutions.iterdir() if p.is_dir() and is_safe_name(p.name)):
        for source in sorted(p for p in folder.iterdir() if p.suffix in SOURCE_SUFFIXES and p.is_file()):
            inside(root, source, str(root), "solution", f"solutions/{folder.name}/{source.name}")
            task.solutions.append(ReferenceSolution(f"{folder.name}/{source.name}", source, folder.name))
