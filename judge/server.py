"""`olympicforge judge serve`: an HTTP judge worker for multi-node GRPO.

Training nodes are busy with the model; judging moves to CPU machines that run
this worker. POST /judge takes one job (see `judge.jobs`) and answers its JSON;
GET /health answers the worker's load.

The worker runs other people's code on request, so it is built to face a network:
- POST /judge needs `Authorization: Bearer <token>` when a token is set, and a
  token is required to listen beyond loopback. GET /health stays open (load
  counters and the sandbox name, nothing secret) so that probes need no secret.
- An asyncio front end reads whole requests under deadlines: a half-sent request
  holds a socket, not a thread, and is dropped after `timeout`. At the
  connection cap the oldest connection still sending its request is evicted,
  so a fresh client always gets in.
- The body size comes from Content-Length and is checked (after the token)
  before a byte of the body is read; the bodies read, parsed or being judged at
  once stay within `max_buffer_mb`.
- Malformed requests get a JSON error (400, 405, 411, 413, 431, 501), never a
  traceback or a reset.
Judging is blocking code: complete jobs run on `workers` threads (each test is
its own sandboxed process, so threads are enough) and wait for a free one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import os
import re
import resource
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus

from judge.jobs import BadJob, compiler, run_job

log = logging.getLogger(__name__)
TOKEN_ENV = "OLYMPICFORGE_JUDGE_TOKEN"
MB = 1 << 20
MAX_HEAD = 64 << 10  # request line and headers, bytes
MAX_HEADERS = 100
CHUNK = 1 << 20  # bytes read at a time from a body
LINGER_S = 1.0  # after an error answer with the body unread: drain (and drop) it briefly, so the client
LINGER_BYTES = 16 * MB  # reads the answer instead of a connection reset
BACKLOG = 1024  # many trainer ranks connect at once
FD_RESERVE = 256  # descriptors kept for the sandbox, compiler and logs beyond the connection cap
TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")  # what an Authorization header carries unchanged


class Refused(Exception):
    """An HTTP error answer. `close`: the rest of the request was not read, so the connection ends."""

    def __init__(self, status: int, message: str, *, close: bool = True, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.close = close
        self.headers = headers or {}


@dataclass(eq=False)
class Connection:
    task: asyncio.Task
    since: float  # when it began waiting for its current request: the eviction order
    trusted: bool = False  # its current request carried the token: evicted after the others
    judging: bool = False  # a complete job is in flight or its answer on the way: never evicted


@dataclass
class Request:
    method: str
    path: str
    version: str
    headers: dict[str, list[str]] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return values[-1] if values else None

    @property
    def keep_alive(self) -> bool:
        tokens = {t.strip().lower() for t in (self.header("connection") or "").split(",")}
        return "close" not in tokens if self.version == "HTTP/1.1" else "keep-alive" in tokens


class Budget:
    """Body bytes held at once (being read, parsed or judged): waiters queue, in the event loop."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.waiters: list[asyncio.Future] = []

    async def take(self, size: int) -> None:
        while self.used + size > self.limit:
            waiter = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            try:
                await waiter
            finally:
                with contextlib.suppress(ValueError):
                    self.waiters.remove(waiter)
        self.used += size

    def give(self, size: int) -> None:
        """Synchronous, so that it also runs in the `finally` of a cancelled connection."""
        self.used -= size
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)


def parse_head(head: bytes) -> Request:
    lines = head.decode("latin-1").lstrip("\r\n").split("\r\n")[:-2]  # the head ends in an empty line
    if not lines:
        raise Refused(400, "empty request")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or not parts[1].startswith("/"):
        raise Refused(400, "malformed request line: use METHOD /path HTTP/1.1")
    method, target, version = parts
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise Refused(400, f"unsupported version {version[:20]!r}: use HTTP/1.1")
    if len(lines) - 1 > MAX_HEADERS:
        raise Refused(431, f"more than {MAX_HEADERS} headers")
    request = Request(method, target.split("?", 1)[0], version)
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or any(c in name for c in " \t\r\n") or any(c in value for c in "\r\n\0"):
            raise Refused(400, "malformed header line")
        request.headers.setdefault(name.lower(), []).append(value.strip(" \t"))
    return request


def content_length(request: Request) -> int | None:
    """The body size, or None without one; anything ambiguous is refused (request smuggling lives there)."""
    if "transfer-encoding" in request.headers:
        if "content-length" in request.headers:
            raise Refused(400, "both Transfer-Encoding and Content-Length")
        raise Refused(501, "Transfer-Encoding is not accepted: send the body with a Content-Length")
    values = request.headers.get("content-length")
    if values is None:
        return None
    if len(values) != 1:
        raise Refused(400, "more than one Content-Length header")
    if not re.fullmatch(r"[0-9]+", values[0]):
        raise Refused(400, f"Content-Length {values[0][:40]!r} is not a byte count")
    return int(values[0]) if len(values[0]) <= 18 else 1 << 62


def parse_job(body: bytearray) -> dict:
    """Runs on a parser thread: a large body must not stall the event loop."""
    try:
        job = json.loads(body)
    except RecursionError:
        raise Refused(400, "bad job: JSON nested too deep", close=False) from None
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
        raise Refused(400, f"bad job: {exc}", close=False) from None
    if not isinstance(job, dict):
        raise Refused(400, "bad job: a judge job is a JSON object", close=False)
    return job


def response(status: int, payload: dict, *, close: bool, headers: dict | None = None) -> bytes:
    body = json.dumps(payload).encode()
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Content-Type: application/json",
             f"Content-Length: {len(body)}"]  # fmt: skip
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def bind(host: str, port: int, token: bytes | None) -> socket.socket:
    """The listening socket; refuses to listen beyond loopback without a token (the judge runs code)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]  # fmt: skip
    except OSError as exc:
        raise OSError(f"cannot listen on {host}:{port}: {exc}") from None
    if token is None and not ipaddress.ip_address(address[0]).is_loopback:
        raise ValueError(f"judge serve on {host or 'every interface'} (beyond loopback) needs a token: pass --token "
                         f"or set {TOKEN_ENV}; clients send it as Authorization: Bearer <token>")  # fmt: skip
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc}") from None
    return sock


def connection_cap(wanted: int) -> int:
    """`wanted`, raising the soft descriptor limit for it if need be (the sandbox sets its own for
    submissions), or what the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < need:
        raised = need if hard == resource.RLIM_INFINITY else min(need, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        if soft < need:
            log.warning("descriptor limit %d: at most %d connections at once, not %d", soft,
                        max(8, soft - FD_RESERVE), wanted)  # fmt: skip
            return max(8, soft - FD_RESERVE)
    return wanted


class JudgeServer:
    """`token`: None reads OLYMPICFORGE_JUDGE_TOKEN; "" or unset means no token (loopback only).
    `timeout`: seconds a connection may sit idle, then seconds for its headers and again for its body."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        workers: int = 1,
        *,
        token: str | None = None,
        max_body_mb: float = 64,
        max_buffer_mb: float = 256,
        max_connections: int = 512,
        timeout: float = 60.0,
    ) -> None:
        token = os.environ.get(TOKEN_ENV, "") if token is None else token
        if token and not TOKEN_CHARS.fullmatch(token):
            raise ValueError("the judge token must be printable ASCII without spaces")
        self.token = token.encode() if token else None
        self.max_body = int(max_body_mb * MB)
        self.max_buffer = int(max_buffer_mb * MB)
        if not 0 < self.max_body <= self.max_buffer:
            raise ValueError(f"--max-body-mb {max_body_mb:g} must be positive and at most --max-buffer-mb "
                             f"{max_buffer_mb:g}")  # fmt: skip
        if timeout <= 0 or max_connections < 1:
            raise ValueError("--timeout and --max-connections must be positive")
        self.timeout = timeout
        self.workers = max(1, workers)
        self.busy = 0
        self.judged = 0
        self.unauthorized = 0  # 401s answered
        self.evicted = 0  # connections dropped at the cap
        self.lock = threading.Lock()
        self.backend = compiler().sandbox.info.name  # fail now, not on the first job, if the sandbox is broken
        self.max_connections = connection_cap(max_connections)
        self.sock = bind(host, port, self.token)
        shown = f"[{host}]" if ":" in host else host or "0.0.0.0"
        self.url = f"http://{shown}:{self.sock.getsockname()[1]}"
        self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix="judge")
        self.parser = ThreadPoolExecutor(2, thread_name_prefix="judge-parse")
        self.connections: dict[Connection, None] = {}  # insertion-ordered set, event loop only
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop: asyncio.Event | None = None
        self.budget = Budget(self.max_buffer)
        self.ready = threading.Event()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None
        self.warned_at = 0.0

    def count(self, busy: int = 0, judged: int = 0) -> None:
        with self.lock:
            self.busy += busy
            self.judged += judged

    def health(self) -> dict:
        return {"status": "ok", "workers": self.workers, "busy": self.busy, "judged": self.judged,
                "backend": self.backend}  # fmt: skip

    # --- lifecycle ---

    def serve_forever(self) -> None:
        try:
            asyncio.run(self.serve())
        finally:
            self.ready.set()
            self.done.set()

    def start(self) -> JudgeServer:
        """Serve on a background thread (tests, notebooks)."""
        self.thread = threading.Thread(target=self.serve_forever, daemon=True, name="judge-serve")
        self.thread.start()
        self.ready.wait(30)
        if self.done.is_set():
            raise RuntimeError("the judge server stopped as it started: see the log")
        return self

    def close(self) -> None:
        if self.loop is not None and not self.done.is_set():
            with contextlib.suppress(RuntimeError):  # the loop has just closed
                self.loop.call_soon_threadsafe(self.stop.set)
            self.done.wait(30)
        self.sock.close()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.parser.shutdown(wait=False, cancel_futures=True)

    async def serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stop = asyncio.Event()
        server = await asyncio.start_server(self.connected, sock=self.sock, limit=MAX_HEAD, backlog=BACKLOG)
        self.ready.set()
        try:
            await self.stop.wait()
        finally:
            server.close()
            tasks = [c.task for c in self.connections]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    # --- connections ---

    def evict(self) -> bool:
        """Drop the connection that has waited longest for its request (one without the token
        first), if any is not judging: at the cap a fresh client must still get in."""
        idle = [c for c in self.connections if not c.judging]
        if not idle:
            return False
        victim = min(idle, key=lambda c: (c.trusted, c.since))
        del self.connections[victim]
        victim.task.cancel()
        self.evicted += 1
        log.debug("connection cap %d reached: dropped one idle for %.1f s", self.max_connections,
                  time.monotonic() - victim.since)  # fmt: skip
        return True

    async def connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self.connections) >= self.max_connections and not self.evict():
            writer.write(response(503, {"error": "every connection is judging: retry later"}, close=True,
                                  headers={"Retry-After": "1"}))  # fmt: skip
            writer.close()
            return
        conn = Connection(asyncio.current_task(), time.monotonic())
        self.connections[conn] = None
        graceful = False
        try:
            while await self.exchange(conn, reader, writer):
                pass
            graceful = True
        except asyncio.CancelledError:
            pass  # evicted, or the server stops
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass  # the client went away or stopped reading its answer
        except Exception:
            log.exception("judge server: connection failed")
        finally:
            self.connections.pop(conn, None)
            if graceful:
                writer.close()
            else:
                writer.transport.abort()

    async def exchange(self, conn: Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """One request and its answer; whether the connection stays open for another."""
        conn.since, conn.trusted, conn.judging = time.monotonic(), False, False
        try:
            async with asyncio.timeout(self.timeout):
                first = await reader.read(1)
        except TimeoutError:
            return False  # idle keep-alive connection
        if not first:
            return False
        try:
            status, payload, close, headers = await self.answer(conn, first, reader, writer)
        except Refused as refused:  # messages may quote the request: bounded
            status, close, headers = refused.status, refused.close, refused.headers
            payload = {"error": str(refused)[:2000]}
        try:
            data = response(status, payload, close=close, headers=headers)
        except (TypeError, ValueError):
            log.exception("judge server: an answer is not JSON")
            status, close = 500, True
            data = response(500, {"error": "internal error: see the worker's log"}, close=True)
        writer.write(data)
        async with asyncio.timeout(self.timeout):
            await writer.drain()
        conn.judging = False
        if close:
            await self.linger(reader, writer)
        return not close

    async def linger(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Half-close and drop what the client still sends for a moment: closing with unread data
        would reset the connection and could take the answer with it."""
        with contextlib.suppress(OSError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()
        drained = 0
        with contextlib.suppress(TimeoutError, ConnectionError):
            async with asyncio.timeout(LINGER_S):
                while drained < LINGER_BYTES and (chunk := await reader.read(CHUNK)):
                    drained += len(chunk)

    async def answer(self, conn: Connection, first: bytes, reader: asyncio.StreamReader,
                     writer: asyncio.StreamWriter) -> tuple[int, dict, bool, dict]:  # fmt: skip
        try:
            async with asyncio.timeout(self.timeout):
                head = first + await reader.readuntil(b"\r\n\r\n")
        except TimeoutError:
            raise Refused(408, f"the request headers did not arrive within {self.timeout:g} s") from None
        except asyncio.LimitOverrunError:
            raise Refused(431, f"request line and headers over {MAX_HEAD} bytes") from None
        except asyncio.IncompleteReadError:
            raise ConnectionResetError("the client closed mid-request") from None
        request = parse_head(head)
        length = content_length(request)
        if request.path == "/health":
            if request.method != "GET":
                raise Refused(405, "use GET /health", headers={"Allow": "GET"})
            return 200, self.health(), bool(length) or not request.keep_alive, {}
        if request.path != "/judge":
            raise Refused(404, f"no route {request.path[:200]}: use GET /health or POST /judge")
        if request.method != "POST":
            raise Refused(405, "use POST /judge", headers={"Allow": "POST"})
        conn.trusted = self.authorized(request)
        if not conn.trusted:
            raise Refused(401, f"missing or wrong token: send Authorization: Bearer <token>, the worker's --token "
                               f"or {TOKEN_ENV}", headers={"WWW-Authenticate": 'Bearer realm="judge"'})  # fmt: skip
        if length is None:
            raise Refused(411, "POST /judge needs a Content-Length")
        if length == 0:
            raise Refused(400, "empty body: a judge job is a JSON object", close=not request.keep_alive)
        if length > self.max_body:
            raise Refused(413, f"body of {length} bytes is over the worker's limit of {self.max_body} bytes "
                               f"(--max-body-mb)")  # fmt: skip
        try:
            async with asyncio.timeout(self.timeout):
                await self.budget.take(length)
        except TimeoutError:
            raise Refused(503, f"busy: {self.budget.used >> 20} MB of jobs in memory; retry later",
                          headers={"Retry-After": "1"}) from None  # fmt: skip
        try:
            if "100-continue" in (request.header("expect") or "").lower():
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            try:
                async with asyncio.timeout(self.timeout):
                    body = await read_body(reader, length)
            except TimeoutError:
                raise Refused(408, f"the body did not arrive within {self.timeout:g} s") from None
            conn.judging = True
            loop = asyncio.get_running_loop()
            job = await loop.run_in_executor(self.parser, parse_job, body)
            del body
            try:
                answer = await loop.run_in_executor(self.pool, self.judge, job)
            except BadJob as exc:
                raise Refused(400, str(exc), close=not request.keep_alive) from None
            except Exception:
                log.exception("judge server: a job failed outside the judge")
                raise Refused(500, "internal error: see the worker's log", close=not request.keep_alive) from None
        finally:
            self.budget.give(length)
        self.count(judged=1)
        return 200, answer, not request.keep_alive, {}

    def authorized(self, request: Request) -> bool:
        if self.token is None:
            return True
        values = request.headers.get("authorization", [])
        scheme, _, given = (values[0] if len(values) == 1 else "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("latin-1"), self.token):
            return True
        self.unauthorized += 1
        now = time.monotonic()
        if now - self.warned_at > 60:  # a flood of bad tokens must not flood the log
            self.warned_at = now
            log.warning("judge server: %d requests with a missing or wrong token so far", self.unauthorized)
        return False

    def judge(self, job: dict) -> dict:
        self.count(busy=1)
        try:
            return run_job(job)
        finally:
            self.count(busy=-1)


async def read_body(reader: asyncio.StreamReader, length: int) -> bytearray:
    """Into one buffer of the announced size: no second copy while it arrives."""
    body = bytearray(length)
    with memoryview(body) as view:
        got = 0
        while got < length:
            chunk = await reader.read(min(CHUNK, length - got))
            if not chunk:
                raise ConnectionResetError("the client closed mid-body")
            view[got : got + len(chunk)] = chunk
            got += len(chunk)
    return body
