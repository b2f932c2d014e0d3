"""Client of `olympicforge judge serve` workers: spread jobs, retry, drop dead workers.

Each job goes to the least busy live worker; a connection failure or a 5xx
retries it on another worker (tenacity, with backoff). A worker that fails
`max_failures` times in a row leaves the rotation. A job no worker could answer
gets None, the same as a judge error: its reward is unknown, never 0.

The token (`token=`, default env OLYMPICFORGE_JUDGE_TOKEN) goes out as
`Authorization: Bearer`. A 401 raises JudgeUnauthorized at once: a wrong token is
the same on every worker and every retry, and silent None rewards would hide it.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from judge.jobs import BadJob
from judge.server import TOKEN_CHARS, TOKEN_ENV

log = logging.getLogger(__name__)


class WorkerUnavailable(Exception):
    """This worker could not answer now: try another one."""


class NoWorkerLeft(Exception):
    """Every worker has been dropped."""


class JudgeUnauthorized(RuntimeError):
    """A worker refused the token (HTTP 401): a configuration error, not a worker failure."""


@dataclass
class WorkerState:
    url: str
    busy: int = 0
    failures: int = 0  # consecutive
    alive: bool = True


class RemoteJudge:
    def __init__(
        self,
        urls: list[str],
        *,
        timeout: float = 600.0,
        attempts: int = 4,
        max_failures: int = 3,
        concurrency: int = 64,
        backoff: float = 0.2,
        token: str | None = None,
    ) -> None:
        if not urls:
            raise ValueError("RemoteJudge needs at least one worker URL")
        token = os.environ.get(TOKEN_ENV, "") if token is None else token
        if token and not TOKEN_CHARS.fullmatch(token):
            raise ValueError("the judge token must be printable ASCII without spaces")
        self.has_token = bool(token)
        self.workers = [WorkerState(url.rstrip("/")) for url in urls]
        self.attempts = attempts
        self.max_failures = max_failures
        self.concurrency = concurrency
        self.backoff = backoff
        self.lock = threading.Lock()
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0), limits=limits, headers=headers)

    @property
    def alive(self) -> list[str]:
        return [w.url for w in self.workers if w.alive]

    def _pick(self, tried: set[str]) -> WorkerState:
        with self.lock:
            live = [w for w in self.workers if w.alive]
            if not live:
                raise NoWorkerLeft("no judge worker left")
            fresh = [w for w in live if w.url not in tried] or live
            worker = min(fresh, key=lambda w: (w.busy, w.failures))
            worker.busy += 1
            return worker

    def _failed(self, worker: WorkerState, why: str) -> None:
        with self.lock:
            worker.failures += 1
            if worker.alive and worker.failures >= self.max_failures:
                worker.alive = False
                log.error("judge worker %s dropped after %d failures in a row (%s); %d left", worker.url,
                          worker.failures, why, sum(w.alive for w in self.workers))  # fmt: skip
            else:
                log.warning("judge worker %s failed (%s)", worker.url, why)

    def _post(self, job: dict, tried: set[str]) -> dict:
        worker = self._pick(tried)
        tried.add(worker.url)
        try:
            response = self.client.post(f"{worker.url}/judge", json=job)
        except httpx.TransportError as exc:
            self._failed(worker, f"{type(exc).__name__}: {exc}")
            raise WorkerUnavailable(worker.url) from exc
        finally:
            with self.lock:
                worker.busy -= 1
        if response.status_code == 401:
            sent = "the token sent differs from the worker's" if self.has_token else "no token was sent"
            raise JudgeUnauthorized(f"judge worker {worker.url} refused the request (HTTP 401: {sent}); set "
                                    f"{TOKEN_ENV} (or RemoteJudge(token=...)) to the worker's --token")  # fmt: skip
        if response.status_code >= 500:
            self._failed(worker, f"HTTP {response.status_code}")
            raise WorkerUnavailable(worker.url)
        if response.status_code != 200:
            raise BadJob(f"judge worker {worker.url} refused the job: HTTP {response.status_code} "
                             f"{response.text[:500]}")  # fmt: skip
        with self.lock:
            worker.failures = 0
        return response.json()

    def submit(self, job: dict) -> dict | None:
        """The worker's answer, or None when no worker could answer; BadJob and JudgeUnauthorized raise."""
        tried: set[str] = set()
        retrying = Retrying(stop=stop_after_attempt(self.attempts), reraise=False,
                            wait=wait_exponential(multiplier=self.backoff, max=5.0),
                            retry=retry_if_exception_type(WorkerUnavailable))  # fmt: skip
        try:
            return retrying(self._post, job, tried)
        except NoWorkerLeft:
            log.error("no judge worker left: the reward is unknown")
        except RetryError:
            log.error("no judge worker answered after %d attempts (%s)", self.attempts, ", ".join(sorted(tried)))
        return None

    def map(self, jobs: list[dict]) -> list[dict | None]:
        if not jobs:
            return []
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(jobs))) as pool:
            return list(pool.map(self.submit, jobs))

    def health(self) -> dict[str, dict | None]:
        """GET /health of every worker (None where it does not answer)."""
        answers = {}
        for worker in self.workers:
            try:
                answers[worker.url] = self.client.get(f"{worker.url}/health", timeout=5.0).json()
            except (httpx.HTTPError, ValueError):
                answers[worker.url] = None
        return answers

    def close(self) -> None:
        self.client.close()
