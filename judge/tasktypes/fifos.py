"""FIFO folders for the task types whose processes talk through named pipes
(Communication, TwoSteps).

The judge makes each folder and its FIFOs and binds the folder into every
sandbox that may use it, at a path of its own (a process sees only the folders
it is given). Two things keep a run from hanging in open() on a partner that is
gone: the judge may hold both ends of every FIFO itself (a reader and a writer
always exist, so nobody blocks in open() or sees end of file early), and once
nobody should wait any more it pokes them: opening and closing each end without
blocking releases a process blocked in open().
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from judge.sandbox import Bind, Sandbox

POKE_EVERY = 0.05  # seconds between pokes of FIFOs a process may still be blocked on


@dataclass
class FifoFolder:
    path: Path  # on the host
    target: str  # where sandboxes see it
    names: tuple[str, ...]
    writable: bool = True  # whether sandboxes may create files in it (a FIFO opens for writing either way)
    held: list[int] = field(default_factory=list)  # the judge's own read-write ends

    @classmethod
    def create(cls, path: Path, target: str, names: tuple[str, ...], *, writable: bool = True) -> FifoFolder:
        path.mkdir(mode=0o755)
        for name in names:
            os.mkfifo(path / name)
            os.chmod(path / name, 0o666)  # the run's uid is chosen by the launcher
        return cls(path, target, names, writable)

    def bind(self) -> Bind:
        return Bind(self.path, self.target, writable=self.writable)

    def inside(self, sandbox: Sandbox, name: str) -> str:
        """The path of one FIFO as a sandboxed process sees it."""
        return f"{sandbox.program_path(self.bind())}/{name}"

    def hold(self) -> None:
        """Open every FIFO read-write in the judge: a reader and a writer always exist."""
        self.held = [os.open(self.path / name, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC) for name in self.names]

    def release(self) -> None:
        """Let go of the judge's ends (idempotent)."""
        for fd in self.held:
            os.close(fd)
        self.held = []

    def poke(self) -> None:
        """Open and close every FIFO end without blocking: a process that opens its FIFO
        only after the ends were let go (a slow start), or whose partner never opens it,
        is not left blocked in open()."""
        for name in self.names:
            for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
                try:
                    os.close(os.open(self.path / name, flags))
                except OSError:
                    pass  # no reader yet (ENXIO): nobody is blocked on that end
