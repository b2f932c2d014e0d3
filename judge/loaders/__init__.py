"""Turn a task package (CMS export folder or zip, task.yaml folder) into a `Task`."""

from __future__ import annotations

from pathlib import Path

from judge.loaders.cms import is_cms_package, load_cms
from judge.loaders.common import PackageError
from judge.loaders.taskyaml import is_task_yaml_package, load_task_yaml
from judge.task import Task


def load_task(path: str | Path) -> Task:
    """Load any supported package layout; a clear PackageError names what is wrong."""
    path = Path(path)
    if not path.exists():
        raise PackageError(f"task package {path} does not exist")
    if is_cms_package(path):
        return load_cms(path)
    if is_task_yaml_package(path):
        return load_task_yaml(path)
    raise PackageError(f"{path}: not a task package (no problem.json, task.yaml or zip of a CMS export)")


__all__ = ["PackageError", "load_task", "load_cms", "load_task_yaml"]
