"""Tasks that travel to other machines: pickled, a task carries its tests' bytes.

A `Task` keeps its tests as files on the machine that loaded it. The Ray executor
puts its context in the object store once, and each node fetches it once; so what is
pickled must hold the tests themselves. Unpickled in a worker, each task's tests are
written under a private folder of that worker (every name checked again: the bytes
crossed a process boundary), which lives as long as the task.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from judge.loaders.common import make_workspace
from judge.names import check_name, join_name
from judge.task import Task, TaskTest


class ShippedTasks:
    """A list of tasks that pickles self-contained (locally nothing is copied)."""

    def __init__(self, tasks: list[Task]) -> None:
        self.tasks = list(tasks)

    def __getstate__(self) -> dict:
        return {"tasks": [pack_task(task) for task in self.tasks]}

    def __setstate__(self, state: dict) -> None:
        self.tasks = [unpack_task(shell, tests) for shell, tests in state["tasks"]]


def pack_task(task: Task) -> tuple[Task, dict[str, tuple[bytes, bytes]]]:
    """The task without its files (no workspace, no reference solutions: judging needs
    neither) and its tests' (input, answer) bytes by name."""
    tests = {name: (test.input.read_bytes(), test.answer.read_bytes()) for name, test in task.tests.items()}
    shell = dataclasses.replace(task, tests={}, solutions=[], source=None, workspace=None)
    return shell, tests


def unpack_task(shell: Task, tests: dict[str, tuple[bytes, bytes]]) -> Task:
    workspace = make_workspace(check_name(shell.code, "shipped task", "code"))
    folder = Path(workspace.name) / "tests"
    folder.mkdir()
    task = dataclasses.replace(shell, tests={}, workspace=workspace)
    for name, (given, answer) in tests.items():
        where = f"shipped task {shell.code}"
        input_file, answer_file = join_name(folder, name, where, "test", ".in"), join_name(folder, name, where, "test",
                                                                                             ".out")  # fmt: skip
        input_file.write_bytes(given)
        answer_file.write_bytes(answer)
        task.tests[name] = TaskTest(name, input_file, answer_file)
    return task
