"""A task as dataset rows and back: the `ioi` and `ioi-test-cases` shapes.

`ioi` has one row per (problem, subtask); its `grader_files` column holds
every file a judge needs besides the submission (graders/..., checker/...)
plus `grader_config.json` with the task type parameters and limits, so a
`Task` rebuilt from rows judges exactly like the package it came from.

Rows in the anchor's layout (Open R1's published `ioi`) are read too: their
`grader_files` hold `graders/grader_config.json` with `task_type`, `code`,
`time_limit` (seconds), `memory_limit` (bytes) and, for Communication tasks, the
`task_type_parameters_Communication_*` keys (num_processes, user_io, manager_args);
the rest comes from the row's columns (`score`, `test_names`, `score_precision`),
with the anchor's scoring: GroupMin, the program on stdin/stdout, the grader or
stub compiled with the submission, `checker/checker.cpp` when there is one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path

from judge.compile.flags import check_flags
from judge.loaders.common import PackageError, make_workspace
from judge.names import check_name, is_safe_name, join_name, show
from judge.task import ScoreType, Subtask, Task, TaskTest, TaskType

GRADER_CONFIG = "grader_config.json"
GRADERS_PREFIX = "graders/"
CHECKER_PREFIX = "checker/"
ANCHOR_GRADER_CONFIG = GRADERS_PREFIX + GRADER_CONFIG  # Open R1's `ioi` rows keep it among the graders
ANCHOR_COMMUNICATION = "task_type_parameters_Communication_"


def grader_config(task: Task) -> dict:
    return {
        "task_type": str(task.task_type),
        "time_limit": task.time_limit,
        "memory_limit": task.memory_limit,
        "score_precision": task.score_precision,
        "score_type": str(task.score_type),
        "num_processes": task.num_processes,
        "user_io": task.user_io,
        "manager_args": list(task.manager_args),
        "compilation": task.compilation,
        "io": [task.input_file, task.output_file],
        "output_eval": task.output_eval,
        "output_only_tests": list(task.output_only_tests),
        "compile_flags": list(task.compile_flags) if task.compile_flags else None,
        "subtasks": [_subtask_config(s) for s in task.subtasks],
    }


def _subtask_config(subtask: Subtask) -> dict:
    config = {"name": subtask.name, "points": subtask.points, "output_only": subtask.output_only,
              "output_optional": subtask.output_optional}  # fmt: skip
    if subtask.threshold is not None:  # GroupThreshold only: other rows keep their shape
        config["threshold"] = subtask.threshold
    return config


def anchor_grader_config(task: Task) -> dict:
    """What Open R1's runner reads from `graders/grader_config.json`: so it can judge our rows too."""
    config = {"task_type": str(task.task_type), "code": task.code, "time_limit": task.time_limit,
              "memory_limit": task.memory_limit}  # fmt: skip
    if task.task_type == TaskType.COMMUNICATION:
        config |= {ANCHOR_COMMUNICATION + "num_processes": task.num_processes,
                   ANCHOR_COMMUNICATION + "user_io": task.user_io,
                   ANCHOR_COMMUNICATION + "manager_args": " ".join(task.manager_args)}  # fmt: skip
    return config


def grader_files(task: Task) -> list[list[str]]:
    """The graders, the checker, our `grader_config.json` (what a rebuilt Task needs) and the
    anchor's `graders/grader_config.json` (unless the package ships a grader of that name)."""
    files = [[GRADERS_PREFIX + n, d.decode()] for n, d in sorted(task.graders.items())]
    if GRADER_CONFIG not in task.graders:
        files.append([ANCHOR_GRADER_CONFIG, json.dumps(anchor_grader_config(task), indent=1, sort_keys=True)])
    files += [[CHECKER_PREFIX + n, d.decode()] for n, d in sorted(task.checker.items())]
    files.append([GRADER_CONFIG, json.dumps(grader_config(task), indent=1, sort_keys=True)])
    return files


def day_label(day) -> str | None:
    """A contest day as the anchor's rows write it: `1`, `day1`, `Day 1` -> `day1`; other
    names (a practice session) as they are."""
    if day is None:
        return None
    text = str(day).strip()
    match = re.fullmatch(r"(?:day\s*)?0*(\d+)", text, re.IGNORECASE)
    return f"day{int(match.group(1))}" if match else text


def task_rows(task: Task) -> list[dict]:
    """The judge's columns of the `ioi` rows of a task (builders add statement and prompt)."""
    files = grader_files(task)
    return [{
        "year": task.year, "day": day_label(task.day), "name": task.name, "id": task.code, "subtask": s.name,
        "score": s.points, "time_limit": task.time_limit, "memory_limit": task.memory_limit,
        "score_precision": task.score_precision, "task_type": str(task.task_type), "test_names": list(s.tests),
        "grader_files": files,
    } for s in task.subtasks]  # fmt: skip


def case_rows(task: Task):
    """`ioi-test-cases` rows, one test at a time (tests can be tens of MB)."""
    for name in sorted(task.tests):
        test = task.tests[name]
        yield {"year": task.year, "day": day_label(task.day), "problem_name": task.name, "problem_id": task.code,
               "test_name": name, "test_input": test.input.read_bytes().decode(),
               "test_output": test.answer.read_bytes().decode()}  # fmt: skip


def problem_of(row: dict) -> str:
    """`year/id` of a row for messages; odd values shown as truncated reprs (they come from outside)."""
    year, code = row.get("year"), row.get("id")
    return f"{year if isinstance(year, int) else show(year)}/{code if is_safe_name(code) else show(code)}"


def row_where(row: dict) -> str:
    return f"ioi row {problem_of(row)} subtask {show(row.get('subtask'))}"


def check_row_names(row: dict) -> None:
    """Refuse an `ioi` row whose names could reach the file system: the problem id (a
    workspace prefix, the submission's file name), the subtask, every test name and every
    `graders/<name>` / `checker/<name>` entry of grader_files (UnsafeName names the field)."""
    where = row_where(row)
    check_name(row.get("id"), where, "id")
    check_name(row.get("subtask"), where, "subtask")
    names = row.get("test_names")
    if isinstance(names, (str, bytes, dict)) or not hasattr(names, "__iter__"):
        raise PackageError(f"{where}: test_names {show(names)} is not a list of names")
    for name in names:
        check_name(name, where, "test_names entry")
    for entry in row.get("grader_files") or []:
        if not isinstance(entry, (list, tuple)) or len(entry) != 2 or not isinstance(entry[0], str):
            raise PackageError(f"{where}: grader_files entry {show(entry)} is not a [name, content] pair")
        for prefix in (GRADERS_PREFIX, CHECKER_PREFIX):
            if entry[0].startswith(prefix):
                check_name(entry[0].removeprefix(prefix), where, f"grader_files entry {show(entry[0])}: file name")


def task_from_rows(rows: list[dict], test_rows, subtasks: Collection[str] | None = None) -> Task:
    """Rebuild a Task from its `ioi` rows and an iterable of its `ioi-test-cases` rows.

    With `subtasks`, the task keeps only those (and only their tests): a GRPO reward
    judges one target subtask from its own row, without the problem's other rows.
    Every name is checked before anything is written (UnsafeName, a PackageError)."""
    if not rows:
        raise PackageError("no ioi rows given")
    for row in rows:
        check_row_names(row)
    first = rows[0]
    where = f"ioi rows of {problem_of(first)}"
    files = {name: content for name, content in first["grader_files"]}
    config = row_config(rows, files, where)
    for spec in config["subtasks"]:
        check_name(spec.get("name"), f"{where}: {GRADER_CONFIG}", "subtask name")
    workspace = make_workspace(first["id"])
    try:
        return _task_from_rows(rows, test_rows, subtasks, first, files, config, workspace, where)
    except BaseException:
        workspace.cleanup()
        raise


def row_config(rows: list[dict], files: dict[str, str], where: str) -> dict:
    """The task's configuration: our `grader_config.json`, or one made from the anchor's
    `graders/grader_config.json` and the rows' columns."""
    if GRADER_CONFIG in files:
        return _json_object(files[GRADER_CONFIG], where, GRADER_CONFIG)
    if ANCHOR_GRADER_CONFIG in files:
        return anchor_config(rows, _json_object(files[ANCHOR_GRADER_CONFIG], where, ANCHOR_GRADER_CONFIG), where)
    raise PackageError(f"{where}: grader_files lacks {GRADER_CONFIG} (ours) or {ANCHOR_GRADER_CONFIG} (Open R1's)")


def _json_object(text: str, where: str, name: str) -> dict:
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise PackageError(f"{where}: {name} is not JSON: {exc}") from None
    if not isinstance(config, dict):
        raise PackageError(f"{where}: {name} is not a JSON object")
    return config


def anchor_config(rows: list[dict], anchor: dict, where: str) -> dict:
    """Our configuration for rows in Open R1's layout. Limits come from its grader_config.json
    (what its run script enforces), else from the row; Communication parameters from its
    `task_type_parameters_Communication_*` keys (1 process, std_io, no manager arguments
    when absent); subtasks from the rows, in their order."""
    first = rows[0]
    name = ANCHOR_GRADER_CONFIG

    def value(key: str):
        found = anchor.get(key, first.get(key))
        if found is None:
            raise PackageError(f"{where}: neither {name} nor the row gives {key}")
        return found

    try:
        limits = float(value("time_limit")), int(value("memory_limit"))
        num_processes = int(anchor.get(ANCHOR_COMMUNICATION + "num_processes", 1))
        precision = first.get("score_precision")
        precision = 2 if precision is None else int(precision)
    except (TypeError, ValueError) as exc:
        raise PackageError(f"{where}: {name}: {exc}") from None
    manager_args = anchor.get(ANCHOR_COMMUNICATION + "manager_args") or ""
    if not isinstance(manager_args, str):
        raise PackageError(f"{where}: {name}: {ANCHOR_COMMUNICATION}manager_args must be a string")
    names = list(dict.fromkeys(row["subtask"] for row in rows))
    return {
        "task_type": anchor.get("task_type") or first.get("task_type") or "Batch",
        "time_limit": limits[0], "memory_limit": limits[1], "score_precision": precision,
        "score_type": str(ScoreType.GROUP_MIN), "num_processes": num_processes,
        "user_io": anchor.get(ANCHOR_COMMUNICATION + "user_io") or "std_io", "manager_args": manager_args.split(),
        "compilation": None, "io": ["", ""], "output_eval": None, "output_only_tests": [], "compile_flags": None,
        "subtasks": [{"name": subtask} for subtask in names],
    }  # fmt: skip


def _task_from_rows(rows, test_rows, subtasks, first, files, config, workspace, where) -> Task:
    task = Task(
        code=first["id"], name=first["name"], time_limit=float(config["time_limit"]),
        memory_limit=int(config["memory_limit"]), task_type=TaskType(config["task_type"]),
        score_precision=int(config["score_precision"]), score_type=ScoreType(config["score_type"]),
        year=first.get("year"), day=first.get("day"), num_processes=int(config["num_processes"]),
        user_io=config["user_io"], manager_args=list(config["manager_args"]),
        compilation=config.get("compilation"), input_file=_io(config, 0, where), output_file=_io(config, 1, where),
        output_eval=config.get("output_eval"), output_only_tests=tuple(config.get("output_only_tests") or ()),
        compile_flags=check_flags(config["compile_flags"], f"{where}: {GRADER_CONFIG} compile_flags")
        if config.get("compile_flags")
        else None,
        workspace=workspace,
    )  # fmt: skip
    task.graders = {
        n.removeprefix(GRADERS_PREFIX): c.encode()
        for n, c in files.items()
        if n.startswith(GRADERS_PREFIX) and n != ANCHOR_GRADER_CONFIG
    }
    task.checker = {
        n.removeprefix(CHECKER_PREFIX): c.encode() for n, c in files.items() if n.startswith(CHECKER_PREFIX)
    }
    by_name = {row["subtask"]: row for row in rows}
    if subtasks is not None and not set(subtasks) <= set(by_name):
        raise PackageError(f"{where}: no row for subtask(s) {sorted(set(subtasks) - set(by_name))}")
    for spec in config["subtasks"]:
        if subtasks is not None and spec["name"] not in subtasks:
            continue
        row = by_name.get(spec["name"])
        if row is None:
            raise PackageError(f"{where}: no row for subtask {spec['name']}")
        task.subtasks.append(Subtask(spec["name"], float(row["score"]), list(row["test_names"]),
                                     spec.get("output_only", False), spec.get("output_optional", False),
                                     spec.get("threshold")))  # fmt: skip
    tests_dir = Path(workspace.name) / "tests"
    tests_dir.mkdir()
    needed = {name for subtask in task.subtasks for name in subtask.tests}
    for test in test_rows:
        name = test["test_name"]
        if subtasks is not None and name not in needed:
            continue
        test_where = f"ioi-test-cases row of {problem_of(first)}"
        input_file = join_name(tests_dir, name, test_where, "test_name", ".in")
        answer_file = join_name(tests_dir, name, test_where, "test_name", ".out")
        input_file.write_bytes(test["test_input"].encode())  # bytes: no newline translation
        answer_file.write_bytes(test["test_output"].encode())
        task.tests[name] = TaskTest(name, input_file, answer_file)
    task.check()
    return task


def _io(config: dict, side: int, where: str) -> str:
    """One side of the Batch io pair ("" = stdio); rows written before it existed have none."""
    pair = config.get("io") or ["", ""]
    if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(v, str) for v in pair):
        raise PackageError(f"{where}: {GRADER_CONFIG} io must be [input file, output file], not {pair!r}")
    return pair[side]
