"""What every batch judging path hands an executor, and what it gets back.

A batch is a `Work`: a module-level `function(state, item)` run on every item,
where `state = prepare(context, compiler)` is built once per worker process from a
picklable `context` (the tasks, the problems) and that process's own compiler. Keeping
the shared part out of the items is what lets the Ray executor ship it once per node
and the local one not copy it at all. Results come back as they finish, with the
item's index, so callers append their resumable JSONL records in completion order.

An item no worker could finish (its worker died `attempts` times) comes back as
`Lost`: the judge's failure, which callers leave unrecorded (a rerun judges it) or
score as unknown (None), never as the submission's 0.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Lost:
    """An item whose workers kept dying: nobody knows its result."""

    reason: str


def no_state(context: Any, compiler: Any) -> Any:
    """The default `prepare`: the context itself is the state."""
    return context


def with_compiler(context: Any, compiler: Any) -> tuple[Any, Any]:
    """A `prepare` for work that needs its worker's compiler beside the context: (context, compiler)."""
    return context, compiler


@dataclass(frozen=True)
class Work:
    """A batch: `function(state, item)` per item, `state = prepare(context, compiler)` once per
    worker process. `group(item)` names what items share (a task, a source): the Ray executor
    keeps a group on one actor, so its task is rebuilt and its submission compiled once."""

    function: Callable[[Any, Any], Any]
    context: Any = None
    prepare: Callable[[Any, Any], Any] = no_state
    group: Callable[[Any], Hashable] | None = None


class Executor(ABC):
    """Runs the items of a `Work`; `slots` of them at once, in all."""

    name: str = "executor"

    @property
    @abstractmethod
    def slots(self) -> int:
        """Items run at once (a pool's workers; the cores of every judge actor)."""

    @abstractmethod
    def run(self, work: Work, items: Sequence) -> Iterator[tuple[int, Any]]:
        """(index into `items`, result or `Lost`) for every item, as each finishes. An
        exception `work.function` raises (a bug, a malformed item) is raised here."""

    def close(self) -> None:  # noqa: B027 (most executors keep nothing to release)
        """Release workers (a no-op where there are none to keep)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
