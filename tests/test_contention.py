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


def test_a_judge_error_is_retried_alone_until_it_goes_away(monkeypatch):
    from judge import contention

    monkeypatch.setattr(contention, "JE_PAUSE", 0.0)
    from judge.verdicts import TestResult

    def result(verdict, message=""):
        return TestResult("1", verdict, 0.0, 0.0, 0.0, 0, message)

    starved = result(Verdict.JE, "starved of CPU: waited 2.1 s for a CPU in 3.0 s of wall time")
    answers = iter([starved, starved, result(Verdict.TLE), result(Verdict.AC)])
    got = run_confirmed(lambda: next(answers), lambda r: r.verdict, gate=RunGate())
    assert got.verdict == Verdict.TLE  # the third run, the second alone
    calls = []
    broken = result(Verdict.JE, "checker failed: exit code 3")
    assert run_confirmed(lambda: calls.append(1) or broken, lambda r: r.verdict, gate=RunGate()) is broken
    assert len(calls) == 2  # any other judge error gets one more run, alone, not three


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


# -- a machine loaded by other processes -------------------------------------------

SPIN = "int main() { volatile unsigned long x = 0; for (;;) x++; }\n"
HOGS = 8  # busy processes beside the run: on 2 cores it gets about a fifth of one


@pytest.fixture
def loaded_machine():
    """Busy loops outside the judge, so runs wait on the run queue."""
    import os
    import signal
    import subprocess

    hogs = [subprocess.Popen(["sh", "-c", "while :; do :; done"], start_new_session=True) for _ in range(HOGS)]
    time.sleep(0.2)
    yield
    for hog in hogs:
        os.killpg(hog.pid, signal.SIGKILL)
        hog.wait()


def _compiled(tmp_path, compiler, source: str):
    from judge.compile import Language, SourceFile

    compiled = compiler.compile([SourceFile("prog.cpp", source.encode())], Language.CPP)
    assert compiled.ok, compiled.message
    return compiled.executable


def _run(tmp_path, sandbox, executable, limits):
    box = tmp_path / "box"
    box.mkdir(exist_ok=True)
    argv, binds = executable.launch(sandbox)
    return sandbox.run(argv, work_dir=box, limits=limits, stdout=tmp_path / "out", stderr=tmp_path / "err",
                       binds=binds)  # fmt: skip


def test_a_run_starved_of_cpu_is_the_machines_fault_not_wtle(tmp_path, compiler, loaded_machine):
    from judge.sandbox import RunLimits, RunStatus

    run = _run(tmp_path, compiler.sandbox, _compiled(tmp_path, compiler, SPIN), RunLimits(cpu_time=1.0))
    assert run.raw["killed_wall"] and run.cpu_time < 1.0  # the wall clock stopped it before its CPU limit
    assert run.raw["runqueue_wait"] > 0.25 * run.wall_time
    assert run.status == RunStatus.SANDBOX_ERROR and "starved of CPU" in run.message


def test_a_sleeping_run_on_a_loaded_machine_is_still_wtle(tmp_path, compiler, loaded_machine):
    from judge.sandbox import RunLimits, RunStatus

    sleeper = "#include <unistd.h>\nint main() { sleep(30); }\n"
    run = _run(tmp_path, compiler.sandbox, _compiled(tmp_path, compiler, sleeper), RunLimits(cpu_time=0.5, wall_time=1))
    assert run.status == RunStatus.WALL_LIMIT and run.raw["runqueue_wait"] < 0.25 * run.wall_time


def test_a_starved_test_is_rerun_alone_and_never_scored_wtle(tmp_path, compiler, loaded_machine, monkeypatch):
    from judge import contention
    from judge.sandbox import RunLimits

    monkeypatch.setattr(contention, "JE_PAUSE", 0.0)
    from judge.testset import TestCase

    runs: list[str] = []
    real = evaluate.run_batch_test
    monkeypatch.setattr(evaluate, "run_batch_test", lambda exe, test, *a: runs.append(test.name) or real(exe, test, *a))
    source = tmp_path / "spin.cpp"
    source.write_text(SPIN)
    (tmp_path / "1.in").write_text("")
    (tmp_path / "1.out").write_text("")
    result = evaluate.judge_submission(source, [TestCase("1", tmp_path / "1.in", tmp_path / "1.out")],
                                       limits=RunLimits(cpu_time=1.0), compiler=compiler, workers=1)  # fmt: skip
    assert runs == ["1"] * (1 + contention.JE_ALONE_RUNS)  # a JE is run again alone, and again
    assert [str(t.verdict) for t in result.tests] == ["JE"] and "starved" in result.tests[0].message


# -- worker counts -------------------------------------------------------------------


def _fake_cgroups(tmp_path, membership: str, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "self-cgroup").write_text(membership)
    return tmp_path, tmp_path / "self-cgroup"


@pytest.mark.parametrize(
    "membership,files,cap",
    [
        ("0::/job\n", {"job/cpu.max": "50000 100000\n"}, 1),  # half a CPU: 1 worker
        ("0::/job\n", {"job/cpu.max": "max 100000\n"}, None),  # unlimited: the affinity mask
        ("4:cpu,cpuacct:/job\n", {"cpu,cpuacct/job/cpu.cfs_quota_us": "100000\n",
                                  "cpu,cpuacct/job/cpu.cfs_period_us": "100000\n"}, 1),
        ("4:cpu,cpuacct:/job\n", {"cpu/job/cpu.cfs_quota_us": "-1\n", "cpu/job/cpu.cfs_period_us": "100000\n"}, None),
        ("4:cpu:/gone\n", {}, None),  # unreadable: the affinity mask
    ],
    ids=["v2-half", "v2-max", "v1-one", "v1-unlimited", "v1-missing"],
)  # fmt: skip
def test_workers_default_to_the_cores_the_judge_may_use(tmp_path, membership, files, cap):
    import os

    root, proc = _fake_cgroups(tmp_path, membership, files)
    cores = len(os.sched_getaffinity(0))
    assert evaluate.usable_cores(root, proc) == (min(cores, cap) if cap else cores)
