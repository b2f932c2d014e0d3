"""`build codeforces-tests`: recorded model answers (a generator, a validator, a checker)
judged for real in the sandbox, suites selected and measured on labelled submissions;
every way a model's program can be useless is refused with its reason."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from builders.codeforces.suites import TestSource
from builders.codeforces.synth import programs
from builders.codeforces.synth import validate as validate_module
from builders.codeforces.synth.answers import answer_kind, gather
from builders.codeforces.synth.command import validate_problem
from builders.codeforces.synth.mutations import mutated_inputs, mutated_outputs
from builders.codeforces.synth.select import Candidate, select_tests
from builders.codeforces.synth.validate import SynthConfig, synthesize
from olympicforge.cli import main

from cf_helpers import write_codeforces_dataset
from http_helpers import FakeOpenAI
from synth_helpers import (
    CHECKER_ACCEPTS_ALL,
    CHECKER_CRASHES_ON_GARBAGE,
    DISPUTED_ID,
    DISPUTED_ROW,
    PAIR_CHECKER,
    PAIR_EXAMPLE,
    PAIR_ID,
    PAIR_ROW,
    SUM_EXAMPLE,
    SUM_ID,
    SUM_PY,
    SUM_ROW,
    answer_records,
    code_answer,
    good_answers,
    kind_answer,
    labelled_line,
    records,
    respond_with,
    suite_files,
    validate,
    write_labelled,
    write_run,
)

UNMEASURED = "no labelled submission: quality unmeasured, not verifiable"
NOTHING_SURVIVED = "no generated test survived validation"


@pytest.fixture(autouse=True)
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return write_codeforces_dataset(tmp_path_factory.mktemp("hub"), [SUM_ROW, PAIR_ROW, DISPUTED_ROW])


def answers_with(problem_id: str, **roles: list[str]) -> dict:
    """`problem_id`'s good answers, with the given roles' answers instead."""
    return {problem_id: good_answers(problem_id) | roles}


def sum_of(text: str) -> int:
    numbers = [int(t) for t in text.split()]
    return sum(numbers[1 : 1 + numbers[0]])


def is_pair(test: str, answer: str) -> bool:
    numbers = [int(t) for t in test.split()]
    n, x, a = numbers[0], numbers[1], numbers[2:]
    said = [int(t) for t in answer.split()]
    if said == [-1]:
        return not any(a[i] + a[j] == x for i in range(n) for j in range(i + 1, n))
    return len(said) == 2 and 1 <= said[0] < said[1] <= n and a[said[0] - 1] + a[said[1] - 1] == x


def no_suite(record: dict) -> None:
    assert (record["quality"], record["tests"], record["written"], record["report"]["selected"]) == (None, [], False, 0)


# --- end to end -----------------------------------------------------------------------


def test_end_to_end_generate_then_validate_writes_measured_suites(tmp_path, dataset, compiler, capsys):
    server = FakeOpenAI(respond_with({SUM_ID: good_answers(SUM_ID), PAIR_ID: good_answers(PAIR_ID)}))
    run = tmp_path / "run"
    try:
        assert main(["build", "codeforces-tests", "--dataset", str(dataset), "--model", "fake/model",
                     "--endpoint", server.url, "--out", str(run), "--limit", "2"]) == 0  # fmt: skip
    finally:
        server.close()
    assert len(server.requests) == 6  # 2 problems x (generator, validator, checker)
    capsys.readouterr()
    labelled = write_labelled(tmp_path / "labelled.jsonl")
    assert validate(run, "--labelled", str(labelled), "--json") == 0
    summary = json.loads(capsys.readouterr().out)  # stdout holds the JSON summary and nothing else
    assert (summary["validated"], summary["skipped"], summary["judge_failures"], summary["written"]) == (2, 0, 0, 2)
    found = records(run)
    assert summary["problems"] == [found[SUM_ID], found[PAIR_ID]] and found.keys() == {SUM_ID, PAIR_ID}

    # 2000/A: 8 generated inputs + the example, all distinct and valid; the suite fails the overflow,
    # the off-by-one and the example printer, which the example alone lets through
    total = found[SUM_ID]
    assert total["report"] == {"problem": SUM_ID, "kind": "single", "flags": [], "refused": {},
                               "used": {f"{SUM_ID}|checker|0": True, f"{SUM_ID}|validator|0": True,
                                        f"{SUM_ID}|generator|0": True},
                               "generated": 8, "dropped": {}, "candidates": 9, "selected": 9}  # fmt: skip
    assert total["quality"] == {"source": "synthesized", "tests": 9, "tpr": 1.0, "tnr": 1.0, "examples_tnr": 0.0,
                                "accepted": 2, "accepted_passed": 2, "rejected": 3, "rejected_failed": 3,
                                "examples_rejected_failed": 0, "not_compiled": 0, "min_tnr": 0.9,
                                "verifiable": True}  # fmt: skip
    assert (total["escaped"], total["refused"], total["written"]) == ([], [], True)
    names = [t["name"] for t in total["tests"]]
    assert names[:4] == ["example-1", "edge-0-g0", "edge-1-g0", "edge-2-g0"]  # examples, then every edge case
    assert sorted(names[4:]) == ["max-0-g0"] + [f"small-{i}-g0" for i in range(4)]
    suite = run / "suites" / "2000" / "A"
    assert suite_files(run, SUM_ID) == [f"{i:03d}.{ext}" for i in range(1, 10) for ext in ("in", "out")]
    assert ((suite / "001.in").read_text(), (suite / "001.out").read_text()) == SUM_EXAMPLE
    assert (suite / "003.in").read_text() == "3\n1000000000 1000000000 1000000000\n"
    for number in range(1, 10):  # every expected output is the true sum, in 64 bits
        given = (suite / f"{number:03d}.in").read_text()
        assert int((suite / f"{number:03d}.out").read_text()) == sum_of(given)
    assert [t["bytes"] for t in total["tests"]] == [
        (suite / f"{i:03d}.in").stat().st_size + (suite / f"{i:03d}.out").stat().st_size for i in range(1, 10)
    ]

    # 2000/B: several answers are right: its checker was kept and shipped with the suite
    pair = found[PAIR_ID]
    assert (pair["report"]["kind"], pair["report"]["flags"], pair["report"]["refused"]) == ("multiple", [], {})
    assert pair["report"]["used"] == {f"{PAIR_ID}|{role}|0": True for role in ("validator", "generator", "checker")}
    assert pair["quality"]["tpr"] == 1.0 and pair["quality"]["tnr"] == 1.0 and pair["quality"]["examples_tnr"] == 0.0
    assert (pair["quality"]["accepted"], pair["quality"]["rejected"], pair["written"]) == (2, 2, True)
    suite = run / "suites" / "2000" / "B"
    assert (suite / "checker.py").read_text() == PAIR_CHECKER
    assert ((suite / "001.in").read_text(), (suite / "001.out").read_text()) == PAIR_EXAMPLE
    for number in range(1, pair["quality"]["tests"] + 1):
        assert is_pair((suite / f"{number:03d}.in").read_text(), (suite / f"{number:03d}.out").read_text())

    # what `build codeforces --tests-from RUN/suites` imports: the same tests, in order, and the checker
    source = TestSource(str(run / "suites"), {2000})
    imported = source.suite(SUM_ID)
    assert imported.checker is None and imported.tests[0] == {"input": SUM_EXAMPLE[0], "output": SUM_EXAMPLE[1]}
    assert len(imported.tests) == 9 and source.suite(PAIR_ID).checker == PAIR_CHECKER


# --- generators -------------------------------------------------------------------------


def test_generator_that_crashes_is_refused_and_no_suite_is_written(tmp_path, dataset, compiler):
    crash = code_answer('raise RuntimeError("boom")\n')
    run = write_run(tmp_path / "run", dataset, answers_with(SUM_ID, generator=[crash]))
    assert validate(run, "--labelled", str(write_labelled(tmp_path / "l.jsonl")), plan="small=2,edge=1,max=1") == 0
    record = records(run)[SUM_ID]
    assert record["report"] == {"problem": SUM_ID, "kind": "single", "flags": [NOTHING_SURVIVED],
                                "used": {f"{SUM_ID}|checker|0": True, f"{SUM_ID}|validator|0": True},
                                "refused": {f"{SUM_ID}|generator|0": "no run printed an input (generator RE)"},
                                "generated": 0, "dropped": {"generator RE": 4}, "candidates": 1,
                                "selected": 0}  # fmt: skip
    no_suite(record)
    assert not (run / "suites").exists()


def test_generator_that_hangs_is_stopped_at_its_limits(tmp_path, dataset, compiler, monkeypatch, unharmed):
    # the tool limit (10 s of CPU) is the real one's shape, scaled down; validate.py imports it by name
    quick = replace(programs.GENERATOR_LIMITS, cpu_time=0.3, wall_time=2.0)
    monkeypatch.setattr(programs, "GENERATOR_LIMITS", quick)
    monkeypatch.setattr(validate_module, "GENERATOR_LIMITS", quick)
    spins = code_answer("while True:\n    pass\n")
    sleeps = code_answer("import time\ntime.sleep(3600)\n")
    run = write_run(tmp_path / "run", dataset, answers_with(SUM_ID, generator=[spins, sleeps]))
    started = time.monotonic()
    assert validate(run, "--workers", "1", plan="small=2,edge=0,max=0") == 0
    assert time.monotonic() - started < 20
    record = records(run)[SUM_ID]
    assert record["report"]["refused"] == {
        f"{SUM_ID}|generator|0": "no run printed an input (generator TLE)",
        f"{SUM_ID}|generator|1": "no run printed an input (generator WTLE)",
    }
    assert record["report"]["dropped"] == {"generator TLE": 2, "generator WTLE": 2}
    assert record["report"]["flags"] == [NOTHING_SURVIVED]
    no_suite(record)


def test_generator_that_floods_is_cut_at_the_size_cap(tmp_path, compiler, unharmed):
    # small: a valid input; edge: n = 0, which the validator rejects; max: output without end
    flood = code_answer('import sys\nif sys.argv[2] == "small":\n    print(1)\n    print(int(sys.argv[1]) + 7)\n'
                        'elif sys.argv[2] == "edge":\n    print(0)\n'
                        'else:\n    while True:\n        sys.stdout.write("1000000000 " * 10000)\n')  # fmt: skip
    answers = gather(answer_records(answers_with(SUM_ID, generator=[flood])))[SUM_ID]
    config = SynthConfig(plan={"small": 2, "edge": 1, "max": 2}, workers=2)
    record = validate_problem(SUM_ROW, answers, [], compiler, config, tmp_path / "run", 0.9)
    report = record["report"]
    # both max runs stopped at the 8 MiB cap (the judge never reads them whole: `unharmed` bounds its memory)
    assert report["dropped"] == {"generator output over the size cap": 2, "rejected by the validator": 1}
    assert report["used"] == {f"{SUM_ID}|checker|0": True, f"{SUM_ID}|validator|0": True, f"{SUM_ID}|generator|0": True}
    assert (report["refused"], report["generated"], report["candidates"], report["flags"]) == ({}, 3, 3, [UNMEASURED])
    names = [t["name"] for t in record["tests"]]  # after the example, the slowest first: an order CPU time decides
    assert names[0] == "example-1" and sorted(names[1:]) == ["small-0-g0", "small-1-g0"]
    assert record["quality"]["tests"] == 3 and record["written"] is False and not (tmp_path / "run").exists()


def test_nondeterministic_generator_is_refused(tmp_path, dataset, compiler):
    unstable = code_answer(
        "import os, random, sys\nrng = random.Random(os.urandom(8))\n"
        "n = rng.randint(1, 10)\nprint(n)\nprint(*[rng.randint(1, 10**9) for _ in range(n)])\n"
    )
    run = write_run(tmp_path / "run", dataset, answers_with(SUM_ID, generator=[unstable]))
    assert validate(run, plan="small=2,edge=1,max=0") == 0
    record = records(run)[SUM_ID]
    assert record["report"]["refused"] == {f"{SUM_ID}|generator|0": "non-deterministic: `0 small` printed two inputs"}
    report = record["report"]
    assert (report["flags"], report["dropped"], report["generated"]) == ([NOTHING_SURVIVED], {}, 0)
    no_suite(record)


# --- validators ------------------------------------------------------------------------


def test_validators_that_reject_or_accept_everything_are_refused(tmp_path, dataset, compiler):
    rejects = code_answer('import sys\nprint("nothing is valid", file=sys.stderr)\nsys.exit(1)\n')
    accepts = code_answer("pass\n")
    run = write_run(tmp_path / "run", dataset, answers_with(SUM_ID, validator=[rejects, accepts]))
    assert validate(run) == 0
    record = records(run)[SUM_ID]
    assert record["report"] == {"problem": SUM_ID, "kind": "single",
                                "flags": ["no usable validator: generated inputs cannot be trusted"],
                                "used": {f"{SUM_ID}|checker|0": True},
                                "refused": {f"{SUM_ID}|validator|0": "rejects example-1, a valid input: RE: exit code 1: nothing is valid",
                                            f"{SUM_ID}|validator|1": "accepts every mutated input: it checks nothing"},
                                "generated": 0, "dropped": {}, "candidates": 0, "selected": 0}  # fmt: skip
    no_suite(record)
    assert not (run / "suites").exists()


# --- references and checkers -------------------------------------------------------------


def test_references_that_disagree_drop_the_inputs_and_ask_for_a_checker(tmp_path, dataset, compiler):
    run = write_run(tmp_path / "run", dataset, {DISPUTED_ID: good_answers(DISPUTED_ID)})
    assert validate(run) == 0
    record = records(run)[DISPUTED_ID]
    # the 32-bit reference overflows on `3 x 10^9` (edge 1) and on the max input: both dropped
    assert record["report"]["dropped"] == {"the references disagree": 2}
    assert record["report"]["flags"] == ["the references disagree: needs a checker", UNMEASURED]
    names = [t["name"] for t in record["tests"]]
    assert sorted(names) == ["edge-0-g0", "edge-2-g0", "example-1"] + [f"small-{i}-g0" for i in range(4)]
    assert (record["report"]["candidates"], record["written"]) == (7, False)


def test_checkers_that_accept_all_or_crash_are_refused_and_a_good_one_ships(tmp_path, dataset, compiler):
    checks_nothing = ('import sys\nout = open(sys.argv[3]).read().split()\n'
                      'print("ok" if out and all(t.lstrip("-").isdigit() for t in out) else "wrong")\n')  # fmt: skip
    checkers = [kind_answer("multiple", CHECKER_ACCEPTS_ALL), kind_answer("multiple", CHECKER_CRASHES_ON_GARBAGE),
                kind_answer("multiple", checks_nothing), kind_answer("multiple", PAIR_CHECKER)]  # fmt: skip
    run = write_run(tmp_path / "run", dataset, answers_with(PAIR_ID, checker=checkers))
    assert validate(run, "--labelled", str(write_labelled(tmp_path / "l.jsonl", [PAIR_ID]))) == 0
    record = records(run)[PAIR_ID]
    assert record["report"]["refused"] == {
        f"{PAIR_ID}|checker|0": "does not refuse a malformed output on example-1 cleanly (AC: b'')",
        f"{PAIR_ID}|checker|1": "does not refuse a malformed output on example-1 cleanly (JE: b'')",
        f"{PAIR_ID}|checker|2": "accepts every corrupted answer: it checks nothing",
    }
    assert record["report"]["used"][f"{PAIR_ID}|checker|3"] is True and record["report"]["flags"] == []
    assert record["written"] and record["quality"]["tnr"] == 1.0 and record["quality"]["tpr"] == 1.0
    assert (run / "suites" / "2000" / "B" / "checker.py").read_text() == PAIR_CHECKER


def test_no_usable_checker_or_an_interactive_problem_gets_no_suite(tmp_path, compiler):
    config = SynthConfig(plan={"small": 1, "edge": 1, "max": 0}, workers=2)
    answers = gather(answer_records(answers_with(PAIR_ID, checker=[kind_answer("multiple", CHECKER_ACCEPTS_ALL)])))
    (tmp_path / "a").mkdir()
    result = synthesize(PAIR_ROW, answers[PAIR_ID], compiler, config, tmp_path / "a")
    assert result.tests == [] and result.checker is None
    assert result.report.flags == ["several answers are valid but no usable checker: no suite"]
    assert result.report.refused == {
        f"{PAIR_ID}|checker|0": "does not refuse a malformed output on example-1 cleanly (AC: b'')"
    }
    # the model calls it interactive: nothing is run at all
    answers = gather(answer_records(answers_with(SUM_ID, checker=[kind_answer("interactive")])))
    (tmp_path / "b").mkdir()
    result = synthesize(SUM_ROW, answers[SUM_ID], compiler, config, tmp_path / "b")
    used = {f"{SUM_ID}|checker|0": True}  # its call was acted on: no suite for an interactive problem
    assert (result.tests, result.report.kind, result.report.used) == ([], "interactive", used)
    assert result.report.flags == ["interactive: needs an interactor, not a test suite"]


# --- resuming ----------------------------------------------------------------------------


def test_validate_resumes_skipping_recorded_problems(tmp_path, dataset, compiler, capsys):
    run = write_run(tmp_path / "run", dataset, {SUM_ID: good_answers(SUM_ID), PAIR_ID: good_answers(PAIR_ID)})
    plan = "small=2,edge=1,max=0"

    def summary(*extra) -> dict:
        capsys.readouterr()
        assert validate(run, "--json", *extra, plan=plan) == 0
        return json.loads(capsys.readouterr().out)

    first = summary()
    assert (first["validated"], first["skipped"]) == (2, 0)
    lines = (run / "synth.jsonl").read_bytes().splitlines(keepends=True)
    assert [json.loads(line)["problem"] for line in lines] == [SUM_ID, PAIR_ID]
    again = summary()
    assert (again["validated"], again["skipped"], again["problems"]) == (0, 2, [])
    assert (run / "synth.jsonl").read_bytes() == b"".join(lines)
    # killed while writing the second record: a torn line, which the rerun cuts off and redoes
    (run / "synth.jsonl").write_bytes(lines[0] + lines[1][:40])
    resumed = summary()
    assert (resumed["validated"], resumed["skipped"]) == (1, 1)
    assert [p["problem"] for p in resumed["problems"]] == [PAIR_ID]
    now = (run / "synth.jsonl").read_bytes().splitlines(keepends=True)
    assert len(now) == 2 and now[0] == lines[0]
    assert json.loads(now[1])["report"] == json.loads(lines[1])["report"]


def test_force_revalidates_and_leaves_no_stale_suite(tmp_path, dataset, compiler):
    run = write_run(tmp_path / "run", dataset, {SUM_ID: good_answers(SUM_ID)})
    labelled = write_labelled(tmp_path / "l.jsonl", [SUM_ID])
    plan = "small=2,edge=3,max=0"
    assert validate(run, "--labelled", str(labelled), plan=plan) == 0
    assert records(run)[SUM_ID]["written"] and suite_files(run, SUM_ID)
    # a correct submission labelled TLE: the suite lets it through, TNR 3/4 is under 0.9
    with labelled.open("a") as out:
        out.write(labelled_line(SUM_ID, "Python 3", SUM_PY, "TIME_LIMIT_EXCEEDED", "mislabelled") + "\n")
    assert validate(run, "--force", "--labelled", str(labelled), plan=plan) == 0
    record = records(run)[SUM_ID]
    assert (record["quality"]["tnr"], record["escaped"], record["written"]) == (0.75, ["mislabelled"], False)
    assert suite_files(run, SUM_ID) == []  # what is on disk agrees with the last record


# --- bad input -----------------------------------------------------------------------------


def one_error(capsys) -> str:
    (line,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("olympicforge: error:")]
    return line.removeprefix("olympicforge: error: ")


def test_bad_input_gets_one_clear_line(tmp_path, dataset, capsys):
    run = write_run(tmp_path / "run", dataset, {SUM_ID: good_answers(SUM_ID)})
    labelled = write_labelled(tmp_path / "l.jsonl", [SUM_ID])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(labelled.read_text().splitlines()[0] + "\n{not json\n")
    capsys.readouterr()
    assert validate(run, "--labelled", str(bad)) == 2
    assert one_error(capsys) == f"{bad}:2: not JSON: Expecting property name enclosed in double quotes"
    bad.write_text(json.dumps({"problem_id": SUM_ID, "language": "Python 3", "code": "print(6)"}) + "\n")
    assert validate(run, "--labelled", str(bad)) == 2
    assert one_error(capsys) == f"{bad}:1: verdict missing or not a non-empty string"
    bad.write_text(json.dumps({"problem_id": SUM_ID, "language": "Python 3", "code": "print(6)",
                               "verdict": "SKIPPED"}) + "\n")  # fmt: skip
    assert validate(run, "--labelled", str(bad)) == 2
    assert one_error(capsys).startswith(
        f"{bad}:1: verdict 'SKIPPED': use one of CHALLENGED, MEMORY_LIMIT_EXCEEDED, OK,"
    )
    assert validate(run, plan="small=x") == 2
    assert one_error(capsys) == ("--plan 'small=x': 'small=x' is not SIZE=COUNT with SIZE one of small, edge, max")
    assert validate(run, plan="small=2,huge=3") == 2
    assert one_error(capsys) == ("--plan 'small=2,huge=3': 'huge=3' is not SIZE=COUNT with SIZE one of small, "
                                 "edge, max")  # fmt: skip
    assert not (run / "synth.jsonl").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert validate(empty) == 2
    assert one_error(capsys) == (
        f"{empty}: no run.json (not a run folder of `olympicforge generate` or `build codeforces-tests`)"
    )
    assert main(["build", "codeforces-tests", "--out", str(empty)]) == 2
    assert one_error(capsys).startswith("build codeforces-tests: generation needs --dataset, --model and --endpoint")


# --- answers, mutations, selection ---------------------------------------------------------


def test_answers_say_their_kind_after_the_reasoning_and_failures_are_kept():
    assert answer_kind("<think>kind: single? no</think>\nkind: multiple\n") == "multiple"
    assert answer_kind("**kind:** `Single`") == "single" and answer_kind("it is unique") is None
    texts = {"checker": [kind_answer("single"), kind_answer("multiple", PAIR_CHECKER), "I cannot tell."],
             "generator": [code_answer("print(1)"), "no code here"]}  # fmt: skip
    found = gather(answer_records({PAIR_ID: texts}) + [
        {"key": f"{PAIR_ID}|validator|0", "problem": PAIR_ID, "variant": "validator", "sample": 0,
         "generation": "", "finish_reason": "error"}])[PAIR_ID]  # fmt: skip
    assert found.kind() == "multiple"  # one each: the tie goes to the safer `multiple`
    assert [(a.key, a.kind, bool(a.code)) for a in found.checkers] == [
        (f"{PAIR_ID}|checker|0", "single", False), (f"{PAIR_ID}|checker|1", "multiple", True)]  # fmt: skip
    assert [a.sample for a in found.generators] == [0] and found.validators == []
    assert sorted(found.failed) == [f"{PAIR_ID}|checker|2", f"{PAIR_ID}|generator|1", f"{PAIR_ID}|validator|0"]


def test_mutated_inputs_are_distinct_corruptions_of_the_input():
    assert mutated_inputs(b"3\n1 2 3\n") == [
        b"", b"3 1 2\n", b"3\n1 2 3 1\n", b"x\n1 2 3\n", b"1" + b"0" * 21 + b"\n1 2 3\n", b"-1\n1 2 3\n",
        b"3\n1 2 " + b"1" + b"0" * 21 + b"\n",
    ]  # fmt: skip
    # no number to replace, and "cut short" is as empty as b"": each corruption once, none equal to the input
    assert mutated_inputs(b"abc\n") == [b"", b"abc 1\n"]
    assert mutated_inputs(b"7\n") == [b"", b"7 1\n", b"x\n", b"1" + b"0" * 21 + b"\n", b"-1\n"]


def test_mutated_outputs_split_always_wrong_from_likely_wrong():
    assert mutated_outputs(b"1 2\n") == ([b"", b"olympicforge\n"], [b"2 2\n", b"1 1\n", b"1\n", b"1 2 0\n"])
    # a token dropped from a one-token answer is nothing at all: that is an always-wrong one already
    assert mutated_outputs(b"-1\n") == ([b"", b"olympicforge\n"], [b"0\n", b"-2\n", b"-1 0\n"])
    assert mutated_outputs(b"YES\n") == ([b"", b"olympicforge\n"], [b"YES 0\n"])
    assert mutated_outputs(b"olympicforge\n") == ([b""], [b"olympicforge 0\n"])


def candidate(name: str, size: str, nbytes: int = 10, seconds: float = 0.0) -> Candidate:
    return Candidate(name, size, Path(f"{name}.in"), Path(f"{name}.out"), nbytes, seconds)


def test_select_puts_examples_first_even_over_the_budgets():
    tests = [candidate("small-0", "small"), candidate("example-1", "example", 100), candidate("edge-0", "edge"),
             candidate("example-2", "example", 100)]  # fmt: skip
    assert [c.name for c in select_tests(tests, max_tests=1, max_bytes=50)] == ["example-1", "example-2"]


def test_select_keeps_edge_cases_and_respects_count_and_bytes():
    tests = [candidate("example-1", "example"), candidate("edge-0", "edge", 30), candidate("edge-1", "edge", 100),
             candidate("edge-2", "edge", 30), candidate("max-0", "max", 500, seconds=9.0)]  # fmt: skip
    tests += [candidate(f"small-{i}", "small", 10, seconds=i / 10) for i in range(6)]
    chosen = select_tests(tests, max_tests=5, max_bytes=100)
    # edge-1 and max-0 are each too big for what is left; smalls fill the places
    assert [c.name for c in chosen[:3]] == ["example-1", "edge-0", "edge-2"]
    assert len(chosen) == 5 and all(c.size == "small" for c in chosen[3:])
    assert sum(c.bytes for c in chosen) == 90
    assert select_tests(tests, max_tests=5, max_bytes=100) == chosen  # seeded: the same every time


def test_select_keeps_the_hardest_then_spreads_over_sizes():
    tests = [candidate("example-1", "example")]
    tests += [candidate(f"small-{i}", "small", seconds=i / 100) for i in range(10)]
    tests += [candidate(f"max-{i}", "max", seconds=0.001) for i in range(2)]
    chosen = [c.name for c in select_tests(tests, max_tests=5, max_bytes=1 << 20)]
    # half of the 4 places left go to the slowest tests, the rest round-robin over the sizes
    assert chosen[:3] == ["example-1", "small-9", "small-8"]
    assert chosen[3].startswith("small-") and chosen[3] not in chosen[:3] and chosen[4].startswith("max-")
    assert len(select_tests(tests, max_tests=50, max_bytes=1 << 20)) == len(tests)


def test_labelled_submissions_from_the_api_take_each_label_in_order_up_to_a_cap(tmp_path):
    """contest.status (cached) gives the verdicts, each submission's page its code; other
    problems, other verdicts and other languages are left out."""
    from builders.codeforces.build import seed_cache
    from builders.codeforces.fetch import Fetcher
    from builders.codeforces.synth.labelled import labelled_from_api

    fetcher = Fetcher(tmp_path / "cache", offline=True)
    seed_cache(fetcher, Path(__file__).resolve().parents[1] / "examples" / "codeforces")
    got = labelled_from_api(fetcher, {"130/B"}, per_problem={"accepted": 2, "rejected": 3})
    assert list(got) == ["130/B"]
    assert [(s.source.rsplit("/", 1)[1], s.verdict, s.language) for s in got["130/B"]] == [
        ("7300011", "OK", "GNU C++17"), ("7300012", "OK", "Python 3"), ("7300013", "WRONG_ANSWER", "GNU C++17"),
        ("7300014", "WRONG_ANSWER", "GNU C++17"), ("7300015", "RUNTIME_ERROR", "Python 3"),
    ]  # fmt: skip
    assert got["130/B"][2].code.startswith("#include") and "as many of the largest coin" in got["130/B"][2].code
