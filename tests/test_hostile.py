"""The hostile-submission battery: every attack ends with the right verdict, and
afterwards no process survives, no cgroup is left, nothing was written outside
the work dir, and the next run still works."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from judge.compile import SourceFile
from judge.evaluate import judge_submission
from judge.sandbox import RunLimits
from judge.verdicts import Verdict

from conftest import write_tests

LIMITS = RunLimits(cpu_time=1.0, memory=256 << 20)


def verdicts(result) -> list[str]:
    return [str(t.verdict) for t in result.tests]


def test_infinite_loop_is_tle(judge_code, unharmed):
    result = judge_code("int main(){ volatile unsigned long x = 0; for (;;) x++; }")
    assert verdicts(result) == ["TLE"]
    assert 1.0 < result.tests[0].time < 1.5


@pytest.mark.parametrize(
    "body",
    ["sleep(100);", "pause();", "raise(SIGSTOP);"],
    ids=["sleep", "pause", "sigstop"],
)
def test_blocking_is_wall_tle(judge_code, unharmed, body):
    code = f"#include <unistd.h>\n#include <csignal>\nint main(){{ {body} return 0; }}"
    result = judge_code(code, limits=RunLimits(cpu_time=0.5, memory=64 << 20))
    assert verdicts(result) == ["WTLE"]
    assert result.tests[0].time < 0.1
    assert 2.0 <= result.tests[0].wall_time < 3.0  # wall limit 2*TL+1


def test_heap_over_limit_is_mle(judge_code, unharmed):
    code = """#include <cstdlib>
#include <cstring>
#include <cstdio>
int main(){ size_t n = 1u << 30; char *p = (char*)malloc(n); if (!p) return 2;
  for (size_t i = 0; i < n; i += 4096) p[i] = 1; std::printf("%d\\n", p[n/2]); }"""
    result = judge_code(code)
    assert verdicts(result) == ["MLE"]
    assert result.tests[0].memory >= 250 << 20


def test_static_array_over_limit_is_mle(judge_code, unharmed):
    code = """#include <cstdio>
static char big[1u << 30];
int main(){ for (size_t i = 0; i < sizeof big; i += 4096) big[i] = 1; std::printf("%d\\n", big[12345*4096]); }"""
    assert verdicts(judge_code(code)) == ["MLE"]


def test_deep_recursion_uses_the_memory_limit_as_stack(judge_code, unharmed):
    code = """#include <cstdio>
int depth(int n) { volatile char frame[100]; frame[0] = (char)n; if (n == 0) return 0; return depth(n - 1) + frame[0] % 2; }
int main(){ std::printf("%d\\n", depth(1000000) >= 0); }"""  # about 100 MB of stack
    result = judge_code(code, [("", "1\n")])
    assert verdicts(result) == ["AC"]
    assert result.tests[0].memory > 100 << 20


def test_fork_bomb_is_contained(judge_code, unharmed):
    code = "#include <unistd.h>\nint main(){ for (;;) fork(); }"
    result = judge_code(code)
    assert verdicts(result) == ["TLE"]


def test_thread_bomb_is_contained(judge_code, unharmed):
    code = """#include <thread>
#include <unistd.h>
int main(){ for (;;) { std::thread t([]{ pause(); }); t.detach(); } }"""
    result = judge_code(code)
    assert verdicts(result) == ["RE"]  # thread creation fails at the process limit: std::system_error
    assert result.tests[0].signal == signal.SIGABRT


def test_two_gib_of_output_is_ole_and_does_not_fill_the_disk(judge_code, unharmed, tmp_path):
    code = """#include <cstdio>
#include <cstring>
int main(){ static char buf[1 << 20]; memset(buf, 'x', sizeof buf); for (int i = 0; i < 2048; i++) fwrite(buf, 1, sizeof buf, stdout); }"""
    free_before = shutil.disk_usage(tmp_path).free
    result = judge_code(code, limits=RunLimits(cpu_time=2.0, memory=256 << 20, file_size=16 << 20))
    assert verdicts(result) == ["OLE"]
    assert free_before - shutil.disk_usage(tmp_path).free < 200 << 20


def test_writing_anywhere_is_impossible(judge_code, unharmed, tmp_path):
    """Not outside the work dir, and not in it either (CMS: only declared outputs);
    /tmp is the run's own small tmpfs, gone with the run."""
    token = uuid.uuid4().hex
    targets = [f"{tmp_path}/pwned-{token}", f"/root/pwned-{token}", f"/var/tmp/pwned-{token}",
               f"/dev/shm/pwned-{token}", f"/pwned-{token}", f"/box/pwned-{token}", f"/usr/pwned-{token}"]  # fmt: skip
    opens = " ".join(f'if (FILE *f = fopen("{t}", "w")) {{ fputs("x", f); fclose(f); leaked++; }}' for t in targets)
    code = f"""#include <cstdio>
int main(){{ int leaked = 0; {opens}
  FILE *mine = fopen("mine.txt", "w"); if (mine) {{ fputs("ok", mine); fclose(mine); }}
  FILE *scratch = fopen("/tmp/pwned-{token}", "w"); if (scratch) fclose(scratch);
  std::printf("%s %s\\n", leaked ? "leaked" : (mine ? "wrote-in-workdir" : "contained"), scratch ? "scratch" : "-"); }}"""
    result = judge_code(code, [("", "contained scratch\n")])
    assert verdicts(result) == ["AC"]
    for target in [*targets, f"/tmp/pwned-{token}"]:
        assert not Path(target).exists()


def test_expected_output_and_other_tests_are_invisible(judge_code, unharmed, tmp_path):
    answer = tmp_path / "tests" / "1.out"
    other = tmp_path / "tests" / "2.in"
    code = f"""#include <cstdio>
int main(){{ const char *paths[] = {{"{answer}", "{other}", "{tmp_path}/tests", "../1.out"}};
  int seen = 0; for (auto p : paths) if (FILE *f = fopen(p, "r")) {{ seen++; fclose(f); }}
  std::printf("%s\\n", seen ? "seen" : "hidden"); }}"""
    result = judge_code(code, [("1\n", "hidden\n"), ("2\n", "hidden\n")])
    assert verdicts(result) == ["AC", "AC"]


def test_no_network(judge_code, unharmed):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    code = f"""#include <arpa/inet.h>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>
int main(){{ int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a{{}}; a.sin_family = AF_INET;
  a.sin_port = htons({port}); inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int r = s < 0 ? -1 : connect(s, (sockaddr*)&a, sizeof a);
  std::printf("%s\\n", r == 0 ? "connected" : "blocked"); }}"""
    try:
        result = judge_code(code, [("", "blocked\n")])
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
    assert verdicts(result) == ["AC"]


def test_kill_minus_one_spares_other_runs(judge_code, unharmed, compiler, tmp_path):
    sleeper_dir = tmp_path / "other"
    sleeper_dir.mkdir()

    sleeper = sleeper_dir / "sleeper.cpp"
    sleeper.write_text('#include <unistd.h>\n#include <cstdio>\nint main(){ usleep(1500000); std::puts("alive"); }')
    tests = write_tests(sleeper_dir / "tests", [("", "alive\n")])
    compiler.compile([SourceFile.read(sleeper)])  # compile before the race
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(r=judge_submission(sleeper, tests, compiler=compiler)))
    thread.start()
    time.sleep(0.5)
    killer = '#include <csignal>\n#include <cstdio>\nint main(){ kill(-1, SIGKILL); std::puts("done"); }'
    result = judge_code(killer, [("", "done\n")])
    thread.join()
    assert verdicts(result) == ["AC"]
    assert verdicts(outcome["r"]) == ["AC"]


def test_double_forked_daemon_is_killed(judge_code, unharmed, tmp_path):
    code = """#include <unistd.h>
#include <cstdio>
int main(){ if (fork() == 0) { setsid(); if (fork() == 0) { for (;;) sleep(1); } _exit(0); }
  usleep(100000); std::puts("parent done"); }"""
    result = judge_code(code, [("", "parent done\n")])
    assert verdicts(result) == ["AC"]  # the unharmed fixture asserts the daemon is gone


def test_ignoring_sigterm_does_not_help(judge_code, unharmed):
    code = "#include <csignal>\nint main(){ signal(SIGTERM, SIG_IGN); volatile long x = 0; for (;;) x++; }"
    assert verdicts(judge_code(code)) == ["TLE"]


def test_exit_code_is_runtime_error(judge_code, unharmed):
    result = judge_code("#include <cstdlib>\nint main(){ exit(3); }")
    assert verdicts(result) == ["RE"]
    assert result.tests[0].exit_code == 3
    assert "exit code 3" in result.tests[0].message


def test_abort_is_runtime_error_with_signal(judge_code, unharmed):
    result = judge_code("#include <cstdlib>\nint main(){ abort(); }")
    assert verdicts(result) == ["RE"]
    assert result.tests[0].signal == signal.SIGABRT
    assert "SIGABRT" in result.tests[0].message


def test_self_including_file_is_ce(judge_code, unharmed, tmp_path):
    result = judge_code('#include "sol.cpp"\nint main(){}')
    assert result.compile.status == "CE"
    assert result.verdict == Verdict.CE
    assert "nested depth" in result.compile.message or "#include" in result.compile.message


def test_template_explosion_is_ce_within_the_compile_limit(judge_code, unharmed):
    code = """template<int N> constexpr long burn() {
  long s = 0; for (int i = 0; i < 200000; i++) for (int j = 0; j < 200000; j++) s += (i ^ j) % N; return s; }
static_assert(burn<7>() != 1, "compile-time work far beyond any limit");
int main(){}"""
    started = time.monotonic()
    result = judge_code(code)
    assert result.compile.status == "CE"
    assert "time limit" in result.compile.message or "memory limit" in result.compile.message
    assert time.monotonic() - started < 15


def test_megabytes_of_compiler_errors_are_truncated(judge_code, unharmed):
    errors = "\n".join(f"int f{i}() {{ return undefined_{i}; }}" for i in range(20000))
    result = judge_code(errors + "\nint main(){}")
    assert result.compile.status == "CE"
    assert len(result.compile.message) < 70 * 1024
    assert "truncated" in result.compile.message or "limit" in result.compile.message


def test_cpu_time_is_measured_while_the_other_core_is_busy(judge_code, unharmed):
    code = """#include <ctime>
#include <cstdio>
int main(){ while (clock() < CLOCKS_PER_SEC / 2) {} std::puts("done"); }"""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])  # keeps the other core busy
    try:
        result = judge_code(code, [("", "done\n")], limits=RunLimits(cpu_time=2.0, memory=64 << 20))
    finally:
        busy.kill()
        busy.wait()
    assert verdicts(result) == ["AC"]
    assert 0.45 <= result.tests[0].time <= 0.6
