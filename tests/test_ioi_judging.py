"""Judging IOI tasks: verify on every example, subtask scoring, early stop, shared
tests, output-only and BatchAndOutput, judge-error retries, the CLI."""

from __future__ import annotations

import json
import shutil

import pytest

from judge.compile import SourceFile
from judge.loaders import load_task
from judge.loaders.rows import case_rows, task_from_rows, task_rows
from judge.task import TaskType
from judge.taskrun import Submission, TaskJudge
from judge.verdicts import TestResult, Verdict
from olympicforge.cli import main

from ioi_helpers import BITS, CMS_EXAMPLES, FINDPAIR, GUESS, MAXSUB, YAML_EXAMPLES


def solution(package, label: str) -> Submission:
    return Submission.from_path(package / "solutions" / label)


def test_verify_passes_on_every_example_package(capsys):
    packages = [str(p) for p in CMS_EXAMPLES + YAML_EXAMPLES]
    assert main(["judge", "verify", *packages, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {r["task"] for r in report} == {"findpair", "guess", "relay", "maxsub", "bits"}
    checks = {(r["task"], c["label"]): c for r in report for c in r["solutions"]}
    assert all(c["ok"] for c in checks.values() if c["hard"])
    # every verdict class is represented and fits, except the realistic "correct but too slow" one
    loose_misfits = {key for key, c in checks.items() if not c["hard"] and not c["ok"]}
    assert loose_misfits == {("findpair", "correct/quadratic.cpp")}
    assert checks[("findpair", "correct/quadratic.cpp")]["verdicts"] == ["AC", "TLE"]
    folders = {c["expected"] for c in checks.values() if not c["hard"]}
    assert {"correct", "incorrect", "partially_correct", "time_limit", "memory_limit", "runtime_error",
            "protocol_violation"} <= folders  # fmt: skip


def test_verify_fails_on_a_wrong_expectation(tmp_path, capsys):
    shutil.copytree(MAXSUB.parent, tmp_path / "day1")
    package = tmp_path / "day1" / MAXSUB.name
    text = (package / "task.yaml").read_text().replace("solution/cubic.cpp: 40", "solution/cubic.cpp: 100")
    (package / "task.yaml").write_text(text)
    assert main(["judge", "verify", str(package)]) == 1
    out = capsys.readouterr().out
    assert "differs from the expected total" in out and "1 hard mismatch" in out


def test_judge_task_json_shape(capsys):
    source = FINDPAIR / "solutions" / "correct" / "quadratic.cpp"
    assert main(["judge", "task", str(FINDPAIR), str(source), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["task"], data["score"], data["max_score"]) == ("findpair", 30.0, 100.0)
    assert [(s["name"], s["points"], s["status"]) for s in data["subtasks"]] == [
        ("00-samples", 0, "AC"), ("01-small", 30, "AC"), ("02-full", 70, "TLE")]  # fmt: skip
    assert {"name", "verdict", "time", "memory", "message"} <= set(data["subtasks"][2]["tests"][0])


def test_judge_task_human_output(capsys):
    source = GUESS / "solutions" / "partially_correct" / "wasteful.cpp"
    assert main(["judge", "task", str(GUESS), str(source)]) == 0
    out = capsys.readouterr().out
    assert "01-small" in out and "PA" in out and "total: 50 / 100" in out


def test_early_stop_skips_the_rest_of_a_failed_subtask(compiler):
    judge = TaskJudge(load_task(FINDPAIR), compiler, workers=1)
    result = judge.judge(solution(FINDPAIR, "time_limit/spin.cpp"))
    samples = result.subtasks[0].tests
    assert [t.verdict for t in samples] == [Verdict.TLE, Verdict.SKIPPED]
    assert all(t.verdict == Verdict.SKIPPED for t in result.subtasks[2].tests[1:])
    full = judge.judge(solution(FINDPAIR, "time_limit/spin.cpp"), full=True)
    assert all(t.verdict == Verdict.TLE for s in full.subtasks for t in s.tests)
    assert result.score == full.score == 0


def test_tests_shared_by_subtasks_run_once(compiler, monkeypatch):
    judge = TaskJudge(load_task(FINDPAIR), compiler)
    runs = []
    original = judge._run_test
    monkeypatch.setattr(judge, "_run_test", lambda test, *a: runs.append(test.name) or original(test, *a))
    result = judge.judge(solution(FINDPAIR, "model_solution/hashing.cpp"))
    assert result.score == 100
    assert sorted(runs) == sorted(judge.task.tests)  # 9 distinct tests, 17 test slots in subtasks
    assert sum(len(s.tests) for s in result.subtasks) == 17


def test_score_precision_is_for_display_only(compiler):
    task = load_task(BITS)
    result = TaskJudge(task, compiler).judge(Submission.from_path(task.source / "solution" / "halves"))
    assert result.score != round(result.score, 2)
    assert result.to_dict()["score"] == 54.78


def test_output_only_missing_file_is_wa(compiler, tmp_path):
    task = load_task(BITS)
    partial = tmp_path / "outputs"
    partial.mkdir()
    shutil.copy(task.source / "solution" / "best" / "output_01.txt", partial)
    result = TaskJudge(task, compiler).judge(Submission.from_path(partial))
    assert [s.status for s in result.subtasks] == ["AC", "WA", "WA"]
    assert result.subtasks[1].tests[0].message == "no output file submitted for this test"
    assert result.score == 30


def test_output_only_submission_as_a_zip(compiler, tmp_path):
    task = load_task(BITS)
    archive = shutil.make_archive(str(tmp_path / "best"), "zip", task.source / "solution" / "best")
    assert TaskJudge(task, compiler).judge(Submission.from_path(archive)).score == 100


def test_batch_and_output(compiler, tmp_path):
    task = load_task(FINDPAIR)
    task.task_type = TaskType.BATCH_AND_OUTPUT
    task.subtasks[0].output_only = True  # samples: only submitted files count
    task.subtasks[1].output_optional = True  # small: a file if given, else the program
    for later in task.subtasks[1:]:  # keep the samples in the output-only subtask alone
        later.tests = [t for t in later.tests if not t.startswith("0-")]
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    (outputs / "output_0-01.txt").write_text("0 1\n")
    (outputs / "output_0-02.txt").write_text("-1 -1\n")
    (outputs / "output_1-04.txt").write_text("0 1\n")  # wrong: 1-04 has no pair
    shutil.copy(FINDPAIR / "solutions" / "model_solution" / "hashing.cpp", outputs / "findpair.cpp")
    judge = TaskJudge(task, compiler)
    result = judge.judge(Submission.from_path(outputs), full=True)
    tests = {t.name: t for s in result.subtasks for t in s.tests}
    assert tests["0-01"].verdict == Verdict.AC and tests["0-01"].time == 0.0  # from the file
    assert tests["1-04"].verdict == Verdict.WA  # the submitted file wins over running the code
    assert tests["1-01"].verdict == Verdict.AC and tests["1-01"].time > 0  # no file: the program ran
    (outputs / "output_0-02.txt").unlink()
    only_code = judge.judge(Submission.from_path(outputs), full=True)
    assert only_code.subtasks[0].tests[1].verdict == Verdict.WA  # output-only test without a file
    assert only_code.subtasks[0].tests[1].message == "no output file submitted for this test"


def outcomes(result) -> list:
    return [(s.name, s.score, s.status, [(t.name, t.verdict, t.outcome) for t in s.tests]) for s in result.subtasks]


def test_task_rebuilt_from_rows_judges_exactly_like_the_package(compiler):
    package = GUESS
    task = load_task(package)
    rebuilt = task_from_rows(task_rows(task), case_rows(task))
    for label in ("model_solution/binary.cpp", "partially_correct/wasteful.cpp", "protocol_violation/zero.cpp"):
        a = TaskJudge(task, compiler).judge(solution(package, label), full=True)
        b = TaskJudge(rebuilt, compiler).judge(solution(package, label), full=True)
        assert outcomes(a) == outcomes(b), label


def test_compile_error_scores_zero_everywhere(compiler):
    judge = TaskJudge(load_task(FINDPAIR), compiler)
    result = judge.judge(Submission(source=SourceFile("x.cpp", b"this is not C++")))
    assert [s.status for s in result.subtasks] == ["CE", "CE", "CE"]
    assert result.score == 0 and not result.compiled and not result.judge_error


def test_judge_errors_are_retried_then_reported_never_scored(compiler, monkeypatch):
    judge = TaskJudge(load_task(FINDPAIR), compiler)
    original = judge._run_test
    failed_once: set[str] = set()

    def flaky(test, *args):
        if test.name not in failed_once:
            failed_once.add(test.name)
            raise OSError("disk hiccup")
        return original(test, *args)

    monkeypatch.setattr(judge, "_run_test", flaky)
    assert judge.judge(solution(FINDPAIR, "model_solution/hashing.cpp")).score == 100

    monkeypatch.setattr(judge, "_run_test", lambda test, *a: TestResult(test.name, Verdict.JE, 0, 0, 0, 0, "broken"))
    result = judge.judge(solution(FINDPAIR, "model_solution/hashing.cpp"))
    assert result.judge_error and result.score is None
    assert result.to_dict()["score"] is None


def test_bad_package_on_the_command_line(capsys, tmp_path):
    assert main(["judge", "task", str(tmp_path), str(FINDPAIR / "solutions" / "model_solution" / "hashing.cpp")]) == 2
    assert "not a task package" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["output_01.txt", "01.out", "01.txt"])
def test_output_file_names(name):
    from judge.taskrun import output_test_name

    assert output_test_name(name) == "01"
