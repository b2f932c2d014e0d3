"""The fetcher against a local server that serves fixture pages and API JSON and
injects 429, 503, timeouts, a challenge page, a login page and truncated bodies."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from builders.codeforces.fetch import Fetcher, FetchError, NotCached

from http_helpers import FaultyServer

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "codeforces"
PAGE = (FIXTURES / "problem-452A.html").read_bytes()
CONTESTS = json.dumps({"status": "OK", "result": [{"id": 1211, "name": "Kotlin Heroes", "type": "ICPC"}]}).encode()


@pytest.fixture
def server():
    srv = FaultyServer()
    srv.routes["/problemset/problem/452/A"] = PAGE
    srv.routes["/api/contest.list?gym=false"] = CONTESTS
    srv.routes["/api/contest.standings?contestId=9"] = json.dumps(
        {"status": "FAILED", "comment": "contestId: Contest with id 9 not found"}
    ).encode()
    yield srv
    srv.close()


def fetcher(server, tmp_path, **options) -> Fetcher:
    settings = {"api_interval": 0.0, "page_delay": 0.0, "backoff": 0.01, "timeout": 0.3, "attempts": 4, **options}
    return Fetcher(tmp_path / "cache", server.url, **settings)


@pytest.mark.parametrize("fault", [429, 503, "timeout", "challenge", "login", "truncated"])
def test_page_faults_are_retried(server, tmp_path, fault):
    server.faults["/problemset/problem/452/A"].extend([fault, fault])
    fetch = fetcher(server, tmp_path)
    assert fetch.page("/problemset/problem/452/A").encode() == PAGE
    assert server.hits["/problemset/problem/452/A"] == 3


def test_call_limit_exceeded_is_retried_and_api_results_returned(server, tmp_path):
    server.faults["/api/contest.list?gym=false"].append("call-limit")
    fetch = fetcher(server, tmp_path)
    assert fetch.api("contest.list", gym=False) == [{"id": 1211, "name": "Kotlin Heroes", "type": "ICPC"}]
    assert server.hits["/api/contest.list?gym=false"] == 2


def test_api_failure_is_a_clear_error_without_retries(server, tmp_path):
    with pytest.raises(FetchError, match="API answered FAILED: contestId: Contest with id 9 not found"):
        fetcher(server, tmp_path).api("contest.standings", contestId=9)
    assert server.hits["/api/contest.standings?contestId=9"] == 1


def test_giving_up_names_the_url(server, tmp_path):
    server.faults["/problemset/problem/452/A"].extend([503] * 10)
    with pytest.raises(FetchError, match=r"/problemset/problem/452/A: gave up after 4 attempts: HTTP 503"):
        fetcher(server, tmp_path).page("/problemset/problem/452/A")


def test_rerun_fetches_nothing_it_already_has(server, tmp_path):
    first = fetcher(server, tmp_path)
    first.page("/problemset/problem/452/A")
    first.api("contest.list", gym=False)
    again = fetcher(server, tmp_path)  # a new run, e.g. after the first was killed
    again.page("/problemset/problem/452/A")
    again.api("contest.list", gym=False)
    assert again.requests == 0
    assert server.hits["/problemset/problem/452/A"] == 1


def test_offline_reads_the_cache_and_names_what_is_missing(server, tmp_path):
    fetcher(server, tmp_path).page("/problemset/problem/452/A")
    offline = fetcher(server, tmp_path, offline=True)
    assert offline.page("/problemset/problem/452/A").encode() == PAGE
    with pytest.raises(NotCached, match=r"not in the cache: .*/problemset/problem/1211/A"):
        offline.page("/problemset/problem/1211/A")
    assert offline.requests == 0


def test_api_calls_are_spaced(server, tmp_path):
    fetch = fetcher(server, tmp_path, api_interval=0.2)
    server.routes["/api/problemset.problems"] = json.dumps({"status": "OK", "result": {"problems": []}}).encode()
    started = time.monotonic()
    fetch.api("contest.list", gym=False)
    fetch.api("problemset.problems")
    assert time.monotonic() - started >= 0.2


def test_not_found_is_remembered(server, tmp_path):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher(server, tmp_path).page("/contest/452/problems")
    with pytest.raises(FetchError, match="remembered"):
        fetcher(server, tmp_path).page("/contest/452/problems")
    assert server.hits["/contest/452/problems"] == 1
