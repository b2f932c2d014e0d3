"""`olympicforge judge serve`: an HTTP judge worker for multi-node GRPO.

Training nodes are busy with the model; judging moves to CPU machines that run
this worker. POST /judge takes one job (see `judge.jobs`) and answers its JSON;
GET /health answers the worker's load. At most `workers` jobs run at once (each
test is its own sandboxed process, so threads are enough); more requests wait.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from judge.jobs import BadJob, compiler, run_job

log = logging.getLogger(__name__)
MAX_BODY = 512 << 20  # bytes: a job carries its tests


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many trainer ranks connect at once; the default backlog of 5 refuses them


class JudgeServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self.slots = threading.BoundedSemaphore(self.workers)
        self.busy = 0
        self.judged = 0
        self.lock = threading.Lock()
        self.backend = compiler().sandbox.info.name  # fail now, not on the first job, if the sandbox is broken
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args) -> None:
                log.debug("%s " + format, self.address_string(), *args)

            def do_GET(self) -> None:
                if self.path != "/health":
                    return self._send(404, {"error": f"no route {self.path}: use GET /health or POST /judge"})
                self._send(200, {"status": "ok", "workers": server.workers, "busy": server.busy,
                                 "judged": server.judged, "backend": server.backend})  # fmt: skip

            def do_POST(self) -> None:
                if self.path != "/judge":
                    return self._send(404, {"error": f"no route {self.path}: use POST /judge"})
                length = int(self.headers.get("Content-Length") or 0)
                if not 0 < length <= MAX_BODY:
                    return self._send(413 if length else 400, {"error": f"body of {length} bytes"})
                try:
                    job = json.loads(self.rfile.read(length))
                    if not isinstance(job, dict):
                        raise ValueError("a judge job is a JSON object")
                except ValueError as exc:
                    return self._send(400, {"error": f"bad job: {exc}"})
                with server.slots:
                    server.count(busy=1)
                    try:
                        answer = run_job(job)
                    except BadJob as exc:
                        return self._send(400, {"error": str(exc)})
                    finally:
                        server.count(busy=-1)
                server.count(judged=1)
                self._send(200, answer)

            def _send(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = Server((host, port), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"

    def count(self, busy: int = 0, judged: int = 0) -> None:
        with self.lock:
            self.busy += busy
            self.judged += judged

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> JudgeServer:
        """Serve on a background thread (tests, notebooks)."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
