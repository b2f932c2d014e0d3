"""`olympicforge judge serve` facing a hostile network: no token, huge or malformed requests,
slowloris, connection floods. Real servers, raw sockets; after each attack a normal A+B job
must still be judged AC."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from judge.remote import JudgeUnauthorized, RemoteJudge
from judge.server import TOKEN_ENV, JudgeServer
from recipes.rewards import CFCode, RewardArguments, make_judge

from http_helpers import stop_worker
from recipe_helpers import APLUSB_TESTS, CORRECT, answer, aplusb_row, reward_kwargs

CLI = Path(sys.executable).with_name("olympicforge")
TOKEN = "s3cret-judge-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MB = 1 << 20
HEALTH_BOUND = 2.0  # seconds: /health under attack must answer within this
POST = f"POST /judge HTTP/1.1\r\nHost: judge\r\nAuthorization: Bearer {TOKEN}\r\n".encode()


def job(code: str = CORRECT) -> dict:
    return {"kind": "cf", "code": code, "language": "cpp", "tests": APLUSB_TESTS, "time_limit": 2.0,
            "memory_limit": 256}  # fmt: skip


def address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def read_answer(sock: socket.socket) -> tuple[int, dict, bytes]:
    """One HTTP answer: (status, headers, body). A reset or a close before it fails the test."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed without an answer (got {data[:200]!r})"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers["content-length"]):
        chunk = sock.recv(65536)
        assert chunk, "connection closed mid-answer"
        body += chunk
    return int(lines[0].split()[1]), headers, body


def raw(url: str, data: bytes, timeout: float = 20) -> tuple[int, dict, bytes]:
    with socket.create_connection(address(url), timeout=timeout) as sock:
        sock.sendall(data)
        return read_answer(sock)


def judge_request(body: bytes, extra: bytes = b"") -> bytes:
    return POST + extra + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def assert_judges_aplusb(url: str) -> None:
    answer = httpx.post(f"{url}/judge", json=job(), headers=AUTH, timeout=120).json()
    assert answer["status"] == "ok" and answer["verdict"] == "AC" and answer["passed"] == 3, answer


def assert_health_answers(url: str) -> None:
    started = time.monotonic()
    health = httpx.get(f"{url}/health", timeout=HEALTH_BOUND).json()
    assert health["status"] == "ok" and time.monotonic() - started < HEALTH_BOUND


def half_sent(url: str, count: int) -> list[socket.socket]:
    """Connections that start a request and never finish it (slowloris)."""
    socks = []
    for i in range(count):
        sock = socket.create_connection(address(url), timeout=10)
        sock.sendall(POST + b"Content-Length: 100\r\n\r\n{" if i % 2 else b"POST /judge HTTP/1.1\r\nHost: j")
        socks.append(sock)
    return socks


def close_all(socks: list[socket.socket]) -> None:
    for sock in socks:
        sock.close()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def server():
    judge_server = JudgeServer(workers=2, token=TOKEN).start()
    yield judge_server
    judge_server.close()


@pytest.fixture
def no_env_token(monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)


def start_cli(*flags: str, token: str | None = TOKEN) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    if token:
        env[TOKEN_ENV] = token
    proc = subprocess.Popen([str(CLI), "judge", "serve", "--port", "0", "--workers", "1", *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)  # fmt: skip
    line = proc.stdout.readline()
    assert line.startswith("judge worker on http://"), line
    return proc, line.split()[3].replace("0.0.0.0", "127.0.0.1")


# --- 1. authentication ---


def test_judging_needs_the_token_and_health_tells_nothing_secret(server):
    url = server.url
    before = server.unauthorized
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": f"Bearer {TOKEN[:-1]}"}):  # fmt: skip
        refused = httpx.post(f"{url}/judge", json=job(), headers=headers, timeout=10)
        assert refused.status_code == 401 and "Bearer" in refused.json()["error"]
        assert refused.headers["www-authenticate"].startswith("Bearer")
    assert server.unauthorized - before == 5
    health = httpx.get(f"{url}/health", timeout=10)  # open: probes need no secret
    assert health.status_code == 200 and set(health.json()) == {"status", "workers", "busy", "judged", "backend"}
    assert TOKEN not in health.text
    assert_judges_aplusb(url)


def test_a_token_is_required_beyond_loopback(no_env_token):
    with pytest.raises(ValueError, match=f"--token or set {TOKEN_ENV}"):
        JudgeServer("0.0.0.0", 0)
    JudgeServer("localhost", 0).close()  # loopback without a token stays allowed
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    done = subprocess.run([str(CLI), "judge", "serve", "--host", "0.0.0.0", "--port", "0"], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and done.stdout == "" and len(lines) == 1, (done.returncode, done.stdout, lines)
    assert "--token" in lines[0] and TOKEN_ENV in lines[0] and "loopback" in lines[0]


def test_the_cli_takes_the_token_from_the_environment_beyond_loopback():
    proc, url = start_cli("--host", "0.0.0.0")
    try:
        assert httpx.post(f"{url}/judge", json=job(), timeout=10).status_code == 401
        assert_judges_aplusb(url)
    finally:
        stop_worker(proc)


# --- 2. bodies and memory ---


def test_a_body_over_the_cap_is_refused_before_it_is_sent(server):
    url = server.url
    with socket.create_connection(address(url), timeout=20) as sock:
        sock.sendall(POST + f"Content-Length: {100 * MB}\r\n\r\n".encode())  # 100 MB announced, nothing sent
        status, headers, body = read_answer(sock)
    assert status == 413 and headers["connection"] == "close" and "--max-body-mb" in body.decode()
    unauthenticated = b"POST /judge HTTP/1.1\r\nHost: judge\r\nContent-Length: 104857600\r\n\r\n"
    assert raw(url, unauthenticated)[0] == 401  # the token is checked first: no limits told to strangers
    assert_judges_aplusb(url)


def test_a_huge_body_is_not_buffered():
    proc, url = start_cli()
    try:
        assert_judges_aplusb(url)
        before = peak_rss_mb(proc.pid)
        with socket.create_connection(address(url), timeout=20) as sock:
            sock.sendall(POST + f"Content-Length: {400 * MB}\r\n\r\n".encode())
            chunk = b"[" * MB
            try:
                for _ in range(200):  # 200 MB actually sent, as fast as the worker takes them
                    sock.sendall(chunk)
            except OSError:
                pass  # the worker answered 413 and closed
            status, _, _ = read_answer(sock)
        assert status == 413
        assert peak_rss_mb(proc.pid) - before < 40, (before, peak_rss_mb(proc.pid))
        assert_judges_aplusb(url)
    finally:
        stop_worker(proc)


def test_bodies_held_at_once_stay_within_the_buffer_cap():
    proc, url = start_cli("--max-body-mb", "8", "--max-buffer-mb", "16", "--timeout", "3")
    try:
        assert_judges_aplusb(url)
        before = peak_rss_mb(proc.pid)

        def almost_a_body(_) -> int:
            """8 MB announced, all but the last byte sent: it waits for memory or for that byte."""
            with socket.create_connection(address(url), timeout=30) as sock:
                sock.sendall(POST + f"Content-Length: {8 * MB}\r\n\r\n".encode())
                try:
                    sock.sendall(b" " * (8 * MB - 1))
                except OSError:
                    pass
                return read_answer(sock)[0]

        with ThreadPoolExecutor(12) as pool:
            statuses = pool.map(almost_a_body, range(12))
            time.sleep(1.0)
            assert_health_answers(url)
            statuses = list(statuses)
        assert set(statuses) <= {408, 503} and statuses.count(408) >= 2, statuses
        assert peak_rss_mb(proc.pid) - before < 48, (before, peak_rss_mb(proc.pid))  # 12 x 8 MB would be 96
        assert_judges_aplusb(url)
    finally:
        stop_worker(proc)


# --- 3. slow and half-sent requests, connection floods ---


def test_half_sent_requests_are_dropped_after_the_timeout(no_env_token):
    judge_server = JudgeServer(token=TOKEN, timeout=1.0).start()
    url = judge_server.url
    try:
        for partial in (b"POST /judge HTTP/1.1\r\nHost: judge\r\nContent-Le",
                        POST + b"Content-Length: 100\r\n\r\n{\"kind\": "):  # fmt: skip
            started = time.monotonic()
            status, headers, body = raw(url, partial, timeout=10)
            assert status == 408 and headers["connection"] == "close" and b"within 1 s" in body
            assert time.monotonic() - started < 6
        with socket.create_connection(address(url), timeout=10) as silent:
            assert silent.recv(1) == b""  # an idle connection is closed, without an answer
        assert_judges_aplusb(url)
    finally:
        judge_server.close()


def server_threads(pid: int) -> int:
    return int(next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("Threads:")).split()[1])  # fmt: skip


def test_health_answers_under_300_half_sent_connections():
    proc, url = start_cli()
    socks = half_sent(url, 300)
    try:
        assert_health_answers(url)
        assert server_threads(proc.pid) < 50  # a half-sent request costs a socket, not a thread to exhaust
        assert_judges_aplusb(url)
        assert_health_answers(url)
    finally:
        close_all(socks)
        stop_worker(proc)


def closed_by_the_server(socks: list[socket.socket], at_least: int) -> int:
    closed: set[socket.socket] = set()
    deadline = time.monotonic() + 10
    while len(closed) < at_least and time.monotonic() < deadline:
        readable, _, _ = select.select([s for s in socks if s not in closed], [], [], 0.2)
        for sock in readable:
            try:
                sock.recv(65536)  # b"" or a reset: an evicted connection has nothing to say
            except ConnectionError:
                pass
            closed.add(sock)
    return len(closed)


def test_at_the_connection_cap_the_oldest_half_sent_request_makes_room(no_env_token):
    judge_server = JudgeServer(token=TOKEN, max_connections=20).start()
    url = judge_server.url
    socks = half_sent(url, 300)
    try:
        assert_health_answers(url)  # it got in although 300 wanted 20 places
        assert closed_by_the_server(socks, 280) >= 280
        assert_judges_aplusb(url)
    finally:
        close_all(socks)
        judge_server.close()


# --- 4. malformed requests: a JSON error, never a traceback or a reset ---

MALFORMED = {
    "content-length-abc": (POST + b"Content-Length: abc\r\n\r\n", 400),
    "content-length-negative": (POST + b"Content-Length: -5\r\n\r\n", 400),
    "content-length-plus": (POST + b"Content-Length: +5\r\n\r\n{}   ", 400),
    "content-length-list": (POST + b"Content-Length: 2, 2\r\n\r\n{}", 400),
    "content-length-duplicated": (POST + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400),
    "content-length-conflicting": (POST + b"Content-Length: 2\r\nContent-Length: 7\r\n\r\n{}", 400),
    "content-length-missing": (POST + b"\r\n{}", 411),
    "content-length-astronomical": (POST + b"Content-Length: 99999999999999999999999999999999\r\n\r\n", 413),
    "chunked": (POST + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 501),
    "chunked-and-length": (POST + b"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}", 400),
    "empty-body": (POST + b"Content-Length: 0\r\n\r\n", 400),
    "not-http": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
    "bad-version": (b"POST /judge HTTP/7.0\r\nContent-Length: 2\r\n\r\n{}", 400),
    "header-without-colon": (POST + b"no colon here\r\nContent-Length: 2\r\n\r\n{}", 400),
    "headers-too-large": (POST + b"X-Pad: " + b"a" * 70000 + b"\r\n\r\n", 431),
    "too-many-headers": (POST + b"X-A: b\r\n" * 150 + b"\r\n", 431),
    "unknown-route": (b"GET /etc/passwd HTTP/1.1\r\nHost: judge\r\n\r\n", 404),
    "wrong-method": (b"GET /judge HTTP/1.1\r\nHost: judge\r\n\r\n", 405),
    "deep-json": (judge_request(b"[" * 100_000), 400),
    "deep-json-closed": (judge_request(b"[" * 100_000 + b"]" * 100_000), 400),
    "deep-json-in-a-job": (judge_request(b'{"kind": "cf", "tests": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"), 400),
    "truncated-json": (judge_request(b'{"kind": "cf", "code": '), 400),
    "not-utf8": (judge_request(b'{"code": "\xff\xfe"}'), 400),
    "not-an-object": (judge_request(b"[1, 2]"), 400),
    "unknown-kind": (judge_request(b'{"kind": "rm -rf", "code": ""}'), 400),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_request_gets_a_json_error(server, name):
    request, expected = MALFORMED[name]
    status, headers, body = raw(server.url, request)
    assert status == expected and headers["content-type"] == "application/json"
    assert b"Traceback" not in body and isinstance(httpx.Response(200, content=body).json()["error"], str)
    assert_health_answers(server.url)


def test_after_a_bad_job_the_connection_judges_the_next_one(server):
    good = httpx.Request("POST", "http://judge/judge", json=job()).read()
    with socket.create_connection(address(server.url), timeout=120) as sock:
        sock.sendall(judge_request(b'{"kind": '))
        assert read_answer(sock)[0] == 400  # the body was read: the connection stays usable
        sock.sendall(POST + f"Content-Length: {len(good)}\r\nExpect: 100-continue\r\n\r\n".encode())
        assert sock.recv(25) == b"HTTP/1.1 100 Continue\r\n\r\n"  # what curl waits for before a large body
        sock.sendall(good)
        status, _, body = read_answer(sock)
    assert status == 200 and httpx.Response(200, content=body).json()["verdict"] == "AC"


# --- 5. the client ---


def test_the_client_sends_the_token_and_a_401_raises_at_once(server, monkeypatch):
    other = JudgeServer(token=TOKEN).start()
    try:
        before = server.unauthorized + other.unauthorized
        wrong = RemoteJudge([server.url, other.url], token="wrong", attempts=4, max_failures=1)
        try:
            with pytest.raises(JudgeUnauthorized, match=f"differs.*{TOKEN_ENV}"):
                wrong.submit(job())
            assert server.unauthorized + other.unauthorized - before == 1  # not retried on another worker
            assert wrong.alive == [server.url, other.url]  # a configuration error, not a dead worker
            with pytest.raises(JudgeUnauthorized):  # the reward raises too: no silent None rewards
                CFCode(wrong)([answer(CORRECT)], **reward_kwargs([aplusb_row()]))
        finally:
            wrong.close()
        monkeypatch.delenv(TOKEN_ENV, raising=False)
        without = RemoteJudge([server.url])
        try:
            with pytest.raises(JudgeUnauthorized, match="no token was sent"):
                without.map([job()])
        finally:
            without.close()
        monkeypatch.setenv(TOKEN_ENV, TOKEN)  # how GRPO gets it: judge_urls in the YAML, the token in the env
        remote = make_judge(RewardArguments(judge_urls=[server.url, other.url]))
        try:
            assert [a["verdict"] for a in remote.map([job(), job()])] == ["AC", "AC"]
            assert all(health is not None for health in remote.health().values())  # it sends the token too
        finally:
            remote.close()
    finally:
        other.close()
