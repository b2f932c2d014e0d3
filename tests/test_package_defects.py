"""Loader details of real packages: any verdict folder, PV from a Batch checker, package
defects (absent tests, empty inputs) reported by test name, never blamed on a solution."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from judge.cli import verify_packages
from judge.loaders import load_task
from judge.taskrun import Submission, TaskJudge
from judge.verify import folder_expectation

from ioi_helpers import make_cms_package

ECHO = '#include <cstdio>\nint main() { int x; if (std::scanf("%d", &x) != 1) return 1; std::printf("%d\\n", x); }\n'
SPIN = "int main() { volatile unsigned x = 0; for (;;) x++; }\n"
CRASH = "#include <cstdlib>\nint main() { std::abort(); }\n"
BOTH = """#include <cstdio>
#include <cstdlib>
int main() { int x; std::scanf("%d", &x); if (x == 1) std::abort(); for (volatile unsigned i = 0;; i++); }
"""
# A Batch checker that calls any output other than the answer a protocol violation, as CMS checkers do.
STRICT_CHECKER = """#include <cstdio>
#include <cstring>
int main(int argc, char **argv) {
  FILE *a = std::fopen(argv[2], "r"), *o = std::fopen(argv[3], "r");
  char x[64] = {0}, y[64] = {0}; std::fscanf(a, "%63s", x);
  if (std::fscanf(o, "%63s", y) == 1 && std::strcmp(x, y) == 0) { std::printf("1\\n"); std::fprintf(stderr, "Output is correct\\n"); }
  else { std::printf("0\\n"); std::fprintf(stderr, "Protocol Violation\\n"); }
}
"""
TWO_TESTS = {"1": ("1\n", "1\n"), "2": ("2\n", "2\n")}


@pytest.mark.parametrize(
    "folder,description",
    [("time_limit_and_runtime_error", "a TLE and an RE"), ("memory_limit", "an MLE"), ("correct", "full marks"),
     ("protocol_violation", "a PV"), ("wrong_answer", "a WA")],
)  # fmt: skip
def test_folder_names_are_read_as_verdict_words(folder, description):
    assert " and ".join(d for d, _ in folder_expectation(folder)) == description


def test_a_folder_with_other_words_expects_anything():
    assert folder_expectation("heuristic") is None and folder_expectation("time_limit_and_lucky") is None


def test_every_verdict_folder_is_loaded_and_checked(tmp_path, compiler):
    root = make_cms_package(tmp_path / "folders", tests=TWO_TESTS, time_limit=0.3,
                            solutions={"model_solution/echo.cpp": ECHO,
                                       "time_limit_and_runtime_error/both.cpp": BOTH,
                                       "time_limit_and_runtime_error/only_spins.cpp": SPIN,
                                       "some_new_kind/crash.cpp": CRASH})  # fmt: skip
    task = load_task(root)
    assert sorted(s.label for s in task.solutions) == [
        "model_solution/echo.cpp", "some_new_kind/crash.cpp", "time_limit_and_runtime_error/both.cpp",
        "time_limit_and_runtime_error/only_spins.cpp"]  # fmt: skip
    failures, report = verify_packages([root], compiler, 2, None)
    checks = {c["label"]: c for c in report[0]["solutions"]}
    assert failures == 0
    assert checks["time_limit_and_runtime_error/both.cpp"]["ok"]
    assert not checks["time_limit_and_runtime_error/only_spins.cpp"]["ok"]  # no RE: reported, loosely
    assert checks["some_new_kind/crash.cpp"]["ok"] and "anything" in checks["some_new_kind/crash.cpp"]["note"]


def test_a_batch_checker_can_report_a_protocol_violation(tmp_path, compiler):
    wrong = '#include <cstdio>\nint main() { std::printf("nonsense\\n"); }\n'
    root = make_cms_package(
        tmp_path / "pv",
        tests=TWO_TESTS,
        checker={"checker.cpp": STRICT_CHECKER},
        solutions={"model_solution/echo.cpp": ECHO, "protocol_violation/wrong.cpp": wrong},
    )
    task = load_task(root)
    result = TaskJudge(task, compiler, workers=1).judge(
        Submission.from_path(root / "solutions/protocol_violation/wrong.cpp")
    )
    assert result.score == 0 and result.subtasks[0].status == "PV"
    failures, report = verify_packages([root], compiler, 1, None)
    assert failures == 0 and all(c["ok"] for c in report[0]["solutions"])


def test_tests_a_subtask_names_but_the_package_lacks_are_a_defect(tmp_path, compiler):
    root = make_cms_package(tmp_path / "gone", tests=TWO_TESTS,
                            subtasks={"01-some": (40, ["1", "3-01"]), "02-none": (60, ["4-01", "4-02"]),
                                      "03-fine": (0, ["2"])},
                            solutions={"model_solution/echo.cpp": ECHO})  # fmt: skip
    task = load_task(root)
    assert task.defects == [
        "subtask 01-some names tests the package lacks: ['3-01']; scored on the 1 left",
        "subtask 02-none names tests the package lacks: ['4-01', '4-02']; it cannot be scored (JE)",
    ]
    result = TaskJudge(task, compiler, workers=1).judge(
        Submission.from_path(root / "solutions/model_solution/echo.cpp")
    )
    statuses = {s.name: s.status for s in result.subtasks}
    assert statuses == {"01-some": "AC", "02-none": "JE", "03-fine": "AC"}
    assert result.score is None  # unknown, not the solution's 0


def test_verify_prints_the_defects_by_test_name(tmp_path):
    tests = {"1": ("1\n", "1\n"), "2": ("", "2\n")}
    root = make_cms_package(tmp_path / "empty", tests=tests, subtasks={"01-all": (100, ["1", "2", "9"])},
                            solutions={"runtime_error/crash.cpp": CRASH})  # fmt: skip
    command = [sys.executable, "-m", "olympicforge", "judge", "verify", str(root), "--json", "--workers", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    assert report[0]["defects"] == ["subtask 01-all names tests the package lacks: ['9']; scored on the 2 left",
                                    "test 2: empty input (0 bytes)"]  # fmt: skip
    shown = subprocess.run(command[:-3], capture_output=True, text=True, timeout=300)
    assert "package defect: test 2: empty input (0 bytes)" in shown.stdout + shown.stderr


def test_verdicts_on_defective_tests_are_no_fit(tmp_path, compiler):
    """A solution that crashes only on the empty input does not 'fit' runtime_error/."""
    tests = {"1": ("1\n", "1\n"), "2": ("", "2\n")}
    root = make_cms_package(tmp_path / "blame", tests=tests, solutions={"runtime_error/echo.cpp": ECHO})
    _, report = verify_packages([root], compiler, 1, None)
    check = report[0]["solutions"][0]
    assert "RE" in check["verdicts"] and not check["ok"]
