"""The streaming comparators agree with the simple whole-file algorithms (CMS's readline
white-diff, zip over split tokens) on random small files, verdict and message alike,
with chunks of 1-7 bytes so that every piece of state carried across chunks is exercised."""

from __future__ import annotations

import math
import random
from itertools import zip_longest
from pathlib import Path

import pytest

from judge import checkers
from judge.checkers import SHOWN, FloatDiff, TokenDiff, WhiteDiff

ALPHABET = [b"a", b"1", b"1.0", b" ", b"\t", b"\r", b"\x0b", b"\x0c", b"\n"]
WHITESPACE = [b" ", b"\t", b"\r", b"\x0b", b"\x0c"]


def _short(data: bytes | None) -> str:
    if data is None:
        return "end of file"
    text = data.decode(errors="replace")
    return repr(text if len(text) <= SHOWN else text[:SHOWN] + "...")


def reference_white_diff(answer: bytes, output: bytes) -> str:
    """CMS white-diff as readline does it: whole lines, split and joined."""
    for number, (expected, got) in enumerate(zip_longest(_lines(answer), _lines(output)), 1):
        want = None if expected is None else b" ".join(expected.split())
        have = None if got is None else b" ".join(got.split())
        if (want or b"") != (have or b""):
            return f"Output isn't correct: line {number}: expected {_short(want)}, got {_short(have)}"
    return "Output is correct"


def _lines(data: bytes) -> list[bytes]:
    """What readline yields: split at b"\\n" only (bytes.splitlines would also split at b"\\r")."""
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    return lines + [parts[-1]] if parts[-1] else lines


def reference_tokens(answer: bytes, output: bytes, same=bytes.__eq__) -> str:
    for number, (expected, got) in enumerate(zip_longest(answer.split(), output.split()), 1):
        if expected is None or got is None or not same(expected, got):
            return f"Output isn't correct: token {number}: expected {_short(expected)}, got {_short(got)}"
    return "Output is correct"


def reference_float(expected: bytes, got: bytes, tol: float = 1e-6, longest: int = 4096) -> bool:
    """FloatDiff's rule; a token over `longest` bytes is never a number."""
    if expected == got:
        return True
    if max(len(expected), len(got)) > longest:
        return False
    try:
        want, have = float(expected), float(got)
    except ValueError:
        return False
    return math.isfinite(want) and math.isfinite(have) and abs(want - have) <= max(tol, tol * abs(want))


def respaced(rng: random.Random, data: bytes) -> bytes:
    """The same lines and tokens with other whitespace: often equal, sometimes not."""

    def gap(least: int) -> bytes:
        return b"".join(rng.choice(WHITESPACE) for _ in range(rng.randrange(least, least + 3)))

    out = []
    for line in data.split(b"\n"):
        tokens = line.split()
        out.append(
            gap(0) + b"".join(t + (gap(1) if i < len(tokens) - 1 else b"") for i, t in enumerate(tokens)) + gap(0)
        )
    text = b"\n".join(out) + b"\n" * rng.randrange(0, 3)
    if rng.random() < 0.3:  # a small mutation
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(ALPHABET) + text[at + rng.randrange(2) :]
    return text


RICH = [
    b"a" * 30,
    "é".encode(),
    "€".encode() * 20,
    "𝄞".encode() * 17,
    b"\xff",
    b"\xe2\x82",
    b"0",
    b"1e-7",
    b"1.0000001",
    b"1.001",
    b"nan",
    b"inf",
    b"-0",
]  # long, multi-byte, broken UTF-8, numbers near tolerance


def random_file(rng: random.Random, alphabet: list[bytes] = ALPHABET, most: int = 14) -> bytes:
    return b"".join(rng.choice(alphabet) for _ in range(rng.randrange(0, most)))


def pairs(seed: int, count: int, alphabet: list[bytes] = ALPHABET, most: int = 14):
    rng = random.Random(seed)
    for _ in range(count):
        answer = random_file(rng, alphabet, most)
        yield answer, (respaced(rng, answer) if rng.random() < 0.6 else random_file(rng, alphabet, most))


def agree(tmp_path: Path, cases) -> int:
    """Asserts every checker says exactly what its reference says; returns how many were AC."""
    given, answer_file, output_file = tmp_path / "in", tmp_path / "ans", tmp_path / "out"
    given.write_bytes(b"")
    checkers = (WhiteDiff(), TokenDiff(), FloatDiff())
    accepted = 0
    for answer, output in cases:
        answer_file.write_bytes(answer)
        output_file.write_bytes(output)
        expected = (reference_white_diff(answer, output), reference_tokens(answer, output),
                    reference_tokens(answer, output, reference_float))  # fmt: skip
        got = tuple(checker.check(given, answer_file, output_file).message for checker in checkers)
        assert got == expected, (answer, output)
        accepted += expected[0] == "Output is correct"
    return accepted


@pytest.mark.parametrize("chunk", range(1, 8))
def test_streaming_matches_the_reference_on_random_files(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr("judge.checkers.CHUNK", chunk)
    assert agree(tmp_path, pairs(chunk, 1000)) > 200  # the equal case is well covered too


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 1 << 20])
def test_long_lines_snippets_and_tolerance_match_the_reference(tmp_path, monkeypatch, chunk):
    """Lines and tokens longer than the SHOWN characters of a message, cut inside multi-byte
    characters or broken UTF-8, and numbers on both sides of FloatDiff's tolerance."""
    monkeypatch.setattr("judge.checkers.CHUNK", chunk)
    assert agree(tmp_path, pairs(100 + chunk, 300, ALPHABET + RICH, 30)) > 50


def float_pairs(seed: int, count: int):
    """Numbers printed again in other formats (inside and outside the tolerance), words,
    non-finite values and long digit strings, with random whitespace."""
    rng = random.Random(seed)
    values = [0.5, 1.0, 123456.0, 1e-7, -3.25, 0.0, 1 / 3]
    for _ in range(count):
        picked = [rng.choice(values) for _ in range(rng.randrange(0, 40))]
        answer, output = [], []
        bad = rng.choice([0.0, 0.0, 0.02, 0.2])  # how often a token is out of tolerance or a word
        for value in picked:
            answer.append(repr(value).encode())
            roll = rng.random()
            if roll < 0.3:
                output.append(answer[-1])
            elif roll < 1 - bad:
                output.append(f"{value * (1 + rng.choice([0.0, 1e-7, -5e-7])) + rng.choice([0.0, 5e-7]):.9f}".encode())
            elif roll < 1 - bad / 2:
                wobble = value * (1 + rng.choice([1e-7, 2e-6])) + rng.choice([0.0, 3e-6])
                output.append(f"{wobble:.{rng.randrange(0, 12)}f}".encode())
            else:
                output.append(
                    rng.choice([b"YES", b"nan", b"inf", b"-inf", b"1_0", b"0" * 9 + b"1", b"1" * 12, b"2" * 20])
                )
        if picked and rng.random() < 0.2:
            (answer if rng.random() < 0.5 else output).pop(rng.randrange(len(picked)))

        def spaced(tokens: list[bytes]) -> bytes:
            return b"".join(t + rng.choice([b" ", b"\n", b" \r\n", b"\t\t"]) for t in tokens)

        yield spaced(answer), spaced(output)


@pytest.mark.parametrize(
    "chunk,batch,longest", [(1, 24, 12), (3, 13, 12), (7, 16, 4096), (64, 40, 16), (1 << 20, 64 << 10, 4096)]
)
def test_float_diff_batches_match_the_reference(tmp_path, monkeypatch, chunk, batch, longest):
    """Runs of tokens that differ as bytes go through FloatDiff's batch path: same answers."""
    monkeypatch.setattr("judge.checkers.CHUNK", chunk)
    monkeypatch.setattr("judge.checkers.BATCH", batch)
    monkeypatch.setattr("judge.checkers.MAX_NUMBER", longest)
    given, answer_file, output_file = tmp_path / "in", tmp_path / "ans", tmp_path / "out"
    given.write_bytes(b"")
    batched, run = [0], checkers._tolerated_run

    def counted(*args):
        taken = run(*args)
        batched[0] += taken
        return taken

    monkeypatch.setattr("judge.checkers._tolerated_run", counted)
    accepted = 0
    for answer, output in float_pairs(chunk + batch, 400):
        answer_file.write_bytes(answer)
        output_file.write_bytes(output)
        expected = reference_tokens(answer, output, lambda x, y: reference_float(x, y, longest=longest))
        assert FloatDiff().check(given, answer_file, output_file).message == expected, (answer, output)
        accepted += expected == "Output is correct"
    assert accepted > 30 and batched[0] > 200  # the batch path took many tokens
