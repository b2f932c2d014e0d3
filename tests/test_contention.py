"""Time verdicts reached beside other runs are confirmed alone (judge.contention)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from judge import evaluate
from judge.contention import RunGate, run_confirmed
from judge.verdicts import Verdict


class Machine:
    """A stand-in for a machine whose runs slow down in company: a run is TLE
    while any other run is in progress, AC when it has the machine to itself."""

    def __init__(self, duration: float = 0.05) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.max_running = 0
        self.calls = 0
        self.duration = duration

    def run(self) -> Verdict:
        with self.lock:
            self.running += 1
            self.calls += 1
            self.max_running = max(self.max_running, self.running)
        time.sleep(self.duration)
        with self.lock:
            crowded = self.max_running > 1
            self.running -= 1
            if self.running == 0:
                self.max_running = 0
        return Verdict.TLE if crowded else Verdict.AC


def test_time_verdicts_reached_in_company_are_confirmed_alone():
    machine, gate = Machine(), RunGate()
    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(lambda _: run_confirmed(machine.run, lambda v: v, gate=gate), range(8)))
    assert verdicts == [Verdict.AC] * 8
    assert 8 < machine.calls <= 16  # the crowded ones (not all) ran twice


def test_without_confirmation_the_crowded_verdict_stays():
    machine, gate = Machine(), RunGate()
    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(lambda _: run_confirmed(machine.run, lambda v: v, gate=gate, confirm=False),
                                 range(8)))  # fmt: skip
    assert Verdict.TLE in verdicts and machine.calls == 8


def test_a_run_alone_is_never_rerun():
    gate, calls = RunGate(), []
    for _ in range(3):
        assert run_confirmed(lambda: calls.append(1) or Verdict.TLE, lambda v: v, gate=gate) == Verdict.TLE
    assert len(calls) == 3


@pytest.mark.parametrize("verdict", [Verdict.WA, Verdict.MLE, Verdict.RE, Verdict.AC])
def test_other_verdicts_are_not_rerun_even_in_company(verdict):
    gate, calls, both_in = RunGate(), [], threading.Barrier(2)

    def run():
        calls.append(1)
        if len(calls) <= 2:
            both_in.wait(timeout=5)
        return verdict

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda _: run_confirmed(run, lambda v: v, gate=gate), range(2))) == [verdict] * 2
    assert len(calls) == 2


def test_a_waiting_confirmation_goes_before_new_runs():
    gate, order = RunGate(), []
    first_in, release_first = threading.Event(), threading.Event()

    def long_run():
        with gate.shared():
            first_in.set()
            release_first.wait(timeout=5)

    def confirm():
        with gate.alone():
            order.append("alone")

    def late_run():
        with gate.shared():
            order.append("late")

    holder = threading.Thread(target=long_run)
    holder.start()
    first_in.wait(timeout=5)
    confirmer = threading.Thread(target=confirm)
    confirmer.start()
    while not gate._waiting_alone:
        time.sleep(0.001)
    late = threading.Thread(target=late_run)
    late.start()
    time.sleep(0.05)
    assert order == []  # the late run waits behind the confirmation, which waits for the first run
    release_first.set()
    for thread in (holder, confirmer, late):
        thread.join(timeout=5)
    assert order == ["alone", "late"]


def test_parallel_judging_reruns_its_time_limit_verdicts_alone(tmp_path, compiler, monkeypatch):
    """Through the real judge: every TLE reached beside another run was run again."""
    from judge.testset import TestCase

    runs: list[str] = []
    real = evaluate.run_batch_test
    monkeypatch.setattr(evaluate, "run_batch_test", lambda exe, test, *a: runs.append(test.name) or real(exe, test, *a))
    source = tmp_path / "spin.cpp"
    source.write_text("int main(){ volatile unsigned x = 0; for (;;) x++; }\n")
    tests = []
    for n in range(4):
        (tmp_path / f"{n}.in").write_text("")
        (tmp_path / f"{n}.out").write_text("")
        tests.append(TestCase(str(n), tmp_path / f"{n}.in", tmp_path / f"{n}.out"))
    from judge.sandbox import RunLimits

    result = evaluate.judge_submission(source, tests, limits=RunLimits(cpu_time=0.2), compiler=compiler, workers=2)
    assert [str(t.verdict) for t in result.tests] == ["TLE"] * 4
    assert len(runs) > 4 and all(runs.count(str(n)) <= 2 for n in range(4))
