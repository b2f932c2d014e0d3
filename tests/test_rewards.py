"""recipes/rewards.py against the real judge: Codeforces-style rows (A+B) and an IOI task
(findpair, built into `ioi` / `ioi-test-cases` here); judge failures give None, never 0."""

from __future__ import annotations

import pytest
from datasets import load_dataset

from builders.ioi.build import BuildSummary, write_ioi, write_test_cases
from builders.ioi.packages import load_package
from judge.cftests import write_contest
from judge.jobs import BadJob, JobPool
from judge.remote import RemoteJudge
from recipes.rewards import CFCode, CodeBlock, Gated, IOICode, RewardArguments, build_rewards, think_format

from ioi_helpers import FINDPAIR
from recipe_helpers import (
    APLUSB_TESTS,
    CORRECT,
    PYTHON_CORRECT,
    TWO_OF_THREE,
    UNCOMPILABLE,
    WRONG,
    answer,
    aplusb_row,
    reward_kwargs,
)


@pytest.fixture(scope="module")
def pool():
    judge = JobPool(workers=2, timeout=120)
    yield judge
    judge.close()


def chat(text: str) -> list[dict]:
    return [{"role": "assistant", "content": text}]


def test_cf_code_scores_right_wrong_and_uncompilable(pool):
    completions = [chat(answer(CORRECT)), chat(answer(WRONG)), chat(answer(UNCOMPILABLE)), chat("No code here.")]
    rewards = CFCode(pool, scoring="pass_fail")(completions, **reward_kwargs([aplusb_row()] * 4))
    assert rewards == [1.0, 0.0, -0.1, -1.0]  # Open R1's no_compile_reward and no_submission_reward


def anchor_cf_score(passed: int, total: int, mode: str) -> float:
    """Open R1's `cf_scoring.score_submission`, written out: pass_fail, partial, and
    weighted_sum = pass_fail + 0.1 x share."""
    pass_fail = 1.0 if passed == total else 0.0
    return {"pass_fail": pass_fail, "partial": passed / total, "weighted_sum": pass_fail + 0.1 * passed / total}[mode]


@pytest.mark.parametrize("mode", ["pass_fail", "partial", "weighted_sum"])
def test_cf_code_scores_as_the_anchor_does(pool, mode):
    reward = CFCode(pool, scoring=mode)
    scores = reward([answer(TWO_OF_THREE), answer(CORRECT)], **reward_kwargs([aplusb_row()] * 2))
    assert scores == [pytest.approx(anchor_cf_score(2, 3, mode)), pytest.approx(anchor_cf_score(3, 3, mode))]


def test_balanced_is_our_own_mode_under_its_own_name(pool):
    reward = CFCode(pool, scoring="balanced")
    scores = reward([answer(TWO_OF_THREE), answer(CORRECT)], **reward_kwargs([aplusb_row()] * 2))
    assert scores == [pytest.approx(0.5 * 2 / 3), 1.0]


def test_the_penalties_can_be_set(pool):
    reward = CFCode(pool, scoring="partial", no_submission_reward=0.0, no_compile_reward=0.0)
    assert reward([answer(UNCOMPILABLE), "no code"], **reward_kwargs([aplusb_row()] * 2)) == [0.0, 0.0]


def test_cf_code_follows_the_language_column(pool):
    scores = CFCode(pool, scoring="partial")(
        [answer(PYTHON_CORRECT, "python")], **reward_kwargs([aplusb_row("python")])
    )
    assert scores == [1.0]
    with pytest.raises(ValueError, match="cf_scoring_mode 'strict'"):
        CFCode(pool, scoring="strict")


def incomplete_row(problem_id: str = "1500/A") -> dict:
    """Only the first official test and the example: no full suite in the row itself."""
    return {**aplusb_row(), "id": problem_id, "official_tests": APLUSB_TESTS[:1], "official_tests_complete": False}


def no_tests_row(problem_id: str = "1500/A") -> dict:
    return {**incomplete_row(problem_id), "official_tests": []}


def test_cf_code_never_falls_back_to_the_examples_unasked(pool):
    with pytest.raises(ValueError, match="row 1500/A has no tests"):
        CFCode(pool, scoring="partial")([answer(TWO_OF_THREE)], **reward_kwargs([no_tests_row()]))


def test_incomplete_official_tests_are_judged_as_they_are_and_counted(pool):
    metrics = {}
    kwargs = {**reward_kwargs([incomplete_row()]), "log_metric": metrics.__setitem__}
    assert CFCode(pool, scoring="partial")([answer(TWO_OF_THREE)], **kwargs) == [1.0]  # the one official test
    assert metrics["cf_code/incomplete_suites"] == 1.0


def test_cf_code_falls_back_to_the_examples_only_when_asked_and_counts_it(pool):
    metrics = {}
    kwargs = {**reward_kwargs([no_tests_row()]), "log_metric": metrics.__setitem__}
    scores = CFCode(pool, scoring="partial", examples_fallback=True)([answer(TWO_OF_THREE)], **kwargs)
    assert scores == [1.0] and metrics["cf_code/examples_only"] == 1.0  # the one example passes


@pytest.fixture
def generated_tests(tmp_path):
    """The anchor's layout: the full suite of 1500/A beside another problem's tests."""
    tests = [("1500/B", {"input": "0 0\n", "output": "0\n"})]
    tests += [("1500/A", t) for t in APLUSB_TESTS] + [("1500/A", {"input": "100 23\n", "output": "123\n"})]
    write_contest(tmp_path / "generated_tests", 1500, tests)
    return tmp_path / "generated_tests"


def test_cf_code_judges_on_the_generated_suite(pool, generated_tests):
    """Passing the examples is not enough: TWO_OF_THREE fails generated tests."""
    reward = CFCode(pool, scoring="partial", tests_folder=str(generated_tests))
    scores = reward([answer(CORRECT), answer(TWO_OF_THREE)], **reward_kwargs([incomplete_row()] * 2))
    assert scores == [1.0, 3 / 5]  # official 1 + generated 4: it fails `5 7` and `100 23`


def test_cf_code_reads_the_folder_from_cf_tests_folder_like_open_r1(pool, generated_tests, monkeypatch):
    monkeypatch.setenv("CF_TESTS_FOLDER", str(generated_tests))
    assert CFCode(pool, scoring="pass_fail")([answer(TWO_OF_THREE)], **reward_kwargs([incomplete_row()])) == [0.0]


def test_pass_fail_stops_at_the_first_failing_batch(pool, generated_tests):
    reward = CFCode(pool, scoring="pass_fail", tests_folder=str(generated_tests), batch_size=1)
    job = reward.job(WRONG, "cpp", 0, reward_kwargs([incomplete_row()]))
    answered = pool.map([job])[0]
    assert answered["stopped_early"] and len(answered["outcomes"]) == 1 and answered["total"] == 1
    assert reward.score(answered, 0, {}) == 0.0


def test_cf_code_uses_the_row_checker_and_file_io(pool):
    """Any two numbers summing to the target are right: only the checker knows."""
    checker = (
        "import sys\n"
        "target = int(open(sys.argv[1]).read())\n"
        "got = open(sys.argv[3]).read().split()\n"
        "print('ok' if len(got) == 2 and sum(map(int, got)) == target else 'wrong')\n"
    )
    split_in_files = ("#include <cstdio>\nint main() { FILE *i = std::fopen(\"input.txt\", \"r\"), *o = "
                      "std::fopen(\"output.txt\", \"w\"); long long t; std::fscanf(i, \"%lld\", &t); "
                      "std::fprintf(o, \"%lld 1\\n\", t - 1); }\n")  # fmt: skip
    tests = [{"input": "10\n", "output": "5 5\n"}, {"input": "3\n", "output": "1 2\n"}]
    row = {**aplusb_row(), "examples": tests[:1], "official_tests": tests, "generated_checker": checker,
           "input_mode": "file"}  # fmt: skip
    assert CFCode(pool, scoring="partial")([answer(split_in_files)], **reward_kwargs([row])) == [1.0]
    stdio_row = {**row, "input_mode": "stdio"}
    assert CFCode(pool, scoring="partial")([answer(split_in_files)], **reward_kwargs([stdio_row])) == [0.0]


def test_a_broken_judge_gives_none_never_zero(monkeypatch):
    monkeypatch.setenv("OLYMPICFORGE_SANDBOX", "no-such-backend")  # every worker's sandbox fails to start
    broken = JobPool(workers=1, timeout=60)
    try:
        rewards = CFCode(broken)([answer(CORRECT), answer(WRONG), "no code"], **reward_kwargs([aplusb_row()] * 3))
    finally:
        broken.close()
    assert rewards == [None, None, -1.0]  # no code block is the submission's fault: no_submission_reward


def test_no_judge_worker_answering_gives_none():
    remote = RemoteJudge(["http://127.0.0.1:9"], attempts=2, backoff=0.01, timeout=2)
    try:
        assert CFCode(remote)([answer(CORRECT)], **reward_kwargs([aplusb_row()])) == [None]
    finally:
        remote.close()


class Answers:
    def __init__(self, answers):
        self.answers = answers
        self.calls = 0

    def map(self, jobs):
        self.calls += 1
        return self.answers[: len(jobs)]


def test_judge_errors_are_none_and_gate_the_other_rewards():
    judge_error = {"status": "judge_error", "message": "sandbox: cannot create cgroup"}
    passed = {"status": "ok", "verdict": "AC", "passed": 3, "total": 3, "compile": "OK"}
    judge = Answers([judge_error, passed])
    cf_code = CFCode(judge)
    metrics = {}
    kwargs = reward_kwargs([aplusb_row()] * 2) | {"log_metric": lambda name, value: metrics.setdefault(name, value)}
    completions = [answer(CORRECT), answer(CORRECT)]
    assert cf_code(completions, **kwargs) == [None, 1.1]  # weighted_sum: all passed + 0.1 x share
    assert Gated(CodeBlock(), cf_code)(completions, **kwargs) == [None, 1.0]
    assert judge.calls == 1  # the batch is judged once for both rewards
    assert metrics == {"cf_code/judge_errors": 1.0, "cf_code/examples_only": 0.0, "cf_code/incomplete_suites": 0.0}


def test_bad_jobs_are_errors_not_scores(pool):
    with pytest.raises(ValueError, match=r"needs the dataset columns \['official_tests'\]"):
        CFCode(pool)([answer(CORRECT)])
    with pytest.raises(BadJob, match="lacks"):
        pool.map([{"kind": "cf", "code": "int main(){}"}])


@pytest.fixture(scope="module")
def ioi_hub(tmp_path_factory):
    out = tmp_path_factory.mktemp("ioi-hub")
    package = load_package(FINDPAIR, 2024, "day1")
    write_ioi(out, [package], "olympicforge", BuildSummary())
    write_test_cases(out, [package], "olympicforge", BuildSummary())
    return out


def test_ioi_code_scores_the_target_subtask_from_the_judge(ioi_hub, pool):
    rows = sorted(load_dataset(str(ioi_hub / "ioi"), split="test"), key=lambda r: r["subtask"])
    assert [r["subtask"] for r in rows] == ["00-samples", "01-small", "02-full"]
    reward = IOICode(pool, tests=str(ioi_hub / "ioi-test-cases"))
    solutions = FINDPAIR / "solutions"
    for path, expected in (("model_solution/hashing.cpp", [1.0, 1.0, 1.0]),
                           ("correct/quadratic.cpp", [1.0, 1.0, 0.0]),  # too slow for the full subtask
                           ("incorrect/adjacent.cpp", [1.0, 0.0, 0.0])):  # fmt: skip
        code = (solutions / path).read_text()
        assert reward([answer(code)] * 3, **reward_kwargs(rows)) == expected, path
    assert reward([answer(UNCOMPILABLE)] * 3, **reward_kwargs(rows)) == [0.0, 0.0, 0.0]
    missing = IOICode(pool, tests=str(ioi_hub / "no-such-tests"))
    code = (solutions / "model_solution" / "hashing.cpp").read_text()
    assert missing([answer(code)], **reward_kwargs(rows[:1])) == [None]  # the tests cannot be read: unknown


def test_our_format_rewards():
    good = answer(CORRECT)
    assert CodeBlock()([good, "```python\nprint(1)\n```", "no code"]) == [1.0, 0.0, 0.0]
    assert CodeBlock()(["```python\nprint(1)\n```"], language=["python"]) == [1.0]
    texts = [
        good,
        "<think>\n" + good,
        "no reasoning end",
        "</think>only answer",
        "a</think>b</think>c",
        "why</think>  ",
    ]
    assert think_format(texts) == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    assert think_format([chat(good)]) == [1.0]


def test_build_rewards_in_order_with_the_overlong_penalty():
    args = RewardArguments(reward_funcs=["think_format", "cf_code", "soft_overlong_punishment"], judge_workers=1,
                           max_completion_len=None, soft_punish_cache=10)  # fmt: skip
    think, cf_code, overlong = build_rewards(args, "olympicforge", max_completion_length=100)
    try:
        assert [f.__name__ for f in (think, cf_code, overlong)] == [
            "think_format",
            "cf_code",
            "soft_overlong_punishment",
        ]
        assert isinstance(think, Gated) and isinstance(cf_code, CFCode)
        assert overlong.reward(completion_ids=[[0] * 50, [0] * 95, [0] * 120]) == [0.0, pytest.approx(-0.5), -1.0]
    finally:
        cf_code.judge.close()
    with pytest.raises(ValueError, match=r"unknown \['accuracy'\]"):
        build_rewards(RewardArguments(reward_funcs=["accuracy"]), "olympicforge", 100)
    with pytest.raises(ValueError, match="soft_punish_cache 512 must be between 0 and max_completion_len 100"):
        build_rewards(RewardArguments(reward_funcs=["soft_overlong_punishment"], max_completion_len=None,
                                      soft_punish_cache=512), "olympicforge", 100)  # fmt: skip
    with pytest.raises(ValueError, match="code_extraction 'last'"):
        build_rewards(RewardArguments(reward_funcs=["code_block"], code_extraction="last"), "olympicforge", 100)
