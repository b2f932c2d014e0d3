"""Decide whether an output is right: comparators and external checker protocols.

Every checker answers with an outcome in [0, 1] and a message. A checker that
crashes, times out, exits with "fail" or prints something unparsable yields a
judge error (JE): the task's fault, never the submission's.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from judge.compiler import Compiler, Executable, Language, SourceFile
from judge.sandbox import Bind, RunLimits, RunStatus, Sandbox, default_sandbox
from judge.verdicts import Verdict, verdict_for_outcome

CHECKER_LIMITS = RunLimits(cpu_time=10.0, wall_time=30.0, memory=1 << 30, processes=8, file_size=16 << 20)
CHUNK = 1 << 20
SHOWN = 60  # characters of a differing token/line shown in messages


@dataclass(frozen=True)
class CheckResult:
    outcome: float
    message: str
    judge_error: bool = False

    @property
    def verdict(self) -> Verdict:
        return Verdict.JE if self.judge_error else verdict_for_outcome(self.outcome)


def _judge_error(message: str) -> CheckResult:
    return CheckResult(0.0, message, judge_error=True)


def _short(data: bytes | None) -> str:
    if data is None:
        return "end of file"
    text = data.decode(errors="replace")
    return repr(text if len(text) <= SHOWN else text[:SHOWN] + "...")


class Checker(ABC):
    """Compares a contestant's output with the expected answer for one input."""

    @abstractmethod
    def check(self, input_file: Path, answer_file: Path, output_file: Path) -> CheckResult: ...


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from handle


def _tokens(path: Path) -> Iterator[bytes]:
    """Whitespace-separated tokens, streamed in chunks (outputs may be large)."""
    with path.open("rb") as handle:
        rest = b""
        while chunk := handle.read(CHUNK):
            parts = (rest + chunk).split()
            # the last part may continue in the next chunk unless the chunk ended in whitespace
            rest = b"" if chunk[-1:].isspace() or not parts else parts.pop()
            yield from parts
        if rest:
            yield rest


def _canonical(line: bytes | None) -> bytes | None:
    """A line with whitespace runs collapsed and ends stripped (None past the end)."""
    return None if line is None else b" ".join(line.split())


class WhiteDiff(Checker):
    """CMS white-diff: lines compared with whitespace runs collapsed and ends stripped;
    trailing blank lines are ignored; numbers are compared as text (`1.0` != `1`)."""

    def check(self, input_file: Path, answer_file: Path, output_file: Path) -> CheckResult:
        for number, (expected, got) in enumerate(zip_longest(_lines(answer_file), _lines(output_file)), 1):
            want, have = _canonical(expected), _canonical(got)
            if (want or b"") != (have or b""):
                return CheckResult(
                    0.0, f"Output isn't correct: line {number}: expected {_short(want)}, got {_short(have)}"
                )
        return CheckResult(1.0, "Output is correct")


class TokenDiff(Checker):
    """Token by token, any whitespace between tokens."""

    def _same(self, expected: bytes, got: bytes) -> bool:
        return expected == got

    def check(self, input_file: Path, answer_file: Path, output_file: Path) -> CheckResult:
        for number, (expected, got) in enumerate(zip_longest(_tokens(answer_file), _tokens(output_file)), 1):
            if expected is None or got is None or not self._same(expected, got):
                return CheckResult(
                    0.0, f"Output isn't correct: token {number}: expected {_short(expected)}, got {_short(got)}"
                )
        return CheckResult(1.0, "Output is correct")


class FloatDiff(TokenDiff):
    """Tokens; numbers equal within an absolute or relative tolerance, other tokens exactly."""

    def __init__(self, abs_tol: float = 1e-6, rel_tol: float = 1e-6) -> None:
        self.abs_tol, self.rel_tol = abs_tol, rel_tol

    def _same(self, expected: bytes, got: bytes) -> bool:
        if expected == got:
            return True
        try:
            want, have = float(expected), float(got)
        except ValueError:
            return False
        if not (math.isfinite(want) and math.isfinite(have)):
            return False
        return abs(want - have) <= max(self.abs_tol, self.rel_tol * abs(want))


_CMS_MESSAGES = {
    "translate:success": "Output is correct",
    "translate:partial": "Output is partially correct",
    "translate:wrong": "Output isn't correct",
}
_PYTHON_VERDICTS = {"true": 1.0, "ok": 1.0, "ac": 1.0, "yes": 1.0, "accepted": 1.0, "correct": 1.0,
                    "false": 0.0, "wa": 0.0, "no": 0.0, "wrong": 0.0, "incorrect": 0.0}  # fmt: skip
TESTLIB_OK, TESTLIB_WA, TESTLIB_PE, TESTLIB_FAIL, TESTLIB_DIRT, TESTLIB_POINTS, TESTLIB_EOF = 0, 1, 2, 3, 4, 7, 8


def parse_outcome(text: str) -> float | None:
    """A float in [0, 1] from a checker's first line, or None."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


class ExternalChecker(Checker):
    """A compiled checker program run in the sandbox, speaking one of three protocols:

    - ``cms``: argv ``input answer output``; outcome on stdout, message on stderr;
    - ``testlib``: argv ``input output answer``; exit code 0/1/2 (and 7 with points);
    - ``python``: argv ``input answer output``; verdict word or score on stdout.
    """

    PROTOCOLS = ("cms", "testlib", "python")

    def __init__(
        self,
        executable: Executable,
        protocol: str,
        sandbox: Sandbox | None = None,
        limits: RunLimits = CHECKER_LIMITS,
        max_points: float = 1.0,
    ) -> None:
        if protocol not in self.PROTOCOLS:
            raise ValueError(f"unknown checker protocol {protocol!r}: use one of {', '.join(self.PROTOCOLS)}")
        self.executable, self.protocol = executable, protocol
        self.sandbox = sandbox or default_sandbox()
        self.limits, self.max_points = limits, max_points

    def check(self, input_file: Path, answer_file: Path, output_file: Path) -> CheckResult:
        with tempfile.TemporaryDirectory(prefix="checker-") as tmp:
            given = {"input": input_file, "answer": answer_file, "output": output_file}
            files = {name: Bind(_world_readable(path, Path(tmp) / name), f"/data/{name}")
                     for name, path in given.items()}  # fmt: skip
            seen = {name: self.sandbox.program_path(bind) for name, bind in files.items()}
            order = ("input", "output", "answer") if self.protocol == "testlib" else ("input", "answer", "output")
            argv, binds = self.executable.launch(self.sandbox, tuple(seen[name] for name in order))
            box = Path(tmp) / "box"
            box.mkdir()
            out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
            run = self.sandbox.run(
                argv, work_dir=box, limits=self.limits, stdout=out, stderr=err, binds=[*binds, *files.values()]
            )
            stdout = out.read_text(errors="replace") if out.exists() else ""
            stderr = err.read_text(errors="replace") if err.exists() else ""
        exited = run.status == RunStatus.OK or (run.status == RunStatus.RUNTIME_ERROR and run.exit_code is not None)
        if not exited:
            return _judge_error(f"checker failed: {run.status}: {run.message}; {stderr.strip()[:300]}")
        if self.protocol == "testlib":
            return self._testlib(run.exit_code or 0, stdout, stderr)
        if run.exit_code != 0:
            return _judge_error(f"checker exited with code {run.exit_code}: {stderr.strip()[:300]}")
        first = stdout.strip().splitlines()[0] if stdout.strip() else ""
        if self.protocol == "python":
            outcome = _PYTHON_VERDICTS.get(first.strip().lower(), parse_outcome(first))
        else:
            outcome = parse_outcome(first)
        if outcome is None:
            return _judge_error(f"checker printed no outcome in [0, 1]: {first[:100]!r}")
        message = stderr.strip().splitlines()[0] if stderr.strip() else ""
        return CheckResult(outcome, _CMS_MESSAGES.get(message.strip(), message))

    def _testlib(self, code: int, stdout: str, stderr: str) -> CheckResult:
        message = stderr.strip()[:500]
        if code == TESTLIB_OK:
            return CheckResult(1.0, message or "ok")
        if code in (TESTLIB_WA, TESTLIB_PE, TESTLIB_DIRT, TESTLIB_EOF):
            return CheckResult(0.0, message or "wrong answer")
        if code == TESTLIB_POINTS:
            match = re.search(r"points\s+([-+0-9.eE]+)", stderr) or re.search(r"points\s+([-+0-9.eE]+)", stdout)
            if not match:
                return _judge_error(f"testlib checker exited 7 without 'points <value>': {message[:200]!r}")
            outcome = float(match.group(1)) / self.max_points
            if not 0.0 <= outcome <= 1.0:
                return _judge_error(f"testlib points {match.group(1)} outside [0, {self.max_points:g}]")
            return CheckResult(outcome, message)
        if code == TESTLIB_FAIL:
            return _judge_error(f"checker failed (testlib exit 3): {message}")
        return _judge_error(f"checker exited with unknown code {code}: {message}")


def _world_readable(path: Path, copy: Path) -> Path:
    """The checker runs as an unprivileged uid: give it a readable copy when needed."""
    if path.stat().st_mode & 0o004:
        return path
    shutil.copyfile(path, copy)
    copy.chmod(0o644)
    return copy


def comparator(name: str, abs_tol: float = 1e-6, rel_tol: float = 1e-6) -> Checker:
    """A built-in comparator by name: whitediff (CMS default), tokens or float."""
    if name == "whitediff":
        return WhiteDiff()
    if name == "tokens":
        return TokenDiff()
    if name == "float":
        return FloatDiff(abs_tol, rel_tol)
    raise ValueError(f"unknown comparator {name!r}: use whitediff, tokens or float")


def load_checker(
    path: Path, protocol: str, compiler: Compiler | None = None, extra_files: list[Path] | None = None
) -> ExternalChecker:
    """Compile (C++) or syntax-check (Python) a checker; headers such as testlib.h are
    taken from `extra_files` or, by default, from the checker's own folder."""
    compiler = compiler or Compiler()
    path = Path(path)
    language = Language.of(path)
    if extra_files is None:
        extra_files = [p for p in path.parent.glob("*.h")] if language == Language.CPP else []
    files = [SourceFile.read(path), *(SourceFile.read(p) for p in extra_files)]
    flags = tuple(f for f in compiler.options.cxx_flags if f != "-DEVAL")
    result = compiler.compile(files, language, flags=flags)
    if not result.ok:
        raise ValueError(f"checker {path} does not compile:\n{result.message[:2000]}")
    assert result.executable is not None
    if language == Language.PYTHON and protocol != "python":
        protocol = "python"
    return ExternalChecker(result.executable, protocol, compiler.sandbox)
