"""Same name, same value: each reward named as one of Open R1's computes its value, with
the anchor's formula written out here, on rows in the anchor's published schemas (`ioi`
rows with `graders/grader_config.json`, `codeforces` verifiable-prompts rows, the
`generated_tests` folder), judged for real. What ours does differently is an option or
a reward of its own, tested as such."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builders.ioi.build import BuildSummary, write_test_cases
from builders.ioi.packages import load_package
from judge.cftests import write_contest
from judge.compile import SourceFile
from judge.loaders import load_task
from judge.loaders.rows import task_from_rows
from judge.task import PackageError, TaskType
from judge.taskrun import Submission, TaskJudge
from recipes.rewards import (
    CFCode,
    CodeBlock,
    CodeFormat,
    Gated,
    IOICode,
    RewardArguments,
    build_rewards,
    format_reward,
    tag_count,
)

from ioi_helpers import FINDPAIR, GUESS
from recipe_helpers import APLUSB_TESTS, CORRECT, TWO_OF_THREE, UNCOMPILABLE, WRONG, answer, reward_kwargs

# --- the anchor's formulas, written out -------------------------------------------------


def anchor_cf(passed: int, total: int, mode: str, *, compiled: bool = True, code: bool = True) -> float:
    """Open R1's cf_scoring.score_submission: no code -1.0, a compile error -0.1, else
    pass_fail (1 iff all passed), partial (share), weighted_sum (pass_fail + 0.1 x share)."""
    if not code:
        return -1.0
    if not compiled:
        return -0.1
    pass_fail = 1.0 if passed == total else 0.0
    return {"pass_fail": pass_fail, "partial": passed / total, "weighted_sum": pass_fail + 0.1 * passed / total}[mode]


def anchor_ioi(test_scores: list[float], score_precision: int) -> float:
    """Open R1's ioi_code: SubtaskResult.score, the lowest test score of the subtask (a test
    not run after the early stop counts as 0, as does everything when nothing compiled),
    rounded to score_precision; a fraction, never multiplied by the subtask's points."""
    return round(min(test_scores), score_precision) if test_scores else 0


def anchor_extract(text: str, language: str) -> str:
    """Open R1's extract_code: the last ```<language>\\n block, "" when none."""
    blocks = re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)
    return blocks[-1] if blocks else ""


def anchor_code_format(text: str, language: str) -> float:
    pattern = rf"^<think>\n.*?\n</think>\n<answer>\n.*?```{language}.*?```.*?\n</answer>$"
    return 1.0 if re.match(pattern, text, re.DOTALL | re.MULTILINE) else 0.0


def anchor_format(text: str) -> float:
    return (
        1.0 if re.match(r"^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$", text, re.DOTALL | re.MULTILINE) else 0.0
    )


def anchor_tag_count(text: str) -> float:
    return sum(0.25 for tag in ("<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>") if text.count(tag) == 1)


def anchor_overlong(length: int, max_len: int, cache: int) -> float:
    """DAPO's Eq. 13, as Open R1's get_soft_overlong_punishment."""
    if length <= max_len - cache:
        return 0.0
    if length <= max_len:
        return (max_len - cache - length) / cache
    return -1.0


def anchor_add_includes(code: str, problem_id: str) -> str:
    header = "#include <bits/stdc++.h>\n"
    if f'#include "{problem_id}.h"' not in code:
        header += f'#include "{problem_id}.h"\n'
    if "using namespace std;" not in code:
        header += "\nusing namespace std;\n\n"
    return header + code


# --- rows in the anchor's schemas ---------------------------------------------------------


def anchor_ioi_rows(folder: Path, year: int = 2024, day: str = "day1", precision: int = 2) -> list[dict]:
    """Open R1's `ioi` rows for a CMS-layout task folder, built by hand: one per subtask, its
    columns as published, `grader_files` a list of [path, content] pairs with
    `graders/grader_config.json` (task_type, code, time_limit, memory_limit in bytes and the
    Communication parameters)."""
    meta = json.loads((folder / "problem.json").read_text())
    config = {"task_type": meta["task_type"], "code": meta["code"], "time_limit": meta["time_limit"],
              "memory_limit": meta["memory_limit"]}  # fmt: skip
    config |= {k: v for k, v in json.loads(meta.get("task_type_params") or "{}").items() if "Communication" in k}
    files = [[f"{part}/{p.name}", p.read_text()] for part in ("graders", "checker")
             for p in sorted((folder / part).glob("*")) if p.is_file()]  # fmt: skip
    files.append(["graders/grader_config.json", json.dumps(config)])
    rows = []
    for path in sorted((folder / "subtasks").glob("*.json")):
        spec = json.loads(path.read_text())
        rows.append({"year": year, "name": meta["name"], "id": meta["code"], "day": day, "subtask": path.stem,
                     "statement": "...", "score": spec["score"], "time_limit": meta["time_limit"],
                     "memory_limit": meta["memory_limit"], "score_precision": precision,
                     "task_type": meta["task_type"], "test_names": spec["testcases"], "starting_code": "...",
                     "grader_files": files, "problem": "..."})  # fmt: skip
    return rows


def anchor_cf_row(**overrides) -> dict:
    """A `codeforces` verifiable-prompts row with the anchor's columns."""
    row = {"id": "1500/A", "aliases": None, "contest_id": "1500", "contest_name": "Round", "contest_type": "CF",
           "contest_start": 1614000000, "contest_start_year": 2021, "index": "A", "time_limit": 1.0,
           "memory_limit": 256.0, "title": "A+B", "description": "Print a+b.", "input_format": "a b",
           "output_format": "a+b", "interaction_format": None, "note": None, "examples": APLUSB_TESTS[:1],
           "editorial": None, "rating": 800, "tags": ["math"], "testset_size": 5, "official_tests": APLUSB_TESTS,
           "official_tests_complete": True, "input_mode": "stdio", "generated_checker": None, "executable": True,
           "generated_tests": 2, "prompt": "Solve it in C++.", "language": "cpp"}  # fmt: skip
    return row | overrides


@pytest.fixture(scope="module")
def pool():
    from judge.jobs import JobPool

    judge = JobPool(workers=2, timeout=120)
    yield judge
    judge.close()


# --- ioi_code ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ioi_tests(tmp_path_factory) -> Path:
    """`ioi-test-cases` (the anchor's schema: year configs, one row per test) of findpair and guess."""
    out = tmp_path_factory.mktemp("anchor-ioi")
    write_test_cases(out, [load_package(FINDPAIR, 2024, "day1"), load_package(GUESS, 2024, "day1")],
                     "open-r1", BuildSummary())  # fmt: skip
    return out / "ioi-test-cases"


def anchor_test_rows(folder: Path, year: int = 2024, day: str = "day1") -> list[dict]:
    """`ioi-test-cases` rows (the anchor's columns) of a task folder."""
    meta = json.loads((folder / "problem.json").read_text())
    return [{"year": year, "day": day, "problem_name": meta["name"], "problem_id": meta["code"], "test_name": p.stem,
             "test_input": p.read_text(), "test_output": p.with_suffix(".out").read_text()}
            for p in sorted((folder / "tests").glob("*.in"))]  # fmt: skip


def with_config(rows: list[dict], **keys) -> list[dict]:
    """The rows with their graders/grader_config.json updated."""
    files = [list(f) for f in rows[0]["grader_files"]]
    [entry] = [f for f in files if f[0] == "graders/grader_config.json"]
    entry[1] = json.dumps(json.loads(entry[1]) | keys)
    return [{**row, "grader_files": files} for row in rows]


def test_an_anchor_row_becomes_a_task():
    rows = anchor_ioi_rows(GUESS)
    task = task_from_rows(rows, anchor_test_rows(GUESS))
    try:
        assert (task.code, task.task_type, task.num_processes, task.user_io) == ("guess", TaskType.COMMUNICATION, 1,
                                                                                  "std_io")  # fmt: skip
        assert "grader_config.json" not in task.graders and {"manager.cpp", "stub.cpp", "guess.h"} <= set(task.graders)
        assert [(s.name, s.points, s.tests) for s in task.subtasks] == [
            (r["subtask"], r["score"], r["test_names"]) for r in rows
        ]
        assert (task.time_limit, task.memory_limit, task.score_precision) == (1.0, 268435456, 2)
    finally:
        task.workspace.cleanup()
    task = task_from_rows(with_config(rows, task_type_parameters_Communication_num_processes=2,
                                      task_type_parameters_Communication_manager_args="--seed 7"),
                          anchor_test_rows(GUESS))  # fmt: skip
    try:
        assert task.num_processes == 2 and task.manager_args == ["--seed", "7"]
    finally:
        task.workspace.cleanup()
    bare = [{**rows[0], "grader_files": [f for f in rows[0]["grader_files"] if not f[0].endswith(".json")]}]
    with pytest.raises(PackageError, match=r"lacks grader_config\.json \(ours\) or graders/grader_config\.json"):
        task_from_rows(bare, [])


def outcomes(compiler, folder: Path, solution: str) -> dict[str, float]:
    """Every test's score for a solution, from the task package itself (judged in full, no early stop)."""
    result = TaskJudge(load_task(folder), compiler, workers=1).judge(
        Submission(source=SourceFile.read(folder / "solutions" / solution)), full=True
    )
    return {t.name: t.outcome for s in result.subtasks for t in s.tests}


@pytest.mark.parametrize(("folder", "solutions"), [
    (FINDPAIR, ["model_solution/hashing.cpp", "correct/quadratic.cpp", "incorrect/adjacent.cpp"]),
    (GUESS, ["model_solution/binary.cpp", "partially_correct/wasteful.cpp", "incorrect/off_by_one.cpp"]),
], ids=["findpair-batch", "guess-communication"])  # fmt: skip
def test_ioi_code_on_anchor_rows_is_the_anchors_subtask_score(pool, compiler, ioi_tests, folder, solutions):
    rows = anchor_ioi_rows(folder)
    reward = IOICode(pool, tests=str(ioi_tests))
    for solution in solutions:
        scores = outcomes(compiler, folder, solution)
        expected = [anchor_ioi([scores[t] for t in row["test_names"]], row["score_precision"]) for row in rows]
        code = (folder / "solutions" / solution).read_text()
        assert reward([answer(code)] * len(rows), **reward_kwargs(rows)) == expected, solution
    assert reward([answer(UNCOMPILABLE)] * len(rows), **reward_kwargs(rows)) == [anchor_ioi([], 2)] * len(rows)
    assert reward(["no code"], **reward_kwargs(rows[:1])) == [0.0]  # the anchor judges the bare headers: a CE, 0


# A task with partial scores: the checker gives answer / expected, so the test knows each test's score.
RATIO_GRADER = """#include <cstdio>
#include "ratio.h"
int main() { long long n; std::scanf("%lld", &n); std::printf("%lld\\n", guess(n)); }
"""
RATIO_CHECKER = """#include <cstdio>
int main(int argc, char **argv) {
    long long expected, got;
    FILE *ans = std::fopen(argv[2], "r"), *out = std::fopen(argv[3], "r");
    std::fscanf(ans, "%lld", &expected);
    if (std::fscanf(out, "%lld", &got) != 1 || got < 0 || got > expected) { std::printf("0\\n"); return 0; }
    std::printf("%.6f\\n", (double)got / expected);
    std::fprintf(stderr, "partial\\n");
}
"""
RATIO_TESTS = {"1": 3, "2": 7, "3": 10}  # n; the answer is n itself
RATIO_SUBTASKS = {"00-samples": (0, ["1"]), "01-some": (40, ["1", "2"]), "02-all": (60, ["1", "2", "3"])}


def ratio_rows(precision: int) -> tuple[list[dict], list[dict]]:
    config = {"task_type": "Batch", "code": "ratio", "time_limit": 1.0, "memory_limit": 256 << 20}
    files = [["graders/grader.cpp", RATIO_GRADER], ["graders/ratio.h", "long long guess(long long n);\n"],
             ["checker/checker.cpp", RATIO_CHECKER], ["graders/grader_config.json", json.dumps(config)]]  # fmt: skip
    rows = [{"year": 2024, "name": "Ratio", "id": "ratio", "day": "day1", "subtask": name, "score": points,
             "time_limit": 1.0, "memory_limit": 256 << 20, "score_precision": precision, "task_type": "Batch",
             "test_names": tests, "grader_files": files}
            for name, (points, tests) in RATIO_SUBTASKS.items()]  # fmt: skip
    tests = [{"year": 2024, "day": "day1", "problem_name": "Ratio", "problem_id": "ratio", "test_name": name,
              "test_input": f"{n}\n", "test_output": f"{n}\n"} for name, n in RATIO_TESTS.items()]  # fmt: skip
    return rows, tests


@pytest.mark.parametrize("precision", [2, 1])
def test_ioi_code_rounds_the_lowest_test_score_and_ignores_points(pool, precision):
    rows, tests = ratio_rows(precision)
    reward = IOICode(pool, tests=tests)
    thirds = "long long guess(long long n) { return n / 3; }\n"  # no header, no std: add_includes fixes both

    def test_score(n: int) -> float:  # the checker's formula for `thirds`
        return round((n // 3) / n, 6)

    expected = [anchor_ioi([test_score(RATIO_TESTS[t]) for t in row["test_names"]], precision) for row in rows]
    assert reward([answer(thirds)] * 3, **reward_kwargs(rows)) == expected
    assert expected[1] == round(min(1 / 3, 2 / 7), precision)  # not 40 x it: the fraction, as Open R1's


def test_ioi_code_adds_the_includes_as_the_anchor_does_unless_told_not_to(pool):
    rows, tests = ratio_rows(2)
    needs_std = "long long guess(long long n) { return max(0LL, n - 1); }\n"  # max: std::, from <bits/stdc++.h>
    assert anchor_add_includes(needs_std, "ratio").startswith('#include <bits/stdc++.h>\n#include "ratio.h"\n')
    minus_one = [anchor_ioi([round((n - 1) / n, 6) for n in (RATIO_TESTS[t] for t in row["test_names"])], 2)
                 for row in rows]  # fmt: skip
    assert IOICode(pool, tests=tests)([answer(needs_std)] * 3, **reward_kwargs(rows)) == minus_one
    as_written = IOICode(pool, tests=tests, add_includes=False)
    assert as_written([answer(needs_std)] * 3, **reward_kwargs(rows)) == [0.0, 0.0, 0.0]  # max undeclared: a CE


def test_ioi_code_reads_cpp_blocks_only_by_default(pool):
    rows, tests = ratio_rows(2)
    exact = "long long guess(long long n) { return n; }\n"
    labelled_cxx = "Reasoning.\n</think>\n```c++\n" + exact + "```\n"
    assert anchor_extract(labelled_cxx, "cpp") == ""  # Open R1: no ```cpp block, the bare headers fail: 0
    assert IOICode(pool, tests=tests)([labelled_cxx], **reward_kwargs(rows[:1])) == [0.0]
    ours = IOICode(pool, tests=tests, extraction="answer")  # any C++ tag after </think>
    assert ours([labelled_cxx], **reward_kwargs(rows[:1])) == [anchor_ioi([1.0], 2)]


# --- cf_code ------------------------------------------------------------------------------


def two_of_three(a: int, b: int) -> int:  # what TWO_OF_THREE prints
    return 3 if a == 1 else 0


def wrong(a: int, b: int) -> int:  # what WRONG prints
    return a * b


def passed_by(program, tests: list[dict]) -> int:
    return sum(program(*map(int, t["input"].split())) == int(t["output"]) for t in tests)


def passed_by_two_of_three(tests: list[dict]) -> int:
    return passed_by(two_of_three, tests)


@pytest.fixture
def generated(tmp_path) -> tuple[Path, list[dict]]:
    """The anchor's generated-tests layout: <folder>/test_cases_1500.parquet, problem_id, input, output."""
    tests = [{"input": "0 0\n", "output": "0\n"}, {"input": "100 23\n", "output": "123\n"}]
    write_contest(tmp_path / "generated_tests", 1500, [("1500/B", {"input": "9 9\n", "output": "18\n"})]
                  + [("1500/A", t) for t in tests])  # fmt: skip
    return tmp_path / "generated_tests", tests


@pytest.mark.parametrize("mode", ["pass_fail", "partial", "weighted_sum"])
def test_cf_code_on_anchor_rows_with_generated_tests(pool, generated, mode):
    folder, tests = generated
    suite = APLUSB_TESTS + tests  # official first, then generated, as the anchor concatenates them
    reward = CFCode(pool, scoring=mode, tests_folder=str(folder))
    completions = [answer(CORRECT), answer(TWO_OF_THREE), answer(WRONG), answer(UNCOMPILABLE), "no code"]
    expected = [anchor_cf(len(suite), len(suite), mode), anchor_cf(passed_by_two_of_three(suite), len(suite), mode),
                anchor_cf(passed_by(wrong, suite), len(suite), mode), anchor_cf(0, len(suite), mode, compiled=False),
                anchor_cf(0, len(suite), mode, code=False)]  # fmt: skip
    assert reward(completions, **reward_kwargs([anchor_cf_row()] * 5)) == [pytest.approx(e) for e in expected]


@pytest.mark.parametrize("batch_size", [1, 2, -1])
def test_pass_fail_batches_stop_early_without_changing_the_value(pool, generated, batch_size):
    folder, tests = generated
    suite = APLUSB_TESTS + tests
    reward = CFCode(pool, scoring="pass_fail", tests_folder=str(folder), batch_size=batch_size)
    job = reward.job(TWO_OF_THREE, "cpp", 0, reward_kwargs([anchor_cf_row()]))
    assert job.get("batch_size") == (batch_size if batch_size >= 1 else None)  # below 1: one batch, as the anchor
    answered = pool.map([job])[0]
    first_failing_batch = 2 if batch_size == 1 else 1  # `5 7` is the 2nd test
    assert len(answered["outcomes"]) == (len(suite) if batch_size < 1 else first_failing_batch * batch_size)
    assert reward.score(answered, 0, {}) == anchor_cf(passed_by_two_of_three(suite), len(suite), "pass_fail")


def test_cf_code_with_the_rows_checker_and_file_io(pool):
    checker = ("import sys\ntarget = int(open(sys.argv[1]).read())\ngot = open(sys.argv[3]).read().split()\n"
               "print(1 if len(got) == 2 and sum(map(int, got)) == target else 0)\n")  # fmt: skip
    in_files = ('#include <cstdio>\nint main() { FILE *i = std::fopen("input.txt", "r"), *o = std::fopen('
                '"output.txt", "w"); long long t; std::fscanf(i, "%lld", &t); std::fprintf(o, "%lld 1\\n", t - 1); }\n')  # fmt: skip
    tests = [{"input": "10\n", "output": "5 5\n"}, {"input": "3\n", "output": "1 2\n"}]
    row = anchor_cf_row(examples=tests[:1], official_tests=tests, generated_checker=checker, input_mode="file")
    assert CFCode(pool, scoring="weighted_sum")([answer(in_files)], **reward_kwargs([row])) == [
        anchor_cf(2, 2, "weighted_sum")
    ]


def test_cf_code_extracts_code_as_the_anchor_does_unless_told_otherwise(pool):
    in_thinking = "Try this:\n```cpp\n" + CORRECT + "```\nDone.\n</think>\nThe program is above."
    labelled_cxx = "Reasoning.\n</think>\n```c++\n" + CORRECT + "```\n"
    two_messages = [{"role": "assistant", "content": answer(WRONG)}, {"role": "assistant", "content": answer(CORRECT)}]
    rows = [anchor_cf_row()] * 3
    assert anchor_extract(in_thinking, "cpp") == CORRECT and anchor_extract(labelled_cxx, "cpp") == ""
    anchor = CFCode(pool, scoring="weighted_sum")([in_thinking, labelled_cxx, two_messages], **reward_kwargs(rows))
    assert anchor == [anchor_cf(3, 3, "weighted_sum"), anchor_cf(0, 3, "weighted_sum", code=False),
                      anchor_cf(3, 3, "weighted_sum")]  # fmt: skip  # the last message's code
    ours = CFCode(pool, scoring="weighted_sum", extraction="answer")(
        [in_thinking, labelled_cxx], **reward_kwargs(rows[:2])
    )
    assert ours == [anchor_cf(0, 3, "weighted_sum", code=False), anchor_cf(3, 3, "weighted_sum")]
    assert CFCode(pool)(["```cpp\n```"], **reward_kwargs(rows[:1])) == [-1.0]  # an empty block is no code there


class Answers:
    def __init__(self, answers):
        self.answers = answers

    def map(self, jobs):
        return self.answers[: len(jobs)]


def test_judge_error_reward_scores_judge_failures_when_set():
    failed = {"status": "judge_error", "message": "sandbox down"}
    passed = {"status": "ok", "verdict": "AC", "passed": 3, "total": 3, "compile": "OK"}
    kwargs = reward_kwargs([anchor_cf_row()] * 2)
    completions = [answer(CORRECT), answer(CORRECT)]
    cf_code = CFCode(Answers([failed, passed]), judge_error_reward=0.0)
    assert cf_code(completions, **kwargs) == [0.0, anchor_cf(3, 3, "weighted_sum")]
    assert Gated(CodeBlock(), cf_code)(completions, **kwargs) == [1.0, 1.0]  # a number: nothing left out
    assert CFCode(Answers([failed, passed]))(completions, **kwargs) == [None, anchor_cf(3, 3, "weighted_sum")]


# --- code_format, format, tag_count, soft_overlong_punishment --------------------------------------

FORMAT_TEXTS = [
    "<think>\nplan\n</think>\n<answer>\n```cpp\nint main() {}\n```\n</answer>",
    "<think>\nplan\n</think>\n<answer>\n```python\nprint(1)\n```\n</answer>",
    "<think>\nplan\n</think>\n<answer>\nno code\n</answer>",
    "<think>\nplan\n</think>\n<answer>\n```cpp\nint main() {}\n```\n</answer>\ntrailing line",  # MULTILINE $
    "plan\n</think>\n```cpp\nint main() {}\n```\n",  # our prompts' shape: the <think> is the prefill
    "<think>\n<think>\nplan\n</think>\n<answer>\n</answer>\n<answer>\n",
    "",
]


def test_code_format_is_the_anchors_pattern_in_the_rows_language():
    languages = ["cpp", "python"] * 3 + ["cpp"]
    assert CodeFormat("cpp")(FORMAT_TEXTS, language=languages) == [
        anchor_code_format(t, lang) for t, lang in zip(FORMAT_TEXTS, languages, strict=True)
    ]
    assert CodeFormat()(FORMAT_TEXTS) == [anchor_code_format(t, "python") for t in FORMAT_TEXTS]  # its default
    chats = [[{"role": "assistant", "content": t}] for t in FORMAT_TEXTS]
    assert CodeFormat("cpp")(chats) == [anchor_code_format(t, "cpp") for t in FORMAT_TEXTS]
    assert CodeBlock()(FORMAT_TEXTS) == [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]  # ours, under its own name


def test_format_and_tag_count_are_the_anchors():
    assert format_reward(FORMAT_TEXTS) == [anchor_format(t) for t in FORMAT_TEXTS]
    assert tag_count(FORMAT_TEXTS) == [anchor_tag_count(t) for t in FORMAT_TEXTS]
    assert [format_reward.__name__, tag_count.__name__] == ["format", "tag_count"]


def test_soft_overlong_punishment_with_the_anchors_defaults_and_ours():
    args = RewardArguments(reward_funcs=["soft_overlong_punishment"])
    assert (args.max_completion_len, args.soft_punish_cache, args.code_language) == (16384, 4096, "python")
    [reward] = build_rewards(args, "olympicforge", max_completion_length=16384)
    lengths = [0, 12288, 12289, 14336, 16383, 16384, 16385]
    ids = [[7] * n for n in lengths]
    assert reward(completion_ids=ids) == [pytest.approx(anchor_overlong(n, 16384, 4096)) for n in lengths]
    ours = RewardArguments(reward_funcs=["soft_overlong_punishment"], max_completion_len=None, soft_punish_cache=10)
    [reward] = build_rewards(ours, "olympicforge", max_completion_length=100)  # L_max: the GRPO limit
    assert reward(completion_ids=[[7] * n for n in (90, 95, 101)]) == [
        anchor_overlong(n, 100, 10) for n in (90, 95, 101)
    ]
    [no_cache] = build_rewards(RewardArguments(reward_funcs=["soft_overlong_punishment"], soft_punish_cache=0),
                               "olympicforge", 16384)  # fmt: skip
    assert no_cache(completion_ids=[[7] * 16384, [7] * 16385]) == [0.0, -1.0]
