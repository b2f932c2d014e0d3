"""Small corruptions of a valid input or a correct output: what a validator or a
checker that does its job must refuse. A validator that accepts every mutated input
checks nothing, and neither does a checker that accepts an empty output."""

from __future__ import annotations

import re

_INTEGER = re.compile(rb"-?\d+")


def mutated_inputs(data: bytes) -> list[bytes]:
    """Inputs a strict validator rejects: the input cut short, with a token too many, a
    word where a number is, a number far out of any range, a negative count; each differs
    from `data`."""
    tokens, huge = data.split(), b"1" + b"0" * 21
    candidates = [b"", b" ".join(tokens[:-1]) + b"\n", data.rstrip() + b" 1\n", _replace_first_integer(data, b"x"),
                  _replace_first_integer(data, huge), _replace_first_integer(data, b"-1"),
                  _replace_last_integer(data, huge)]  # fmt: skip
    return _distinct(candidates, data)


def mutated_outputs(answer: bytes) -> tuple[list[bytes], list[bytes]]:
    """(always wrong, likely wrong) corruptions of a correct output. Always wrong: nothing
    at all, and a word where the answer is. Likely wrong (one of them may happen to be
    another correct answer): a number changed by one, a token dropped, a token added."""
    always = _distinct([b"", b"olympicforge\n"], answer)
    tokens = answer.split()
    likely = [_shift_first_integer(answer, 1), _shift_last_integer(answer, -1),
              b" ".join(tokens[:-1]) + b"\n", answer.rstrip() + b" 0\n"]  # fmt: skip
    return always, [m for m in _distinct(likely, answer) if m.split() and m.split() != tokens]


def _replace_first_integer(data: bytes, value: bytes) -> bytes:
    return _INTEGER.sub(value, data, count=1)


def _replace_last_integer(data: bytes, value: bytes) -> bytes:
    matches = list(_INTEGER.finditer(data))
    if not matches:
        return data
    last = matches[-1]
    return data[: last.start()] + value + data[last.end() :]


def _shift_first_integer(data: bytes, by: int) -> bytes:
    match = _INTEGER.search(data)
    return data if match is None else data[: match.start()] + str(int(match[0]) + by).encode() + data[match.end() :]


def _shift_last_integer(data: bytes, by: int) -> bytes:
    matches = list(_INTEGER.finditer(data))
    if not matches:
        return data
    last = matches[-1]
    return data[: last.start()] + str(int(last[0]) + by).encode() + data[last.end() :]


def _distinct(candidates: list[bytes], original: bytes) -> list[bytes]:
    """In order, once each, none equal to `original` up to whitespace."""
    seen, kept = {tuple(original.split())}, []
    for candidate in candidates:
        key = tuple(candidate.split())
        if key not in seen:
            seen.add(key)
            kept.append(candidate)
    return kept
