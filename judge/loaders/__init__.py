"""Turn a task package (CMS export folder or zip, task.yaml folder) into a `Task`."""

from __future__ import annotations

import logging
from pathlib import Path

from judge.loaders.cms import is_cms_package, load_cms
from judge.loaders.common import PackageError
from judge.loaders.taskyaml import is_task_yaml_package, load_task_yaml
from judge.task import Task

log = logging.getLogger(__name__)


def load_task(path: str | Path) -> Task:
    """Load any supported package layout; a clear PackageError names what is wrong."""
    path = Path(path)
    if not path.exists():
        raise PackageError(f"task package {path} does not exist")
    if is_cms_package(path):
        task = load_cms(path)
    elif is_task_yaml_package(path):
        task = load_task_yaml(path)
    else:
        raise PackageError(f"{path}: not a task package (no problem.json, task.yaml or zip of a CMS export)")
    for defect in task.defects:
        log.warning("%s: package defect: %s", path, defect)
    return task


__all__ = ["PackageError", "load_task", "load_cms", "load_task_yaml"]
