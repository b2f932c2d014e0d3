"""Hostile names from packages, dataset rows, judge jobs and submissions: each is refused
with a one-line error naming the bad value, and nothing is written outside its folder."""

from __future__ import annotations

import copy
import json
import os
import shutil
import stat
import tempfile
import warnings
import zipfile
from pathlib import Path

import httpx
import pytest

from builders.ioi.packages import load_package
from judge import names
from judge.jobs import BadJob, run_job
from judge.loaders import PackageError, load_task
from judge.loaders.common import make_workspace
from judge.loaders.rows import case_rows, task_from_rows, task_rows
from judge.names import UnsafeName, ZipLimits, check_name, join_name, name_problem, safe_extract
from judge.task import Task
from judge.taskrun import Submission, output_test_name

from ioi_helpers import EXAMPLES, FINDPAIR, MAXSUB, make_cms_package

HOSTILE = {
    "parent": "../../../pwned",
    "absolute": "/tmp/pwned-absolute",
    "nul": "pwned\x00.in",
    "dotdot": "..",
    "dot": ".",
    "backslash": "..\\..\\pwned",
    "newline": "pwned\nline",
    "escape": "pwned\x1b[2J",
    "empty": "",
    "long": "p" * 300,
}
REAL_NAMES = ["1-01", "01", "sample-1", "0-01", "subtask1_03", "with space", "тест-1", "a.b"]


@pytest.fixture
def jail(tmp_path, monkeypatch):
    """Temp folders go under tmp_path/tmp; afterwards no `pwned*` file exists anywhere the
    attacks aimed (tmp_path, /tmp, /) and no judge workspace was left behind."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield temp
    leaked = [str(p) for p in tmp_path.rglob("pwned*")]
    leaked += [str(p) for root in (Path("/tmp"), Path("/")) for p in root.glob("pwned*")]
    assert leaked == [], f"files written outside their folder: {leaked}"
    assert sorted(p.name for p in temp.iterdir()) == [], "a judge workspace was left behind"


def findpair_rows() -> tuple[list[dict], list[dict]]:
    task = load_task(FINDPAIR)
    return task_rows(task), list(case_rows(task))


def assert_names(exc: pytest.ExceptionInfo, value: str) -> None:
    """The error is one line and shows the bad value (as its truncated repr)."""
    message = str(exc.value)
    assert "\n" not in message
    assert names.show(value) in message or names.show(value)[:40] in message, message


# -- the rule itself ---------------------------------------------------------------


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_names_have_a_problem(value):
    assert name_problem(value) is not None
    with pytest.raises(UnsafeName) as exc:
        check_name(value, "somewhere", "test name")
    assert_names(exc, value)
    assert str(exc.value).startswith("somewhere: test name ")


@pytest.mark.parametrize("value", REAL_NAMES)
def test_real_names_pass(value):
    assert name_problem(value) is None


def test_non_strings_are_refused():
    for value in (None, 3, ["a"], b"a"):
        assert name_problem(value) is not None


def test_join_name_refuses_a_symlink_out_of_its_folder(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "link.in").symlink_to(tmp_path)
    with pytest.raises(UnsafeName, match="resolves outside"):
        join_name(folder, "link", "here", "test name", ".in")


# -- dataset rows and judge jobs -------------------------------------------------------


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_rows_with_a_hostile_test_name_in_test_names(jail, value):
    rows, tests = findpair_rows()
    rows[1]["test_names"] = [*rows[1]["test_names"], value]
    tests.append({**tests[0], "test_name": value})
    with pytest.raises(UnsafeName) as exc:
        task_from_rows(rows, tests)
    assert_names(exc, value)
    assert "test_names entry" in str(exc.value)


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_rows_with_a_hostile_test_row_name(jail, value):
    """The test rows (ioi-test-cases) are written to disk by their own name."""
    rows, tests = findpair_rows()
    tests.append({**tests[0], "test_name": value})
    with pytest.raises(UnsafeName) as exc:
        task_from_rows(rows, tests)
    assert_names(exc, value)
    assert "ioi-test-cases row" in str(exc.value)


@pytest.mark.parametrize("prefix", ["graders/", "checker/"])
@pytest.mark.parametrize("value", ["../../../pwned.cpp", "/tmp/pwned.h", "sub/pwned.h", "pwned\x00.h", ""])
def test_rows_with_a_hostile_grader_file_name(jail, prefix, value):
    rows, tests = findpair_rows()
    for row in rows:
        row["grader_files"] = [*row["grader_files"], [prefix + value, "// planted\n"]]
    with pytest.raises(UnsafeName) as exc:
        task_from_rows(rows, tests)
    assert_names(exc, value)
    assert "grader_files entry" in str(exc.value)


@pytest.mark.parametrize("value", ["../../x", "/abs", "a/b", "x\x00", ".."])
def test_rows_with_a_hostile_id(jail, value):
    rows, tests = findpair_rows()
    for row in rows:
        row["id"] = value
    for test in tests:
        test["problem_id"] = value
    with pytest.raises(UnsafeName) as exc:
        task_from_rows(rows, tests)
    assert_names(exc, value)
    assert ": id " in str(exc.value)


def test_rows_with_a_hostile_subtask_name(jail):
    rows, tests = findpair_rows()
    rows[0]["subtask"] = "../00-samples"
    with pytest.raises(UnsafeName, match=r"subtask '\.\./00-samples' contains a path separator"):
        task_from_rows(rows, tests)


def test_a_workspace_prefix_cannot_leave_the_temp_folder(jail):
    with pytest.raises(UnsafeName, match=r"task code '\.\./\.\./x'"):
        make_workspace("../../x")
    assert list(jail.parent.glob("x*")) == [] and list(jail.iterdir()) == []


def test_real_names_round_trip_through_rows(jail, tmp_path):
    tests = {name: (f"{i}\n", f"{i}\n") for i, name in enumerate(REAL_NAMES)}
    root = make_cms_package(tmp_path / "pkg", code="nile", tests=tests)
    task = load_task(root)
    assert sorted(task.tests) == sorted(REAL_NAMES)
    rebuilt = task_from_rows(task_rows(task), case_rows(task))
    assert rebuilt.signature() == task.signature()
    assert (Path(rebuilt.workspace.name) / "tests" / "with space.in").read_text() == "5\n"
    rebuilt.workspace.cleanup()


def ioi_job(row: dict, tests: list[dict]) -> dict:
    return {"kind": "ioi", "code": "int main() {}", "language": "cpp", "row": row, "tests": tests}


HOSTILE_ROWS = {
    "test-name": lambda row: row.update(test_names=[*row["test_names"], "../../../pwned"]),
    "absolute-test-name": lambda row: row.update(test_names=["/tmp/pwned-abs"]),
    "nul-test-name": lambda row: row.update(test_names=["pwned\x00"]),
    "grader-file": lambda row: row.update(grader_files=[*row["grader_files"], ["graders/../../../pwned", "x"]]),
    "checker-file": lambda row: row.update(grader_files=[*row["grader_files"], ["checker//tmp/pwned", "x"]]),
    "id": lambda row: row.update(id="../../pwned"),
    "subtask": lambda row: row.update(subtask="../pwned"),
    "test-names-not-a-list": lambda row: row.update(test_names="../../../pwned"),
}


@pytest.mark.parametrize("breakage", list(HOSTILE_ROWS.values()), ids=list(HOSTILE_ROWS))
def test_run_job_refuses_a_hostile_row_as_a_bad_job(jail, breakage):
    """A bad name is the caller's fault: BadJob (400 from `judge serve`), never a judge
    error, and nothing is written (the check runs before any compiler or workspace)."""
    rows, tests = findpair_rows()
    row = copy.deepcopy(rows[1])
    breakage(row)
    for test in tests:
        test["problem_id"] = row["id"]
    tests.append({**tests[0], "test_name": "../../../pwned"})
    with pytest.raises(BadJob, match="pwned"):
        run_job(ioi_job(row, tests))


def test_judge_serve_answers_400_to_a_hostile_row(jail):
    from judge.server import JudgeServer

    rows, tests = findpair_rows()
    row = {**rows[1], "test_names": [*rows[1]["test_names"], "../../../pwned"]}
    server = JudgeServer().start()
    try:
        answer = httpx.post(f"{server.url}/judge", json=ioi_job(row, tests), timeout=60)
    finally:
        server.close()
    assert answer.status_code == 400
    assert "'../../../pwned' contains a path separator" in answer.json()["error"]


def test_a_task_built_in_code_with_a_hostile_test_name_is_refused_by_check(tmp_path):
    task = load_task(FINDPAIR)
    hostile = Task(**{**task.__dict__, "tests": {**task.tests, "../x": task.tests["0-01"]}})
    with pytest.raises(UnsafeName, match=r"test name '\.\./x'"):
        hostile.check()


# -- zip archives: CMS exports and output-only submissions --------------------------


def zip_with(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on the duplicate-name attack
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in entries:
                archive.writestr(info, data)
    return path


def special(name: str, kind: int, data: bytes = b"") -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the mode lives in the high 16 bits
    info.external_attr = (kind | 0o644) << 16
    return info, data


def cms_zip(tmp_path: Path, extra: list) -> Path:
    """A valid CMS export zip plus the hostile `extra` entries."""
    root = make_cms_package(tmp_path / "src" / "task")
    entries = [(f"task/{p.relative_to(root)}", p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()]
    return zip_with(tmp_path / "task-CMS.zip", [*entries, *extra])


def outputs_zip(tmp_path: Path, extra: list) -> Path:
    return zip_with(tmp_path / "outputs.zip", [("output_1.txt", b"1\n"), *extra])


ENTRY_POINTS = {"cms-export": (cms_zip, load_task), "output-only-submission": (outputs_zip, Submission.from_path)}
HOSTILE_ENTRIES = {
    "parent": ([("../../../../pwned", b"x")], r"'\.\./\.\./\.\./\.\./pwned'.*'\.\.' is a relative folder"),
    "absolute": ([("/tmp/pwned-abs", b"x")], r"'/tmp/pwned-abs' is an absolute path"),
    "nested-parent": ([("task/tests/../../../../pwned.in", b"x")], r"'task/tests/\.\./\.\./\.\./\.\./pwned\.in'"),
    "backslash": ([("..\\..\\pwned", b"x")], r"contains a path separator"),
    "control": ([("pwned\x01.in", b"x")], r"'pwned\\x01\.in'.*control"),
    "symlink": ([special("pwned-link", stat.S_IFLNK, b"/etc/passwd")], r"'pwned-link' is a symbolic link"),
    "fifo": ([special("pwned-fifo", stat.S_IFIFO)], r"'pwned-fifo' is a special file"),
    "device": ([special("pwned-dev", stat.S_IFCHR)], r"'pwned-dev' is a special file"),
    "duplicate": ([("pwned-twice", b"a"), ("pwned-twice", b"b")], r"'pwned-twice' appears more than once"),
    "file-then-folder": ([("pwned-f", b"a"), ("pwned-f/x", b"b")], r"'pwned-f/x' lies inside the file entry"),
}


@pytest.mark.parametrize("entry_point", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))
@pytest.mark.parametrize("case", list(HOSTILE_ENTRIES.values()), ids=list(HOSTILE_ENTRIES))
def test_hostile_zip_entries_are_refused_before_anything_is_written(jail, tmp_path, entry_point, case):
    make_zip, load = entry_point
    extra, message = case
    archive = make_zip(tmp_path, extra)
    with pytest.raises(UnsafeName, match=message) as exc:
        load(archive)
    assert "\n" not in str(exc.value) and str(archive) in str(exc.value)


@pytest.mark.parametrize("entry_point", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))
def test_zip_bomb_over_the_byte_bound(jail, tmp_path, monkeypatch, entry_point):
    make_zip, load = entry_point
    monkeypatch.setattr(names, "DEFAULT_ZIP_LIMITS", ZipLimits(max_bytes=64 << 10, max_entries=1000))
    archive = make_zip(tmp_path, [("pwned-bomb", bytes(1 << 20))])  # 1 MiB of zeros, ~1 KiB compressed
    assert archive.stat().st_size < 16 << 10
    with pytest.raises(PackageError, match=r"unpacks to more than the bound of 65536 bytes"):
        load(archive)


@pytest.mark.parametrize("entry_point", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))
def test_zip_bomb_over_the_entry_bound(jail, tmp_path, monkeypatch, entry_point):
    make_zip, load = entry_point
    monkeypatch.setenv("OLYMPICFORGE_ZIP_MAX_ENTRIES", "20")
    archive = make_zip(tmp_path, [(f"pwned-{i}", b"") for i in range(50)])
    with pytest.raises(PackageError, match=r"zip entries, more than the bound of 20"):
        load(archive)


def test_the_bytes_really_written_are_bounded_too(jail, tmp_path, monkeypatch):
    """Declared sizes can lie: with the up-front check out of the way (as if the headers
    understated), the bytes actually written still trip the bound."""
    archive = zip_with(tmp_path / "a.zip", [("one", bytes(40 << 10)), ("two", bytes(40 << 10))])
    real_plan = names._plan
    monkeypatch.setattr(names, "_plan", lambda zf, where, limits: real_plan(zf, where, ZipLimits()))
    with pytest.raises(PackageError, match=r"unpacks to more than the bound of 65536 bytes"):
        safe_extract(archive, tmp_path / "out", limits=ZipLimits(max_bytes=64 << 10))


def test_a_legitimate_zip_with_folders_and_real_names_unpacks(jail, tmp_path):
    archive = zip_with(tmp_path / "ok.zip", [("a/", b""), ("a/b/1-01.in", b"1"), ("with space.txt", b"2")])
    safe_extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "a" / "b" / "1-01.in").read_bytes() == b"1"
    assert (tmp_path / "out" / "with space.txt").read_bytes() == b"2"


def test_cms_export_zip_still_loads(jail, tmp_path):
    task = load_task(cms_zip(tmp_path, []))
    assert task.code == "task" and set(task.tests) == {"1"}
    task.workspace.cleanup()


def test_an_unreadable_zip_is_a_package_error(jail, tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(PackageError, match="broken.zip"):
        safe_extract(archive, tmp_path / "out")


# -- output-only submission folders ---------------------------------------------------


def test_a_submission_folder_with_a_planted_symlink_is_refused(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("root:x:0:0\n")
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "output_2.txt").write_text("2\n")
    (folder / "output_1.txt").symlink_to(secret)
    with pytest.raises(UnsafeName, match=r"'output_1\.txt' is a symbolic link .*refused"):
        Submission.from_path(folder, ["1", "2"])


def test_a_submission_folder_with_a_symlinked_folder_is_refused(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "more").symlink_to(Path("/etc"))
    with pytest.raises(UnsafeName, match=r"'more' is a symbolic link"):
        Submission.from_path(folder)


def test_a_submission_folder_with_a_fifo_is_refused(tmp_path):
    """Reading a planted fifo would block the judge forever."""
    folder = tmp_path / "submission"
    folder.mkdir()
    os.mkfifo(folder / "output_1.txt")
    with pytest.raises(UnsafeName, match=r"'output_1\.txt' is a special file"):
        Submission.from_path(folder, ["1"])


def test_a_plain_submission_folder_still_works(tmp_path):
    folder = tmp_path / "submission"
    (folder / "nested").mkdir(parents=True)
    (folder / "output_1-01.txt").write_text("1\n")
    (folder / "nested" / "with space.out").write_text("2\n")
    submission = Submission.from_path(folder, ["1-01", "with space"])
    assert sorted(submission.outputs) == ["1-01", "with space"]


@pytest.mark.parametrize("filename", ["..txt", "output_..txt", "output_.txt", ".out", "a\x01.out"])
def test_output_file_names_that_are_no_test_name(filename):
    assert output_test_name(filename) is None


# -- CMS export folders -----------------------------------------------------------------


def test_cms_test_file_symlinked_outside_is_refused(tmp_path):
    (tmp_path / "secret").write_text("root:x:0:0\n")
    root = make_cms_package(tmp_path / "pkg", tests={"1": ("1\n", "1\n"), "2": ("2\n", "2\n")})
    (root / "tests" / "2.in").unlink()
    (root / "tests" / "2.in").symlink_to(tmp_path / "secret")
    with pytest.raises(UnsafeName, match=r"test input 'tests/2\.in' resolves outside"):
        load_task(root)


def test_cms_answer_symlinked_outside_is_refused(tmp_path):
    (tmp_path / "secret").write_text("root:x:0:0\n")
    root = make_cms_package(tmp_path / "pkg")
    (root / "tests" / "1.out").unlink()
    (root / "tests" / "1.out").symlink_to(tmp_path / "secret")
    with pytest.raises(UnsafeName, match=r"test answer 'tests/1\.out' resolves outside"):
        load_task(root)


def test_cms_grader_symlinked_outside_is_refused(tmp_path):
    (tmp_path / "secret.h").write_text("// secret\n")
    root = make_cms_package(tmp_path / "pkg", graders={"grader.cpp": "// grader\n"})
    (root / "graders" / "task.h").symlink_to(tmp_path / "secret.h")
    with pytest.raises(UnsafeName, match=r"'graders/task\.h' resolves outside"):
        load_task(root)


def test_cms_tests_folder_symlinked_outside_is_refused(tmp_path):
    elsewhere = make_cms_package(tmp_path / "elsewhere")
    root = make_cms_package(tmp_path / "pkg")
    shutil.rmtree(root / "tests")
    (root / "tests").symlink_to(elsewhere / "tests")
    with pytest.raises(UnsafeName, match="resolves outside"):
        load_task(root)


def test_cms_symlink_inside_the_package_is_fine(tmp_path):
    root = make_cms_package(tmp_path / "pkg", tests={"1": ("1\n", "1\n"), "2": ("1\n", "1\n")})
    (root / "tests" / "2.in").unlink()
    (root / "tests" / "2.in").symlink_to(root / "tests" / "1.in")
    assert load_task(root).tests["2"].input.read_text() == "1\n"


@pytest.mark.parametrize("value", ["../../pwned", "/etc/passwd", "a\x00b", ".."])
def test_cms_subtask_naming_a_hostile_test(tmp_path, value):
    root = make_cms_package(tmp_path / "pkg")
    (root / "subtasks" / "01-all.json").write_text(json.dumps({"score": 100, "testcases": ["1", value]}))
    with pytest.raises(UnsafeName) as exc:
        load_task(root)
    assert_names(exc, value)
    assert "01-all.json: test name" in str(exc.value)


@pytest.mark.parametrize("value", ["../../x", "a/b", "/abs", "x\x00"])
def test_cms_code_with_a_separator(jail, tmp_path, value):
    root = make_cms_package(tmp_path / "pkg")
    meta = json.loads((root / "problem.json").read_text())
    (root / "problem.json").write_text(json.dumps({**meta, "code": value}))
    with pytest.raises(UnsafeName) as exc:
        load_task(root)
    assert_names(exc, value)
    assert "problem.json: code" in str(exc.value)


# -- task.yaml packages ----------------------------------------------------------------


@pytest.fixture
def yaml_package(tmp_path):
    """A copy of the maxsub example (and its base file), to edit: (package, its task.yaml text)."""
    mirror = tmp_path / "2021" / "day1"
    shutil.copytree(EXAMPLES / "2021" / "day1", mirror)
    package = mirror / MAXSUB.name
    return package, (package / "task.yaml").read_text()


def edit(package: Path, text: str, old: str, new: str) -> None:
    assert old in text
    (package / "task.yaml").write_text(text.replace(old, new))


YAML_ATTACKS = {
    "input-glob-parent": ("input: tc/0-*.in.gz", "input: ../../outside/*.in", r"test glob '\.\./\.\./outside/\*\.in'"),
    "input-glob-absolute": ("input: tc/0-*.in.gz", "input: /etc/*", r"test glob '/etc/\*' is an absolute path"),
    "output-glob-parent": ("output: tc/0-*.out.gz", "output: ../*/tc/0-*.out.gz", r"test glob '\.\./\*/tc/0-\*"),
    "grader": ("- grader/grader.cpp", "- ../../outside/grader.cpp", r"grader '\.\./\.\./outside/grader\.cpp'"),
    "grader-absolute": ("- grader/grader.cpp", "- /etc/grader.cpp", r"grader '/etc/grader\.cpp' is an absolute"),
    "test-submission": ("solution/", "../../../etc/", r"test_submissions label '\.\./\.\./\.\./etc/"),
    "name": ("name: MAXSUB", "name: ../../pwned", r"name '\.\./\.\./pwned' contains a path separator"),
    "extends-outside-parent": (
        "extends: ../base-batch.yaml",
        "extends: ../../base.yaml",
        r"extends '\.\./\.\./base\.yaml' resolves outside",
    ),
    "extends-absolute": ("extends: ../base-batch.yaml", "extends: /etc/base.yaml", r"extends '/etc/base\.yaml'"),
    "extends-not-yaml": ("extends: ../base-batch.yaml", "extends: ../LICENSE", r"extends '\.\./LICENSE' is not a"),
}


@pytest.mark.parametrize("attack", list(YAML_ATTACKS.values()), ids=list(YAML_ATTACKS))
def test_task_yaml_paths_stay_inside_the_package(jail, yaml_package, tmp_path, attack):
    package, text = yaml_package
    old, new, message = attack
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "grader.cpp").write_text("// planted\n")
    (outside / "1.in").write_text("planted\n")
    (tmp_path / "2021" / "base.yaml").write_text("score_options: {decimal_places: 0}\n")
    edit(package, text, old, new)
    with pytest.raises(UnsafeName, match=message) as exc:
        load_task(package)
    assert "\n" not in str(exc.value) and "task.yaml" in str(exc.value)


def test_task_yaml_test_file_symlinked_outside_is_refused(jail, yaml_package, tmp_path):
    package, _ = yaml_package
    (tmp_path / "secret.gz").write_bytes(b"")
    (package / "tc" / "0-01.in.gz").unlink()
    (package / "tc" / "0-01.in.gz").symlink_to(tmp_path / "secret.gz")
    with pytest.raises(UnsafeName, match=r"test glob match 'tc/0-01\.in\.gz' resolves outside"):
        load_task(package)


def test_task_yaml_checker_symlinked_outside_is_refused(jail, tmp_path):
    mirror = tmp_path / "2021" / "day1"
    shutil.copytree(EXAMPLES / "2021" / "day1", mirror)
    package = mirror / "ioi2021-bits"
    (tmp_path / "evil.cpp").write_text("// planted\n")
    (package / "checker" / "checker.cpp").unlink()
    (package / "checker" / "checker.cpp").symlink_to(tmp_path / "evil.cpp")
    with pytest.raises(UnsafeName, match=r"checker 'checker/checker\.cpp' resolves outside"):
        load_task(package)


def test_task_yaml_extends_within_the_parent_folder_still_works(jail, yaml_package):
    package, _ = yaml_package
    task = load_task(package)
    assert task.code == "maxsub" and task.score_precision == 2 and len(task.tests) == 5
    task.workspace.cleanup()


# -- builders (statements, starting code) -----------------------------------------------------


def test_builder_statement_path_stays_inside_the_package(jail, yaml_package, tmp_path):
    package, text = yaml_package
    (tmp_path / "secret.md").write_text("secret\n")
    edit(package, text, "en: statement/maxsub-en.md", "en: ../../../secret.md")
    with pytest.raises(UnsafeName, match=r"statements\.en '\.\./\.\./\.\./secret\.md'"):
        load_package(package)


def test_builder_editor_template_stays_inside_the_package(jail, yaml_package):
    package, text = yaml_package
    edit(package, text, "- attachment/maxsub.cpp", "- /etc/maxsub.cpp")
    with pytest.raises(UnsafeName, match=r"editor_templates entry '/etc/maxsub\.cpp' is an absolute path"):
        load_package(package)


def test_builder_starting_code_zip_symlink_entry_is_refused(jail, tmp_path):
    package = tmp_path / "2024" / "day1" / "findpair"
    shutil.copytree(FINDPAIR, package)
    zip_with(package / "attachments" / "findpair.zip", [special("cpp/findpair.cpp", stat.S_IFLNK, b"/etc/shadow")])
    with pytest.raises(UnsafeName, match=r"'cpp/findpair\.cpp' is a symbolic link"):
        load_package(package)


def test_builder_starting_code_zip_bomb_is_refused(jail, tmp_path):
    package = tmp_path / "2024" / "day1" / "findpair"
    shutil.copytree(FINDPAIR, package)
    zip_with(package / "attachments" / "findpair.zip", [("cpp/findpair.cpp", bytes(8 << 20))])
    with pytest.raises(PackageError, match=r"'cpp/findpair\.cpp' is larger than"):
        load_package(package)
