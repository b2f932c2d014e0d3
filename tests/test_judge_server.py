"""`olympicforge judge serve` workers and the client that spreads GRPO reward jobs over
them: health, bad jobs, and concurrent load while one worker is killed midway."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from judge.jobs import BadJob
from judge.remote import RemoteJudge

from http_helpers import stop_worker
from recipe_helpers import APLUSB_TESTS, CORRECT, WRONG

CLI = Path(sys.executable).with_name("olympicforge")
TOKEN = "judge-server-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# Burns ~0.3 s of CPU before answering, so that jobs are in flight when a worker dies.
SLOW = CORRECT.replace("int main() {", "int main() { volatile long s = 0; for (long i = 0; i < 150000000; i++) s += i;")


def job(code: str) -> dict:
    return {
        "kind": "cf",
        "code": code,
        "language": "cpp",
        "tests": APLUSB_TESTS,
        "time_limit": 2.0,
        "memory_limit": 256,
    }


def start_worker() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([str(CLI), "judge", "serve", "--port", "0", "--workers", "2", "--token", TOKEN],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())  # fmt: skip
    line = proc.stdout.readline()
    assert line.startswith("judge worker on http://"), line
    return proc, line.split()[3]


@pytest.fixture
def workers():
    started = [start_worker() for _ in range(3)]
    yield started
    for proc, _ in started:
        stop_worker(proc)


def test_health_judging_and_bad_jobs(workers):
    _, url = workers[0]
    health = httpx.get(f"{url}/health").json()
    assert health["status"] == "ok" and health["workers"] == 2 and health["busy"] == 0
    assert httpx.post(f"{url}/judge", json=job(CORRECT), timeout=60).status_code == 401  # no token
    answer = httpx.post(f"{url}/judge", json=job(CORRECT), headers=AUTH, timeout=60).json()
    assert answer["status"] == "ok" and answer["verdict"] == "AC" and answer["passed"] == 3
    assert httpx.post(f"{url}/judge", content=b"[1, 2", headers=AUTH, timeout=10).status_code == 400
    remote = RemoteJudge([url], token=TOKEN)
    try:
        with pytest.raises(BadJob, match="lacks"):
            remote.submit({"kind": "ioi", "code": ""})
        assert remote.submit(job(WRONG))["verdict"] == "WA"
    finally:
        remote.close()
    assert httpx.get(f"{url}/health").json()["judged"] == 2


def test_concurrent_load_survives_a_worker_killed_midway(workers):
    urls = [url for _, url in workers]
    remote = RemoteJudge(urls, max_failures=1, attempts=4, backoff=0.05, concurrency=12, token=TOKEN)
    jobs = [job(SLOW if i % 2 == 0 else WRONG) for i in range(36)]
    # compile once: the cache is shared on disk
    httpx.post(f"{urls[0]}/judge", json=job(SLOW), headers=AUTH, timeout=60)
    victim, _ = workers[0]
    answers: list = []
    runner = threading.Thread(target=lambda: answers.extend(remote.map(jobs)))
    runner.start()
    deadline = time.monotonic() + 30
    while httpx.get(f"{urls[0]}/health").json()["busy"] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    victim.kill()  # mid-job: its in-flight requests must be retried on the others
    runner.join(timeout=120)
    try:
        assert len(answers) == len(jobs)
        assert [a["verdict"] for a in answers] == ["AC" if i % 2 == 0 else "WA" for i in range(len(jobs))]
        assert remote.alive == urls[1:]  # the dead worker left the rotation
        judged = [httpx.get(f"{url}/health").json()["judged"] for url in urls[1:]]
        assert sum(judged) >= len(jobs) // 2 and all(count > 0 for count in judged)
        for proc, _ in workers[1:]:
            proc.kill()
        assert remote.submit(job(CORRECT)) is None  # no worker can answer: unknown, not 0
        assert remote.alive == []
    finally:
        remote.close()


def test_the_cli_reports_a_broken_sandbox_at_start():
    env = {**os.environ, "OLYMPICFORGE_SANDBOX": "no-such-backend"}
    done = subprocess.run([str(CLI), "judge", "serve", "--port", "0"], env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 2 and "unknown sandbox backend" in done.stderr  # before serving anything
