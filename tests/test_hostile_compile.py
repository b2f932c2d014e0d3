"""Compiler flags from packages, rows and jobs, and where the compiler runs.

The attack this guards: `"compile_flags": ["-std=gnu++17", "-O2", "-wrapper",
"/bin/sh,-c,id>pwned"]` in a row's grader_config.json reached the precompiled
header build, which ran g++ on the host, and left `uid=0(root)` in `pwned`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from judge.compile import SourceFile, precompiled_header
from judge.compile import compiler as compiler_module
from judge.compile.compiler import run_compiler
from judge.compile.flags import FlagError, check_flags
from judge.jobs import BadJob, run_job
from judge.loaders import load_task
from judge.loaders.rows import GRADER_CONFIG, case_rows, task_rows
from judge.sandbox import Sandbox

from conftest import TEST_COMPILE_LIMITS
from ioi_helpers import FINDPAIR, MAXSUB

WRAPPER = ["-std=gnu++17", "-O2", "-wrapper", "/bin/sh,-c,id>pwned"]
REFUSED = {
    "wrapper": ["-wrapper", "/bin/sh,-c,id"],
    "plugin": ["-fplugin=/tmp/evil.so"],
    "specs": ["-specs=/tmp/evil.specs"],
    "response-file": ["@/etc/passwd"],
    "compiler-path": ["-B/tmp"],
    "sysroot": ["--sysroot=/"],
    "language": ["-x", "c"],
    "output": ["-o", "/tmp/pwned"],
    "include-outside": ["-I/etc"],
    "include-up": ["-I../.."],
    "include-sysroot": ["-I=/etc"],
    "include-sysroot-variable": ["-I$SYSROOT/etc"],
    "library-outside": ["-L/tmp"],
    "linker-options": ["-Wl,-plugin,/tmp/evil.so"],
    "assembler-options": ["-Wa,-o,/tmp/pwned"],
    "dump": ["-fdump-tree-all"],
    "save-temps": ["-save-temps"],
    "input-file": ["/etc/shadow"],
    "forced-include": ["-include", "/etc/shadow"],
    "lto": ["-flto"],
    "profile": ["-fprofile-generate"],
}
ALLOWED = ["-DEVAL", "-std=c++20", "-O2", "-pipe", "-static", "-s", "-lm", "-pthread", "-Wall", "-Wextra",
           "-Wno-unused-result", "-march=x86-64", "-fno-stack-protector", "-D", "ONLINE_JUDGE", "-UNDEBUG"]  # fmt: skip


@pytest.fixture
def nothing_pwned(tmp_path, monkeypatch):
    """Run from tmp_path: a `pwned` written by the host anywhere near would be found."""
    monkeypatch.chdir(tmp_path)
    yield
    found = [str(p) for root in (tmp_path, Path("/tmp"), Path.cwd(), Path("/")) for p in root.glob("pwned*")]
    assert found == []


@pytest.mark.parametrize("flags", list(REFUSED.values()), ids=list(REFUSED))
def test_flags_that_run_load_read_or_write_are_refused_naming_flag_and_origin(flags):
    with pytest.raises(FlagError) as refused:
        check_flags(["-O2", *flags], "grader_config.json compile_flags")
    message = str(refused.value)
    assert message.startswith("grader_config.json compile_flags: compiler flag ") and "\n" not in message
    assert repr(flags[0]) in message


def test_too_many_or_too_long_flags_are_refused():
    """Past the bounds a command line would be cut (silently losing the sources) or fail
    to exec (a judge error): refused instead, as the package's fault."""
    with pytest.raises(FlagError, match="1101 compiler flags"):
        check_flags([f"-DA{i}" for i in range(1101)], "grader_config.json compile_flags")
    with pytest.raises(FlagError, match="longer than 4096 bytes"):
        check_flags(["-DX=" + "a" * (1 << 20)], "grader_config.json compile_flags")


def test_the_contest_flags_and_ordinary_choices_pass(compiler):
    assert check_flags(ALLOWED, "here")[-2:] == ("-DONLINE_JUDGE", "-UNDEBUG")
    program = b'#include <bits/stdc++.h>\nint main(){ std::map<int,int> m; std::printf("%d\\n", (int)m.contains(1)); }'
    assert compiler.compile([SourceFile("p.cpp", program)], flags=tuple(ALLOWED)).ok


def test_a_task_yaml_with_a_wrapper_flag_does_not_load(tmp_path, nothing_pwned):
    package = tmp_path / "ioi2021-maxsub"
    shutil.copytree(MAXSUB, package)
    shutil.copy(MAXSUB.parent / "base-batch.yaml", tmp_path / "base-batch.yaml")
    text = (package / "task.yaml").read_text()
    (package / "task.yaml").write_text(text + f"\ncpp_config:\n  gcc_args: {' '.join(WRAPPER)}\n")
    with pytest.raises(FlagError, match=r"cpp_config\.gcc_args: compiler flag '-wrapper' is not allowed"):
        load_task(package)


def hostile_row_job() -> dict:
    task = load_task(FINDPAIR)
    row, tests = task_rows(task)[1], list(case_rows(task))
    files = dict(row["grader_files"])
    config = json.loads(files[GRADER_CONFIG])
    config["compile_flags"] = WRAPPER
    files[GRADER_CONFIG] = json.dumps(config)
    row = {**row, "grader_files": [[name, content] for name, content in files.items()]}
    code = next((FINDPAIR / "solutions" / "model_solution").glob("*.cpp")).read_text()
    return {"kind": "ioi", "code": code, "language": "cpp", "row": row, "tests": tests}


def test_a_row_asking_for_a_wrapper_is_a_bad_job(nothing_pwned):
    with pytest.raises(BadJob, match=r"grader_config\.json compile_flags: compiler flag '-wrapper'"):
        run_job(hostile_row_job())


def test_judge_serve_answers_400_to_the_wrapper_row(nothing_pwned):
    from judge.server import JudgeServer

    server = JudgeServer().start()
    try:
        answer = httpx.post(f"{server.url}/judge", json=hostile_row_job(), timeout=120)
    finally:
        server.close()
    assert answer.status_code == 400 and "'-wrapper' is not allowed" in answer.json()["error"]


def test_the_precompiled_header_is_built_in_the_sandbox(sandbox, monkeypatch, unharmed):
    """No compiler process is started by the judge itself (only `g++ --version`, for
    the cache key): both steps of the PCH build go through the sandbox."""
    started: list[list[str]] = []
    real_run = subprocess.run

    def only_version(argv, *args, **kwargs):
        assert list(argv)[1:] == ["--version"], f"the judge ran {argv} on the host"
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(compiler_module.subprocess, "run", only_version)
    real_start = Sandbox.start

    def spy(self, argv, **kwargs):
        started.append(list(argv))
        return real_start(self, argv, **kwargs)

    monkeypatch.setattr(Sandbox, "start", spy)
    flags = ("-std=gnu++17", "-O1", "-DPCH_IN_THE_SANDBOX")  # a flag set no other test built
    root = precompiled_header("g++", flags, sandbox)
    assert root is not None and (root / "bits" / "stdc++.h.gch").stat().st_size > 1 << 20
    assert any("c++-header" in argv for argv in started)


def test_a_flag_that_slipped_through_would_still_run_in_the_sandbox(sandbox, tmp_path, nothing_pwned, unharmed):
    """The second wall: a wrapper handed straight to the compiler's sandboxed run
    executes as the sandbox's uid, in a read-only /box, and leaves nothing on the host."""
    box = tmp_path / "box"
    box.mkdir()
    (box / "p.cpp").write_text("int main(){}\n")
    marker = tmp_path / "marker"
    gxx = os.path.realpath(shutil.which("g++"))
    argv = [gxx, "-wrapper", f"/bin/sh,-c,id>pwned; id>{marker}; id>/tmp/pwned-wrapper; exec \"$0\" \"$@\"",
            "-o", "prog", "p.cpp"]  # fmt: skip
    run_compiler(sandbox, box, argv, [], TEST_COMPILE_LIMITS, writable=("prog",))
    assert not marker.exists() and not (box / "pwned").exists()
