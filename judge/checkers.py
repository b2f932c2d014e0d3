"""Decide whether an output is right: comparators and external checker protocols.

Every checker answers with an outcome in [0, 1] and a message. A checker that
crashes, times out, exits with "fail" or prints something unparsable yields a
judge error (JE): the task's fault, never the submission's.
"""

from __future__ import annotations

import math
import re
import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from judge.compile import Compiler, Executable, Language, SourceFile
from judge.paths import read_head
from judge.sandbox import Bind, RunLimits, RunStatus, Sandbox, default_sandbox
from judge.verdicts import Verdict, verdict_for_outcome
from judge.workdir import private_dir

CHECKER_LIMITS = RunLimits(cpu_time=10.0, wall_time=30.0, memory=1 << 30, processes=8, file_size=16 << 20)
CHUNK = 1 << 20  # bytes read at a time: a comparator's memory is a small multiple of this, whatever the file
SHOWN = 60  # characters of a differing token/line shown in messages
SNIPPET = 4 * SHOWN + 8  # bytes that always decode to the first SHOWN characters (UTF-8: at most 4 bytes each)
MAX_NUMBER = 4096  # bytes: a longer token is never read as a number, so FloatDiff needs no more of it
PREFIX = max(SNIPPET, MAX_NUMBER + 1)  # bytes kept of the line/token being compared
BATCH = 64 << 10  # bytes of tokens FloatDiff splits at once when they keep differing as bytes
CHECKER_OUTPUT = 64 << 10  # bytes read of an external checker's stdout and stderr (checkers may be model-written)


@dataclass(frozen=True)
class CheckResult:
    outcome: float
    message: str
    judge_error: bool = False

    @property
    def verdict(self) -> Verdict:
        return Verdict.JE if self.judge_error else verdict_for_outcome(self.outcome, self.message)


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


NL, SPACE = b"\n", b" "
_INLINE_SPACE = bytes.maketrans(b"\t\r\x0b\x0c", b"    ")  # whitespace inside a line becomes b" "
_ANY_SPACE = bytes.maketrans(b"\t\r\x0b\x0c\n", b"     ")  # for tokens, newlines too
_NOT_SEPARATOR = {NL: re.compile(rb"[^\n]"), SPACE: re.compile(rb"[^ ]")}


class _Canonical:
    """A file's canonical stream, read in bounded pieces: its units (lines or tokens)
    canonicalised and joined by one separator byte. Lines have whitespace runs collapsed
    to b" " and ends stripped, and trailing blank lines are dropped; tokens are joined by
    b" ". Two files are white-diff (token-diff) equal exactly when their canonical
    streams are equal, so comparing them needs no more than a chunk of either in memory."""

    def __init__(self, path: Path, lines: bool) -> None:
        self.lines, self.sep = lines, NL if lines else SPACE
        self.buf, self.pos = b"", 0  # unread canonical bytes are self.buf[self.pos:]
        self.raw_lines = 0  # lines as readline counts them, known once the stream has ended
        self.emitted_seps, self.emitted = 0, False
        self._pieces = self._canonicalise(path)

    @property
    def units(self) -> int:
        """How many lines (blank ones included) or tokens the file has; only valid once ended."""
        return self.raw_lines if self.lines else self.emitted_seps + self.emitted

    def _canonicalise(self, path: Path) -> Iterator[bytes]:
        """Chunk by chunk with C-speed bytes operations; the state carried across chunks is
        whether the current line has a token, whether whitespace followed it, and how many
        newlines are owed (emitted only once content follows: trailing blank lines vanish)."""
        table = _INLINE_SPACE if self.lines else _ANY_SPACE
        newlines, ends_open = 0, False  # ends_open: the last byte read is not a newline
        line_open = space_pending = False
        owed = 0
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                here = chunk.count(NL) if self.lines else 0
                newlines, ends_open = newlines + here, chunk[-1:] != NL
                if chunk.isspace():  # blank lines, b"\r" floods: one C pass
                    if here:
                        owed += here
                        line_open = space_pending = False
                    else:
                        space_pending = True
                    continue
                text = chunk.translate(table)
                lead, trail = text[:1] == SPACE, text[-1:] == SPACE
                if SPACE in text:  # else (say b"1\n1\n...") the chunk is canonical already
                    while b"  " in text:  # no Python loop per run: each pass halves every run of spaces
                        text = text.replace(b"  ", b" ")
                    if here:
                        if b" \n" in text:
                            text = text.replace(b" \n", NL)
                        if b"\n " in text:
                            text = text.replace(b"\n ", NL)
                    lead, trail = text[:1] == SPACE, text[-1:] == SPACE
                    text = text.strip(SPACE)
                body = text.rstrip(NL) if self.lines else text
                if not body:  # newlines only
                    owed += len(text)
                    line_open = space_pending = False
                    continue
                if owed:
                    yield from _repeated(NL, owed)
                    owed = 0
                elif line_open and body[:1] != NL and (space_pending or lead):
                    yield SPACE
                yield body
                owed = len(text) - len(body)
                line_open, space_pending = not owed, trail
        self.raw_lines = newlines + ends_open

    def _pull(self) -> bytes | None:
        piece = next(self._pieces, None)
        if piece is not None and not self.lines:
            self.emitted_seps += piece.count(SPACE)
            self.emitted = True
        return piece

    def fill(self) -> bool:
        """Whether unread bytes are buffered (reading a piece if none are); False at the end."""
        while self.pos == len(self.buf):
            piece = self._pull()
            if piece is None:
                return False
            self.buf, self.pos = piece, 0
        return True

    def at_separator(self) -> bool:
        return self.buf[self.pos] == self.sep[0]

    def ensure(self, size: int) -> None:
        """Buffers at least `size` unread bytes unless the stream ends first."""
        parts, have = [self.buf[self.pos :]], len(self.buf) - self.pos
        while have < size and (piece := self._pull()) is not None:
            parts.append(piece)
            have += len(piece)
        if len(parts) > 1:
            self.buf, self.pos = b"".join(parts), 0

    def head(self, limit: int) -> tuple[bytes, bool]:
        """The rest of the current unit, at most `limit` bytes, and whether it ends within them."""
        if len(self.buf) - self.pos < limit:
            self.ensure(limit)
        end = min(len(self.buf), self.pos + limit)
        cut = self.buf.find(self.sep, self.pos, end)
        if cut >= 0:
            return self.buf[self.pos : cut], True
        return self.buf[self.pos : end], end - self.pos < limit  # fewer bytes left: the stream ended

    def skip_separators(self) -> int:
        """Skips the run of separators here (it may be millions of blank lines long)."""
        skipped = 0
        while self.fill():
            found = _NOT_SEPARATOR[self.sep].search(self.buf, self.pos)
            end = found.start() if found else len(self.buf)
            skipped += end - self.pos
            self.pos = end
            if found:
                break
        return skipped

    def close(self) -> None:
        self._pieces.close()


def _repeated(byte: bytes, count: int) -> Iterator[bytes]:
    while count > 0:
        yield byte * min(count, CHUNK)
        count -= CHUNK


def _first_difference(x: bytes, y: bytes) -> int:
    """Index of the first differing byte of two different, equally long strings, by slice
    comparisons whose total length grows with the index, not with the strings."""
    low, width = 0, 64
    while True:
        high = min(low + width, len(x))
        if x[low:high] != y[low:high]:
            break
        low, width = high, width * 2
    while high - low > 1:
        middle = (low + high) // 2
        if x[low:middle] == y[low:middle]:
            low = middle
        else:
            high = middle
    return low


Tolerance = Callable[[bytes, bytes], bool]


def _compare(answer: Path, output: Path, lines: bool, same: Tolerance | None = None) -> tuple[int, str, str] | None:
    """None when equal, else (line or token number, expected, got) shown for the first
    difference. The canonical streams are compared in slices that grow while they agree;
    with `same`, a token that differs as bytes is accepted when same(expected, got)."""
    a, b = _Canonical(answer, lines), _Canonical(output, lines)
    try:
        return _first_mismatch(a, b, same)
    finally:
        a.close()
        b.close()


def _first_mismatch(a: _Canonical, b: _Canonical, same: Tolerance | None) -> tuple[int, str, str] | None:
    sep = a.sep
    number, prefix, width = 1, b"", 64  # unit number and the first PREFIX bytes of it read so far

    def advance(data: bytes) -> None:
        nonlocal number, prefix
        if seps := data.count(sep):
            number += seps
            start = data.rfind(sep) + 1
            prefix = data[start : start + PREFIX]
        elif len(prefix) < PREFIX:
            prefix += data[: PREFIX - len(prefix)]

    tolerated = False  # the last token differed as bytes but was accepted: more may follow
    while True:
        has_a, has_b = a.fill(), b.fill()
        if not (has_a or has_b):
            return None
        if tolerated and has_a and has_b:
            tolerated, taken = False, _tolerated_run(a, b, same)
            if taken:  # both stand at a separator again, so `prefix` is not read before it is reset
                number += taken
                continue
        if has_a and has_b:
            size = min(width, len(a.buf) - a.pos, len(b.buf) - b.pos)
            x, y = a.buf[a.pos : a.pos + size], b.buf[b.pos : b.pos + size]
            if x == y:
                advance(x)
                a.pos, b.pos, width = a.pos + size, b.pos + size, min(width * 2, 1 << 30)
                continue
            size = _first_difference(x, y)
            advance(x[:size])
            a.pos, b.pos, width = a.pos + size, b.pos + size, 64
        # the streams part here: one has ended or their next bytes differ
        if has_a != has_b:
            ended, going = (b, a) if has_a else (a, b)
            if going.at_separator():  # unit `number` is equal; the ended file lacks what follows
                number += going.skip_separators()
                shown = {going: _short(going.head(SNIPPET)[0]),
                         ended: "end of file" if number > ended.units else _short(b"")}  # fmt: skip
                return number, shown[a], shown[b]
        if same is not None and len(prefix) <= MAX_NUMBER:
            tokens = [_unit(side, has, number, prefix, MAX_NUMBER + 1 - len(prefix))
                      for side, has in ((a, has_a), (b, has_b))]  # fmt: skip
            if None not in tokens and same(prefix + tokens[0], prefix + tokens[1]):
                a.pos, b.pos, tolerated = a.pos + len(tokens[0]), b.pos + len(tokens[1]), True
                continue
        shown = [_shown(side, has, number, prefix) for side, has in ((a, has_a), (b, has_b))]
        return number, shown[0], shown[1]


def _tolerated_run(a: _Canonical, b: _Canonical, same: Tolerance) -> int:
    """FloatDiff's fast path where tokens keep differing as bytes (`0.5` vs `0.50000001`):
    both streams stand at a separator; the complete tokens of the next BATCH bytes are split
    and compared pairwise, up to the first pair not accepted or a run of byte-equal pairs
    (where slice comparison is faster). Returns how many pairs were consumed."""
    for side in (a, b):
        if len(side.buf) - side.pos < BATCH:
            side.ensure(BATCH)
    cuts = [side.buf.rfind(SPACE, side.pos + 1, side.pos + BATCH) for side in (a, b)]
    if min(cuts) < 0:
        return 0
    xs, ys = a.buf[a.pos + 1 : cuts[0]].split(SPACE), b.buf[b.pos + 1 : cuts[1]].split(SPACE)
    count = min(len(xs), len(ys))
    if max(map(len, xs[:count]), default=0) > MAX_NUMBER or max(map(len, ys[:count]), default=0) > MAX_NUMBER:
        count = min(i for i in range(count) if len(xs[i]) > MAX_NUMBER or len(ys[i]) > MAX_NUMBER)
    taken = equal_run = 0
    for x, y in zip(xs[:count], ys[:count], strict=True):
        if x == y:
            equal_run += 1
            if equal_run > 32:
                break
        elif same(x, y):
            equal_run = 0
        else:
            break  # the token-by-token path says why
        taken += 1
    a.pos += sum(map(len, xs[:taken])) + taken
    b.pos += sum(map(len, ys[:taken])) + taken
    return taken


def _unit(side: _Canonical, has: bool, number: int, prefix: bytes, limit: int) -> bytes | None:
    """The rest of unit `number` of a side (all of it within `limit` bytes), or None."""
    if not has:
        return b"" if number <= side.units else None
    rest, complete = side.head(limit)
    return rest if complete else None


def _shown(side: _Canonical, has: bool, number: int, prefix: bytes) -> str:
    if not has:
        return "end of file" if number > side.units else _short(prefix)
    return _short(prefix + side.head(max(0, SNIPPET - len(prefix)))[0])


class WhiteDiff(Checker):
    """CMS white-diff: lines compared with whitespace runs collapsed and ends stripped;
    trailing blank lines are ignored; numbers are compared as text (`1.0` != `1`).
    Streams in bounded memory: a submission's output may be one 64 MiB line."""

    def check(self, input_file: Path, answer_file: Path, output_file: Path) -> CheckResult:
        if found := _compare(answer_file, output_file, lines=True):
            number, expected, got = found
            return CheckResult(0.0, f"Output isn't correct: line {number}: expected {expected}, got {got}")
        return CheckResult(1.0, "Output is correct")


class TokenDiff(Checker):
    """Token by token, any whitespace between tokens; streams in bounded memory."""

    def _same(self, expected: bytes, got: bytes) -> bool:
        """Subclasses accept tokens that differ as bytes; equal bytes need no call."""
        return expected == got

    def check(self, input_file: Path, answer_file: Path, output_file: Path) -> CheckResult:
        same = None if type(self)._same is TokenDiff._same else self._same  # exact tokens: pure bytes compare
        if found := _compare(answer_file, output_file, lines=False, same=same):
            number, expected, got = found
            return CheckResult(0.0, f"Output isn't correct: token {number}: expected {expected}, got {got}")
        return CheckResult(1.0, "Output is correct")


class FloatDiff(TokenDiff):
    """Tokens; numbers equal within an absolute or relative tolerance, other tokens exactly.
    A token over MAX_NUMBER bytes is never a number."""

    def __init__(self, abs_tol: float = 1e-6, rel_tol: float = 1e-6) -> None:
        self.abs_tol, self.rel_tol = abs_tol, rel_tol

    def _same(self, expected: bytes, got: bytes) -> bool:
        if expected == got:
            return True
        try:
            want, have = float(expected), float(got)
        except ValueError:
            return False
        difference = abs(want - have)  # nan or inf when either is not finite: never equal
        return difference < math.inf and (difference <= self.abs_tol or difference <= self.rel_tol * abs(want))


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

    `extra_args` follow the three files: CMS's BatchAndOutput passes a 4th, ``batch``
    or ``outputonly`` (see `with_extra_args`); every other task type passes none.
    """

    PROTOCOLS = ("cms", "testlib", "python")

    def __init__(
        self,
        executable: Executable,
        protocol: str,
        sandbox: Sandbox | None = None,
        limits: RunLimits = CHECKER_LIMITS,
        max_points: float = 1.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        if protocol not in self.PROTOCOLS:
            raise ValueError(f"unknown checker protocol {protocol!r}: use one of {', '.join(self.PROTOCOLS)}")
        self.executable, self.protocol = executable, protocol
        self.sandbox = sandbox or default_sandbox()
        self.limits, self.max_points = limits, max_points
        self.extra_args = extra_args

    def with_extra_args(self, *extra_args: str) -> ExternalChecker:
        """The same checker, given `extra_args` after its three files."""
        return ExternalChecker(self.executable, self.protocol, self.sandbox, self.limits, self.max_points, extra_args)

    def check(self, input_file: Path, answer_file: Path, output_file: Path) -> CheckResult:
        with private_dir("checker-") as tmp:
            given = {"input": input_file, "answer": answer_file, "output": output_file}
            files = {name: Bind(_world_readable(path, tmp / name), f"/data/{name}")
                     for name, path in given.items()}  # fmt: skip
            seen = {name: self.sandbox.program_path(bind) for name, bind in files.items()}
            order = ("input", "output", "answer") if self.protocol == "testlib" else ("input", "answer", "output")
            argv, binds = self.executable.launch(self.sandbox, (*(seen[name] for name in order), *self.extra_args))
            box = tmp / "box"
            box.mkdir()
            out, err = tmp / "stdout", tmp / "stderr"
            run = self.sandbox.run(
                argv, work_dir=box, limits=self.limits, stdout=out, stderr=err, binds=[*binds, *files.values()]
            )
            stdout = read_head(out, CHECKER_OUTPUT).decode(errors="replace")
            stderr = read_head(err, CHECKER_OUTPUT).decode(errors="replace")
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
    """Compile (C, C++) or syntax-check (Python) a checker; headers such as testlib.h are
    taken from `extra_files` or, by default, from the checker's own folder."""
    compiler = compiler or Compiler()
    path = Path(path)
    language = Language.of(path)
    if extra_files is None:
        extra_files = [p for p in path.parent.glob("*.h")] if language != Language.PYTHON else []
    files = [SourceFile.read(path), *(SourceFile.read(p) for p in extra_files)]
    flags = tuple(f for f in compiler.options.default_flags(language) if f != "-DEVAL")
    result = compiler.compile(files, language, flags=flags)
    if not result.ok:
        raise ValueError(f"checker {path} does not compile:\n{result.message[:2000]}")
    assert result.executable is not None
    if language == Language.PYTHON and protocol != "python":
        protocol = "python"
    return ExternalChecker(result.executable, protocol, compiler.sandbox)
