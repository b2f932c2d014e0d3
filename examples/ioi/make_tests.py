"""Regenerate the tests of the example IOI packages (deterministic, byte for byte).

Run from anywhere: `python examples/ioi/make_tests.py`. Large arrays are not
stored: the inputs carry a seed and the graders/checkers expand it with the
same generator as `lcg()` below, so the packages stay a few kilobytes. The PDF
statements (bits, balance) are written with `builders/ioi/statements/pdf_writer.py`.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the repository: its PDF writer makes the statements
from builders.ioi.statements.pdf_writer import Flow, Span  # noqa: E402

MASK = (1 << 64) - 1


def lcg(seed: int, n: int, modulus: int, offset: int = 0, scale: int = 1) -> list[int]:
    values, x = [], seed
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        values.append(((x >> 33) % modulus) * scale + offset)
    return values


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def write_gz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode(), mtime=0))


def write_zip(path: Path, files: dict[str, str]) -> None:
    """A zip with fixed timestamps, so regenerating it changes no byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)


def bits_statement(path: Path) -> None:
    """A one-page PDF in Helvetica, text only (as older IOI years ship)."""
    flow = Flow()
    flow.heading("Powers of Two", 16)
    flow.paragraph("This is an output-only task. Each input file holds one integer n (1 <= n <= 10^18). Write m, then "
                   "m powers of two whose sum is n. Every valid answer scores popcount(n) / m of the test: the "
                   "shortest list gets full marks.")  # fmt: skip
    flow.paragraph("Subtasks: 1 (30 points): test 01. 2 (30 points): test 02. 3 (40 points): tests 03 and 04, "
                   "scored by the mean of their outcomes.")  # fmt: skip
    flow.document.save(path)


def balance_statement(path: Path) -> None:
    """The IOI 2026 layout's `en.pdf`: two pages with a running header and footer, subscripts and raised
    exponents, the signature and the grader's input format in monospace, a subtask table."""
    sub, sup = (lambda t: Span(t, size=7, rise=-2.5)), (lambda t: Span(t, size=6.5, rise=5.5))
    flow = Flow()
    flow.heading("Balance Point", 18)
    sums = [Span(" the same sum, a"), sub("0"), Span(" + \u2026 + a"), sub("i\u22121"), Span(" = a"), sub("i+1"),
            Span(" + \u2026 + a"), sub("n\u22121")]  # fmt: skip
    flow.paragraph([Span("You are given an array a"), sub("0"), Span(", a"), sub("1"), Span(", \u2026, a"),
                    sub("n\u22121"), Span(" of positive integers. Find a position i such that the elements before it "
                                         "and the elements after it have"), *sums,
                    Span(", or report that there is none. (An empty sum is 0.) The sums can reach 3 \u00b7 10"),
                    sup("14"), Span(": they do not \ufb01t in 32 bits.")])  # fmt: skip
    flow.heading("Implementation Details")
    flow.paragraph("You should implement the following procedure.")
    flow.code(["int find_balance(std::vector<long long> a)"])
    flow.bullets(["a: the array, of length n.",
                  "Return such a position i (0 \u2264 i < n), or \u22121 if there is none. If there are several, "
                  "return the smallest."])  # fmt: skip
    flow.heading("Constraints")
    flow.bullets(["1 \u2264 n \u2264 300 000", [Span("1 \u2264 a"), sub("i"), Span(" \u2264 10"), sup("9")]])
    flow.heading("Subtasks")
    flow.table(["Subtask", "Score", "Additional Constraints"],
               [["1", "30", [Span("n \u2264 1 000 and a"), sub("i"), Span(" \u2264 10"), sup("6"),
                             Span(" for each i such that 0 \u2264 i < n")]],
                ["2", "70", "No additional constraints."]], [0, 70, 140])  # fmt: skip
    flow.page_break()
    flow.heading("Examples")
    flow.paragraph("For a = [1, 2, 3, 2, 1] the answer is 2: 1 + 2 = 2 + 1. For a = [1, 1, 1, 1] there is no "
                   "balance point: the answer is \u22121.")  # fmt: skip
    flow.heading("Sample Grader")
    flow.paragraph("The sample grader reads the input in the following format:")
    flow.code(["n", "a[0] a[1] ... a[n-1]"])
    flow.paragraph([Span("and prints the value returned by "), Span("find_balance", "mono"), Span(".")])
    flow.finish(("balance", "English (ISC)"), "balance ({page} of {pages})").save(path)


def starting_code(root: Path, code: str, header: str, body: str) -> None:
    """The contestant's attachment: cpp/<code>.cpp (starting code) and the header."""
    write_zip(
        root / "attachments" / f"{code}.zip",
        {f"cpp/{code}.cpp": f'#include "{code}.h"\n\n{body}', f"cpp/{code}.h": header},
    )


def subtasks(root: Path, specs: dict[str, tuple[int, list[str]]]) -> None:
    for name, (score, tests) in specs.items():
        write(root / "subtasks" / f"{name}.json", json.dumps({"score": score, "testcases": tests}) + "\n")


def findpair_values(n: int, seed: int, mode: int) -> list[int]:
    """The same array as graders/gen.h builds from (n, seed, mode)."""
    values = lcg(seed, n, 250000000, scale=4 if mode == 2 else 2)
    if mode == 2:
        values[-2], values[-1] = 4 * (values[-2] // 4) + 1, 4 * (values[-1] // 4) + 2
    return values


def findpair() -> None:
    root = HERE / "2024" / "day1" / "findpair"
    rng = random.Random(11)
    cases = {"0-01": (4, 9, 0, 0, [2, 7, 11, 15]), "0-02": (3, 100, 0, 0, [1, 2, 3])}
    for i in range(1, 4):
        cases[f"1-0{i}"] = (1000, None, rng.randrange(1, 2**62), 0, None)
    cases["1-04"] = (1000, 1, rng.randrange(1, 2**62), 1, None)  # even values, odd target: impossible
    for i in range(1, 3):  # the only pair is the last two elements: O(n^2) clearly times out
        cases[f"2-0{i}"] = (300000, None, rng.randrange(1, 2**62), 2, None)
    cases["2-03"] = (300000, 999999999, rng.randrange(1, 2**62), 1, None)
    for name, (n, target, seed, mode, explicit) in cases.items():
        values = explicit or findpair_values(n, seed, mode)
        if target is None:
            p, q = (n - 2, n - 1) if mode == 2 else sorted(rng.sample(range(n), 2))
            target = values[p] + values[q]
        seen, possible = set(), False
        for v in values:
            possible = possible or (target - v) in seen
            seen.add(v)
        extra = "\n" + " ".join(map(str, explicit)) if explicit else ""
        write(root / "tests" / f"{name}.in", f"{n} {target} {seed} {mode}{extra}\n")
        write(root / "tests" / f"{name}.out", f"{int(possible)}\n")
    starting_code(
        root,
        "findpair",
        (root / "graders" / "findpair.h").read_text(),
        "std::pair<int, int> find_pair(std::vector<int> a, long long target) {\n    return {-1, -1};\n}\n",
    )
    names = sorted(cases)
    subtasks(root, {"00-samples": (0, ["0-01", "0-02"]),
                    "01-small": (30, [n for n in names if n[0] in "01"]),
                    "02-full": (70, names)})  # fmt: skip


def guess() -> None:
    root = HERE / "2024" / "day1" / "guess"
    rng = random.Random(5)
    cases = {"0-01": (10, 7), "1-01": (1, 1), "1-02": (10, 10), "1-03": (9, 4)}
    for i in range(1, 4):
        n = rng.randrange(10**8, 10**9)
        cases[f"2-0{i}"] = (n, rng.randrange(1, n + 1))
    for name, (n, secret) in cases.items():
        write(root / "tests" / f"{name}.in", f"{n} {secret}\n")
        write(root / "tests" / f"{name}.out", f"{secret}\n")
    starting_code(
        root,
        "guess",
        (root / "graders" / "guess.h").read_text(),
        "int guess(int n) {\n    return ask(1) == 0 ? 1 : n;\n}\n",
    )
    names = sorted(cases)
    subtasks(root, {"00-samples": (0, ["0-01"]), "01-small": (30, [n for n in names if n[0] in "01"]),
                    "02-full": (70, names)})  # fmt: skip


def relay() -> None:
    root = HERE / "2024" / "day2" / "relay"
    rng = random.Random(3)
    cases = {"0-01": (4, 5), "1-01": (10, 0), "1-02": (10, 1023), "2-01": (60, (1 << 60) - 1)}
    cases["2-02"] = (60, rng.randrange(1 << 59, 1 << 60))
    for name, (k, x) in cases.items():
        write(root / "tests" / f"{name}.in", f"{k} {x}\n")
        write(root / "tests" / f"{name}.out", f"{x}\n")
    starting_code(
        root,
        "relay",
        (root / "graders" / "relay.h").read_text(),
        'std::string encode(long long x) {\n    return "0";\n}\n\n'
        "long long decode(std::string message) {\n    return 0;\n}\n",
    )
    names = sorted(cases)
    subtasks(root, {"00-samples": (0, ["0-01"]), "01-small": (40, [n for n in names if n[0] in "01"]),
                    "02-full": (60, names)})  # fmt: skip


def maxsub() -> None:
    root = HERE / "2021" / "day1" / "ioi2021-maxsub"
    rng = random.Random(8)
    cases = {"0-01": (5, 0, [1, -2, 3, 4, -1]), "1-01": (300, rng.randrange(1, 2**62), None),
             "1-02": (200, rng.randrange(1, 2**62), None), "2-01": (100000, rng.randrange(1, 2**62), None),
             "2-02": (100000, rng.randrange(1, 2**62), None)}  # fmt: skip
    for name, (n, seed, explicit) in cases.items():
        values = explicit or lcg(seed, n, 2000001, offset=-1000000)
        best, here = values[0], 0
        for v in values:
            here = max(v, here + v)
            best = max(best, here)
        extra = "\n" + " ".join(map(str, explicit)) if explicit else ""
        write_gz(root / "tc" / f"{name}.in.gz", f"{n} {seed}{extra}\n")
        write_gz(root / "tc" / f"{name}.out.gz", f"{best}\n")


def bits() -> None:
    root = HERE / "2021" / "day1" / "ioi2021-bits"
    bits_statement(root / "statement" / "bits-en.pdf")
    numbers = {"01": 13, "02": 1023, "03": (1 << 40) + 12345, "04": 987654321987}
    for name, n in numbers.items():
        write_gz(root / "tc" / f"{name}.in.gz", f"{n}\n")
        write_gz(root / "tc" / f"{name}.out.gz", f"{bin(n).count('1')}\n")
        powers = [1 << b for b in range(n.bit_length()) if n >> b & 1]
        write(root / "solution" / "best" / f"output_{name}.txt", f"{len(powers)}\n{' '.join(map(str, powers))}\n")
        halves = [q for p in powers for q in ((p // 2, p // 2) if p > 1 else (p,))]
        write(root / "solution" / "halves" / f"output_{name}.txt", f"{len(halves)}\n{' '.join(map(str, halves))}\n")


def balance_values(n: int, seed: int, mode: int, limit: int) -> list[int]:
    """The same array as graders/gen.h builds from (n, seed, mode, limit)."""
    values = lcg(seed, n, limit, offset=1)
    if mode == 1:
        for i in range(n // 2):
            values[n - 1 - i] = values[i]
    if mode == 2:
        values = [limit] * n
    return values


def balance() -> None:
    """IOI 2026 layout: protocol 2 problem.json (written by hand, not here), the statement as `en.pdf`."""
    root = HERE / "2026" / "day1" / "balance"
    balance_statement(root / "en.pdf")
    cases = {"0-01": (5, 0, 0, 0, [1, 2, 3, 2, 1]), "0-02": (4, 0, 0, 0, [1, 1, 1, 1]),
             "1-01": (999, 11, 1, 10**6, None), "1-02": (1000, 12, 0, 10**6, None), "1-03": (1, 13, 0, 10**6, None),
             "2-01": (299999, 21, 1, 10**9, None), "2-02": (300000, 22, 0, 10**9, None),
             "2-03": (299999, 5, 2, 10**9, None), "2-04": (300000, 6, 2, 10**9, None),
             # sums that agree modulo 2^32 at the last position: 32-bit sums answer 5, the truth is -1
             "2-05": (6, 0, 0, 0, [10**9] * 4 + [294967296, 7])}  # fmt: skip
    for name, (n, seed, mode, limit, explicit) in cases.items():
        values = explicit or balance_values(n, seed, mode, limit)
        total, left, answer = sum(values), 0, -1
        for i, v in enumerate(values):
            if left == total - left - v:
                answer = i
                break
            left += v
        extra = "\n" + " ".join(map(str, explicit)) if explicit else ""
        write(root / "tests" / f"{name}.in", f"{n} {seed} {mode} {limit}{extra}\n")
        write(root / "tests" / f"{name}.out", f"{answer}\n")
    starting_code(root, "balance", (root / "graders" / "balance.h").read_text(),
                  "int find_balance(std::vector<long long> a) {\n    return -1;\n}\n")  # fmt: skip
    names = sorted(cases)
    subtasks(root, {"00-samples": (0, ["0-01", "0-02"]),
                    "01-small": (30, [n for n in names if n[0] in "01"]),
                    "02-full": (70, names)})  # fmt: skip


if __name__ == "__main__":
    for make in (findpair, guess, relay, maxsub, bits, balance):
        make()
    print(f"tests written under {HERE}")
