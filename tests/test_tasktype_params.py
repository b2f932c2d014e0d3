"""CMS task-type parameters: declared as data, read from protocol 1 and 2 exports, honoured."""

from __future__ import annotations

import json

import pytest

from judge.loaders import PackageError, load_task
from judge.loaders.rows import case_rows, task_from_rows, task_rows
from judge.task import TaskType
from judge.taskrun import Submission, TaskJudge
from judge.tasktypes import PARAMETERS
from judge.tasktypes.parameters import decode

from ioi_helpers import make_cms_package

SUM_TESTS = {"1": ("1 2\n", "3\n"), "2": ("40 2\n", "42\n")}
READS_FILES = """#include <cstdio>
int main() { FILE *in = std::fopen("input.txt", "r"), *out = std::fopen("output.txt", "w");
  long long a, b; std::fscanf(in, "%lld %lld", &a, &b); std::fprintf(out, "%lld\\n", a + b); }
"""
READS_FILE_WRITES_STDOUT = """#include <cstdio>
int main() { FILE *in = std::fopen("data.in", "r"); long long a, b;
  if (!in) return 3; std::fscanf(in, "%lld %lld", &a, &b); std::printf("%lld\\n", a + b); }
"""
STDIO = """#include <cstdio>
int main() { long long a, b; std::scanf("%lld %lld", &a, &b); std::printf("%lld\\n", a + b); }
"""
WRONG = '#include <cstdio>\nint main() { std::printf("7\\n"); }\n'
GRADER = """#include <cstdio>
#include "task.h"
int main() { long long a, b; std::scanf("%lld %lld", &a, &b); std::printf("%lld\\n", add(a, b)); }
"""
FUNCTION_ONLY = '#include "task.h"\nlong long add(long long a, long long b) { return a + b; }\n'
ACCEPTS_ANYTHING = """#include <cstdio>
int main() { std::printf("1\\n"); std::fprintf(stderr, "Output is correct\\n"); }
"""


def score(task, tmp_path, compiler, source: str, name: str = "sol.cpp") -> float | None:
    path = tmp_path / name
    path.write_text(source)
    return TaskJudge(task, compiler, workers=1).judge(Submission.from_path(path), full=True).score


# -- decoding -----------------------------------------------------------------


@pytest.mark.parametrize(
    "task_type,raw,protocol,expected",
    [
        (TaskType.BATCH, ["grader", ["", ""], "comparator"], 2,
         {"compilation": "grader", "io": ("", ""), "output_eval": "comparator"}),
        (TaskType.BATCH, json.dumps(["alone", ["input.txt", "output.txt"], "diff"]), 2,
         {"compilation": "alone", "io": ("input.txt", "output.txt"), "output_eval": "diff"}),
        (TaskType.BATCH_AND_OUTPUT, ["grader", ["", ""], "diff", "3,4"], 2,
         {"compilation": "grader", "io": ("", ""), "output_eval": "diff", "output_only_testcases": "3,4"}),
        (TaskType.COMMUNICATION, [64, "stub", "fifo_io"], 2,
         {"num_processes": 64, "compilation": "stub", "user_io": "fifo_io", "manager_args": ""}),
        (TaskType.COMMUNICATION, [2], 2,  # later parameters take their defaults
         {"num_processes": 2, "compilation": None, "user_io": "std_io", "manager_args": ""}),
        (TaskType.COMMUNICATION, json.dumps({"task_type_parameters_Communication_num_processes": "2",
                                             "task_type_parameters_Communication_user_io": "fifo_io"}), 1,
         {"num_processes": 2, "compilation": None, "user_io": "fifo_io", "manager_args": ""}),
        (TaskType.BATCH, json.dumps({"task_type_parameters_Batch_compilation": "grader",
                                     "task_type_parameters_Batch_io_0_inputfile": "in.txt",
                                     "task_type_parameters_Batch_io_1_outputfile": ""}), 1,
         {"compilation": "grader", "io": ("in.txt", ""), "output_eval": None}),
        (TaskType.OUTPUT_ONLY, "", 1, {"output_eval": None}),
    ],
    ids=["batch-v2", "batch-v2-string", "batch-and-output-v2", "communication-64", "communication-short",
         "communication-v1", "batch-v1-io", "output-only-empty"],
)  # fmt: skip
def test_parameters_decode_from_both_protocols(task_type, raw, protocol, expected):
    assert decode(str(task_type), PARAMETERS[task_type], raw, protocol, "problem.json") == expected


@pytest.mark.parametrize(
    "task_type,raw,protocol,message",
    [
        (TaskType.BATCH, {"compilation": "grader"}, 2, "protocol 2 wants task_type_params as a list"),
        (TaskType.BATCH, ["grader", ["", ""], "comparator", "extra"], 2, "Batch takes 3 parameters"),
        (TaskType.BATCH, ["linked", ["", ""], "diff"], 2, "'compilation' must be one of"),
        (TaskType.BATCH, ["grader", "input.txt", "diff"], 2, "'io' must be a list"),
        (TaskType.COMMUNICATION, [65, "stub", "std_io"], 2, r"'num_processes' must be an integer in \[1, 64\]"),
        (TaskType.COMMUNICATION, ["two"], 2, "'num_processes' must be an integer"),
        (TaskType.COMMUNICATION, [2, "stub", "pipes"], 2, "'user_io' must be one of"),
        (TaskType.BATCH, "{not json", 1, "task_type_params is not valid JSON"),
        (TaskType.BATCH, ["grader"], 1, "must be an object .protocol 1. or a list .protocol 2."),
    ],
    ids=["object-in-v2", "too-many", "bad-choice", "io-not-a-pair", "too-many-users", "users-not-int",
         "bad-user-io", "bad-json", "list-in-v1"],
)  # fmt: skip
def test_bad_parameters_name_the_file_and_the_parameter(task_type, raw, protocol, message):
    with pytest.raises(PackageError, match=message) as caught:
        decode(str(task_type), PARAMETERS[task_type], raw, protocol, "pkg/problem.json")
    assert str(caught.value).startswith("pkg/problem.json: ")


def test_unknown_protocol_1_keys_are_ignored_with_a_warning(caplog):
    raw = json.dumps({"task_type_parameters_Batch_compilation": "alone", "task_type_parameters_Batch_colour": "red"})
    assert decode("Batch", PARAMETERS[TaskType.BATCH], raw, 1, "problem.json")["compilation"] == "alone"
    assert "colour" in caplog.text


def test_protocol_version_must_be_known(tmp_path):
    root = make_cms_package(tmp_path / "t", params=["alone", ["", ""], "diff"], protocol_version=3)
    with pytest.raises(PackageError, match="protocol_version must be 1 or 2, not 3"):
        load_task(root)


def test_a_2026_communication_export_loads(tmp_path):
    manager = "int main() { return 0; }\n"
    root = make_cms_package(tmp_path / "many", task_type="Communication", params=[64, "stub", "fifo_io"],
                            protocol_version=2, graders={"manager.cpp": manager, "stub.cpp": "", "many.h": ""},
                            code="many")  # fmt: skip
    task = load_task(root)
    assert (task.num_processes, task.compilation, task.user_io) == (64, "stub", "fifo_io")


# -- the parameters change how submissions are judged ----------------------------


def test_file_io_from_a_v2_package(tmp_path, compiler):
    root = make_cms_package(tmp_path / "fileio", params=["alone", ["input.txt", "output.txt"], "diff"],
                            protocol_version=2, tests=SUM_TESTS)  # fmt: skip
    task = load_task(root)
    assert score(task, tmp_path, compiler, READS_FILES) == 100
    assert score(task, tmp_path, compiler, STDIO) == 0  # wrote stdout, not output.txt


def test_input_from_a_file_and_output_on_stdout(tmp_path, compiler):
    params = {"task_type_parameters_Batch_compilation": "alone", "task_type_parameters_Batch_io_0_inputfile": "data.in",
              "task_type_parameters_Batch_io_1_outputfile": ""}  # fmt: skip
    task = load_task(make_cms_package(tmp_path / "half", params=params, tests=SUM_TESTS))
    assert (task.input_file, task.output_file) == ("data.in", "")
    assert score(task, tmp_path, compiler, READS_FILE_WRITES_STDOUT) == 100
    assert score(task, tmp_path, compiler, STDIO) == 0  # its stdin is empty


def test_alone_compiles_without_the_shipped_grader(tmp_path, compiler):
    graders = {"grader.cpp": GRADER, "task.h": "long long add(long long a, long long b);\n"}
    alone = load_task(make_cms_package(tmp_path / "alone", params=["alone", ["", ""], "diff"], protocol_version=2,
                                       graders=graders, tests=SUM_TESTS))  # fmt: skip
    with_grader = load_task(make_cms_package(tmp_path / "grader", params=["grader", ["", ""], "diff"],
                                             protocol_version=2, graders=graders, tests=SUM_TESTS))  # fmt: skip
    assert alone.submission_companions() == {}
    assert score(alone, tmp_path, compiler, STDIO) == 100  # a whole program: no second main() from the grader
    assert score(with_grader, tmp_path, compiler, FUNCTION_ONLY) == 100
    assert score(with_grader, tmp_path, compiler, STDIO) == 0  # two main()s: CE


def test_grader_compilation_needs_a_grader(tmp_path):
    root = make_cms_package(tmp_path / "nograder", params=["grader", ["", ""], "diff"], protocol_version=2)
    with pytest.raises(PackageError, match="compilation 'grader' but graders/ has no grader"):
        load_task(root)


@pytest.mark.parametrize("output_eval,wrong_scores", [("diff", 0), ("comparator", 100)])
def test_output_eval_chooses_white_diff_or_the_checker(tmp_path, compiler, output_eval, wrong_scores):
    root = make_cms_package(tmp_path / output_eval, params=["alone", ["", ""], output_eval], protocol_version=2,
                            checker={"checker.cpp": ACCEPTS_ANYTHING}, tests=SUM_TESTS)  # fmt: skip
    task = load_task(root)
    assert score(task, tmp_path, compiler, WRONG) == wrong_scores
    assert score(task, tmp_path, compiler, STDIO) == 100


def test_comparator_needs_a_checker(tmp_path):
    root = make_cms_package(tmp_path / "nochecker", params=["alone", ["", ""], "comparator"], protocol_version=2)
    with pytest.raises(PackageError, match="output_eval is comparator but the package has no checker"):
        load_task(root)


def test_unsafe_io_file_names_are_refused(tmp_path):
    root = make_cms_package(tmp_path / "evil", params=["alone", ["../../etc/passwd", ""], "diff"], protocol_version=2)
    with pytest.raises(PackageError, match="input file"):
        load_task(root)


def test_output_only_testcases_are_answered_by_files_only(tmp_path, compiler):
    params = ["alone", ["", ""], "diff", "2"]
    root = make_cms_package(tmp_path / "bao", task_type="BatchAndOutput", params=params, protocol_version=2,
                            tests=SUM_TESTS, subtasks={"01-a": (50, ["1"]), "02-b": (50, ["2"])})  # fmt: skip
    task = load_task(root)
    assert task.output_only_tests == ("2",)
    assert score(task, tmp_path, compiler, STDIO) == 50  # the program is not run on test 2
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "sol.cpp").write_text(STDIO)
    (folder / "output_2.txt").write_text("42\n")
    result = TaskJudge(task, compiler, workers=1).judge(Submission.from_path(folder, list(task.tests)), full=True)
    assert result.score == 100


def test_parameters_survive_the_dataset_rows(tmp_path):
    root = make_cms_package(tmp_path / "rows", params=["alone", ["input.txt", "output.txt"], "diff"],
                            protocol_version=2, tests=SUM_TESTS, checker={"checker.cpp": ACCEPTS_ANYTHING})  # fmt: skip
    task = load_task(root)
    rebuilt = task_from_rows(task_rows(task), list(case_rows(task)))
    assert (rebuilt.compilation, rebuilt.input_file, rebuilt.output_file, rebuilt.output_eval) == (
        "alone", "input.txt", "output.txt", "diff")  # fmt: skip
    assert rebuilt.signature() == task.signature()
