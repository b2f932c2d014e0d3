"""BatchAndOutput as CMS judges it: a source that fails to compile scores nothing,
its output files neither; the checker's 4th argument is `outputonly` for output-only
tests and `batch` for the others; other task types keep three arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.compile import SourceFile
from judge.loaders import load_task
from judge.taskrun import Submission, TaskJudge
from judge.verdicts import Verdict

from ioi_helpers import make_cms_package

# Right when the numbers match; the message says how it was called.
CHECKER = r"""#include <cstdio>
int main(int argc, char **argv) {
    long long want, got;
    FILE *answer = std::fopen(argv[2], "r"), *output = std::fopen(argv[3], "r");
    bool ok = answer && output && std::fscanf(answer, "%lld", &want) == 1 && std::fscanf(output, "%lld", &got) == 1
              && got == want;
    std::printf("%d\n", ok ? 1 : 0);
    std::fprintf(stderr, "mode=%s\n", argc == 5 ? argv[4] : argc == 4 ? "none" : "other");
}
"""
PLUS_ONE = '#include <cstdio>\nint main(){ long long n; std::scanf("%lld", &n); std::printf("%lld\\n", n + 1); }\n'
TESTS = {"1": ("1\n", "2\n"), "2": ("2\n", "3\n"), "3": ("3\n", "4\n")}
SUBTASKS = {"01-code": (30, ["1"]), "02-optional": (30, ["2"], {"output_optional": True}), "03-files": (40, ["3"])}


def package(root: Path, task_type: str = "BatchAndOutput", protocol: int = 2) -> Path:
    """Test 3 is output-only through the output_only_testcases parameter, 2 is optional."""
    if task_type == "Batch":
        params: dict | list = ["alone", ["", ""], "comparator"]
    elif protocol == 2:
        params = ["alone", ["", ""], "comparator", "3"]
    else:
        params = {f"task_type_parameters_BatchAndOutput_{k}": v for k, v in
                  (("compilation", "alone"), ("output_eval", "comparator"), ("output_only_testcases", "3"))}  # fmt: skip
    return make_cms_package(root, code="plusone", task_type=task_type, params=params, protocol_version=protocol,
                            checker={"checker.cpp": CHECKER}, tests=TESTS, subtasks=SUBTASKS)  # fmt: skip


def submission(tmp_path: Path, source: str | None, outputs: dict[str, str]) -> Submission:
    folder = tmp_path / "submission"
    folder.mkdir()
    for name, text in outputs.items():
        (folder / f"output_{name}.txt").write_text(text)
    if source is not None:
        (folder / "plusone.cpp").write_text(source)
    return Submission.from_path(folder)


def by_test(result) -> dict[str, tuple[Verdict, str]]:
    return {t.name: (t.verdict, t.message) for s in result.subtasks for t in s.tests}


@pytest.mark.parametrize("protocol", [1, 2])
def test_the_checker_is_told_batch_or_outputonly_by_the_test(compiler, tmp_path, protocol):
    task = load_task(package(tmp_path / "plusone", protocol=protocol))
    assert task.output_only_tests == ("3",)
    result = TaskJudge(task, compiler).judge(submission(tmp_path, PLUS_ONE, {"2": "3\n", "3": "4\n"}), full=True)
    assert result.score == 100
    assert by_test(result) == {
        "1": (Verdict.AC, "mode=batch"),  # the program's output
        "2": (Verdict.AC, "mode=batch"),  # a submitted file for a test that is not output-only: still batch
        "3": (Verdict.AC, "mode=outputonly"),
    }


def test_a_source_that_does_not_compile_scores_nothing(compiler, tmp_path):
    task = load_task(package(tmp_path / "plusone"))
    broken = submission(tmp_path, "this is not C++", {"2": "3\n", "3": "4\n"})  # right output files
    result = TaskJudge(task, compiler).judge(broken, full=True)
    assert not result.compiled and result.compile.status == "CE"
    assert [s.status for s in result.subtasks] == ["CE", "CE", "CE"] and result.score == 0
    assert not result.judge_error


def test_output_files_alone_score_without_a_program(compiler, tmp_path):
    task = load_task(package(tmp_path / "plusone"))
    result = TaskJudge(task, compiler).judge(submission(tmp_path, None, {"2": "3\n", "3": "4\n"}), full=True)
    assert result.compile is None and result.score == 70
    assert by_test(result)["1"] == (Verdict.CE, "no program submitted")
    assert by_test(result)["3"] == (Verdict.AC, "mode=outputonly")


def test_other_task_types_call_the_checker_with_three_files(compiler, tmp_path):
    task = load_task(package(tmp_path / "plusone", task_type="Batch"))
    result = TaskJudge(task, compiler).judge(Submission(source=SourceFile("plusone.cpp", PLUS_ONE.encode())))
    assert result.score == 100 and {message for _, message in by_test(result).values()} == {"mode=none"}
