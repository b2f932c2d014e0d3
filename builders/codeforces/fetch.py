"""A polite, cached, resumable HTTP fetcher for the Codeforces API and pages.

- API calls at most one per `api_interval` seconds (Codeforces answers "Call
  limit exceeded" faster than that), pages one per `page_delay` seconds;
- retries with exponential backoff and jitter on 429, 5xx, timeouts, broken
  connections and truncated bodies; "Call limit exceeded", challenge pages and
  login pages are retried too and never returned as content;
- every good response is stored in an on-disk cache (atomically), and so is
  the fact that a URL answered 404, so a rerun fetches nothing it already has;
  `offline` reads the cache only and names the URL it lacks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from judge.paths import atomic_write_bytes

log = logging.getLogger(__name__)

CHALLENGE_MARKERS = ("Just a moment...", "cf-chl", "Checking your browser", "challenge-platform")
LOGIN_MARKERS = ('id="enterForm"', "id='enterForm'", "handleOrEmail")
CALL_LIMIT = "Call limit exceeded"


class FetchError(RuntimeError):
    """A URL could not be fetched: names it and says why."""


class NotCached(FetchError):
    """Offline mode and the cache lacks this URL."""


class Retryable(Exception):
    """A failure worth another try (rate limit, server error, challenge, truncation)."""


class Fetcher:
    def __init__(
        self,
        cache_dir: Path,
        base_url: str = "https://codeforces.com",
        *,
        api_interval: float = 2.0,
        page_delay: float = 1.0,
        offline: bool = False,
        attempts: int = 6,
        backoff: float = 2.0,
        timeout: float = 30.0,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.base_url = base_url.rstrip("/")
        self.intervals = {"api": api_interval, "page": page_delay}
        self.offline = offline
        self.attempts, self.backoff = attempts, backoff
        self.client = httpx.Client(timeout=timeout, follow_redirects=True,
                                   headers={"User-Agent": "olympicforge dataset builder"})  # fmt: skip
        self._last = {"api": 0.0, "page": 0.0}
        self._lock = threading.Lock()
        self.requests = 0  # network requests made (for tests and logs)

    # -- cache -----------------------------------------------------------------

    def _cache_path(self, kind: str, url: str) -> Path:
        digest = hashlib.sha256(url.encode()).hexdigest()
        return self.cache_dir / kind / digest[:2] / f"{digest}.{'json' if kind == 'api' else 'html'}"

    def store(self, kind: str, url: str, body: bytes) -> None:
        """Put a response into the cache (fetched elsewhere, or a saved page)."""
        atomic_write_bytes(self._cache_path(kind, url), body)

    def cached(self, kind: str, url: str) -> bytes | None:
        path = self._cache_path(kind, url)
        return path.read_bytes() if path.exists() else None

    # -- fetching ----------------------------------------------------------------

    def _wait_turn(self, kind: str) -> None:
        with self._lock:
            pause = self._last[kind] + self.intervals[kind] - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self._last[kind] = time.monotonic()

    def _get(self, kind: str, url: str) -> bytes:
        self._wait_turn(kind)
        self.requests += 1
        try:
            response = self.client.get(url)
            body = response.content  # raises on a connection closed mid-body
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise Retryable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise Retryable(f"HTTP {response.status_code}")
        expected = response.headers.get("content-length")
        if expected is not None and int(expected) != len(body) and "content-encoding" not in response.headers:
            raise Retryable(f"truncated body: {len(body)} of {expected} bytes")
        text = body.decode(errors="replace")
        if any(marker in text for marker in CHALLENGE_MARKERS):
            raise Retryable("a challenge page instead of content")
        if kind == "page" and any(marker in text for marker in LOGIN_MARKERS) and "problem-statement" not in text:
            raise Retryable("a login page instead of content")
        if response.status_code == 404:
            atomic_write_bytes(self._cache_path(kind, url).with_suffix(".404"), b"")  # a real answer: remember it
            raise FetchError(f"{url}: HTTP 404 (not found)")
        if response.status_code >= 400:
            raise FetchError(f"{url}: HTTP {response.status_code}")
        if kind == "page" and "</html>" not in text.lower():
            raise Retryable("truncated page (no closing </html>)")
        if kind == "api":
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                raise Retryable("API answer is not complete JSON") from None
            if data.get("status") != "OK":
                comment = str(data.get("comment", ""))
                if CALL_LIMIT in comment:
                    raise Retryable(CALL_LIMIT)
                raise FetchError(f"{url}: API answered FAILED: {comment}")
        return body

    def fetch(self, kind: str, url: str) -> bytes:
        """The body of `url` from the cache, else from the network (then cached)."""
        body = self.cached(kind, url)
        if body is not None:
            return body
        if self._cache_path(kind, url).with_suffix(".404").exists():
            raise FetchError(f"{url}: HTTP 404 (not found, remembered from an earlier run)")
        if self.offline:
            raise NotCached(f"offline and not in the cache: {url}")
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts), wait=wait_random_exponential(multiplier=self.backoff, max=60),
            retry=retry_if_exception_type(Retryable), reraise=False,
            before_sleep=lambda state: log.warning("retrying %s: %s", url, state.outcome.exception()),
        )  # fmt: skip
        try:
            body = retrying(self._get, kind, url)
        except RetryError as exc:
            raise FetchError(f"{url}: gave up after {self.attempts} attempts: {exc.last_attempt.exception()}") from None
        self.store(kind, url, body)
        return body

    def api(self, method: str, **params):
        """`result` of a Codeforces API method (e.g. `contest.list`, gym=False)."""
        query = urlencode(sorted((k, str(v).lower() if isinstance(v, bool) else v) for k, v in params.items()))
        url = f"{self.base_url}/api/{method}" + (f"?{query}" if query else "")
        return json.loads(self.fetch("api", url))["result"]

    def page(self, path: str) -> str:
        return self.fetch("page", f"{self.base_url}/{path.lstrip('/')}").decode(errors="replace")

    def close(self) -> None:
        self.client.close()
