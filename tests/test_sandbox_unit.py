"""Sandbox details: defaults, launcher arguments, judge-side failures are JE."""

from __future__ import annotations

import json
import re
import struct
import threading
import time
from pathlib import Path

import pytest

from judge.checkers import WhiteDiff
from judge.compile import SourceFile
from judge.sandbox import RunLimits, RunStatus, Sandbox, SandboxError
from judge.sandbox.cgroups import CgroupSetup
from judge.sandbox.forkserver import LaunchFailed
from judge.tasktypes.batch import run_batch_test
from judge.testset import TestCase, discover_tests
from judge.verdicts import Verdict


def test_wall_limit_defaults_to_twice_the_cpu_limit_plus_one():
    assert RunLimits(cpu_time=1.5).effective_wall_time == 4.0
    assert RunLimits(cpu_time=1.0, wall_time=7.0).effective_wall_time == 7.0
    assert RunLimits(cpu_time=None).effective_wall_time is None


def test_launcher_arguments_for_each_cgroup_version():
    v1 = CgroupSetup(1, Path("/m"), Path("/c"), Path("/p"))
    assert v1.launcher_args() == ["--cgroup-v1", "/m:/c:/p"] and v1.name == "cgroup-v1"
    v2 = CgroupSetup(2, v2_parent=Path("/sys/fs/cgroup/olympicforge"))
    assert v2.launcher_args() == ["--cgroup-v2", "/sys/fs/cgroup/olympicforge"] and v2.name == "cgroup-v2"


def test_stack_defaults_to_the_memory_limit(sandbox, tmp_path):
    cmd = sandbox.command(["/prog"], work_dir=tmp_path, limits=RunLimits(memory=64 << 20))
    assert "--mem-kb" in cmd and "--stack-kb" not in cmd  # the launcher uses the memory limit as stack
    cmd = sandbox.command(["/prog"], work_dir=tmp_path, limits=RunLimits(memory=64 << 20, stack=8 << 20))
    assert cmd[cmd.index("--stack-kb") + 1] == str(8 << 10)


def test_a_setup_failure_is_a_sandbox_error_not_the_programs(sandbox, tmp_path):
    box = tmp_path / "box"
    box.mkdir()
    result = sandbox.run(["/bin/true"], work_dir=box, limits=RunLimits(), stdin=tmp_path / "missing.in")
    assert result.status == RunStatus.SANDBOX_ERROR
    assert "stage 1" in result.message


def test_a_missing_program_is_a_sandbox_error(sandbox, tmp_path):
    box = tmp_path / "box"
    box.mkdir()
    result = sandbox.run(["/no/such/program"], work_dir=box, limits=RunLimits())
    assert result.status == RunStatus.SANDBOX_ERROR


def test_launcher_rejects_bad_arguments(sandbox, tmp_path, monkeypatch):
    original = sandbox.command
    monkeypatch.setattr(sandbox, "command", lambda *a, **k: [*original(*a, **k)[:1], "--bogus", "1", "--", "x"])
    with pytest.raises(SandboxError, match="unknown option --bogus"):
        sandbox.run(["/bin/true"], work_dir=tmp_path, limits=RunLimits())


def test_batch_test_with_unreadable_input_is_je(compiler, tmp_path):
    program = compiler.compile([SourceFile("p.cpp", b"int main(){}")]).executable
    test = TestCase("gone", tmp_path / "gone.in", tmp_path / "gone.out")
    result = run_batch_test(program, test, RunLimits(), WhiteDiff(), compiler.sandbox)
    assert result.verdict == Verdict.JE


def test_tests_are_discovered_in_natural_order(tmp_path):
    for name in ("10", "2", "1-10", "1-02"):
        (tmp_path / f"{name}.in").write_text("")
        (tmp_path / f"{name}.ans").write_text("")
    assert [t.name for t in discover_tests(tmp_path)] == ["1-02", "1-10", "2", "10"]
    assert discover_tests(tmp_path)[0].answer.suffix == ".ans"


def test_empty_test_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="holds no NAME.in"):
        discover_tests(tmp_path)


def test_network_namespace_holder_outlives_the_thread_that_started_it(tmp_path):
    box = Sandbox(shared_netns=True)  # the cheaper, weaker setup the benchmark compares against
    try:
        work = tmp_path / "box"
        work.mkdir()
        thread = threading.Thread(target=lambda: box.run(["/bin/true"], work_dir=work, limits=RunLimits()))
        thread.start()
        thread.join()
        holder = box._netns_holder
        time.sleep(0.2)  # a parent-death signal tied to that thread would have fired by now
        assert holder is not None and holder.poll() is None
        assert box.run(["/bin/true"], work_dir=work, limits=RunLimits()).status == RunStatus.OK
        assert box._netns_holder is holder
    finally:
        box.close()


def test_the_fork_server_answers_each_caller_and_survives_being_killed(tmp_path):
    """Runs from many threads through one fork server each get their own answer; a
    killed server is the judge's failure for the runs in flight (JE), and the next
    run starts a new one."""
    box = Sandbox()
    try:

        def run(index: int) -> str:
            work = tmp_path / f"box{index}"
            work.mkdir()
            out = tmp_path / f"out{index}"
            result = box.run(["/bin/sh", "-c", f"echo {index}; exit {index % 3}"], work_dir=work,
                             limits=RunLimits(), stdout=out)  # fmt: skip
            return f"{out.read_text().strip()}:{result.exit_code}"

        answers: dict[int, str] = {}
        threads = [threading.Thread(target=lambda i=i: answers.update({i: run(i)})) for i in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == {i: f"{i}:{i % 3}" for i in range(12)}
        server = box._fork_server
        assert server is not None and server.alive
        work = tmp_path / "slow"
        work.mkdir()
        slow = box.start(["/bin/sleep", "2"], work_dir=work, limits=RunLimits(cpu_time=1.0, wall_time=5.0))
        server.proc.kill()
        with pytest.raises(SandboxError, match="fork server"):
            slow.wait()
        assert run(99) == "99:0" and box._fork_server is not server
    finally:
        box.close()


def test_every_denied_syscall_answers_eperm(judge_code):
    """The filter list in the launcher, call by call: each is EPERM inside (outside,
    most of these calls with zero arguments answer EFAULT, EINVAL or even succeed)."""
    source = (Path(__file__).resolve().parents[1] / "judge" / "sandbox" / "launcher.c").read_text()
    table = source[source.index("denied_syscalls[] = {") : source.index("};", source.index("denied_syscalls[] = {"))]
    names = sorted(set(re.findall(r"__NR_(\w+)", table)))
    assert len(names) > 50
    checks = "\n".join(
        f"#ifdef __NR_{n}\n  errno = 0; if (syscall(__NR_{n}, 0, 0, 0, 0, 0, 0) != -1 || errno != EPERM) "
        f'std::printf("{n} %d\\n", errno);\n#endif'
        for n in names
    )
    code = f'#include <cerrno>\n#include <cstdio>\n#include <sys/syscall.h>\n#include <unistd.h>\nint main(){{\n{checks}\n  std::puts("all EPERM");\n}}'
    result = judge_code(code, [("", "all EPERM\n")])
    assert [str(t.verdict) for t in result.tests] == ["AC"], result.tests[0].message


def test_the_fork_server_refuses_what_it_cannot_run_and_keeps_serving(tmp_path):
    """A request over its size bound or with too many arguments gets an answer of its
    own (the judge's JE), and the server goes on; it never silently drops arguments."""
    box = Sandbox()
    try:
        work = tmp_path / "box"
        work.mkdir()
        assert box.run(["/bin/true"], work_dir=work, limits=RunLimits()).status == RunStatus.OK
        server = box._fork_server
        with pytest.raises(LaunchFailed, match="bytes"):
            server.submit(["--dir", str(work), "--", "/bin/echo", "x" * (2 << 20)])
        too_many = server.submit(["--dir", str(work), "--", "/bin/echo", *["x"] * 1100])
        with pytest.raises(LaunchFailed, match="too many arguments"):
            json_answer(too_many)
        payload = b"77\0" + b"y" * (2 << 20)  # past the server's own bound, sent raw
        with server._lock:
            server._pending["77"] = pending = type(too_many)()
            server.proc.stdin.write(struct.pack("<I", len(payload)) + payload)
            server.proc.stdin.flush()
        with pytest.raises(LaunchFailed, match="too long"):
            json_answer(pending)
        assert box.run(["/bin/true"], work_dir=work, limits=RunLimits()).status == RunStatus.OK
        assert box._fork_server is server
    finally:
        box.close()


def json_answer(launch) -> dict:
    """The launcher's answer, or LaunchFailed with its error when it refused."""
    data = json.loads(launch.answer(timeout=30))
    if not data.get("ok"):
        raise LaunchFailed(data["error"])
    return data


def test_out_of_cpu_while_running_into_the_memory_limit_is_mle(sandbox, tmp_path):
    """The kernel's reclaim against the limit takes the program's CPU time and can lose
    the race with the OOM kill on a loaded machine: the verdict must not depend on it."""
    raw = {"exited": False, "exit_code": -1, "signal": 9, "cpu": 0.56, "wall": 0.6, "memory": 256 << 20,
           "max_rss": -1, "oom_kills": 0, "killed_cpu": True, "killed_wall": False, "setup_stage": 0,
           "setup_errno": 0, "reported": False, "memory_by_cgroup": True, "ended_at": 1.0}  # fmt: skip
    limits = RunLimits(cpu_time=0.5, memory=256 << 20)
    racing = sandbox._classify({**raw, "killed_at_memory_limit": True}, limits, [], None)
    assert racing.status == RunStatus.MEMORY_LIMIT and "memory limit" in racing.message
    looping = sandbox._classify({**raw, "killed_at_memory_limit": False}, limits, [], None)
    assert looping.status == RunStatus.TIME_LIMIT
