"""Find a writable cgroup hierarchy for the runs: v2, else v1, else none.

The launcher creates one child cgroup per run under the parent found here and
removes it afterwards; this module only decides *where*, once per process.
Parents are created under the judge's own cgroup so that limits the machine
puts on us (a container, a CI slice) still apply to what we run.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

PARENT_NAME = "olympicforge"
V1_CONTROLLERS = ("memory", "cpuacct", "pids")


@dataclass(frozen=True)
class CgroupSetup:
    """Parent directories for per-run cgroups, in the form the launcher takes."""

    version: int  # 1 or 2
    v1_memory: Path | None = None
    v1_cpuacct: Path | None = None
    v1_pids: Path | None = None
    v2_parent: Path | None = None
    has_memory: bool = True  # v2 only: whether the memory controller is delegated

    def launcher_args(self) -> list[str]:
        if self.version == 1:
            return ["--cgroup-v1", f"{self.v1_memory}:{self.v1_cpuacct}:{self.v1_pids}"]
        return ["--cgroup-v2", str(self.v2_parent)]

    @property
    def name(self) -> str:
        return f"cgroup-v{self.version}"


def _mounts() -> list[tuple[str, str, list[str]]]:
    """(mount point, fs type, super options) for every cgroup mount."""
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, rfields = left.split(), right.split()
        if len(rfields) >= 3 and rfields[0] in ("cgroup", "cgroup2"):
            found.append((fields[4], rfields[0], rfields[2].split(",")))
    return found


def _own_paths() -> dict[str, str]:
    """Controller (or '' for v2) -> this process's cgroup path."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for ctrl in controllers.split(",") if controllers else [""]:
            paths[ctrl] = path
    return paths


def _make_parent(base: Path) -> Path | None:
    try:
        base.mkdir(exist_ok=True)
        probe = base / f"probe-{os.getpid()}"
        probe.mkdir(exist_ok=True)
        probe.rmdir()
        return base
    except OSError:
        return None


def detect_v2(require_memory: bool = True) -> CgroupSetup | None:
    """A v2 parent whose children get the memory and pids controllers, if we can make one."""
    own = _own_paths().get("")
    for mount, fstype, _ in _mounts():
        if fstype != "cgroup2" or own is None:
            continue
        here = Path(mount + own.rstrip("/"))
        parent = _make_parent(here / PARENT_NAME)
        if parent is None:
            continue
        wanted = ["memory", "pids"]
        for directory in (here, parent):  # delegate the controllers down to the run cgroups
            available = (directory / "cgroup.controllers").read_text().split()
            enable = " ".join(f"+{c}" for c in wanted if c in available)
            if enable:
                try:
                    (directory / "cgroup.subtree_control").write_text(enable)
                except OSError:
                    pass  # a cgroup with processes in it cannot delegate: checked below
        delegated = (parent / "cgroup.subtree_control").read_text().split()
        has_memory = "memory" in delegated
        if has_memory or not require_memory:
            return CgroupSetup(version=2, v2_parent=parent, has_memory=has_memory)
    return None


def detect_v1() -> CgroupSetup | None:
    """Writable v1 memory, cpuacct and pids hierarchies, if all three are there."""
    own = _own_paths()
    parents: dict[str, Path] = {}
    for mount, fstype, options in _mounts():
        if fstype != "cgroup":
            continue
        for ctrl in V1_CONTROLLERS:
            if ctrl in options and ctrl not in parents:
                here = Path(mount + own.get(ctrl, "/").rstrip("/"))
                parent = _make_parent(here / PARENT_NAME)
                if parent is not None:
                    parents[ctrl] = parent
    if len(parents) != len(V1_CONTROLLERS):
        return None
    return CgroupSetup(version=1, v1_memory=parents["memory"], v1_cpuacct=parents["cpuacct"], v1_pids=parents["pids"])


def remove_stale_runs(setup: CgroupSetup) -> int:
    """Remove run cgroups left by launchers that died (killed judge, power loss).

    A run cgroup is named after its launcher's pid; one whose launcher is gone
    is emptied (its processes killed) and removed. Returns how many were removed.
    """
    removed = 0
    parents = [setup.v1_memory, setup.v1_cpuacct, setup.v1_pids, setup.v2_parent]
    for parent in filter(None, parents):
        for run in parent.glob("run-*"):
            pid = run.name.removeprefix("run-")
            if not pid.isdigit() or Path(f"/proc/{pid}").exists():
                continue
            try:
                for victim in (run / "cgroup.procs").read_text().split():
                    os.kill(int(victim), signal.SIGKILL)
                run.rmdir()
                removed += 1
            except OSError:
                pass  # still busy: the next start tries again
    return removed


def detect() -> CgroupSetup | None:
    """The best cgroup setup this machine allows (v2 with memory, else v1), or None."""
    return detect_v2(require_memory=True) or detect_v1()
