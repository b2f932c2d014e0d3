"""The Ray executor on a real local cluster (2 CPUs): the same results as the local pool,
nothing lost or counted twice when a judge actor's process is killed midway, reruns
judge only what is missing, and judge jobs (rewards) through the cluster's actors."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from judge.batcheval import SubmissionJob, evaluate_many
from judge.executors import Lost, Work, make_executor
from judge.executors.ray_cluster import ExecutorError, Queue, RayExecutor, RayJudge
from judge.jobs import BadJob
from judge.loaders import load_task
from olympicforge.cli import main

from ioi_helpers import EXAMPLES
from ray_helpers import die_on_negative, normalized

FINDPAIR = EXAMPLES / "2024" / "day1" / "findpair"


def submissions(copies: int = 2) -> list[dict]:
    """findpair's shipped solutions (AC, partial, WA, TLE, MLE, RE), `copies` of each."""
    return [{"id": f"{path.parent.name}-{path.stem}-{n}", "problem": "2024/findpair", "code": path.read_text()}
            for path in sorted((FINDPAIR / "solutions").glob("*/*.cpp")) for n in range(copies)]  # fmt: skip


def write_submissions(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def results(path) -> dict[str, dict]:
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    by_id = {r["id"]: normalized(r) for r in lines}
    assert len(by_id) == len(lines), "a submission was recorded twice"
    return by_id


@pytest.fixture(scope="module")
def local_results(tmp_path_factory, compiler):
    """`judge batch` on the local pool: what every Ray run must reproduce."""
    folder = tmp_path_factory.mktemp("local")
    write_submissions(folder / "subs.jsonl", submissions())
    out = folder / "results.jsonl"
    assert main(["judge", "batch", "--packages", str(FINDPAIR), "--submissions", str(folder / "subs.jsonl"),
                 "--out", str(out), "--workers", "2"]) == 0  # fmt: skip
    judged = results(out)
    assert {r["score"] for r in judged.values()} == {0.0, 30.0, 100.0}  # the fixture exercises several verdicts
    return judged


def test_judge_batch_on_ray_gives_the_local_results(ray_cluster, local_results, tmp_path, capsys):
    write_submissions(tmp_path / "subs.jsonl", submissions())
    out = tmp_path / "results.jsonl"
    command = ["judge", "batch", "--packages", str(FINDPAIR), "--submissions", str(tmp_path / "subs.jsonl"),
               "--out", str(out), "--executor", "ray", "--ray-address", ray_cluster.address]  # fmt: skip
    assert main(command) == 0
    assert results(out) == local_results
    assert "judged 12, already done 0, judge errors 0" in capsys.readouterr().out
    assert main(command) == 0 and "judged 0, already done 12" in capsys.readouterr().out  # a rerun judges nothing


def test_a_killed_judge_actor_loses_nothing_and_counts_nothing_twice(ray_cluster, local_results, tmp_path):
    task = load_task(FINDPAIR)
    jobs = [SubmissionJob.from_record(r, "test") for r in submissions()]
    out = tmp_path / "results.jsonl"
    executor = RayExecutor(ray_cluster.address, cores_per_actor=1)  # two actors of one core: one survives
    assert [a.slots for a in executor.live] == [1, 1]
    killed = []

    def kill_one_midway() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 2):
            time.sleep(0.05)
        pid = busy_actor_pid(executor)
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = threading.Thread(target=kill_one_midway)
    killer.start()
    try:
        summary = evaluate_many([task], jobs, out, executor=executor, show_progress=False)
    finally:
        killer.join()
        executor.close()
    assert killed and executor.replacements >= 1  # an actor died while judging, and another took its place
    assert (summary.judged, summary.lost, summary.judge_errors) == (12, 0, 0)
    assert results(out) == local_results  # every submission once, with the verdicts of the local pool


def busy_actor_pid(executor: RayExecutor) -> int:
    """The process of a live actor that is judging something now."""
    import ray

    for actor in executor.live:
        if actor.running:
            return ray.get(actor.handle.info.remote())["pid"]
    return ray.get(executor.live[0].handle.info.remote())["pid"]


def test_a_rerun_judges_only_what_is_missing(ray_cluster, local_results, tmp_path):
    task = load_task(FINDPAIR)
    jobs = [SubmissionJob.from_record(r, "test") for r in submissions()]
    out = tmp_path / "results.jsonl"
    with make_executor("ray", ray_address=ray_cluster.address) as executor:
        first = evaluate_many([task], jobs[:5], out, executor=executor, show_progress=False)
        with out.open("a") as handle:
            handle.write('{"id": "torn", "prob')  # killed mid-line
        second = evaluate_many([task], jobs, out, executor=executor, show_progress=False)
    assert (first.judged, second.judged, second.skipped) == (5, 7, 5)
    assert results(out) == local_results


def test_an_item_whose_actors_keep_dying_comes_back_lost_not_scored(ray_cluster):
    with RayExecutor(ray_cluster.address, cores_per_actor=1, attempts=2) as executor:
        answers = dict(executor.run(Work(die_on_negative), [1, -1, 2]))
    assert answers[0] == 2 and answers[2] == 4
    assert isinstance(answers[1], Lost) and "died 2 times" in answers[1].reason


def test_judge_jobs_through_ray_answer_as_the_local_pool(ray_cluster):
    code = (FINDPAIR / "solutions" / "model_solution" / "hashing.cpp").read_text()
    sum_cpp = '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n'
    tests = [{"input": "1 2\n", "output": "3\n"}, {"input": "5 5\n", "output": "10\n"}]
    jobs = [{"kind": "cf", "code": sum_cpp, "tests": tests, "time_limit": 1, "memory_limit": 64},
            {"kind": "cf", "code": sum_cpp.replace("a+b", "a-b"), "tests": tests, "time_limit": 1, "memory_limit": 64},
            {"kind": "cf", "code": code, "tests": tests}]  # fmt: skip  # not this problem's: CE (no main)
    judge = RayJudge(ray_cluster.address)
    try:
        answers = judge.map(jobs)
        assert [(a["status"], a["verdict"], a["passed"]) for a in answers] == [("ok", "AC", 2), ("ok", "WA", 0),
                                                                               ("ok", "CE", 0)]  # fmt: skip
        with pytest.raises(BadJob, match="kind"):  # a malformed job is the caller's bug, raised, not retried
            judge.map([{"kind": "nope", "code": ""}])
    finally:
        judge.close()


def test_items_of_a_group_stay_on_the_actor_working_on_it():
    from judge.executors.ray_cluster import ActorSlot

    queue = Queue()
    for index, group in enumerate(["a", "a", "b", "a", "b", "c"]):
        queue.push(group, index)
    first, second = ActorSlot("1", None, 1), ActorSlot("2", None, 1)
    order = [(actor.name, queue.take(actor)) for actor in (first, second, first, second, first, second)]
    # each takes a group nobody works on, keeps to it, then helps with the biggest left
    assert order == [("1", 0), ("2", 2), ("1", 1), ("2", 4), ("1", 3), ("2", 5)]
    assert queue.take(first) is None


def test_no_cluster_at_the_address_is_one_line(tmp_path, capsys, monkeypatch):
    import ray

    if ray.is_initialized():  # this process already joined the test cluster: ask a fresh one
        command = [os.sys.executable, "-m", "olympicforge", "judge", "batch", "--packages", str(FINDPAIR),
                   "--submissions", str(tmp_path / "s.jsonl"), "--out", str(tmp_path / "o.jsonl"),
                   "--executor", "ray", "--ray-address", "127.0.0.1:1"]  # fmt: skip
        import subprocess

        write_submissions(tmp_path / "s.jsonl", submissions(1))
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stderr[-2000:]
        error = done.stderr.strip().splitlines()[-1]
    else:
        with pytest.raises(ExecutorError) as caught:
            RayExecutor("127.0.0.1:1")
        error = f"olympicforge: error: {caught.value}"
    assert error.startswith("olympicforge: error: --ray-address 127.0.0.1:1: no Ray cluster to join")
    assert not (tmp_path / "o.jsonl").exists()
