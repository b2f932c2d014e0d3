"""Time verdicts that do not depend on how many tests ran at once.

A run's CPU time grows when other runs share the machine with it: page faults
and cache misses get dearer (on a 2-core VM a program filling 256 MiB took
0.16 s alone and over 0.5 s beside three others), and a starved run can reach
its wall limit. So a time-limit verdict reached while other runs of this judge
process were running is confirmed by running the test again with nothing else
of this judge running, and the confirmed result stands. Runs that were alone,
and every other verdict, are never rerun: sequential judging costs nothing,
and parallel judging pays only for its time-limit verdicts. A judge error is
run again alone too, wherever it came from: a run starved of CPU by other
processes of the machine (the sandbox tells it by the run-queue delay) is JE,
never the program's WTLE, and gets this one more chance.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from judge.sandbox.sandbox import STARVED
from judge.verdicts import TestResult, Verdict, judge_error

log = logging.getLogger(__name__)

CONTENTION_SENSITIVE = frozenset({Verdict.TLE, Verdict.WTLE})
JE_ALONE_RUNS = 3  # a starved run is run again alone up to this many times (load can outlast one rerun)
JE_PAUSE = 1.0  # seconds before the second alone run, twice that before the third

Result = TypeVar("Result")


class RunGate:
    """Many runs at once (shared), or one alone (exclusive); a waiting exclusive
    holder goes first, so confirmations are not starved by a busy pool."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._alone = False
        self._waiting_alone = 0
        self._entered = 0  # shared entries so far: tells a run whether another started beside it

    @contextmanager
    def shared(self) -> Iterator[Callable[[], bool]]:
        """Hold the gate beside other runs; yields `had_company()`: did another run
        overlap this one, in whole or in part?"""
        with self._cond:
            while self._alone or self._waiting_alone:
                self._cond.wait()
            company = self._active > 0
            self._active += 1
            self._entered += 1
            entered_at = self._entered
        try:
            yield lambda: company or self._entered != entered_at
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        """Hold the gate with no other run of this process beside."""
        with self._cond:
            self._waiting_alone += 1
            while self._alone or self._active:
                self._cond.wait()
            self._waiting_alone -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._cond:
                self._alone = False
                self._cond.notify_all()


GATE = RunGate()  # one per process: every judge in it shares the machine


def run_confirmed(run: Callable[[], Result], verdict_of: Callable[[Result], Verdict], *,
                  gate: RunGate = GATE, confirm: bool = True) -> Result:  # fmt: skip
    """Run once beside the others; run again alone a time-limit verdict reached in
    company (`confirm`) and any judge error once more, alone, and a run starved of
    CPU up to JE_ALONE_RUNS times: the last result is the one reported."""
    with gate.shared() as had_company:
        result = run()
        company = had_company()
    verdict = verdict_of(result)
    if verdict != Verdict.JE and not (confirm and company and verdict in CONTENTION_SENSITIVE):
        return result
    for attempt in range(JE_ALONE_RUNS):
        if attempt:
            time.sleep(JE_PAUSE * attempt)  # a machine loaded from outside may calm down
        with gate.alone():
            result = run()
        if not starved(result, verdict_of):  # other judge errors would only repeat: one rerun is enough
            break
    return result


def starved(result, verdict_of: Callable) -> bool:
    """A judge error because the machine starved the run of CPU (judge.sandbox says so)."""
    return verdict_of(result) == Verdict.JE and getattr(result, "message", "").startswith(STARVED)


def judge_test(run: Callable[[], TestResult], name: str, *, task: str = "", confirm: bool = True) -> TestResult:
    """One test through `run_confirmed`; a crash inside the judge is that test's JE
    (reported, never scored), and like any JE it is run once more, alone."""

    what = f"{task}/{name}" if task else name

    def guarded() -> TestResult:
        try:
            result = run()
        except Exception as exc:
            log.exception("judging %s failed", what)
            return judge_error(name, f"judge failure: {exc}")
        if result.verdict == Verdict.JE:
            log.warning("judge error on %s: %s", what, result.message)
        return result

    return run_confirmed(guarded, lambda r: r.verdict, confirm=confirm)
