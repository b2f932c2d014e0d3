"""The local executor: today's thread pool in this process.

Each item's judging runs its programs as sandboxed child processes, so threads are
enough to use every core; the state is prepared once with this process's compiler
and shared, as the compile cache and precompiled headers are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from judge.executors.base import Executor, Work


class LocalExecutor(Executor):
    name = "local"

    def __init__(self, workers: int | None = None, compiler=None) -> None:
        from judge.evaluate import default_workers

        self.workers = max(1, workers or default_workers())
        self._compiler = compiler

    @property
    def slots(self) -> int:
        return self.workers

    def compiler(self):
        if self._compiler is None:
            from judge.compile import Compiler

            self._compiler = Compiler()
        return self._compiler

    def run(self, work: Work, items: Sequence) -> Iterator[tuple[int, Any]]:
        if not items:
            return
        state = work.prepare(work.context, self.compiler())
        if self.workers == 1 or len(items) == 1:
            for index, item in enumerate(items):
                yield index, work.function(state, item)
            return
        with ThreadPoolExecutor(max_workers=min(self.workers, len(items))) as pool:
            queue = iter(enumerate(items))
            running: dict[Future, int] = {}

            def submit() -> None:
                index, item = next(queue, (None, None))
                if index is not None:
                    running[pool.submit(work.function, state, item)] = index

            for _ in range(min(self.workers, len(items))):  # a bounded window: results are yielded as they come
                submit()
            try:
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        index = running.pop(future)
                        yield index, future.result()
                        submit()
            finally:
                for future in running:
                    future.cancel()


@contextmanager
def given_or_local(executor: Executor | None, workers: int | None = None, compiler=None) -> Iterator[Executor]:
    """The caller's executor, or a local pool of `workers` for this call only."""
    if executor is not None:
        yield executor
        return
    with LocalExecutor(workers, compiler) as local:
        yield local
