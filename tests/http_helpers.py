"""A local HTTP server for fetcher and builder tests: serves routes, injects faults, counts hits."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FaultyServer:
    """Serves `routes[path]`; `faults[path]` is a queue of faults to inject first."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.faults: dict[str, deque] = defaultdict(deque)
        self.hits: dict[str, int] = defaultdict(int)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.hits[self.path] += 1
                fault = server.faults[self.path].popleft() if server.faults[self.path] else None
                body = server.routes.get(self.path)
                if fault == "timeout":
                    time.sleep(1.0)
                elif fault in (429, 503):
                    return self._send(fault, b"busy")
                elif fault == "challenge":
                    return self._send(200, b"<html><title>Just a moment...</title></html>")
                elif fault == "login":
                    return self._send(200, b'<html><form id="enterForm"><input name="handleOrEmail"></form></html>')
                elif fault == "call-limit":
                    return self._send(200, json.dumps({"status": "FAILED", "comment": "Call limit exceeded"}).encode())
                elif fault == "truncated":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.close()
                    return
                if body is None:
                    return self._send(404, b"not found")
                self._send(200, body)

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def echo(body: dict) -> str:
    """A default answer: thinking, then a C++ block naming the prompt and the seed."""
    prompt = body["messages"][0]["content"]
    return f"<think>\nthinking about {prompt}\n</think>\n```cpp\n// {prompt} seed {body.get('seed')}\n```"


class FakeOpenAI:
    """Answers chat completions with a fenced block echoing the prompt; injects faults first."""

    def __init__(self, respond=None) -> None:
        self.respond = respond or echo
        self.faults: deque = deque()
        self.requests: list[dict] = []
        self.active = 0
        self.max_active = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fault = server.faults.popleft() if server.faults else None
                server.requests.append(body)
                if fault == "timeout":
                    time.sleep(0.6)
                    return
                if isinstance(fault, int):
                    return self._send(fault, b"{}")
                if fault == "garbage":
                    return self._send(200, b'{"choices": [')
                server.active += 1
                server.max_active = max(server.max_active, server.active)
                time.sleep(0.05)
                server.active -= 1
                text = server.respond(body)
                answer = {"choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                          "usage": {"completion_tokens": 7, "prompt_tokens": 3, "total_tokens": 10}}  # fmt: skip
                self._send(200, json.dumps(answer).encode())

            def _send(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def stop_worker(proc: subprocess.Popen) -> None:
    """Stop a `judge serve` subprocess as Ctrl-C would, killing it if it does not stop."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
