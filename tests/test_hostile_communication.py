"""Channels between the processes of one judging, and blame in Communication tasks.

A relay encoder that sends an empty message and passes x to the decoder by any
channel the task does not define would score 100 without solving anything: a
reward a GRPO policy can learn. Each channel below must leave it at 0, while the
honest model solution keeps its 100. A do-nothing submission must score 0 (not
JE) without waiting for the manager's wall limit; a manager that fails on its own
stays JE."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from judge.compile import SourceFile
from judge.loaders import PackageError, load_task
from judge.sandbox import RunLimits
from judge.taskrun import Submission, TaskJudge
from judge.verdicts import Verdict

from ioi_helpers import GUESS, RELAY

SMUGGLED_BITS = r"""
static std::string bits_of(long long x) {
    std::string b; do { b.insert(b.begin(), char('0' + (x & 1))); x >>= 1; } while (x > 0); return b; }
static long long from_bits(const char *b) { long long x = 0; for (; *b == '0' || *b == '1'; b++) x = 2 * x + (*b - '0'); return x; }
static std::vector<std::string> shared_files() {  // 63 world-readable files both users see
    std::vector<std::string> found; DIR *d = opendir("/usr/include");
    while (dirent *e = readdir(d)) if (e->d_type == DT_REG) found.push_back(std::string("/usr/include/") + e->d_name);
    closedir(d); std::sort(found.begin(), found.end()); found.resize(63); return found; }
"""
# name -> (code that hands x over in encode, code that returns it in decode); each cheat
# sends the manager an empty message, so only the smuggled value can make decode right
CHEATS = {
    "abstract-unix-socket": (
        """static int box = -1; static const char *mine;
        static sockaddr_un address(const char *name) { sockaddr_un a{}; a.sun_family = AF_UNIX;
            std::memcpy(a.sun_path + 1, name, std::strlen(name)); return a; }
        __attribute__((constructor)) static void claim() { box = socket(AF_UNIX, SOCK_DGRAM, 0);
            for (const char *name : {"of-cheat-a", "of-cheat-b"}) { sockaddr_un a = address(name);
                if (bind(box, (sockaddr*)&a, sizeof(sa_family_t) + 1 + std::strlen(name)) == 0) { mine = name; break; } } }
        static void hand_over(long long x) { std::string b = bits_of(x);
            for (const char *name : {"of-cheat-a", "of-cheat-b"}) { sockaddr_un a = address(name);
                sendto(box, b.c_str(), b.size() + 1, 0, (sockaddr*)&a, sizeof(sa_family_t) + 1 + std::strlen(name)); } }
        static long long take_over() { char b[80] = {0}; for (int i = 0; i < 100; i++) {
            if (recv(box, b, sizeof b - 1, MSG_DONTWAIT) > 0) return from_bits(b); usleep(10000); } return -1; }"""
    ),
    "sysv-message-queue": (
        """struct note { long type; char text[80]; };
        static void hand_over(long long x) { int q = msgget(0x0f0f, IPC_CREAT | 0666); note n{1, {0}};
            std::strcpy(n.text, bits_of(x).c_str()); msgsnd(q, &n, sizeof n.text, 0); }
        static long long take_over() { for (int i = 0; i < 100; i++) { int q = msgget(0x0f0f, 0666); note n{};
            if (q >= 0 && msgrcv(q, &n, sizeof n.text, 0, IPC_NOWAIT) > 0) return from_bits(n.text); usleep(10000); }
            return -1; }"""
    ),
    "file-in-tmp": (
        """static void hand_over(long long x) { if (FILE *f = std::fopen("/tmp/of-cheat", "w")) {
            std::fputs(bits_of(x).c_str(), f); std::fclose(f); } }
        static long long take_over() { for (int i = 0; i < 100; i++) { if (FILE *f = std::fopen("/tmp/of-cheat", "r")) {
            char b[80] = {0}; if (std::fgets(b, sizeof b, f)) return from_bits(b); } usleep(10000); } return -1; }"""
    ),
    "posix-locks-on-a-system-file": (  # byte i of /etc/passwd read-locked = bit i; the locks held past the answer
        """static void hand_over(long long x) { int fd = open("/etc/passwd", O_RDONLY);
            for (int i = 0; i < 63; i++) if ((x >> i) & 1) { struct flock l{}; l.l_type = F_RDLCK; l.l_start = i;
                l.l_len = 1; fcntl(fd, F_SETLK, &l); }
            (void)!write(4, "-\\n", 2); usleep(300000); }  // fd 4: the stub's u0_to_m, answered early
        static long long take_over() { int fd = open("/etc/passwd", O_RDONLY); long long x = 0;
            for (int i = 0; i < 63; i++) { struct flock l{}; l.l_type = F_WRLCK; l.l_start = i; l.l_len = 1;
                if (fcntl(fd, F_GETLK, &l) == 0 && l.l_type != F_UNLCK) x |= 1LL << i; } return x; }"""
    ),
    "flock-on-system-files": (  # file i of a shared folder locked = bit i
        """static void hand_over(long long x) { auto files = shared_files();
            for (int i = 0; i < 63; i++) if ((x >> i) & 1) flock(open(files[i].c_str(), O_RDONLY), LOCK_SH);
            (void)!write(4, "-\\n", 2); usleep(300000); }
        static long long take_over() { auto files = shared_files(); long long x = 0;
            for (int i = 0; i < 63; i++) if (flock(open(files[i].c_str(), O_RDONLY), LOCK_EX | LOCK_NB) != 0 &&
                errno == EWOULDBLOCK) x |= 1LL << i;
            return x; }"""
    ),
    "inotify-on-system-files": (  # the decoder watches from before main; the encoder opens the files of its bits
        """static int watcher = -1, watches[63];
        __attribute__((constructor)) static void watch() { auto files = shared_files(); watcher = inotify_init1(IN_NONBLOCK);
            for (int i = 0; i < 63; i++) watches[i] = inotify_add_watch(watcher, files[i].c_str(), IN_CLOSE_NOWRITE); }
        static void hand_over(long long x) { auto files = shared_files(); usleep(100000);
            for (int i = 0; i < 63; i++) if ((x >> i) & 1) close(open(files[i].c_str(), O_RDONLY)); }
        static long long take_over() { long long x = 0; char b[1 << 14]; ssize_t n;
            while (watcher >= 0 && (n = read(watcher, b, sizeof b)) > 0)
                for (char *p = b; p < b + n; p += sizeof(inotify_event) + ((inotify_event *)p)->len)
                    for (int i = 0; i < 63; i++) if (watches[i] == ((inotify_event *)p)->wd) x |= 1LL << i;
            return x; }"""
    ),
    "the-decoders-fifo": (  # write x where the decoder reads its message, before the manager does
        """static void hand_over(long long x) { std::string b = bits_of(x) + "\\n";
            for (int i = 0; i < 100; i++) for (const char *path : {"/fifo1/m_to_u1", "/fifo/m_to_u1"}) {
                int fd = open(path, O_WRONLY | O_NONBLOCK); if (fd >= 0) { (void)!write(fd, b.c_str(), b.size()); return; } }
            }
        static long long take_over() { return -2; }"""
    ),
}
CHEAT_TEMPLATE = """#include "relay.h"
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <initializer_list>
#include <string>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <dirent.h>
#include <vector>
{bits}
{cheat}
std::string encode(long long x) {{ hand_over(x); return ""; }}
long long decode(std::string message) {{ if (!message.empty()) return from_bits(message.c_str()); return take_over(); }}
"""


@pytest.fixture(scope="module")
def relay_judge(compiler):
    return TaskJudge(load_task(RELAY), compiler, workers=2)


def judge_relay(judge: TaskJudge, code: str, full: bool = True):
    return judge.judge(Submission(source=SourceFile("relay.cpp", code.encode())), full=full)


@pytest.mark.parametrize("channel", sorted(CHEATS))
def test_a_side_channel_between_the_users_scores_nothing(relay_judge, unharmed, channel):
    code = CHEAT_TEMPLATE.format(bits=SMUGGLED_BITS, cheat=CHEATS[channel])
    result = judge_relay(relay_judge, code)
    assert result.compiled, result.compile.message
    assert result.score == 0, [(t.name, str(t.verdict), t.message) for s in result.subtasks for t in s.tests]
    assert not result.judge_error


def test_the_honest_solution_still_scores_full_marks(relay_judge, unharmed):
    result = judge_relay(relay_judge, (RELAY / "solutions" / "model_solution" / "binary.cpp").read_text())
    assert result.score == 100


def test_concurrent_runs_cannot_reach_each_other(sandbox, compiler, tmp_path):
    """Two runs at once (two submissions judged side by side): an abstract unix socket
    bound by one is not there for the other."""
    code = r"""#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(int argc, char **argv) { int s = socket(AF_UNIX, SOCK_DGRAM, 0); sockaddr_un a{}; a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path + 1, "of-rendezvous", 13); socklen_t len = sizeof(sa_family_t) + 14;
  if (argv[1][0] == 'l') { bind(s, (sockaddr*)&a, len); char b[8];
    for (int i = 0; i < 150; i++) { if (recv(s, b, sizeof b, MSG_DONTWAIT) > 0) { std::puts("contact"); return 0; } usleep(10000); }
    std::puts("alone"); return 0; }
  for (int i = 0; i < 100; i++) { if (sendto(s, "x", 1, 0, (sockaddr*)&a, len) == 1) { std::puts("sent"); return 0; } usleep(10000); }
  std::puts("blocked"); }"""
    program = compiler.compile([SourceFile("meet.cpp", code.encode())]).executable
    runs = []
    for role in ("listen", "send"):
        box = tmp_path / role
        box.mkdir()
        argv, binds = program.launch(sandbox, (role,))
        runs.append(sandbox.start(argv, work_dir=box, limits=RunLimits(cpu_time=1.0, wall_time=5.0),
                                  stdout=tmp_path / f"{role}.out", binds=binds))  # fmt: skip
    for run in runs:
        assert run.wait().status == "OK"
    assert (tmp_path / "listen.out").read_text() == "alone\n"
    assert (tmp_path / "send.out").read_text() == "blocked\n"


DO_NOTHING = """#include "relay.h"
#include <unistd.h>
static int gone = (_exit(0), 0);  // both processes leave before main: the FIFOs are never opened
std::string encode(long long) { return ""; }
long long decode(std::string) { return 0; }
"""


def test_users_that_leave_before_main_score_zero_at_once(relay_judge, unharmed):
    started = time.monotonic()
    result = judge_relay(relay_judge, DO_NOTHING)
    elapsed = time.monotonic() - started
    tests = [t for s in result.subtasks for t in s.tests]
    assert result.score == 0 and not result.judge_error, [(t.name, str(t.verdict), t.message) for t in tests]
    assert all(t.verdict in (Verdict.WA, Verdict.PV, Verdict.RE) for t in tests)
    # five tests, each of which used to wait 15 s for the manager's wall limit (and then was JE)
    assert elapsed < 5 * 15 / 2


def test_a_std_io_user_that_leaves_before_main_scores_zero(compiler, unharmed):
    judge = TaskJudge(load_task(GUESS), compiler, workers=2)
    code = '#include "guess.h"\n#include <unistd.h>\nstatic int gone = (_exit(0), 0);\nint guess(int n){ return 1; }'
    result = judge.judge(Submission(source=SourceFile("guess.cpp", code.encode())), full=True)
    assert result.score == 0 and not result.judge_error


def broken_relay(tmp_path: Path, failure: str):
    package = tmp_path / "relay"
    shutil.copytree(RELAY, package)
    manager = package / "graders" / "manager.cpp"
    text = manager.read_text()
    text = text.replace(
        '    std::fprintf(to_encoder, "%lld\\n", x);',
        f"    {failure}\n" + '    std::fprintf(to_encoder, "%lld\\n", x);',
    )
    manager.write_text("#include <cstdlib>\n" + text)
    task = load_task(package)
    task.subtasks = task.subtasks[:1]
    return task


@pytest.mark.parametrize(
    "failure",
    ["std::abort();", 'std::puts("0"); std::fputs("Judge Failure; Contact staff!\\n", stderr); return 0;', "return 7;"],
    ids=["crash", "judge-failure", "exit-code"],
)
def test_a_manager_failing_on_its_own_is_a_judge_error(compiler, tmp_path, failure, unharmed):
    judge = TaskJudge(broken_relay(tmp_path, failure), compiler, workers=1)
    result = judge.judge(Submission(source=SourceFile.read(RELAY / "solutions" / "model_solution" / "binary.cpp")))
    test = result.subtasks[0].tests[0]
    assert test.verdict == Verdict.JE and "manager failed" in test.message, test.message
    assert result.score is None


def test_the_number_of_user_processes_is_bounded():
    """Every user is a sandbox with the task's own limits: a package or row asking for
    thousands would take the machine, so more than 64 (IOI 2026's largest) is refused."""
    task = load_task(RELAY)
    task.num_processes = 64
    task.check()
    task.num_processes = 65
    with pytest.raises(PackageError, match="num_processes must be between 1 and 64, not 65"):
        task.check()


LINGER = r"""#include <cstdio>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(){ char role[8]; if (std::scanf("%7s", role) != 1) return 1;
  sockaddr_un a{}; a.sun_family = AF_UNIX; std::memcpy(a.sun_path + 1, "of-linger", 9);
  socklen_t len = sizeof(sa_family_t) + 10; int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (role[0] == 'L') {  // bind, then send the socket to itself: a cycle no process holds once we exit
    if (bind(s, (sockaddr*)&a, len) || connect(s, (sockaddr*)&a, len)) return 2;
    char data = 'x', control[CMSG_SPACE(sizeof(int))] = {}; iovec io{&data, 1};
    msghdr m{}; m.msg_iov = &io; m.msg_iovlen = 1; m.msg_control = control; m.msg_controllen = sizeof control;
    cmsghdr *c = CMSG_FIRSTHDR(&m); c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int)); std::memcpy(CMSG_DATA(c), &s, sizeof(int));
    if (sendmsg(s, &m, 0) != 1) return 3; std::puts("left"); return 0; }
  std::puts(bind(s, (sockaddr*)&a, len) == 0 ? "free" : "taken"); }"""


def test_a_socket_left_behind_is_not_met_by_the_next_run(judge_code, unharmed):
    """A run leaves an abstract unix socket alive (it holds a descriptor of itself in
    flight); the next run, whichever network namespace it gets, must not find it."""
    assert [str(t.verdict) for t in judge_code(LINGER, [("L\n", "left\n")]).tests] == ["AC"]
    for _ in range(3):
        assert [str(t.verdict) for t in judge_code(LINGER, [("R\n", "free\n")]).tests] == ["AC"]


LATE_DECODER = """#include "relay.h"
#include <cstdlib>
#include <unistd.h>
__attribute__((constructor)) static void slow_start(int argc, char **argv) {
    if (argc >= 4 && std::atoi(argv[3]) == 1) usleep(800000);  // the decoder opens its FIFOs late
}
std::string encode(long long) { return "not-binary"; }  // the manager ends at once: a protocol violation
long long decode(std::string) { return 0; }
"""


def test_a_user_that_opens_its_fifos_after_the_manager_ended_is_not_left_blocked(relay_judge, unharmed):
    result = judge_relay(relay_judge, LATE_DECODER)
    tests = [t for s in result.subtasks for t in s.tests]
    assert {str(t.verdict) for t in tests} == {"PV"}, [(t.name, str(t.verdict), t.message) for t in tests]
