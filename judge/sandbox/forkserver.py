"""How a launcher command reaches the launcher: one exec per run, or a fork server.

Why a fork server: on the machines measured here, exec'ing a process costs
about as much as the run being judged, and creating a network namespace about
as much again. `launcher --serve` is started once; it forks a launcher per
request (no exec) and, while idle, makes the network namespaces that later
runs will each use once. Both paths answer the same JSON line.
"""

from __future__ import annotations

import itertools
import json
import logging
import struct
import subprocess
import threading
from abc import ABC, abstractmethod
from pathlib import Path

log = logging.getLogger(__name__)
MAX_REQUEST = 1 << 20  # bytes of one request: the server's own bound (launcher.c MAX_REQUEST)


class LaunchFailed(RuntimeError):
    """The launcher itself could not answer (not the program's fault)."""


class Launch(ABC):
    """One launcher command on its way: `done()` without blocking, `answer()` blocking."""

    @abstractmethod
    def done(self) -> bool: ...

    @abstractmethod
    def answer(self, timeout: float | None = None) -> str:
        """The launcher's JSON line; LaunchFailed when there is none (within `timeout` s)."""


class DirectLaunch(Launch):
    """The launcher exec'd for this run alone."""

    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def done(self) -> bool:
        return self.proc.poll() is not None

    def answer(self, timeout: float | None = None) -> str:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise LaunchFailed(f"the sandbox launcher gave no answer within {timeout:.0f} s") from None
        if not out.strip():
            raise LaunchFailed(f"sandbox launcher failed (exit {self.proc.returncode}): {err[-500:]}")
        return out


class _Pending(Launch):
    def __init__(self) -> None:
        self._event = threading.Event()
        self._line: str | None = None

    def resolve(self, line: str | None) -> None:
        self._line = line
        self._event.set()

    def done(self) -> bool:
        return self._event.is_set()

    def answer(self, timeout: float | None = None) -> str:
        if not self._event.wait(timeout):
            raise LaunchFailed(f"the sandbox fork server gave no answer within {timeout:.0f} s")
        if self._line is None:
            raise LaunchFailed("the sandbox fork server ended before answering")
        return self._line


class ForkServer:
    """A `launcher --serve` process shared by every run of one Sandbox (thread-safe)."""

    def __init__(self, launcher: Path) -> None:
        self.proc = subprocess.Popen([str(launcher), "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)  # fmt: skip
        if self.proc.stdout.readline().strip() != b"ready":
            self.proc.kill()
            raise LaunchFailed("the sandbox fork server did not start")
        self._lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._ids = itertools.count(1)
        self.alive = True
        self._closing = False  # close() lets runs in flight finish: their answers still come
        threading.Thread(target=self._read_answers, name="sandbox-forkserver", daemon=True).start()
        threading.Thread(target=self._watch, name="sandbox-forkserver-watch", daemon=True).start()

    def submit(self, args: list[str]) -> Launch:
        """Send the launcher arguments (argv without argv[0]) of one run."""
        if any("\0" in a for a in args):
            raise LaunchFailed("a launcher argument contains a NUL byte")
        pending = _Pending()
        with self._lock:
            if not self.alive:
                raise LaunchFailed("the sandbox fork server has ended")
            request_id = str(next(self._ids))
            payload = b"\0".join([request_id.encode(), *(a.encode() for a in args)]) + b"\0"
            if len(payload) > MAX_REQUEST:
                raise LaunchFailed(f"a launcher command of {len(payload)} bytes (at most {MAX_REQUEST})")
            self._pending[request_id] = pending
            try:
                self.proc.stdin.write(struct.pack("<I", len(payload)) + payload)
                self.proc.stdin.flush()
            except OSError as exc:
                self._pending.pop(request_id, None)
                self.alive = False
                raise LaunchFailed(f"the sandbox fork server is gone: {exc}") from None
        return pending

    def _read_answers(self) -> None:
        for line in self.proc.stdout:
            try:
                request_id = str(json.loads(line).get("id"))
            except (ValueError, AttributeError):
                log.error("sandbox fork server said something else than an answer: %r", line[:200])
                continue
            with self._lock:
                pending = self._pending.pop(request_id, None)
            if pending is not None:
                pending.resolve(line.decode(errors="replace"))
        self._orphan_all()

    def _watch(self) -> None:
        """A server that died is the judge's failure for every run in flight, at once and
        always: launchers it had forked still hold its stdout, so no end of file would say so."""
        self.proc.wait()
        if not self._closing:
            self._orphan_all()

    def _orphan_all(self) -> None:
        with self._lock:
            self.alive = False
            orphans, self._pending = list(self._pending.values()), {}
        for pending in orphans:
            pending.resolve(None)

    def close(self) -> None:
        """Stop taking runs; runs in flight finish on their own."""
        with self._lock:
            self.alive, self._closing = False, True
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
