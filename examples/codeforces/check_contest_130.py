#!/usr/bin/env python3
"""Check demo contest 130 ("Demo Round (synthesized tests)") without the judge.

Everything is read from the demo files: the statements and examples from
`pages/contest/130/problems.html`, the labelled submissions from
`api/contest.status@contestId=130&count=1000&from=1.json` and their code from
`pages/contest/130/submission/<id>.html`, and the recorded model answers
(generator, validator, checker) from `../generations/codeforces-tests-answers.json`.

For each problem it
- runs the generator (`gen.py SEED SIZE`) for seeds 0..9 of `small` and `edge` and
  seeds 0..2 of `max`, and checks that it is deterministic;
- runs the validator on every generated input and on every example (all must pass);
- runs every accepted submission on every input: within the time limit, and with
  outputs that agree exactly (`kind: single`) or that the checker accepts against the
  first reference's output (`kind: multiple`, where the references must also print
  different answers on some input);
- checks that every rejected submission passes all the examples and fails at least
  one generated input the way its label says (wrong output for WRONG_ANSWER, over
  the time limit for TIME_LIMIT_EXCEEDED, a crash for RUNTIME_ERROR).

Plain subprocesses (C++ compiled with `g++ -O2 -std=c++17` into a temporary folder,
Python run with this interpreter), CPU time measured per run; no sandbox. Prints a
table and exits 0 when every check holds, 1 otherwise.

    python3 examples/codeforces/check_contest_130.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTEST = 130
ANSWERS = HERE.parent / "generations" / "codeforces-tests-answers.json"
SEEDS = {"small": range(10), "edge": range(10), "max": range(3)}
OUTCOME_OF_LABEL = {"WRONG_ANSWER": "WA", "TIME_LIMIT_EXCEEDED": "TLE", "RUNTIME_ERROR": "RE",
                    "MEMORY_LIMIT_EXCEEDED": "RE"}  # fmt: skip
WALL_SLACK = 1.0  # seconds past the time limit before a run is killed (it is TLE either way)


@dataclass
class Run:
    stdout: bytes
    returncode: int
    cpu: float
    timed_out: bool


@dataclass
class Problem:
    index: str
    time_limit: float
    examples: list[tuple[str, str]]
    accepted: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)


def problems_from_page(page: str) -> dict[str, Problem]:
    """Time limits and examples of each problem on the contest's /problems page."""
    problems = {}
    for block in re.split(r'(?=<div class="problemindexholder")', page)[1:]:
        index = re.search(r'problemindex="([A-Z][0-9]?)"', block).group(1)
        limit = float(re.search(r"time limit per test\s*</div>\s*([0-9.]+) seconds?", block).group(1))
        inputs, outputs = ([html.unescape(text).removeprefix("\n")  # HTML drops the newline right after <pre>
                            for text in re.findall(rf'<div class="{kind}">.*?<pre>(.*?)</pre>', block, re.S)]
                           for kind in ("input", "output"))  # fmt: skip
        problems[index] = Problem(index, limit, list(zip(inputs, outputs, strict=True)))
    return problems


def submission_code(sid: int) -> str:
    page = (HERE / "pages" / "contest" / str(CONTEST) / "submission" / f"{sid}.html").read_text()
    match = re.search(r'<pre id="program-source-text"[^>]*>(.*?)</pre>', page, re.S)
    return html.unescape(match.group(1))


def python_block(answer: str) -> str | None:
    blocks = re.findall(r"```python\n(.*?)```", answer, re.S)
    if len(blocks) > 1:
        raise ValueError("more than one python block in an answer")
    return blocks[0] if blocks else None


def checker_kind(answer: str) -> str:
    after = answer.split("</think>", 1)[1].strip().splitlines()[0]
    match = re.fullmatch(r"kind:\s*(single|multiple|interactive)", after.strip())
    if match is None:
        raise ValueError(f"the checker answer does not start with a kind line: {after!r}")
    return match.group(1)


def run(command: list[str], stdin: bytes, time_limit: float) -> Run:
    """Run with the input on stdin; CPU time from the children's resource usage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as source:
        source.write(stdin)
        source.seek(0)
        proc = subprocess.Popen(command, stdin=source, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            stdout, _ = proc.communicate(timeout=time_limit + WALL_SLACK)
            timed_out = False
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, _ = proc.communicate()
            timed_out = True
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(stdout, proc.returncode, cpu, timed_out or cpu > time_limit)


class Contest:
    def __init__(self, work: Path):
        self.work = work
        self.answers = json.loads(ANSWERS.read_text())
        self.problems = problems_from_page((HERE / "pages" / "contest" / str(CONTEST) / "problems.html").read_text())
        status = json.loads((HERE / "api" / f"contest.status@contestId={CONTEST}&count=1000&from=1.json").read_text())
        for sub in status["result"]:
            problem = self.problems[sub["problem"]["index"]]
            (problem.accepted if sub["verdict"] == "OK" else problem.rejected).append(sub)
        self.failures: list[str] = []

    def expect(self, condition: bool, message: str) -> bool:
        if not condition:
            self.failures.append(message)
        return condition

    def program(self, sub: dict) -> list[str]:
        """A command that runs the submission (compiled once)."""
        sid, language = sub["id"], sub["programmingLanguage"]
        code = submission_code(sid)
        if "Py" in language:
            path = self.work / f"{sid}.py"
            path.write_text(code)
            return [sys.executable, str(path)]
        source, binary = self.work / f"{sid}.cpp", self.work / str(sid)
        if not binary.exists():
            source.write_text(code)
            subprocess.run(["g++", "-O2", "-std=c++17", "-o", str(binary), str(source)], check=True)
        return [str(binary)]

    def script(self, problem: Problem, role: str) -> Path | None:
        answer = self.answers[f"{CONTEST}/{problem.index}|{role}"][0]["answer"]
        code = python_block(answer)
        if code is None:
            return None
        path = self.work / f"{problem.index}-{role}.py"
        path.write_text(code)
        return path

    def check(self, problem: Problem) -> list[list[str]]:
        p = problem.index
        gen, validator = self.script(problem, "generator"), self.script(problem, "validator")
        kind = checker_kind(self.answers[f"{CONTEST}/{p}|checker"][0]["answer"])
        checker = self.script(problem, "checker") if kind == "multiple" else None
        self.expect(kind in ("single", "multiple"), f"{p}: checker kind {kind}")
        self.expect(kind == "single" or checker is not None, f"{p}: kind multiple without a checker")

        # inputs: (size class, seed, text)
        inputs = []
        for size, seeds in SEEDS.items():
            for seed in seeds:
                made = subprocess.run([sys.executable, str(gen), str(seed), size], capture_output=True, check=True)
                inputs.append((size, seed, made.stdout))
            again = subprocess.run([sys.executable, str(gen), "0", size], capture_output=True, check=True).stdout
            self.expect(again == inputs[-len(seeds)][2], f"{p}: generator not deterministic for {size}")
        biggest = max(len(text) for _, _, text in inputs)
        self.expect(biggest <= 3 * 2**20, f"{p}: an input of {biggest} bytes")

        valid = 0
        for size, seed, text in inputs:
            ok = subprocess.run([sys.executable, str(validator)], input=text, capture_output=True).returncode == 0
            valid += self.expect(ok, f"{p}: validator rejects generated {size} {seed}")
        valid_examples = 0
        for number, (text, _) in enumerate(problem.examples, 1):
            ok = subprocess.run([sys.executable, str(validator)], input=text.encode(), capture_output=True)
            valid_examples += self.expect(ok.returncode == 0, f"{p}: validator rejects example {number}")

        def accepts(test_input: bytes, reference: bytes, output: bytes) -> bool:
            if checker is None:
                return output.split() == reference.split()
            files = []
            for name, data in (("input", test_input), ("answer", reference), ("output", output)):
                files.append(self.work / f"{p}-check.{name}")
                files[-1].write_bytes(data)
            verdict = subprocess.run([sys.executable, str(checker), *map(str, files)], capture_output=True)
            self.expect(verdict.returncode == 0, f"{p}: the checker crashed on {output[:40]!r}")
            lines = verdict.stdout.decode().splitlines()
            return bool(lines) and lines[0].strip() == "ok"

        if checker is not None:
            text, answer = problem.examples[0]
            for garbage in (b"", b"abc", b"1", b"1 1", b"0 1", b"-1", b"1 2 3", b"\xff\xfe", b"9" * 5000, b"1.0 2"):
                self.expect(not accepts(text.encode(), answer.encode(), garbage) or garbage.split() == answer.split(),
                            f"{p}: the checker accepts garbage {garbage[:20]!r}")  # fmt: skip

        # references
        rows = []
        reference_outputs = []
        differ = 0
        for number, sub in enumerate(problem.accepted):
            command = self.program(sub)
            slowest, agree = 0.0, 0
            outputs = []
            for size, seed, text in inputs:
                result = run(command, text, problem.time_limit)
                slowest = max(slowest, result.cpu)
                good = result.returncode == 0 and not result.timed_out
                if number == 0:
                    good = self.expect(good, f"{p}: reference {sub['id']} fails {size} {seed}") and good
                else:
                    same = (result.stdout == reference_outputs[len(outputs)] if checker is None
                            else accepts(text, reference_outputs[len(outputs)], result.stdout))  # fmt: skip
                    differ += result.stdout.split() != reference_outputs[len(outputs)].split()
                    good = self.expect(good and same, f"{p}: reference {sub['id']} disagrees on {size} {seed}")
                agree += good
                outputs.append(result.stdout)
            examples = sum(self.passes(command, problem, text, out, accepts) == "OK" for text, out in problem.examples)
            if number == 0:
                reference_outputs = outputs
                self.expect(examples == len(problem.examples), f"{p}: the first reference fails an example")
            rows.append([f"{CONTEST}/{p}", str(sub["id"]), sub["programmingLanguage"], "OK",
                         f"{examples}/{len(problem.examples)}", f"agrees {agree}/{len(inputs)}", "-",
                         f"max {slowest:.2f}s", "yes" if agree == len(inputs) else "NO"])  # fmt: skip
        if checker is not None:
            self.expect(differ > 0, f"{p}: the references print the same answers everywhere")

        # rejected submissions
        for sub in problem.rejected:
            command = self.program(sub)
            label = OUTCOME_OF_LABEL[sub["verdict"]]
            examples = sum(self.passes(command, problem, text, out, accepts) == "OK" for text, out in problem.examples)
            caught = {size: 0 for size in SEEDS}
            kinds: dict[str, int] = {}
            for (size, _seed, text), reference in zip(inputs, reference_outputs, strict=True):
                outcome = self.outcome(run(command, text, problem.time_limit), text, reference, accepts)
                if outcome != "OK":
                    caught[size] += 1
                    kinds[outcome] = kinds.get(outcome, 0) + 1
            ok = self.expect(examples == len(problem.examples), f"{p}: {sub['id']} fails an example")
            ok = self.expect(label in kinds, f"{p}: {sub['id']} ({label}) is not caught as {label}") and ok
            failed = " ".join(f"{s} {caught[s]}/{len(SEEDS[s])}" for s in SEEDS)
            outcomes = " ".join(f"{k}x{n}" for k, n in sorted(kinds.items())) or "-"
            rows.append([f"{CONTEST}/{p}", str(sub["id"]), sub["programmingLanguage"], sub["verdict"],
                         f"{examples}/{len(problem.examples)}", failed, outcomes, "",
                         "yes" if ok else "NO"])  # fmt: skip
        self.summary.append(f"{CONTEST}/{p}: {len(inputs)} inputs ({valid} valid, largest {biggest} bytes), "
                            f"{valid_examples}/{len(problem.examples)} examples valid, checker kind {kind}"
                            + (f", references differ on {differ} inputs" if checker is not None else ""))  # fmt: skip
        return rows

    def outcome(self, result: Run, test_input: bytes, reference: bytes, accepts) -> str:
        if result.timed_out:
            return "TLE"
        if result.returncode != 0:
            return "RE"
        return "OK" if accepts(test_input, reference, result.stdout) else "WA"

    def passes(self, command, problem: Problem, text: str, out: str, accepts) -> str:
        return self.outcome(run(command, text.encode(), problem.time_limit), text.encode(), out.encode(), accepts)

    def main(self) -> int:
        self.summary: list[str] = []
        header = ["problem", "submission", "language", "label", "examples", "generated inputs failed", "as",
                  "time", "ok"]  # fmt: skip
        rows = [header]
        started = time.perf_counter()
        for problem in self.problems.values():
            rows += self.check(problem)
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for number, row in enumerate(rows):
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if number == 0:
                print("  ".join("-" * width for width in widths))
        print()
        for line in self.summary:
            print(line)
        for failure in self.failures:
            print(f"FAILED: {failure}")
        print(f"{len(rows) - 1} submissions checked in {time.perf_counter() - started:.0f} s: "
              f"{'all checks pass' if not self.failures else f'{len(self.failures)} check(s) failed'}")  # fmt: skip
        return 1 if self.failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="build and keep the work files here (default: a temporary folder)")
    args = parser.parse_args()
    if shutil.which("g++") is None:
        print("g++ is needed to compile the C++ submissions", file=sys.stderr)
        return 2
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return Contest(args.keep).main()
    with tempfile.TemporaryDirectory(prefix="contest130-") as work:
        return Contest(Path(work)).main()


if __name__ == "__main__":
    sys.exit(main())
