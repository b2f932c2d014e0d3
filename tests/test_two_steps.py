"""TwoSteps tasks (CMS): the submission compiled with the package's manager, run
twice at once (`prog 0 FIFO` reading the input, `prog 1 FIFO` printing the output),
the FIFO their only channel; loaders (protocol 1 and 2) and rows."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from judge.compile import SourceFile
from judge.loaders import PackageError, load_task
from judge.loaders.rows import case_rows, task_from_rows, task_rows
from judge.task import TaskType
from judge.taskrun import Submission, TaskJudge
from judge.verdicts import Verdict

from ioi_helpers import make_cms_package

HEADER = "int encode(int n);\nint decode(int message);\n"
# As CMS's own TwoSteps manager, but the first step calls the submission before it opens
# the FIFO: a first step that dies in there leaves the second blocked in open().
MANAGER = r"""#include <cstdio>
#include <cstring>
#include "twosteps.h"
int main(int argc, char **argv) {
    if (argc != 3 || std::strlen(argv[1]) != 1) return 3;
    if (argv[1][0] == '0') {
        int n;
        if (std::scanf("%d", &n) != 1) return 4;
        int message = encode(n);
        FILE *fifo = std::fopen(argv[2], "w");
        if (!fifo) return 5;
        std::fprintf(fifo, "%d\n", message);
    } else if (argv[1][0] == '1') {
        FILE *fifo = std::fopen(argv[2], "r");
        int message;
        if (!fifo || std::fscanf(fifo, "%d", &message) != 1) return 0;  // nothing came: no output
        std::printf("%d\n", decode(message));
    } else {
        return 6;
    }
}
"""
MODEL = '#include "twosteps.h"\nint encode(int n) { return n + 100; }\nint decode(int m) { return (m - 100) * 3; }\n'
# The second step looks for the input everywhere but the FIFO: its stdin, input.txt, a
# file the first step left in /tmp or next to the FIFO.
CHEAT = r"""#include <cstdio>
#include <initializer_list>
#include "twosteps.h"
int encode(int n) {
    for (const char *path : {"/tmp/leak", "/fifo/leak", "leak"}) {
        if (FILE *f = std::fopen(path, "w")) { std::fprintf(f, "%d\n", n); std::fclose(f); }
    }
    return 0;
}
int decode(int) {
    int n;
    if (std::scanf("%d", &n) == 1) return n * 3;
    for (const char *path : {"input.txt", "/tmp/leak", "/fifo/leak", "leak"}) {
        if (FILE *f = std::fopen(path, "r")) { if (std::fscanf(f, "%d", &n) == 1) return n * 3; }
    }
    return -1;
}
"""
CRASH_FIRST = (
    '#include <cstdlib>\n#include "twosteps.h"\nint encode(int) { std::abort(); }\nint decode(int m) { return m; }\n'
)
SPIN = "#include <ctime>\nstatic void spin(double s) { while (std::clock() < s * CLOCKS_PER_SEC) {} }\n"
# 0.6 s of CPU in each step: 1.2 s together, over the 1 s limit, which holds for each step alone
SLOW_BOTH = SPIN + MODEL.replace("{ return n + 100; }", "{ spin(0.6); return n + 100; }").replace(
    "{ return (m - 100) * 3; }", "{ spin(0.6); return (m - 100) * 3; }"
)
SPIN_SECOND = SPIN + MODEL.replace("{ return (m - 100) * 3; }", "{ spin(100); return 0; }")
CHECKER = r"""#include <cstdio>
int main(int argc, char **argv) {
    long long want, got;
    FILE *answer = std::fopen(argv[2], "r"), *output = std::fopen(argv[3], "r");
    if (std::fscanf(answer, "%lld", &want) != 1) return 1;
    bool ok = output && std::fscanf(output, "%lld", &got) == 1 && got == want;
    std::printf("%d\n", ok ? 1 : 0);
    std::fprintf(stderr, ok ? "checked: right\n" : "checked: wrong\n");
}
"""
TESTS = {"1": ("1\n", "3\n"), "2": ("5\n", "15\n"), "3": ("42\n", "126\n")}
SUBTASKS = {"00-samples": (0, ["1"]), "01-small": (40, ["1", "2"]), "02-full": (60, ["1", "2", "3"])}


def two_steps_package(root: Path, protocol: int = 1, checker: bool = False) -> Path:
    if protocol == 2:
        params: dict | list = ["comparator" if checker else "diff"]
    else:
        params = {"task_type_parameters_TwoSteps_output_eval": "comparator" if checker else "diff"}
    return make_cms_package(
        root, code="twosteps", task_type="TwoSteps", params=params, protocol_version=protocol,
        graders={"manager.cpp": MANAGER, "twosteps.h": HEADER}, checker={"checker.cpp": CHECKER} if checker else None,
        tests=TESTS, subtasks=SUBTASKS, solutions={"model_solution/model.cpp": MODEL},
    )  # fmt: skip


def submit(code: str) -> Submission:
    return Submission(source=SourceFile("solution.cpp", code.encode()))


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return two_steps_package(tmp_path_factory.mktemp("twosteps") / "twosteps")


@pytest.fixture(scope="module")
def judge(package, compiler) -> TaskJudge:
    return TaskJudge(load_task(package), compiler, workers=2)


def no_leftovers() -> None:
    """No scratch folder of a TwoSteps test is left (the session's temp dir is its own)."""
    assert list(Path(tempfile.gettempdir()).glob("olympicforge-twosteps-*")) == []


@pytest.mark.parametrize("protocol", [1, 2])
def test_cms_export_loads(tmp_path, protocol):
    task = load_task(two_steps_package(tmp_path / "twosteps", protocol, checker=True))
    assert task.task_type == TaskType.TWO_STEPS and task.output_eval == "comparator"
    assert set(task.submission_companions()) == {"manager.cpp", "twosteps.h"}  # compiled into one program
    rebuilt = task_from_rows(task_rows(task), case_rows(task))
    assert rebuilt.task_type == TaskType.TWO_STEPS and rebuilt.signature() == task.signature()
    assert json.loads(dict(task_rows(task)[0]["grader_files"])["grader_config.json"])["task_type"] == "TwoSteps"


def test_broken_exports_name_the_problem(tmp_path):
    root = two_steps_package(tmp_path / "twosteps", protocol=2)
    meta = json.loads((root / "problem.json").read_text())
    (root / "problem.json").write_text(json.dumps({**meta, "task_type_params": json.dumps(["diff", "grader"])}))
    with pytest.raises(PackageError, match="TwoSteps takes 1 parameters"):
        load_task(root)
    (root / "problem.json").write_text(json.dumps(meta))
    (root / "graders" / "manager.cpp").unlink()
    with pytest.raises(PackageError, match="TwoSteps task without graders/manager.cpp"):
        load_task(root)


def test_the_model_solution_passes_through_the_fifo(judge):
    result = judge.judge(submit(MODEL))
    assert result.score == 100 and [s.status for s in result.subtasks] == ["AC", "AC", "AC"]
    test = result.subtasks[2].tests[2]
    assert test.verdict == Verdict.AC and test.time > 0 and test.memory > 0
    no_leftovers()


def test_the_fifo_is_the_only_channel(judge):
    result = judge.judge(submit(CHEAT), full=True)
    assert result.compiled and result.score == 0
    assert {t.verdict for s in result.subtasks for t in s.tests} == {Verdict.WA}
    no_leftovers()


def test_a_failed_first_step_is_its_verdict_and_releases_the_second(judge):
    result = judge.judge(submit(CRASH_FIRST))
    test = result.subtasks[0].tests[0]
    assert test.verdict == Verdict.RE and test.message.startswith("first step:") and not result.judge_error
    assert result.score == 0
    # the second step was blocked in open(): it was let go at once, not at its 3 s wall limit
    assert test.wall_time < 1.5
    no_leftovers()


def test_limits_hold_for_each_step_alone(judge):
    result = judge.judge(submit(SLOW_BOTH), full=True)
    test = result.subtasks[0].tests[0]
    assert test.verdict == Verdict.AC and test.time > judge.task.time_limit  # the reported time is the sum
    spun = judge.judge(submit(SPIN_SECOND))
    test = spun.subtasks[0].tests[0]
    assert test.verdict == Verdict.TLE and test.message.startswith("second step:") and spun.score == 0
    no_leftovers()


def test_checker_and_rows_rebuilt_task_judge_alike(compiler, tmp_path):
    task = load_task(two_steps_package(tmp_path / "twosteps", protocol=2, checker=True))
    rebuilt = task_from_rows(task_rows(task), case_rows(task))
    for code in (MODEL, CHEAT):
        a, b = (TaskJudge(t, compiler).judge(submit(code), full=True) for t in (task, rebuilt))
        seen = [[(t.name, t.verdict, t.outcome, t.message) for t in s.tests] for s in a.subtasks]
        assert seen == [[(t.name, t.verdict, t.outcome, t.message) for t in s.tests] for s in b.subtasks]
    assert seen[0][0][3] == "checked: wrong"  # the package's checker judged, not white diff
