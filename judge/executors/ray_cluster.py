"""The Ray executor: judge actors spread over a cluster's nodes, fed by this process.

Placement fits judging:
- one judge actor per node (or one per `cores_per_actor` cores), pinned there, owning
  its process's compiler (its compile cache and precompiled headers) and the states it
  prepared (rebuilt tasks), and claiming its cores from Ray (`num_cpus`), so nothing
  else Ray schedules shares them;
- an actor runs at most `slots` (its cores) items at once, and this dispatcher never
  sends it more: CPU-time verdicts depend on runs not starving each other;
- the batch's context goes into the object store once; a node fetches it once and its
  actor prepares it once (the `ShippedTasks` in it write their tests there);
- items of one group (a task, a source) go to the actor already holding that group,
  so a task is rebuilt, and a submission compiled, once.

Faults: when an actor (its process, or its node) dies, the items it was running are
sent again to a live actor, and a replacement actor is started wherever the cluster
has cores. An item is tried `attempts` times before it comes back as `Lost`; the
answer of a dead actor never arrives, so nothing is counted twice. An exception raised
by the work itself (a malformed job) is raised here: it would fail anywhere.

Actors are named in the `olympicforge` namespace: the processes of a multi-node GRPO
run, each with its own dispatcher, find and share the same judge actors (Ray queues
what exceeds an actor's slots). `ray` is imported here only: the rest of the CLI starts
without it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from judge.executors.base import Executor, Lost, Work

log = logging.getLogger(__name__)
NAMESPACE = "olympicforge"
ACTOR_PREFIX = "olympicforge-judge"
DEFAULT_ATTEMPTS = 3
START_TIMEOUT = 120.0  # seconds for the judge actors to come up (a replacement may wait for cores)
HOW_TO_START = "start one with `ray start --head`, or pass --ray-address local"
STATES_KEPT = 4  # prepared contexts an actor keeps (one per batch; a GRPO run reuses one)


class ExecutorError(RuntimeError):
    """The cluster cannot be used (no Ray, no cluster at the address, no cores): a one-line reason."""


class JudgeActor:
    """One per node (or per N cores): runs items of batches with this process's compiler."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.states: OrderedDict[str, Any] = OrderedDict()
        self.preparing: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()
        from judge.jobs import compiler

        self.compiler = compiler()  # the process-wide one, which judge jobs use too: a broken sandbox fails here

    def info(self) -> dict:
        import ray

        return {"node": ray.get_runtime_context().get_node_id(), "pid": os.getpid(), "slots": self.slots}

    def run(self, key: str, boxed_context: list, prepare, function, item):
        """`function(state, item)`; the state of batch `key` is prepared on first use, once
        (the context arrives boxed in a list so that Ray does not fetch it on every call)."""
        return function(self._state(key, boxed_context, prepare), item)

    def _state(self, key: str, boxed_context: list, prepare):
        with self.lock:
            if key in self.states:
                self.states.move_to_end(key)
                return self.states[key]
            guard = self.preparing.setdefault(key, threading.Lock())
        with guard:
            with self.lock:
                if key in self.states:
                    return self.states[key]
            import ray

            state = prepare(ray.get(boxed_context[0]), self.compiler)
            with self.lock:
                self.states[key] = state
                self.preparing.pop(key, None)
                while len(self.states) > STATES_KEPT:
                    self.states.popitem(last=False)
            return state


def connect(address: str | None) -> None:
    """Join the cluster at `address` ("auto": the one this machine is part of, or RAY_ADDRESS;
    "local": start a private one here), once per process."""
    try:
        import ray
    except ImportError:
        raise ExecutorError("--executor ray: the ray package is not installed (pip install ray)") from None
    if ray.is_initialized():
        return
    address = address or "auto"
    if address != "local":
        _token_mode_like_ray_start()
    if address not in ("auto", "local"):
        _reachable(address)
    _ray_messages_to_stderr()
    try:
        if address == "local":
            ray.init(namespace=NAMESPACE, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, namespace=NAMESPACE, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ExecutorError(
            f"--ray-address {address}: no Ray cluster to join ({_short(exc)}); {HOW_TO_START}"
        ) from None


def _ray_messages_to_stderr() -> None:
    """Ray prints the cluster's error messages ("a worker died...") on the driver's stdout,
    where our commands print only results (with --json, only JSON): send them to stderr."""
    try:
        from ray._private import worker
    except ImportError:  # another layout of Ray's internals: its messages stay where Ray puts them
        return
    original = worker.print_to_stdstream
    if getattr(original, "olympicforge", False):
        return

    def to_stderr(data, *args, **kwargs):
        return original({**data, "is_err": True}, *args, **kwargs)

    to_stderr.olympicforge = True
    worker.print_to_stdstream = to_stderr


def _reachable(address: str) -> None:
    """A HOST:PORT nobody answers on is said at once (Ray itself retries for a minute)."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ExecutorError(f"--ray-address {address}: want auto, local or HOST:PORT")
    try:
        socket.create_connection((host, int(port)), timeout=10).close()
    except OSError as exc:
        raise ExecutorError(
            f"--ray-address {address}: no Ray cluster to join ({exc.strerror or exc}); {HOW_TO_START}"
        ) from None


def _token_mode_like_ray_start() -> None:
    """`ray start` turns token authentication on when this machine has a token, but a process
    joining the cluster does not unless RAY_AUTH_MODE says so: say it the same way."""
    from pathlib import Path

    if "RAY_AUTH_MODE" not in os.environ and (os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH")
                                              or (Path.home() / ".ray" / "auth_token").exists()):  # fmt: skip
        os.environ["RAY_AUTH_MODE"] = "token"


@dataclass
class ActorSlot:
    """This dispatcher's view of one judge actor."""

    name: str
    handle: Any
    slots: int
    running: int = 0
    group: Hashable | None = None  # the group it works on (affinity)
    alive: bool = True


@dataclass
class Queue:
    """Items waiting, by group, in the order groups first appear."""

    groups: OrderedDict = field(default_factory=OrderedDict)
    owners: dict = field(default_factory=dict)  # group with items left -> actor name working on it
    waiting: int = 0  # items, counted as they come and go: the dispatcher asks before every dispatch

    def __len__(self) -> int:
        return self.waiting

    def push(self, group: Hashable, index: int, front: bool = False) -> None:
        items = self.groups.setdefault(group, deque())
        items.appendleft(index) if front else items.append(index)
        self.waiting += 1

    def take(self, actor: ActorSlot) -> int | None:
        """The next item for `actor`: of its group, else of a group nobody works on, else of
        the group with the most items waiting (so no actor idles while work waits)."""
        group = actor.group if self.groups.get(actor.group) else None
        if group is None:
            group = next((g for g in self.groups if self.owners.get(g) is None), None)
        if group is None and self.groups:
            group = max(self.groups, key=lambda g: len(self.groups[g]))
        if group is None:
            return None
        items = self.groups[group]
        index = items.popleft()
        self.waiting -= 1
        actor.group = group
        if items:
            self.owners[group] = actor.name
        else:
            del self.groups[group]
            self.owners.pop(group, None)
        return index

    def release(self, actor: str) -> None:
        """A dead actor's groups are anybody's."""
        self.owners = {group: owner for group, owner in self.owners.items() if owner != actor}

    def drain(self) -> list[int]:
        """Every item left, now taken out."""
        indexes = [index for items in self.groups.values() for index in items]
        self.groups.clear()
        self.owners.clear()
        self.waiting = 0
        return indexes


class RayExecutor(Executor):
    name = "ray"

    def __init__(self, address: str | None = "auto", cores_per_actor: int | None = None,
                 attempts: int = DEFAULT_ATTEMPTS, start_timeout: float = START_TIMEOUT) -> None:  # fmt: skip
        if cores_per_actor is not None and cores_per_actor < 1:
            raise ExecutorError(f"--ray-cores-per-actor {cores_per_actor}: want at least 1")
        if attempts < 1:
            raise ExecutorError(f"attempts {attempts}: want at least 1")
        connect(address)
        self.cores_per_actor = cores_per_actor
        self.attempts = attempts
        self.start_timeout = start_timeout
        self.actors: list[ActorSlot] = []
        self.starting: list[tuple[ActorSlot, Any, float]] = []  # replacements: (actor, ready ref, since)
        self.replacements = 0
        self._start()

    # --- actors -----------------------------------------------------------------------

    def _actor_class(self):
        import ray

        return ray.remote(JudgeActor)

    def _start(self) -> None:
        """One actor per node (or per `cores_per_actor` cores), each pinned to its node."""
        import ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        nodes = [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) >= 1]
        if not nodes:
            raise ExecutorError("the Ray cluster has no node with a CPU to judge on")
        specs = []
        for node in nodes:
            cpus = int(node["Resources"]["CPU"])
            per = min(self.cores_per_actor or cpus, cpus)
            strategy = NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)
            specs += [(f"{ACTOR_PREFIX}-{node['NodeID'][:16]}-{per}c-{n}", per, strategy) for n in range(cpus // per)]
        deadline = time.monotonic() + self.start_timeout
        for _attempt in range(3):  # a named actor just killed (an earlier batch's) may still answer to its name
            pending = []
            for name, per, strategy in specs:
                handle = self._actor_class().options(
                    name=name, namespace=NAMESPACE, get_if_exists=True, num_cpus=per, max_concurrency=per,
                    max_restarts=0, scheduling_strategy=strategy,
                ).remote(per)  # fmt: skip
                pending.append((ActorSlot(name, handle, per), handle.info.remote()))
            ready, _ = ray.wait([ref for _, ref in pending], num_returns=len(pending),
                                timeout=max(1.0, deadline - time.monotonic()))  # fmt: skip
            retry = []
            for (actor, ref), spec in zip(pending, specs, strict=True):
                if ref not in ready:
                    log.warning("judge actor %s did not start within %.0f s (its node's cores are taken?)",
                                actor.name, self.start_timeout)  # fmt: skip
                    ray.kill(actor.handle)
                    continue
                try:
                    ray.get(ref)
                except ray.exceptions.RayActorError:  # the dying one of that name: ask again
                    retry.append(spec)
                    continue
                except Exception as exc:  # the sandbox or compiler does not work on that node
                    log.error("judge actor %s failed to start: %s", actor.name, _short(exc))
                    continue
                self.actors.append(actor)
            if not retry:
                break
            specs = retry
            time.sleep(0.5)
        if not self.actors:
            raise ExecutorError(f"no judge actor started on the Ray cluster within {self.start_timeout:.0f} s (cores "
                                "taken by other work, or the judge's sandbox fails there: see Ray's logs)")  # fmt: skip
        log.info("judging on %d Ray actor(s), %d slots", len(self.actors), self.slots)

    def _replace(self, dead: ActorSlot) -> None:
        """Start a replacement wherever the cluster has `dead.slots` free cores."""
        self.replacements += 1
        name = f"{dead.name}-r{self.replacements}-{uuid.uuid4().hex[:6]}"
        handle = self._actor_class().options(name=name, namespace=NAMESPACE, num_cpus=dead.slots,
                                             max_concurrency=dead.slots, max_restarts=0).remote(dead.slots)  # fmt: skip
        self.starting.append((ActorSlot(name, handle, dead.slots), handle.info.remote(), time.monotonic()))

    def _poll_starting(self) -> None:
        import ray

        for entry in list(self.starting):
            actor, ref, since = entry
            ready, _ = ray.wait([ref], timeout=0)
            if ready:
                self.starting.remove(entry)
                try:
                    ray.get(ref)
                except Exception as exc:
                    log.error("replacement judge actor %s failed to start: %s", actor.name, _short(exc))
                    continue
                log.info("replacement judge actor %s is up", actor.name)
                self.actors.append(actor)
            elif time.monotonic() - since > self.start_timeout:
                self.starting.remove(entry)
                log.error("replacement judge actor %s did not start within %.0f s", actor.name, self.start_timeout)
                ray.kill(actor.handle)

    @property
    def slots(self) -> int:
        return sum(a.slots for a in self.actors if a.alive)

    @property
    def live(self) -> list[ActorSlot]:
        return [a for a in self.actors if a.alive]

    # --- dispatch -----------------------------------------------------------------------

    def run(self, work: Work, items: Sequence, *, timeout: float | None = None) -> Iterator[tuple[int, Any]]:
        """Items as they finish; past `timeout` seconds the ones not finished come back `Lost`."""
        import ray
        from ray.exceptions import RayTaskError

        if not items:
            return
        key = uuid.uuid4().hex
        boxed = [ray.put(work.context)]

        def group_of(index: int) -> Hashable:
            return work.group(items[index]) if work.group else index

        queue = Queue()
        for index in range(len(items)):
            queue.push(group_of(index), index)
        tries = [0] * len(items)
        running: dict[Any, tuple[ActorSlot, int]] = {}
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while len(queue) or running:
                self._poll_starting()
                for actor in self.live:
                    while actor.running < actor.slots and len(queue):
                        index = queue.take(actor)
                        ref = actor.handle.run.remote(key, boxed, work.prepare, work.function, items[index])
                        running[ref] = (actor, index)
                        actor.running += 1
                if not running:
                    if self.starting:  # every actor died: wait for a replacement
                        time.sleep(0.2)
                        continue
                    for index in queue.drain():
                        yield index, Lost("no judge actor is left on the Ray cluster")
                    return
                wait = 1.0 if deadline is None else max(0.0, min(1.0, deadline - time.monotonic()))
                done, _ = ray.wait(list(running), num_returns=1, timeout=wait)
                if not done and deadline is not None and time.monotonic() >= deadline:
                    log.error("judging ran past %.0f s: %d item(s) unknown", timeout, len(running) + len(queue))
                    for ref, (_, index) in running.items():
                        ray.cancel(ref)
                        yield index, Lost(f"not finished within {timeout:.0f} s")
                    running.clear()
                    for index in queue.drain():
                        yield index, Lost(f"not started within {timeout:.0f} s")
                    return
                for ref in done:
                    actor, index = running.pop(ref)
                    actor.running -= 1
                    try:
                        result = ray.get(ref)
                    except RayTaskError as exc:  # the work raised: a bug or a malformed item, not a fault
                        raise (exc.cause if isinstance(exc.cause, BaseException) else exc) from None
                    except Exception as exc:  # the actor, its process or its node died
                        tries[index] += 1
                        self._died(actor, exc)
                        queue.release(actor.name)
                        if tries[index] >= self.attempts:
                            yield index, Lost(f"its judge actor died {tries[index]} times ({_short(exc)})")
                        else:
                            queue.push(group_of(index), index, front=True)
                        continue
                    yield index, result
        finally:
            for ref in running:
                try:
                    ray.cancel(ref)
                except Exception:  # noqa: BLE001 (already finished, or its actor is gone)
                    pass

    def _died(self, actor: ActorSlot, exc: Exception) -> None:
        if not actor.alive:
            return
        actor.alive = False
        log.error("judge actor %s died (%s): its items go to other actors; starting a replacement", actor.name,
                  _short(exc))  # fmt: skip
        self._replace(actor)

    def close(self) -> None:
        """Stop the judge actors (their cores go back to the cluster); other processes that
        shared them start replacements if they judge on."""
        import ray

        for actor in self.actors + [entry[0] for entry in self.starting]:
            try:
                ray.kill(actor.handle)
            except Exception:  # noqa: BLE001 (already gone)
                pass
        self.actors, self.starting = [], []


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def job_group(job: dict) -> Hashable:
    """What judge jobs share: an IOI job's task (rebuilt once per actor), a cf job's source."""
    if job.get("kind") == "ioi" and isinstance(job.get("row"), dict):
        row, tests = job["row"], job.get("tests")
        return "ioi", str(row.get("year")), str(row.get("id")), tests if isinstance(tests, str) else "inline"
    return ("cf", hashlib.sha256(str(job.get("code", "")).encode()).hexdigest()[:16])


def run_judge_job(state, job: dict) -> dict:
    from judge.jobs import run_job

    return run_job(job)


class RayJudge:
    """Judge jobs (judge.jobs) on the cluster's judge actors, with JobPool's `map`: None for
    a job nobody could finish (actors died `attempts` times, or past `timeout`)."""

    def __init__(self, address: str | None = "auto", cores_per_actor: int | None = None, timeout: float = 600.0,
                 attempts: int = DEFAULT_ATTEMPTS) -> None:  # fmt: skip
        self.executor = RayExecutor(address, cores_per_actor, attempts)
        self.timeout = timeout

    @property
    def workers(self) -> int:
        return self.executor.slots

    def map(self, jobs: list[dict]) -> list[dict | None]:
        answers: list[dict | None] = [None] * len(jobs)
        work = Work(run_judge_job, group=job_group)
        for index, answer in self.executor.run(work, jobs, timeout=self.timeout):
            answers[index] = None if isinstance(answer, Lost) else answer
        return answers

    def close(self) -> None:
        self.executor.close()
