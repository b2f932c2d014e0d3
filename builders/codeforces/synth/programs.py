"""Untrusted programs of a synthesized suite, compiled once and run in the sandbox.

Generators, validators and checkers are model-written, and references are code from
the internet: each run gets a fresh private work dir, limits, and an output capped by
the sandbox's file-size limit (a generator that floods is stopped at the cap and
never read whole). A run the judge itself failed (JE) is said so, never blamed on
the program; a time limit reached beside other runs is confirmed alone
(judge.contention), so what is dropped does not depend on the worker count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from judge.compile import Compiler, Language, SourceFile, parse_language
from judge.contention import run_confirmed
from judge.paths import read_head
from judge.sandbox import RunLimits, RunStatus, SandboxError
from judge.verdicts import RUN_STATUS_VERDICT, Verdict
from judge.workdir import private_dir

MAX_INPUT_BYTES = 8 << 20  # a generated input above this is cut by the sandbox and dropped
MAX_OUTPUT_BYTES = 64 << 20  # a reference's output above this is its OLE
TOOL_LIMITS = RunLimits(cpu_time=10.0, wall_time=20.0, memory=1 << 30, processes=4, file_size=64 << 10)
GENERATOR_LIMITS = replace(TOOL_LIMITS, file_size=MAX_INPUT_BYTES)
MESSAGE_BYTES = 2000


class ProgramError(ValueError):
    """A program cannot be used at all (it does not compile): names it and why."""


@dataclass(frozen=True)
class ProgramRun:
    status: RunStatus
    exit_code: int | None
    cpu_time: float
    message: str  # the sandbox's message, then the head of stderr

    @property
    def ok(self) -> bool:
        return self.status == RunStatus.OK

    @property
    def judge_error(self) -> bool:
        return self.status == RunStatus.SANDBOX_ERROR

    @property
    def verdict(self) -> Verdict:
        return RUN_STATUS_VERDICT.get(self.status, Verdict.AC)


class SandboxedProgram:
    """One program, compiled on creation, then run as often as needed."""

    def __init__(self, name: str, source: str, compiler: Compiler, limits: RunLimits,
                 language: str | Language = Language.PYTHON) -> None:  # fmt: skip
        kind, std = (language, None) if isinstance(language, Language) else parse_language(language)
        compiled = compiler.compile([SourceFile(f"{_stem(name)}{kind.suffix}", source.encode())], kind, std=std)
        if not compiled.ok or compiled.executable is None:
            raise ProgramError(f"{name} does not compile: {compiled.message.strip()[:MESSAGE_BYTES]}")
        self.name, self.limits = name, limits
        self.executable, self.sandbox = compiled.executable, compiler.sandbox

    def run(self, args: list[str], *, stdin: Path | None, stdout: Path) -> ProgramRun:
        """Run with `args` (our own words and numbers, never outside text), reading `stdin`
        and writing `stdout`, a time limit reached beside other runs confirmed alone."""
        return run_confirmed(lambda: self._run_once(args, stdin, stdout), lambda run: run.verdict)

    def _run_once(self, args: list[str], stdin: Path | None, stdout: Path) -> ProgramRun:
        with private_dir("olympicforge-synth-") as scratch:
            box = scratch / "box"
            box.mkdir()
            stderr = scratch / "stderr"
            argv, binds = self.executable.launch(self.sandbox, tuple(args))
            try:
                run = self.sandbox.run(argv, work_dir=box, limits=self.limits, stdin=stdin, stdout=stdout,
                                       stderr=stderr, binds=binds)  # fmt: skip
            except SandboxError as exc:
                return ProgramRun(RunStatus.SANDBOX_ERROR, None, 0.0, str(exc))
            said = read_head(stderr, MESSAGE_BYTES).decode(errors="replace").strip() if stderr.exists() else ""
        message = f"{run.message}: {said}" if run.message and said else run.message or said
        return ProgramRun(run.status, run.exit_code, run.cpu_time, message)


def _stem(name: str) -> str:
    """A file name for the program from our own label (`generator 2` -> `generator_2`)."""
    return "".join(c if c.isalnum() else "_" for c in name)[:40] or "program"
