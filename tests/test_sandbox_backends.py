"""Every sandbox backend this machine can run gives the same verdicts on the basics.

Here (root, cgroup v1 writable, a v2 mount without the memory controller) that
is: cgroup-v1 and cgroup-v2 (memory then by RLIMIT_AS) and rlimit, with
namespaces as root, in a user namespace, or with no isolation at all.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from judge.compile import CompileOptions, Compiler
from judge.sandbox import RunLimits, Sandbox, SandboxError, cgroups

from conftest import TEST_COMPILE_LIMITS, leftover_cgroups, sandbox_processes

AB = '#include <cstdio>\nint main(){long long a,b;std::scanf("%lld %lld",&a,&b);std::printf("%lld\\n",a+b);}\n'
LOOP = "int main(){ volatile unsigned long x = 0; for (;;) x++; }"
HOG = """#include <vector>
#include <cstdio>
int main(){ std::vector<char> v(1u << 30); for (size_t i = 0; i < v.size(); i += 4096) v[i] = 1; std::printf("%d", v[4096]); }"""
SLEEP = "#include <unistd.h>\nint main(){ sleep(30); }"
ABORT = "#include <cstdlib>\nint main(){ abort(); }"
DAEMON = """#include <unistd.h>
#include <sys/prctl.h>
#include <cstdio>
int main(){ if (fork() == 0) { setsid(); if (fork() == 0) { prctl(PR_SET_NAME, "ofdaemontest"); for (;;) sleep(1); }
  _exit(0); } usleep(50000); std::puts("x"); }"""


def daemons() -> list[str]:
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "ofdaemontest":
                found.append(comm.parent.name)
        except OSError:
            pass
    return found


BACKENDS = [
    ("cgroup-v1", "namespaces"),
    ("cgroup-v2", "namespaces"),
    ("rlimit", "namespaces"),
    ("cgroup-v1", "userns"),
    ("rlimit", "none"),
]


def available(limits: str) -> bool:
    if limits == "cgroup-v1":
        return cgroups.detect_v1() is not None
    if limits == "cgroup-v2":
        return cgroups.detect_v2(require_memory=False) is not None
    return True


@pytest.fixture(scope="module", params=BACKENDS, ids=[f"{a}+{b}" for a, b in BACKENDS])
def backend_compiler(request):
    limits, isolation = request.param
    assert os.geteuid() == 0, "this suite runs as root on CI, where every backend here is exercised"
    assert available(limits), f"{limits} must be available on this machine"
    box = Sandbox(backend=limits, isolation=isolation)
    yield Compiler(box, CompileOptions(limits=TEST_COMPILE_LIMITS))
    box.close()


def test_backend_is_reported(backend_compiler, judge_code):
    result = judge_code(AB, [("1 2\n", "3\n")], using=backend_compiler)
    limits, isolation = backend_compiler.sandbox.info.limits, backend_compiler.sandbox.info.isolation
    assert result.backend == f"{limits}+{isolation}"
    assert result.verdict.value == "AC"
    fully_measured = limits == "cgroup-v1" and isolation != "none"
    assert result.low_fidelity is not fully_measured


@pytest.mark.parametrize(
    "code,expected",
    [(LOOP, "TLE"), (HOG, "MLE"), (SLEEP, "WTLE"), (ABORT, "RE")],
    ids=["tle", "mle", "wtle", "re"],
)
def test_basic_verdicts(backend_compiler, judge_code, code, expected):
    # the hog's page faults and the cgroup's reclaim before the OOM kill take CPU time of
    # their own, more of it on a loaded machine: its CPU limit leaves room to reach MLE
    limits = RunLimits(cpu_time=2.0 if expected == "MLE" else 0.5, memory=256 << 20)
    result = judge_code(code, [("", "")], limits=limits, using=backend_compiler)
    assert [str(t.verdict) for t in result.tests] == [expected]
    assert leftover_cgroups(backend_compiler.sandbox) == []


def test_cpu_time_is_measured(backend_compiler, judge_code):
    code = '#include <ctime>\n#include <cstdio>\nint main(){ while (clock() < CLOCKS_PER_SEC / 4) {} std::puts("ok"); }'
    result = judge_code(code, [("", "ok\n")], using=backend_compiler)
    assert 0.2 <= result.tests[0].time <= 0.35


def test_daemons_do_not_survive_isolated_runs(backend_compiler, judge_code):
    if backend_compiler.sandbox.isolation == "none":
        # Without namespaces a setsid daemon escapes the process group: the
        # documented gap of the lowest-fidelity mode. Check the mode says so.
        assert any("no namespaces" in n for n in backend_compiler.sandbox.info.notes)
        return
    result = judge_code(DAEMON, [("", "x\n")], using=backend_compiler)
    assert result.verdict.value == "AC"
    deadline = time.monotonic() + 2
    while (daemons() or sandbox_processes()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert daemons() == []
    assert sandbox_processes() == []


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown sandbox backend"):
        Sandbox(backend="docker")


def test_unavailable_backend_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(cgroups, "detect_v1", lambda: None)
    with pytest.raises(SandboxError, match="cgroup-v1 is not available"):
        Sandbox(backend="cgroup-v1")


def test_stale_run_cgroups_are_removed_at_start(sandbox):
    setup = sandbox.cgroup
    assert setup is not None
    stale = setup.v1_pids / "run-999999999" if setup.version == 1 else setup.v2_parent / "run-999999999"
    stale.mkdir()
    assert cgroups.remove_stale_runs(setup) >= 1
    assert not stale.exists()
