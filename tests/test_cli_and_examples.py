"""`olympicforge judge run` and the bundled examples, end to end."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from olympicforge.cli import main
from olympicforge.demo import example_tasks

from conftest import REPO

EXAMPLES = REPO / "examples" / "judge"
APLUSB = EXAMPLES / "aplusb"


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_has_the_documented_shape(capsys):
    code, out, _ = run_cli(capsys, "judge", "run", "--source", str(APLUSB / "solutions" / "overflow.cpp"),
                           "--tests", str(APLUSB / "tests"), "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["backend"] and data["compile"]["status"] == "OK"
    assert [t["name"] for t in data["tests"]] == ["01", "02", "03", "04", "05", "06"]
    assert {"name", "verdict", "outcome", "time", "wall_time", "memory", "message"} <= set(data["tests"][0])
    assert [t["verdict"] for t in data["tests"]] == ["AC", "AC", "AC", "WA", "WA", "WA"]
    assert data["verdict"] == "WA"


def test_human_output_has_a_row_per_test_and_a_summary(capsys):
    code, out, _ = run_cli(capsys, "judge", "run", "--source", str(APLUSB / "solutions" / "crash.cpp"),
                           "--tests", str(APLUSB / "tests"))  # fmt: skip
    assert code == 0
    for name in ("01", "02", "06"):
        assert name in out
    assert "SIGABRT" in out
    assert "verdict: RE" in out and "passed 4/6" in out


def test_limits_from_the_command_line(capsys):
    code, out, _ = run_cli(capsys, "judge", "run", "--source", str(APLUSB / "solutions" / "hungry.cpp"),
                           "--tests", str(APLUSB / "tests"), "--memory-limit", "1024", "--time-limit", "3",
                           "--json")  # fmt: skip
    assert code == 0
    assert {t["verdict"] for t in json.loads(out)["tests"]} == {"AC"}


def test_compile_error_is_shown(capsys):
    code, out, _ = run_cli(capsys, "judge", "run", "--source", str(APLUSB / "solutions" / "syntax.py"),
                           "--tests", str(APLUSB / "tests"))  # fmt: skip
    assert code == 0
    assert "SyntaxError" in out and "verdict: CE" in out


def test_checker_and_protocol_flags(capsys):
    average = EXAMPLES / "average"
    code, out, _ = run_cli(capsys, "judge", "run", "--source", str(average / "solutions" / "rounded.cpp"),
                           "--tests", str(average / "tests"), "--checker", str(average / "checker" / "checker.cpp"),
                           "--checker-protocol", "cms", "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "PA"
    assert any(t["outcome"] == 0.5 for t in data["tests"])


def test_file_io_and_grader_flags(capsys):
    fileio = EXAMPLES / "fileio-sum"
    code, out, _ = run_cli(capsys, "judge", "run", "--source", str(fileio / "solutions" / "ac.py"),
                           "--tests", str(fileio / "tests"), "--file-io", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["verdict"] == "AC"
    grader = EXAMPLES / "grader-sum"
    code, out, _ = run_cli(capsys, "judge", "run", "--source", str(grader / "solutions" / "ac.cpp"),
                           "--tests", str(grader / "tests"), "--grader", str(grader / "grader" / "grader.cpp"),
                           "--grader", str(grader / "grader" / "sum.h"), "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["verdict"] == "AC"


def test_judge_error_exit_code(capsys, tmp_path):
    checker = tmp_path / "checker.cpp"
    checker.write_text("int main(){ return 1; }")  # CMS protocol: non-zero exit = checker failure
    code, out, _ = run_cli(capsys, "judge", "run", "--source", str(APLUSB / "solutions" / "ac.cpp"),
                           "--tests", str(APLUSB / "tests"), "--checker", str(checker), "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 3
    assert {t["verdict"] for t in data["tests"]} == {"JE"} and data["verdict"] == "JE"


@pytest.mark.parametrize(
    "args,message",
    [
        (["--source", "nowhere.cpp", "--tests", str(APLUSB / "tests")], "source nowhere.cpp does not exist"),
        (["--source", str(APLUSB / "solutions" / "ac.cpp"), "--tests", "/no/such/dir"], "does not exist"),
        (["--source", str(APLUSB / "judge.json"), "--tests", str(APLUSB / "tests")], "cannot tell the language"),
    ],
)
def test_bad_input_is_a_clear_error(capsys, args, message):
    code, _, err = run_cli(capsys, "judge", "run", *args)
    assert code == 2
    assert message in err


def test_missing_answer_file_is_named(capsys, tmp_path):
    (tmp_path / "5.in").write_text("1 2\n")
    code, _, err = run_cli(capsys, "judge", "run", "--source", str(APLUSB / "solutions" / "ac.cpp"),
                           "--tests", str(tmp_path))  # fmt: skip
    assert code == 2 and "5.in: no answer file" in err


def test_console_script_is_installed():
    proc = subprocess.run([str(REPO / ".venv" / "bin" / "olympicforge"), "judge", "run", "--help"],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 0 and "--checker-protocol" in proc.stdout


@pytest.mark.parametrize("task", example_tasks(), ids=lambda t: t.name)
def test_every_example_solution_gets_its_declared_verdict(task, compiler):
    checker = task.checker(compiler)
    for solution, expected in task.spec["expected"].items():
        assert str(task.judge(solution, compiler, checker).verdict) == expected, f"{task.name}/{solution}"


def test_demo_runs(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "0 verdict mismatch(es)" in out and "aplusb" in out
    assert "codeforces/verifiable: 6 rows" in out  # 3 with imported suites, 3 with synthesized ones
    for problem, rejected in (("130/A", 3), ("130/B", 4), ("130/C", 3)):  # TPR 1, examples alone catch none
        assert re.search(rf"{problem}\W+\d+\W+3\W+{rejected}\W+1\.00\W+0\.00\W+1\.00\W+yes", out), problem
    assert "1 trace(s) pass every example but fail the full test suite" in out


CLI_ENV_LOGS = ("-vv",)  # debug logging on: every log line must still go to stderr


@pytest.mark.parametrize(
    "args",
    [
        ["judge", "run", "--source", str(APLUSB / "solutions" / "overflow.cpp"), "--tests", str(APLUSB / "tests"),
         "--backend", "rlimit", "--json"],  # the rlimit backend logs its lower fidelity as a warning
        ["judge", "task", str(REPO / "examples" / "ioi" / "2024" / "day2" / "relay"),
         str(REPO / "examples" / "ioi" / "2024" / "day2" / "relay" / "solutions" / "model_solution" / "binary.cpp"),
         "--json"],
    ],
    ids=["judge-run", "judge-task"],
)  # fmt: skip
def test_json_mode_prints_only_json_on_stdout(args):
    cli = REPO / ".venv" / "bin" / "olympicforge"
    done = subprocess.run([str(cli), *CLI_ENV_LOGS, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    json.loads(done.stdout)  # the whole of stdout, nothing before or after
    assert done.stderr.strip(), "the logs went somewhere: stderr"


def test_a_refused_compiler_flag_is_one_line_naming_the_flag(capsys):
    code, _, err = run_cli(capsys, "judge", "run", "--source", str(APLUSB / "solutions" / "overflow.cpp"),
                           "--tests", str(APLUSB / "tests"), "--flags", "-O2 -wrapper /bin/sh,-c,id")  # fmt: skip
    assert code == 2
    assert err.count("\n") == 1 and "--flags" in err and "'-wrapper'" in err
