"""Task packages -> Task: CMS exports (folder and zip), task.yaml (real shapes), rows."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from judge.loaders import PackageError, load_task
from judge.loaders.common import parse_bytes, parse_seconds, year_and_day
from judge.loaders.rows import case_rows, task_from_rows, task_rows
from judge.task import ScoreType, TaskType

from ioi_helpers import CMS_EXAMPLES, MAXSUB, RELAY, YAML_EXAMPLES, make_cms_package

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "ioi-metadata"


@pytest.fixture
def message_package(tmp_path):
    """The real IOI 2024 `message` metadata with stand-in tests and graders."""
    root = tmp_path / "2024" / "day1" / "message"
    shutil.copytree(FIXTURES / "cms-export-message" / "subtasks", root / "subtasks")
    shutil.copy(FIXTURES / "cms-export-message" / "problem.json", root / "problem.json")
    (root / "tests").mkdir()
    for line in (FIXTURES / "cms-export-message" / "tests-listing.txt").read_text().split():
        (root / "tests" / line).write_text(f"{line}\n")
    (root / "graders").mkdir()
    for name in ("manager.cpp", "stub.cpp", "message.h"):
        (root / "graders" / name).write_text(f"// {name}\n")
    (root / "graders" / "compiled-manager").write_bytes(b"\x7fELF")  # binaries are not graders
    return root


def test_cms_export_of_a_real_communication_task(message_package):
    task = load_task(message_package)
    assert (task.code, task.name, task.task_type) == ("message", "Message", TaskType.COMMUNICATION)
    assert task.num_processes == 2 and task.user_io == "std_io"
    assert task.memory_limit == 2147483648 and task.time_limit == 3.0 and task.score_precision == 2
    assert (task.year, task.day) == (2024, "1")
    assert [s.name for s in task.subtasks] == ["00-samples", "01-len64", "02-full"]
    assert [s.points for s in task.subtasks] == [0, 10, 90]
    assert "0-01" in task.subtasks[0].tests and "0-01" in task.subtasks[2].tests  # shared test
    assert len(task.tests) == 28 and task.max_score == 100
    assert set(task.graders) == {"manager.cpp", "stub.cpp", "message.h"}
    assert set(task.submission_companions()) == {"stub.cpp", "message.h"}


def test_cms_export_as_a_zip(message_package, tmp_path):
    archive = tmp_path / "message-CMS.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in message_package.rglob("*"):
            zf.write(file, Path("message") / file.relative_to(message_package))
    task = load_task(archive)
    assert task.code == "message" and len(task.tests) == 28
    assert task.tests["2-20"].input.read_text() == "2-20.in\n"


@pytest.fixture
def mirror(tmp_path):
    """The real task.yaml files laid out as in the mirror, with stand-in files their globs find."""
    root = tmp_path / "mirror"
    root.mkdir()
    shutil.copy(FIXTURES / "task-yaml" / "base-batch.yaml", root / "base-batch.yaml")
    for source in (FIXTURES / "task-yaml").glob("ioi*.task.yaml"):
        package = root / source.name.removesuffix(".task.yaml")
        package.mkdir()
        shutil.copy(source, package / "task.yaml")
        text = source.read_text()
        for folder in ("grader", "checker", "solution", "tc"):
            (package / folder).mkdir()
        for name in ("grader.cpp", "manager.cpp", "stub.cpp", "biscuits.h", "stations.h", "registers.h"):
            (package / "grader" / name).write_text(f"// {name}\n")
        (package / "checker" / "checker.cpp").write_text("// checker\n")
        (package / "checker" / "testlib.h").write_text("// testlib\n")
        for group in range(7):
            for case in (1, 2):
                for kind in ("in", "out"):
                    (package / "tc" / f"{group}-0{case}.{kind}.gz").write_bytes(
                        gzip.compress(f"{group}.{case}\n".encode())
                    )
        for case in range(1, 11):
            for kind in ("in", "out"):
                (package / "tc" / f"{case:02d}.{kind}.gz").write_bytes(gzip.compress(f"{case}\n".encode()))
        assert "subtasks" in text
    return root


def test_task_yaml_batch_with_checker_and_grader(mirror):
    task = load_task(mirror / "ioi2020-biscuits")
    assert (task.code, task.name, task.year) == ("biscuits", "Packing Biscuits", 2020)
    assert task.task_type == TaskType.BATCH and task.score_type == ScoreType.GROUP_MIN
    assert task.time_limit == 1.0 and task.memory_limit == 2048 << 20
    assert task.score_precision == 0  # from the base file
    assert task.compile_flags == ("-O2", "-std=c++17", "-static", "-s", "-Wno-unused-result")
    assert set(task.graders) == {"grader.cpp", "biscuits.h"}  # grader.java is not for C++
    assert set(task.checker) == {"checker.cpp", "testlib.h"}
    assert [s.points for s in task.subtasks] == [0, 9, 12, 21, 35, 23]
    assert task.subtasks[1].tests == ["1-01", "1-02"]
    assert task.tests["1-01"].input.read_text() == "1.1\n"  # gunzipped
    assert len(task.solutions) == 14  # the .java lines are commented out
    assert {s.label: s.expected_score for s in task.solutions}["solution/biscuits-yanhao-scam2.cpp"] == 33


def test_task_yaml_communication_and_merged_score_options(mirror):
    task = load_task(mirror / "ioi2020-stations")
    assert task.task_type == TaskType.COMMUNICATION
    assert (task.num_processes, task.user_io) == (2, "fifo_io")
    assert task.graders["manager.cpp"] == b"// manager.cpp\n"
    assert task.score_precision == 2 and task.score_type == ScoreType.GROUP_MIN  # merged with the base
    assert {s.label: s.expected_score for s in task.solutions}["solution/william-n2.cpp"] == 52.32


def test_task_yaml_output_only(mirror):
    task = load_task(mirror / "ioi2019-line")
    assert task.task_type == TaskType.OUTPUT_ONLY and task.score_type == ScoreType.SUM
    assert task.time_limit == 10.0 and len(task.subtasks[0].tests) == 10
    assert task.max_score == 100  # SUM: `points: 10` is what each of the 10 tests is worth


def test_task_yaml_subtask_sharing_tests(mirror):
    task = load_task(mirror / "ioi2021-registers")
    assert task.subtasks[-1].tests == ["5-01", "5-02", "6-01", "6-02"]
    assert task.subtasks[-2].tests == ["5-01", "5-02"]


def test_duplicated_mapping_key_takes_both_globs():
    task = load_task(MAXSUB)
    assert task.subtasks[2].tests == ["1-01", "1-02", "2-01", "2-02"]
    assert task.subtasks[1].tests == ["1-01", "1-02"]


@pytest.mark.parametrize("package", CMS_EXAMPLES + YAML_EXAMPLES, ids=lambda p: p.name)
def test_rows_round_trip_every_example(package):
    task = load_task(package)
    rebuilt = task_from_rows(task_rows(task), case_rows(task))
    assert rebuilt.signature() == task.signature()
    rows = task_rows(task)
    assert [r["subtask"] for r in rows] == [s.name for s in task.subtasks]
    assert {"grader_config.json"} <= {name for name, _ in rows[0]["grader_files"]}


def test_limits_parsing():
    assert parse_seconds("1.5s", "x") == 1.5 and parse_seconds("500ms", "x") == 0.5 and parse_seconds(2, "x") == 2
    assert parse_bytes("256MiB", "x") == 256 << 20 and parse_bytes("2GiB", "x") == 2 << 30
    assert parse_bytes(1024, "x") == 1024
    with pytest.raises(PackageError, match="cannot read the memory limit"):
        parse_bytes("lots", "task.yaml")


def test_year_and_day_from_paths(tmp_path):
    assert year_and_day(Path("/x/2024/day2/nile")) == (2024, "2")
    assert year_and_day(Path("/x/ioi2020-biscuits")) == (2020, None)
    assert year_and_day(tmp_path / "plain") == (None, None)


@pytest.mark.parametrize(
    "breakage,message",
    [
        (lambda root: (root / "tests" / "1.out").unlink(), "1.in: no matching 1.out"),
        (
            lambda root: (root / "problem.json").write_text('{"code": "x", "name": "X", "time_limit": 1}'),
            "missing key 'memory_limit'",
        ),
        (lambda root: (root / "problem.json").write_text("{not json"), "problem.json: not valid JSON"),
        (lambda root: shutil.rmtree(root / "tests"), "no tests/ folder"),
    ],
    ids=["missing-answer", "missing-limit", "bad-json", "no-tests"],  # absent tests: test_package_defects.py
)
def test_broken_cms_packages_name_the_problem(tmp_path, breakage, message):
    root = make_cms_package(tmp_path / "pkg")
    breakage(root)
    with pytest.raises(PackageError, match=message):
        load_task(root)


def test_broken_task_yaml_names_the_file(tmp_path):
    package = tmp_path / "ioi2021-broken"
    package.mkdir()
    (package / "task.yaml").write_text("name: X\nsubtasks: [\n")
    with pytest.raises(PackageError, match="task.yaml: unreadable YAML"):
        load_task(package)
    (package / "task.yaml").write_text("name: X\ntime_limit: 1s\nmemory_limit: 1MiB\nsubtasks:\n- points: 1\n"
                                       "  testcases:\n  - input: tc/*.in.gz\n    output: tc/*.out.gz\n")  # fmt: skip
    with pytest.raises(PackageError, match="no test inputs match"):
        load_task(package)
    (package / "task.yaml").write_text("extends: ../missing-base.yaml\nname: X\n")
    with pytest.raises(PackageError, match="missing-base.yaml: missing"):
        load_task(package)


def test_not_a_package(tmp_path):
    with pytest.raises(PackageError, match="not a task package"):
        load_task(tmp_path)
    with pytest.raises(PackageError, match="does not exist"):
        load_task(tmp_path / "nowhere")


def test_grader_config_carries_type_parameters():
    task = load_task(RELAY)
    config = json.loads(dict(task_rows(task)[0]["grader_files"])["grader_config.json"])
    assert config["num_processes"] == 2 and config["user_io"] == "fifo_io" and config["task_type"] == "Communication"
