"""Score types as CMS defines them: Sum, GroupMin, GroupMul, GroupThreshold; their
statuses, early stopping, the CMS export's `score_type`/`threshold`, rows, task.yaml SUM."""

from __future__ import annotations

import json

import pytest

from judge.compile import SourceFile
from judge.loaders import PackageError, load_task
from judge.loaders.rows import case_rows, task_from_rows, task_rows
from judge.scoring import score_subtask, skipped
from judge.task import ScoreType, Subtask
from judge.taskrun import Submission, TaskJudge
from judge.verdicts import TestResult, Verdict, verdict_for_outcome

from ioi_helpers import make_cms_package

# The checker's outcome is the number the program printed; the program echoes its input.
ECHO_CHECKER = r"""#include <cstdio>
int main(int argc, char **argv) {
    double x = -1;
    FILE *out = std::fopen(argv[3], "r");
    if (!out || std::fscanf(out, "%lf", &x) != 1 || x < 0 || x > 1) { std::printf("0\n"); std::fprintf(stderr, "Output isn't correct\n"); return 0; }
    std::printf("%g\n", x);
    std::fprintf(stderr, x >= 1 ? "Output is correct\n" : x > 0 ? "Output is partially correct\n" : "Output isn't correct\n");
}
"""
ECHO = '#include <cstdio>\nint main(){ double x; std::scanf("%lf", &x); std::printf("%g\\n", x); }\n'
OUTCOMES = {"a": 1.0, "b": 0.5, "c": 0.25, "z": 0.0, "d": 0.75}
SUBTASKS = {"01-low": (30, ["b", "c"]), "02-mixed": (30, ["a", "b"]), "03-zero-first": (40, ["z", "d"])}
THRESHOLDS = {"01-low": 0.5, "02-mixed": 0.5, "03-zero-first": 1.0}
# score type -> (total, statuses): worked out by hand from OUTCOMES and SUBTASKS
EXPECTED = {
    "GroupMin": (30 * 0.25 + 30 * 0.5, ["PA", "PA", "WA"]),
    "GroupMul": (30 * 0.125 + 30 * 0.5, ["PA", "PA", "WA"]),
    "Sum": (30 * 0.375 + 30 * 0.75 + 40 * 0.375, ["PA", "PA", "PA"]),
    "GroupThreshold": (30.0, ["AC", "WA", "WA"]),  # 02: 1.0 is over its threshold; 03: 0 never passes
}


def result(name: str, outcome: float, verdict: Verdict | None = None) -> TestResult:
    return TestResult(name, verdict or verdict_for_outcome(outcome), outcome, 0.1, 0.1, 1 << 20)


def subtask(threshold: float | None = None, points: float = 10) -> Subtask:
    return Subtask("s", points, ["1", "2"], threshold=threshold)


@pytest.mark.parametrize(
    "score_type,outcomes,threshold,fraction,status",
    [
        (ScoreType.GROUP_MIN, [1.0, 0.5], None, 0.5, "PA"),
        (ScoreType.GROUP_MIN, [1.0, 1.0], None, 1.0, "AC"),
        (ScoreType.GROUP_MUL, [0.5, 0.5], None, 0.25, "PA"),
        (ScoreType.GROUP_MUL, [1.0, 0.0], None, 0.0, "WA"),
        (ScoreType.SUM, [1.0, 0.0], None, 0.5, "PA"),  # a failed test costs only its own share
        (ScoreType.SUM, [0.0, 0.0], None, 0.0, "WA"),
        (ScoreType.GROUP_THRESHOLD, [0.2, 0.5], 0.5, 1.0, "AC"),  # partial outcomes, all within: full points
        (ScoreType.GROUP_THRESHOLD, [0.2, 0.6], 0.5, 0.0, "WA"),  # one above the threshold: nothing
        (ScoreType.GROUP_THRESHOLD, [0.0, 0.2], 0.5, 0.0, "WA"),  # 0 is excluded, as in CMS
        (ScoreType.GROUP_THRESHOLD, [1.0, 1.0], 0.5, 0.0, "WA"),  # accepted tests above the threshold
    ],
)
def test_fraction_and_status(score_type, outcomes, threshold, fraction, status):
    tests = [result(str(i), o) for i, o in enumerate(outcomes, 1)]
    scored = score_subtask(subtask(threshold), tests, score_type)
    assert scored.score == pytest.approx(fraction) and scored.status == status
    assert scored.weighted_score == pytest.approx(10 * fraction)


def test_status_names_the_test_that_settled_the_subtask():
    tests = [result("1", 0.5), result("2", 0.0, Verdict.TLE), skipped("3")]
    assert score_subtask(Subtask("s", 10, ["1", "2", "3"]), tests, ScoreType.GROUP_MIN).status == "TLE"
    over = [result("1", 0.6), result("2", 0.0, Verdict.RE)]
    assert score_subtask(subtask(0.5), over, ScoreType.GROUP_THRESHOLD).status == "WA"  # 0.6 settled it first
    crashed = [result("1", 0.0, Verdict.RE), result("2", 0.3)]
    assert score_subtask(subtask(0.5), crashed, ScoreType.GROUP_THRESHOLD).status == "RE"
    judge_failed = [result("1", 1.0), result("2", 0.0, Verdict.JE)]
    assert score_subtask(subtask(), judge_failed, ScoreType.SUM).status == "JE"


def threshold_extra(name: str, score_type: str) -> tuple:
    points, tests = SUBTASKS[name]
    return (points, tests, {"threshold": THRESHOLDS[name]}) if score_type == "GroupThreshold" else (points, tests)


def echo_package(root, score_type: str, protocol: int = 2):
    keyed = {"task_type_parameters_Batch_output_eval": "comparator"}
    params = ["alone", ["", ""], "comparator"] if protocol == 2 else keyed
    return make_cms_package(
        root, code="echo", params=params, protocol_version=protocol, score_type=score_type,
        tests={name: (f"{value}\n", "ignored\n") for name, value in OUTCOMES.items()},
        subtasks={name: threshold_extra(name, score_type) for name in SUBTASKS},
        checker={"checker.cpp": ECHO_CHECKER}, solutions={"model_solution/echo.cpp": ECHO},
    )  # fmt: skip


def echo_submission() -> Submission:
    return Submission(source=SourceFile("echo.cpp", ECHO.encode()))


@pytest.mark.parametrize("score_type", list(EXPECTED))
def test_each_score_type_end_to_end(compiler, tmp_path, score_type):
    task = load_task(echo_package(tmp_path / "echo", score_type))
    assert task.score_type == ScoreType(score_type) and task.max_score == 100
    judge = TaskJudge(task, compiler, workers=1)
    quick, full = judge.judge(echo_submission()), judge.judge(echo_submission(), full=True)
    total, statuses = EXPECTED[score_type]
    assert quick.score == pytest.approx(total) and full.score == pytest.approx(total)
    assert [s.status for s in quick.subtasks] == [s.status for s in full.subtasks] == statuses
    last = {t.name: t.verdict for t in quick.subtasks[2].tests}
    # after the 0 of test z: the rest of the subtask is skipped, except under Sum, where d still counts
    assert last == {"z": Verdict.WA, "d": Verdict.PA if score_type == "Sum" else Verdict.SKIPPED}
    assert {t.name: t.verdict for t in full.subtasks[2].tests} == {"z": Verdict.WA, "d": Verdict.PA}


def test_group_threshold_stops_on_an_outcome_over_the_threshold(compiler, tmp_path, monkeypatch):
    root = echo_package(tmp_path / "echo", "GroupThreshold")
    spec = json.loads((root / "subtasks" / "02-mixed.json").read_text())
    (root / "subtasks" / "02-mixed.json").write_text(json.dumps({**spec, "testcases": ["a", "d"]}))
    judge = TaskJudge(load_task(root), compiler, workers=1)
    runs: list[str] = []
    original = judge._run_test
    monkeypatch.setattr(judge, "_run_test", lambda test, *a: runs.append(test.name) or original(test, *a))
    scored = judge.judge(echo_submission())
    assert runs == ["b", "c", "a", "z"]  # a (1.0 > 0.5) settled 02 at 0 before d ran, and z settled 03
    assert [t.verdict for t in scored.subtasks[1].tests] == [Verdict.AC, Verdict.SKIPPED]
    assert scored.score == 30


@pytest.mark.parametrize("protocol", [1, 2])
def test_cms_export_score_type_and_thresholds_load_and_survive_rows(tmp_path, protocol):
    task = load_task(echo_package(tmp_path / "echo", "GroupThreshold", protocol))
    assert task.output_eval == "comparator" and [s.threshold for s in task.subtasks] == [0.5, 0.5, 1.0]
    rebuilt = task_from_rows(task_rows(task), case_rows(task))
    assert rebuilt.score_type == ScoreType.GROUP_THRESHOLD and rebuilt.signature() == task.signature()
    assert [s.threshold for s in rebuilt.subtasks] == [0.5, 0.5, 1.0]
    config = json.loads(dict(task_rows(task)[0]["grader_files"])["grader_config.json"])
    assert config["score_type"] == "GroupThreshold" and config["subtasks"][0]["threshold"] == 0.5


@pytest.mark.parametrize("score_type", ["Sum", "GroupMul"])
def test_other_score_types_survive_rows(tmp_path, score_type):
    task = load_task(echo_package(tmp_path / "echo", score_type))
    rebuilt = task_from_rows(task_rows(task), case_rows(task))
    assert rebuilt.score_type == ScoreType(score_type) and rebuilt.signature() == task.signature()
    assert "threshold" not in json.loads(dict(task_rows(task)[0]["grader_files"])["grader_config.json"])["subtasks"][0]


def test_export_without_score_type_is_group_min(tmp_path):
    assert load_task(make_cms_package(tmp_path / "plain")).score_type == ScoreType.GROUP_MIN


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda meta, sub: meta.update(score_type="GroupAverage"), "unknown score_type 'GroupAverage'"),
        (lambda meta, sub: sub.pop("threshold"), "needs a positive 'threshold', not None"),
        (lambda meta, sub: sub.update(threshold=0), "needs a positive 'threshold', not 0"),
        (lambda meta, sub: sub.update(threshold="0.5"), "needs a positive 'threshold', not '0.5'"),
    ],
    ids=["unknown-type", "no-threshold", "zero-threshold", "string-threshold"],
)
def test_broken_score_types_name_the_file(tmp_path, change, message):
    root = echo_package(tmp_path / "echo", "GroupThreshold")
    meta, sub = (
        json.loads((root / "problem.json").read_text()),
        json.loads((root / "subtasks" / "01-low.json").read_text()),
    )
    change(meta, sub)
    (root / "problem.json").write_text(json.dumps(meta))
    (root / "subtasks" / "01-low.json").write_text(json.dumps(sub))
    with pytest.raises(PackageError, match=message):
        load_task(root)


def test_threshold_only_with_group_threshold(tmp_path):
    task = load_task(echo_package(tmp_path / "echo", "GroupMin"))
    task.subtasks[0].threshold = 0.5
    with pytest.raises(PackageError, match="has a threshold but scores GroupMin"):
        task.check()


def test_task_yaml_sum_points_are_per_test(compiler, tmp_path):
    """task.yaml SUM: every test is worth its subtask's `points` (IOI 2019 line: 10 x 10 = 100)."""
    package = tmp_path / "ioi2019-sums"
    (package / "tc").mkdir(parents=True)
    for name in ("01", "02", "03"):
        (package / "tc" / f"{name}.in").write_text(f"{name}\n")
        (package / "tc" / f"{name}.out").write_text(f"{name}\n")
    (package / "task.yaml").write_text(
        "name: sums\ntime_limit: 1s\nmemory_limit: 64MiB\ntask_type: OUTPUT_ONLY\nscore_options:\n  type: SUM\n"
        "subtasks:\n- points: 10\n  testcases:\n  - input: tc/01.in\n    output: tc/01.out\n"
        "- points: 20\n  testcases:\n  - input: tc/0[23].in\n    output: tc/0[23].out\n"
    )
    task = load_task(package)
    assert [s.points for s in task.subtasks] == [10, 40] and task.max_score == 50
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    (outputs / "output_02.txt").write_text("02\n")  # one of the two 20-point tests
    scored = TaskJudge(task, compiler).judge(Submission.from_path(outputs))
    assert scored.score == 20 and [s.status for s in scored.subtasks] == ["WA", "PA"]
    (package / "task.yaml").write_text((package / "task.yaml").read_text().replace("SUM", "GROUP_THRESHOLD"))
    with pytest.raises(PackageError, match="unsupported score_options.type 'GROUP_THRESHOLD'"):
        load_task(package)
