"""Where batch judging runs: `local` (a pool in this process) or `ray` (judge actors on a
cluster). Every batch path takes an `Executor` (base.py) and the same two flags."""

from __future__ import annotations

import argparse

from judge.executors.base import Executor, Lost, Work, no_state, with_compiler
from judge.executors.local import LocalExecutor, given_or_local

EXECUTORS = ("local", "ray")

__all__ = [
    "EXECUTORS", "Executor", "LocalExecutor", "Lost", "Work", "add_executor_arguments", "executor_from_args",
    "given_or_local", "make_executor", "make_job_judge", "no_state", "with_compiler",
]  # fmt: skip


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("where to judge")
    group.add_argument("--executor", choices=EXECUTORS, default="local",
                       help="local: a pool here (--workers); ray: judge actors on a Ray cluster")  # fmt: skip
    group.add_argument("--ray-address", default="auto",
                       help="with --executor ray: auto (the cluster this machine belongs to, or RAY_ADDRESS), "
                            "HOST:PORT, or local (start a private one here)")  # fmt: skip
    group.add_argument("--ray-cores-per-actor", type=int, default=None,
                       help="with --executor ray: cores of each judge actor (default: one actor per node, with all "
                            "its cores)")  # fmt: skip


def make_executor(kind: str, workers: int | None = None, *, ray_address: str | None = "auto",
                  cores_per_actor: int | None = None, compiler=None) -> Executor:  # fmt: skip
    if kind == "local":
        return LocalExecutor(workers, compiler)
    if kind == "ray":
        from judge.executors.ray_cluster import RayExecutor

        return RayExecutor(ray_address, cores_per_actor)
    raise ValueError(f"--executor {kind!r}: use one of {', '.join(EXECUTORS)}")


def make_job_judge(kind: str, workers: int | None = None, *, ray_address: str | None = "auto",
                   cores_per_actor: int | None = None, timeout: float = 600.0):  # fmt: skip
    """What judges judge jobs (judge.jobs) in batches, `map(jobs) -> [answer or None]`: a local
    process pool, or the Ray cluster's judge actors."""
    if kind == "local":
        from judge.jobs import JobPool

        return JobPool(workers, timeout=timeout)
    if kind == "ray":
        from judge.executors.ray_cluster import RayJudge

        return RayJudge(ray_address, cores_per_actor, timeout=timeout)
    raise ValueError(f"--executor {kind!r}: use one of {', '.join(EXECUTORS)}")


def executor_from_args(args: argparse.Namespace, workers: int | None = None, compiler=None) -> Executor:
    """The executor the command line asked for; `--workers` sizes the local pool (Ray actors use their cores)."""
    workers = workers if workers is not None else getattr(args, "workers", None)
    return make_executor(getattr(args, "executor", "local"), workers, ray_address=getattr(args, "ray_address", "auto"),
                         cores_per_actor=getattr(args, "ray_cores_per_actor", None), compiler=compiler)  # fmt: skip
