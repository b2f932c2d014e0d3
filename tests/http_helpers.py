"""A local HTTP server for fetcher and builder tests: serves routes, injects faults, counts hits."""

from __future__ import annotations

import json
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
