"""Communication tasks: misbehaving users and managers never hang the judge."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from judge.compile import SourceFile
from judge.loaders import load_task
from judge.taskrun import Submission, TaskJudge
from judge.verdicts import Verdict

from conftest import sandbox_processes
from ioi_helpers import GUESS, RELAY


@pytest.fixture
def guess_judge(compiler):
    return TaskJudge(load_task(GUESS), compiler, workers=2)


def judge_code(judge: TaskJudge, code: str, full: bool = False):
    return judge.judge(Submission(source=SourceFile("guess.cpp", code.encode())), full=full)


def statuses(result) -> list[str]:
    return [s.status for s in result.subtasks]


def no_leftovers():
    deadline = time.monotonic() + 2
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox_processes() == []
    assert list(Path(tempfile.gettempdir()).glob("olympicforge-comm-*")) == []


def test_garbage_in_the_pipe_is_a_protocol_violation(guess_judge):
    code = '#include <cstdio>\n#include "guess.h"\nint guess(int n){ std::printf("hello manager\\n"); std::fflush(stdout); return 1; }'
    started = time.monotonic()
    result = judge_code(guess_judge, code)
    assert statuses(result) == ["PV", "PV", "PV"]
    assert result.score == 0
    assert time.monotonic() - started < 10
    no_leftovers()


def test_user_that_exits_early(guess_judge):
    code = '#include <cstdlib>\n#include "guess.h"\nint guess(int n){ std::exit(0); }'
    result = judge_code(guess_judge, code)
    test = result.subtasks[0].tests[0]
    assert test.verdict in (Verdict.PV, Verdict.WA)
    assert "stopped" in test.message
    no_leftovers()


def test_user_that_never_talks_is_wall_tle(guess_judge):
    code = '#include <unistd.h>\n#include "guess.h"\nint guess(int n){ pause(); return 1; }'
    result = judge_code(guess_judge, code)
    assert result.subtasks[0].tests[0].verdict == Verdict.WTLE
    no_leftovers()


def test_manager_that_never_answers_is_a_judge_error(compiler, tmp_path):
    package = tmp_path / "guess"
    shutil.copytree(GUESS, package)
    manager = (package / "graders" / "manager.cpp").read_text()
    # answer nothing after the first question: sleep instead
    manager = manager.replace(
        'std::fprintf(to_user, "%d\\n", secret < x', 'sleep(1000); std::fprintf(to_user, "%d\\n", secret < x'
    )
    (package / "graders" / "manager.cpp").write_text("#include <unistd.h>\n" + manager)
    task = load_task(package)
    task.time_limit = 0.5
    task.subtasks = task.subtasks[:1]  # the sample test is enough
    judge = TaskJudge(task, compiler, workers=1)
    started = time.monotonic()
    result = judge.judge(Submission(source=SourceFile.read(GUESS / "solutions" / "model_solution" / "binary.cpp")))
    test = result.subtasks[0].tests[0]
    assert test.verdict == Verdict.JE and "manager failed" in test.message
    assert result.score is None and result.judge_error  # never scored as the submission's 0
    assert time.monotonic() - started < 60
    no_leftovers()


def test_sum_of_user_cpu_times_counts(compiler):
    judge = TaskJudge(load_task(RELAY), compiler, workers=1)
    result = judge.judge(Submission(source=SourceFile.read(RELAY / "solutions" / "time_limit" / "shared_cpu.cpp")))
    test = result.subtasks[0].tests[0]
    assert test.verdict == Verdict.TLE and "in total" in test.message
    assert test.time > 1.0
    no_leftovers()


def test_two_processes_get_their_index_and_full_marks(compiler):
    judge = TaskJudge(load_task(RELAY), compiler)
    result = judge.judge(Submission(source=SourceFile.read(RELAY / "solutions" / "model_solution" / "binary.cpp")))
    assert result.score == 100
    no_leftovers()
