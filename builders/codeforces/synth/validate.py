"""Turn a problem's model answers into validated tests, or say why they cannot be.

Everything here runs untrusted code in the sandbox under limits (programs.py):
1. the validator must accept every example input and reject at least one mutated input;
2. each generator runs every (seed, size) of the plan twice, and must print the same
   input both times; an input that is empty, over the size cap, a duplicate, or that
   the validator rejects is dropped;
3. each reference solution (up to `references`) runs on every input within the
   problem's limits; an input one of them fails on is dropped;
4. outputs must agree: exactly (as tokens) when the answer is unique, else through the
   checker, which must accept every reference's output and refuse mutated outputs. An
   input the references disagree on without a checker is dropped, and the problem is
   marked as needing one.
A judge error anywhere is `JudgeFailure`: the problem is left for the next run, never
reported as the model's failure.
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from builders.codeforces.synth.answers import Answer, ProblemAnswers
from builders.codeforces.synth.mutations import mutated_inputs, mutated_outputs
from builders.codeforces.synth.programs import (
    GENERATOR_LIMITS,
    MAX_OUTPUT_BYTES,
    TOOL_LIMITS,
    ProgramError,
    SandboxedProgram,
)
from builders.codeforces.synth.select import SIZE_CLASSES, Candidate, select_tests
from judge.checkers import Checker, comparator
from judge.codeforces import python_checker
from judge.compile import Compiler
from judge.sandbox import RunLimits, RunStatus, SandboxError
from judge.verdicts import Verdict

log = logging.getLogger(__name__)
DEFAULT_PLAN = {"small": 10, "edge": 10, "max": 3}  # seeds per size class asked of each generator
CHECKER_PROBES = 6  # tests on which a checker's refusal of mutated outputs is tried


class JudgeFailure(RuntimeError):
    """The judge failed (JE) while validating: the problem is retried, never blamed on the model."""


@dataclass(frozen=True)
class SynthConfig:
    plan: dict = field(default_factory=lambda: dict(DEFAULT_PLAN))
    max_tests: int = 50
    max_bytes: int = 64 << 20
    references: int = 3
    workers: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.plan) - set(SIZE_CLASSES)
        if unknown or any(int(n) < 0 for n in self.plan.values()):
            raise ValueError(f"plan {self.plan}: sizes are {', '.join(SIZE_CLASSES)}, each with a count >= 0")
        if self.max_tests < 1 or self.max_bytes < 1 or self.references < 1:
            raise ValueError("max_tests, max_bytes and references must be at least 1")


@dataclass
class SynthReport:
    """What happened to one problem: every answer's fate and every dropped input's reason."""

    problem: str
    kind: str | None = None  # single | multiple | interactive (the model's call)
    flags: list[str] = field(default_factory=list)  # why the problem has no (or a weaker) suite
    used: dict[str, bool] = field(default_factory=dict)  # answer key -> its program was used
    refused: dict[str, str] = field(default_factory=dict)  # answer key -> why it was not
    generated: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> inputs
    candidates: int = 0  # tests that passed every check
    selected: int = 0

    def drop(self, reason: str, count: int = 1) -> None:
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + count

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class SynthResult:
    report: SynthReport
    tests: list[Candidate]  # selected, examples first
    checker: str | None  # the checker's source when the answer is not unique


def synthesize(row: dict, answers: ProblemAnswers, compiler: Compiler, config: SynthConfig,
               scratch: Path) -> SynthResult:  # fmt: skip
    """Validated, selected tests for `row` from its model answers, written under `scratch`."""
    return _Synthesis(row, answers, compiler, config, scratch).run()


class _Synthesis:
    def __init__(self, row: dict, answers: ProblemAnswers, compiler: Compiler, config: SynthConfig,
                 scratch: Path) -> None:  # fmt: skip
        self.row, self.answers, self.compiler, self.config = row, answers, compiler, config
        self.scratch = scratch
        self.report = SynthReport(row["id"], kind=answers.kind())
        for key in answers.failed:
            self.report.refused[key] = "the request failed or the answer holds no Python code"

    def run(self) -> SynthResult:
        report = self.report
        none = SynthResult(report, [], None)
        if report.kind in ("single", "interactive"):  # the call is the answer's use; a checker comes with `multiple`
            report.used.update({a.key: True for a in self.answers.checkers if a.kind == report.kind})
        if report.kind == "interactive" or self.row.get("interactive") or self.row.get("interaction_format"):
            report.flags.append("interactive: needs an interactor, not a test suite")
            return none
        if (self.row.get("input_mode") or "stdio") != "stdio":
            report.flags.append("file I/O: synthesis runs programs on standard input and output only")
            return none
        references = self._references()
        if not references:
            report.flags.append("no reference solution compiles: outputs cannot be made")
            return none
        if len(references) == 1:
            report.flags.append("one reference solution only: outputs are not cross-checked")
        examples = self._examples()
        validator = self._choose(self.answers.validators, lambda a: self._validator(a, examples))
        if validator is None:
            report.flags.append("no usable validator: generated inputs cannot be trusted")
            return none
        inputs = self._generate(validator)
        outputs = self._run_references(references, examples + inputs)
        checker, checker_source = self._checker(examples, inputs, outputs)
        if report.kind is None:
            report.flags.append("no answer said whether the output is unique: compared as if it were")
        if report.kind == "multiple" and checker is None:
            report.flags.append("several answers are valid but no usable checker: no suite")
            return none
        candidates = self._agreed(examples + inputs, outputs, checker or comparator("tokens"))
        report.candidates = len(candidates)
        if not any(c.size != "example" for c in candidates):
            report.flags.append("no generated test survived validation")
            return none
        selected = select_tests(candidates, self.config.max_tests, self.config.max_bytes, self.config.seed)
        report.selected = len(selected)
        return SynthResult(report, selected, checker_source)

    # --- programs -----------------------------------------------------------------

    def _references(self) -> list[SandboxedProgram]:
        limits = RunLimits(cpu_time=float(self.row["time_limit"]), memory=int(self.row["memory_limit"] * 2**20),
                           file_size=MAX_OUTPUT_BYTES)  # fmt: skip
        programs = []
        solutions = [s for s in self.row.get("solutions") or [] if s.get("code")]
        for number, solution in enumerate(solutions[: self.config.references]):
            try:
                programs.append(SandboxedProgram(f"reference {number}", solution["code"], self.compiler, limits,
                                                 solution.get("language") or "cpp"))  # fmt: skip
            except ProgramError as exc:
                log.warning("%s: %s", self.row["id"], exc)
                self.report.flags.append(f"reference {number} does not compile here")
        return programs

    def _choose(self, answers: list[Answer], usable) -> SandboxedProgram | None:
        """The first answer whose program passes `usable` (which returns a refusal or None)."""
        for answer in answers:
            try:
                program = SandboxedProgram(_label(answer), answer.code, self.compiler, TOOL_LIMITS)
            except ProgramError as exc:
                self.report.refused[answer.key] = str(exc)
                continue
            refusal = usable(program)
            if refusal is None:
                self.report.used[answer.key] = True
                return program
            self.report.refused[answer.key] = refusal
        return None

    # --- inputs ---------------------------------------------------------------------

    def _examples(self) -> list[Candidate]:
        examples = []
        for number, example in enumerate(self.row.get("examples") or [], 1):
            path = self.scratch / f"example-{number}.in"
            path.write_text(example["input"])
            answer = self.scratch / f"example-{number}.ans"
            answer.write_text(example["output"])
            examples.append(Candidate(f"example-{number}", "example", path, answer, 0, 0.0))
        return examples

    def _validator(self, program: SandboxedProgram, examples: list[Candidate]) -> str | None:
        """None when it accepts every example and rejects some mutated input, else why not."""
        if not examples:
            return "the problem has no example to check the validator on"
        for example in examples:
            run = self._check_input(program, example.input)
            if run is not True:
                return f"rejects {example.name}, a valid input" + (f": {run}" if run else "")
        for example in examples:
            for number, data in enumerate(mutated_inputs(example.input.read_bytes())):
                path = self.scratch / f"mutated-{example.name}-{number}.in"
                path.write_bytes(data)
                if self._check_input(program, path) is not True:
                    return None
        return "accepts every mutated input: it checks nothing"

    def _check_input(self, validator: SandboxedProgram, path: Path) -> bool | str:
        """True when the validator accepts the input; else what it said."""
        run = validator.run([], stdin=path, stdout=path.with_suffix(".validator"))
        if run.judge_error:
            raise JudgeFailure(f"{self.row['id']}: the judge failed running the validator: {run.message}")
        return True if run.ok else f"{run.status}: {run.message[:200]}"

    def _generate(self, validator: SandboxedProgram) -> list[Candidate]:
        """Every generator's inputs (plan x 2 runs), deduplicated, validated."""
        seen = {hashlib.sha256(c.read_bytes()).digest() for c in self.scratch.glob("example-*.in")}
        kept: list[Candidate] = []
        jobs = [(size, seed) for size in SIZE_CLASSES for seed in range(int(self.config.plan.get(size, 0)))]
        for number, answer in enumerate(self.answers.generators):
            try:
                program = SandboxedProgram(_label(answer), answer.code, self.compiler, GENERATOR_LIMITS)
            except ProgramError as exc:
                self.report.refused[answer.key] = str(exc)
                continue
            folder = self.scratch / f"generator-{number}"
            folder.mkdir()
            runs = self._map(lambda job, program=program, folder=folder: self._twice(program, folder, *job), jobs)
            unstable = next((job for job, run in zip(jobs, runs, strict=True) if run == "unstable"), None)
            if unstable is not None:
                self.report.refused[answer.key] = f"non-deterministic: `{unstable[1]} {unstable[0]}` printed two inputs"
                continue
            made = [(job, path) for job, path in zip(jobs, runs, strict=True) if isinstance(path, Path)]
            for reason in (r for r in runs if isinstance(r, str)):
                self.report.drop(reason)
            if not made:
                self.report.refused[answer.key] = "no run printed an input (" + _first(runs) + ")"
                continue
            self.report.generated += len(made)
            fresh = []
            for (size, seed), path in made:
                digest = hashlib.sha256(path.read_bytes()).digest()
                if digest in seen:
                    self.report.drop("duplicate input")
                    continue
                seen.add(digest)
                fresh.append(Candidate(f"{size}-{seed}-g{number}", size, path, path.with_suffix(".ans"), 0, 0.0))
            verdicts = self._map(lambda c: self._check_input(validator, c.input), fresh)
            valid = [c for c, verdict in zip(fresh, verdicts, strict=True) if verdict is True]
            self.report.drop("rejected by the validator", len(fresh) - len(valid))
            if fresh and not valid:
                self.report.refused[answer.key] = "the validator rejects every input it printed"
                continue
            self.report.used[answer.key] = True
            kept += valid
        if not self.answers.generators:
            self.report.flags.append("no generator answer")
        return kept

    def _twice(self, program: SandboxedProgram, folder: Path, size: str, seed: int) -> Path | str:
        """The input `gen.py SEED SIZE` prints, checked by a second run; else a drop reason
        or "unstable"."""
        first, second = folder / f"{size}-{seed}.in", folder / f"{size}-{seed}.again"
        for path in (first, second):
            run = program.run([str(seed), size], stdin=None, stdout=path)
            if run.judge_error:
                raise JudgeFailure(f"{self.row['id']}: the judge failed running a generator: {run.message}")
            if run.status == RunStatus.OUTPUT_LIMIT:
                return "generator output over the size cap"
            if not run.ok:
                return f"generator {run.status}"
        if first.read_bytes() != second.read_bytes():
            return "unstable"
        second.unlink()
        if not first.read_bytes().strip():
            return "generator printed nothing"
        return first

    # --- outputs --------------------------------------------------------------------

    def _run_references(self, references: list[SandboxedProgram], tests: list[Candidate]) -> dict:
        """test name -> each reference's (output path, CPU seconds) or failure reason, in order."""
        jobs = [(test, index) for test in tests for index in range(len(references))]

        def one(job):
            test, index = job
            out = test.input.with_suffix(f".ref{index}")
            run = references[index].run([], stdin=test.input, stdout=out)
            if run.judge_error:
                raise JudgeFailure(f"{self.row['id']}: the judge failed running reference {index}: {run.message}")
            return (out, run.cpu_time) if run.ok else f"a reference gets {run.verdict}"

        outputs: dict[str, list] = {test.name: [] for test in tests}
        for (test, _), result in zip(jobs, self._map(one, jobs), strict=True):
            outputs[test.name].append(result)  # jobs are in (test, reference) order
        return outputs

    def _checker(self, examples: list[Candidate], inputs: list[Candidate],
                 outputs: dict) -> tuple[Checker | None, str | None]:  # fmt: skip
        """The first checker answer that accepts every reference output and refuses mutated
        ones; (None, None) when the answer is unique or none qualifies."""
        if self.report.kind != "multiple":
            return None, None
        probes = [t for t in examples + inputs if _outputs_of(t, outputs)]
        for answer in (a for a in self.answers.checkers if a.code):
            try:
                checker = python_checker(answer.code, self.compiler)
            except ValueError as exc:
                self.report.refused[answer.key] = str(exc)[:300]
                continue
            refusal = self._checker_refusal(checker, probes, outputs)
            if refusal is None:
                self.report.used[answer.key] = True
                return checker, answer.code
            self.report.refused[answer.key] = refusal
        return None, None

    def _checker_refusal(self, checker: Checker, probes: list[Candidate], outputs: dict) -> str | None:
        """None when the checker accepts every reference's (and example's) output and cleanly
        refuses malformed ones, and some likely-wrong one; else why it is refused."""
        likely_refused = False
        for number, test in enumerate(probes):
            produced = _outputs_of(test, outputs)
            answer = test.output if test.size == "example" else produced[0]
            for output in produced + ([test.output] if test.size == "example" else []):
                got = self._check(checker, test.input, answer, output)
                if got != Verdict.AC:
                    return f"refuses a correct output on {test.name} ({got})"
            if number >= CHECKER_PROBES:
                continue
            always, likely = mutated_outputs(answer.read_bytes())
            for index, data in enumerate(always + likely):
                path = test.input.with_suffix(f".mutated{index}")
                path.write_bytes(data)
                got = self._check(checker, test.input, answer, path)
                if index < len(always) and got != Verdict.WA:
                    return f"does not refuse a malformed output on {test.name} cleanly ({got}: {data[:20]!r})"
                likely_refused |= index >= len(always) and got == Verdict.WA
        return None if likely_refused else "accepts every corrupted answer: it checks nothing"

    def _agreed(self, tests: list[Candidate], outputs: dict, checker: Checker) -> list[Candidate]:
        """Tests every reference passes and agrees on, with the expected output and cost."""
        kept = []
        for test in tests:
            results = outputs[test.name]
            failure = next((r for r in results if isinstance(r, str)), None)
            if failure is not None:
                self.report.drop(failure)
                if test.size == "example":
                    self.report.flags.append(f"a reference fails {test.name}")
                continue
            answer = test.output if test.size == "example" else results[0][0]
            if any(self._check(checker, test.input, answer, out) != Verdict.AC for out, _ in results):
                self.report.drop("the references disagree")
                if (
                    self.report.kind != "multiple"
                    and "the references disagree: needs a checker" not in self.report.flags
                ):
                    self.report.flags.append("the references disagree: needs a checker")
                continue
            if test.size != "example":
                results[0][0].replace(test.output)
            size = test.input.stat().st_size + test.output.stat().st_size
            kept.append(Candidate(test.name, test.size, test.input, test.output, size,
                                  max(seconds for _, seconds in results)))  # fmt: skip
        return kept

    def _check(self, checker: Checker, input_file: Path, answer: Path, output: Path) -> Verdict:
        """The checker's verdict; the sandbox failing to run it is the judge's failure, while
        a checker that crashes or times out is a JE the model's checker is refused for."""
        try:
            result = checker.check(input_file, answer, output)
        except SandboxError as exc:
            raise JudgeFailure(f"{self.row['id']}: the judge failed running a checker: {exc}") from exc
        if result.judge_error and result.message.startswith(f"checker failed: {RunStatus.SANDBOX_ERROR}"):
            raise JudgeFailure(f"{self.row['id']}: the judge failed running a checker: {result.message}")
        return result.verdict

    def _map(self, function, items: list) -> list:
        if self.config.workers <= 1 or len(items) <= 1:
            return [function(item) for item in items]
        with ThreadPoolExecutor(max_workers=self.config.workers) as pool:
            return list(pool.map(function, items))


def _outputs_of(test: Candidate, outputs: dict) -> list[Path]:
    """Every reference's output on `test`, or [] when one of them failed on it."""
    results = outputs[test.name]
    return [] if any(isinstance(r, str) for r in results) else [path for path, _ in results]


def _label(answer: Answer) -> str:
    role = answer.key.split("|")[1]
    return f"{role} {answer.sample}"


def _first(runs: list) -> str:
    return next((r for r in runs if isinstance(r, str)), "no run")
