"""A local OpenAI-compatible server that answers from recorded answers, not a model.

`make demo` and the tests run the real generation path (`OpenAIBackend`, runs,
resume) against it: each request's prompt is looked up among the prompts the
answers were recorded for; a prompt nobody recorded gets HTTP 404, which the
backend reports as a failed generation.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_REQUEST = 16 << 20  # bytes of a request body read at most


class RecordedServer:
    """Serves `answers[prompt]` (a list: the n-th request for a prompt gets the n-th answer,
    the last one once they run out) on 127.0.0.1 at `url`, until `close()`."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: dict[str, int] = {}
        lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # requests are not news on stderr
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if not self.path.endswith("/chat/completions") or length > MAX_REQUEST:
                    return self._send(404, {"error": "not a chat completion request"})
                try:
                    body = json.loads(self.rfile.read(length))
                    prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
                except (ValueError, KeyError, StopIteration, TypeError):
                    return self._send(400, {"error": "no user message"})
                recorded = server.answers.get(prompt)
                if not recorded:
                    return self._send(404, {"error": "no answer was recorded for this prompt"})
                with lock:
                    turn = server.asked.get(prompt, 0)
                    server.asked[prompt] = turn + 1
                text = recorded[min(turn, len(recorded) - 1)]
                self._send(200, {"choices": [{"message": {"role": "assistant", "content": text},
                                              "finish_reason": "stop"}],
                                 "usage": {"completion_tokens": len(text.split()), "prompt_tokens": len(prompt.split()),
                                           "total_tokens": len(text.split()) + len(prompt.split())}})  # fmt: skip

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> RecordedServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
