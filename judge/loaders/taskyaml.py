"""Load a `task.yaml` package (IOI 2019-2023 community mirror layout).

Real files `extends:` a base file, use custom tags (`!zip`, `!cppcompile`)
and contain a duplicated mapping key (two `output:` globs in one test group):
all three are accepted here. Tests are gzip-compressed and selected by globs.
"""

from __future__ import annotations

import glob as globlib
import re
from pathlib import Path

import yaml

from judge.compile.flags import check_flags
from judge.loaders.common import (
    PackageError,
    make_workspace,
    materialize,
    parse_bytes,
    parse_seconds,
    source_files,
    year_and_day,
)
from judge.names import UnsafeName, check_name, check_relative, inside, join_under, show
from judge.task import PROGRAM_SUFFIXES, ReferenceSolution, ScoreType, Subtask, Task, TaskTest, TaskType

# score_options.type -> CMS score type. SUM gives every test of a subtask the subtask's
# `points` (as the format's own tools score it: IOI 2019 `line`, 10 tests of `points: 10`,
# is worth 100). GROUP_THRESHOLD is left out: the format has no place for thresholds.
SCORE_TYPES = {"GROUP_MIN": ScoreType.GROUP_MIN, "GROUP_MUL": ScoreType.GROUP_MUL, "SUM": ScoreType.SUM}


class Repeated(list):
    """Values of a key that appeared more than once in one mapping."""


class PackageYamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps unknown tags as plain values and repeated keys as `Repeated`."""


def _construct_mapping(loader: PackageYamlLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        value = loader.construct_object(value_node, deep=True)
        if key in mapping:
            previous = mapping[key]
            mapping[key] = (
                Repeated([*previous, value]) if isinstance(previous, Repeated) else Repeated([previous, value])
            )
        else:
            mapping[key] = value
    return mapping


def _construct_unknown(loader: PackageYamlLoader, tag_suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return _construct_mapping(loader, node)


PackageYamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
PackageYamlLoader.add_multi_constructor("!", _construct_unknown)


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(), Loader=PackageYamlLoader)  # noqa: S506 - SafeLoader subclass
    except FileNotFoundError:
        raise PackageError(f"{path}: missing") from None
    except yaml.YAMLError as exc:
        raise PackageError(f"{path}: unreadable YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PackageError(f"{path}: expected a mapping at the top level")
    return data


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_task_yaml(path: Path, seen: tuple[Path, ...] = (), boundary: Path | None = None) -> dict:
    """The task.yaml with its `extends:` chain merged in (base first). A base must be a
    .yaml file inside the package's parent folder (`boundary`): the mirror's
    `../base-batch.yaml`, never a file elsewhere."""
    path = Path(path)
    boundary = boundary or path.parent.resolve().parent
    path = path.resolve()
    if path in seen:
        raise PackageError(f"{path}: `extends` loops back to itself")
    data = read_yaml(path)
    parent = data.pop("extends", None)
    if parent:
        where = str(path)
        check_relative(parent, where, "extends", allow_parent=True)
        if not parent.endswith(".yaml"):
            raise UnsafeName(f"{where}: extends {show(parent)} is not a .yaml file")
        base = inside(boundary, path.parent / parent, where, "extends", parent)
        data = _merge(read_task_yaml(base, (*seen, path), boundary), data)
    return data


def is_task_yaml_package(path: Path) -> bool:
    return (path.is_dir() and (path / "task.yaml").exists()) or path.name.endswith("task.yaml")


def _globs(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _test_name(file: Path) -> str:
    return re.sub(r"\.(in|out|ans)(\.gz)?$", "", file.name)


def _package_file(root: Path, value: str, where: str, field: str) -> Path:
    """A file the task.yaml names: a relative path of safe names that resolves (symlinks
    followed) inside the package folder."""
    return join_under(root, value, where, field)


def _glob(root: Path, pattern: str, where: str) -> list[Path]:
    """Files matching a test glob, relative to the package: the pattern is a relative path
    of safe names, and every match must resolve inside the package."""
    check_relative(pattern, where, "test glob")
    matches = sorted(globlib.glob(pattern, root_dir=root))
    return [inside(root, root / match, where, "test glob match", match) for match in matches]


def load_task_yaml(path: str | Path) -> Task:
    path = Path(path)
    yaml_file = path / "task.yaml" if path.is_dir() else path
    root = yaml_file.parent
    data = read_task_yaml(yaml_file)
    where = str(yaml_file)
    for key in ("name", "time_limit", "memory_limit", "subtasks"):
        if key not in data:
            raise PackageError(f"{where}: missing key {key!r}")
    code = check_name(str(data["name"]).lower(), where, "name")
    workspace = make_workspace(code)
    try:
        return _load(path, root, data, where, code, workspace)
    except BaseException:
        workspace.cleanup()
        raise


def _load(path: Path, root: Path, data: dict, where: str, code: str, workspace) -> Task:
    options = data.get("score_options") or {}
    score_type = SCORE_TYPES.get(str(options.get("type", "GROUP_MIN")))
    if score_type is None:
        raise PackageError(
            f"{where}: unsupported score_options.type {options.get('type')!r} (one of {list(SCORE_TYPES)})"
        )
    year, day = year_and_day(root)
    task = Task(
        code=code, name=str(data.get("long_name") or data["name"]),
        time_limit=parse_seconds(data["time_limit"], where), memory_limit=parse_bytes(data["memory_limit"], where),
        score_precision=int(options.get("decimal_places", 2)), score_type=score_type, year=year, day=day,
        source=path, workspace=workspace,
    )  # fmt: skip
    _task_type(task, data.get("task_type", "BATCH"), root, where)
    flags = (data.get("cpp_config") or {}).get("gcc_args")
    if flags:
        task.compile_flags = check_flags(str(flags).split(), f"{where}: cpp_config.gcc_args")
    for grader in _globs(data.get("grader")):
        file = _package_file(root, grader, where, "grader")
        if file.suffix in (".cpp", ".c", ".py", ".h", ".hpp"):  # not grader.java
            if not file.exists():
                raise PackageError(f"{where}: grader file {grader} does not exist")
            task.graders[file.name] = file.read_bytes()
    if data.get("checker"):
        checker = _package_file(root, str(data["checker"]), where, "checker")
        if not checker.exists():
            raise PackageError(f"{where}: checker {checker} does not exist")
        main = _program_name("checker", checker, where)
        task.checker = {**source_files(checker.parent, root), main: checker.read_bytes()}
        if checker.name != main:
            task.checker.pop(checker.name, None)
    _subtasks(task, data["subtasks"], root, Path(workspace.name), where)
    for label, expected in (data.get("test_submissions") or {}).items():
        source = _package_file(root, str(label), where, "test_submissions label")
        task.solutions.append(ReferenceSolution(str(label), source, expected_score=float(expected)))
    task.note_defects()
    task.check()
    return task


def _task_type(task: Task, raw, root: Path, where: str) -> None:
    spec = raw if isinstance(raw, dict) else {"type": raw}
    kind = str(spec.get("type", "BATCH")).upper()
    kinds = {"BATCH": TaskType.BATCH, "OUTPUT_ONLY": TaskType.OUTPUT_ONLY, "COMMUNICATION": TaskType.COMMUNICATION,
             "BATCH_AND_OUTPUT": TaskType.BATCH_AND_OUTPUT}  # fmt: skip
    if kind not in kinds:
        raise PackageError(f"{where}: unknown task_type {kind!r}")
    task.task_type = kinds[kind]
    if task.task_type == TaskType.COMMUNICATION:
        task.num_processes = int(spec.get("num_processes", 1))
        task.user_io = str(spec.get("user_io", "std_io"))
        manager = spec.get("manager")
        file = _package_file(root, str(manager), where, "manager") if manager else None
        if file is None or not file.exists():
            raise PackageError(f"{where}: Communication task needs an existing manager (got {manager!r})")
        task.graders[_program_name("manager", file, where)] = file.read_bytes()


def _program_name(role: str, file: Path, where: str) -> str:
    """The name the judge knows a package program by: `checker.cpp`, `manager.py`, ..."""
    if file.suffix not in PROGRAM_SUFFIXES:
        raise PackageError(f"{where}: the {role} {file.name} is not C++, C or Python ({', '.join(PROGRAM_SUFFIXES)})")
    return f"{role}{file.suffix}"


def _subtasks(task: Task, raw: list, root: Path, workspace: Path, where: str) -> None:
    if not isinstance(raw, list) or not raw:
        raise PackageError(f"{where}: subtasks must be a non-empty list")
    width = len(str(len(raw)))
    for index, spec in enumerate(raw):
        names: list[str] = []
        for group in spec.get("testcases") or []:
            inputs = [f for g in _globs(group.get("input")) for f in _glob(root, g, where)]
            outputs = {_test_name(f): f for g in _globs(group.get("output")) for f in _glob(root, g, where)}
            if not inputs:
                raise PackageError(f"{where}: subtask {index}: no test inputs match {_globs(group.get('input'))}")
            for file in inputs:
                name = check_name(_test_name(file), where, "test name")
                if name not in outputs:
                    raise PackageError(f"{where}: test {file.name} has no output among {_globs(group.get('output'))}")
                if name not in task.tests:
                    task.tests[name] = TaskTest(
                        name, materialize(file, workspace / "tests" / f"{name}.in"),
                        materialize(outputs[name], workspace / "tests" / f"{name}.out"),
                    )  # fmt: skip
                if name not in names:
                    names.append(name)
        points = float(spec.get("points", 0))
        if task.score_type == ScoreType.SUM:  # `points` is what each test is worth: the subtask holds them all
            points *= len(names)
        task.subtasks.append(Subtask(f"{index:0{width}d}", points, names))
