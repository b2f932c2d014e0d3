"""Hostile programs against the run's own walls: the syscall filter, the read-only
work dir and bounded scratch, memory files, cleanup, binary size and the compile
cache. Every attack is wrapped in `unharmed` (no survivor, no leftover cgroup or
folder, host disk and judge RSS within bounds, an A+B accepted afterwards)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from judge.compile import CompileOptions, Compiler, SourceFile
from judge.sandbox import RunLimits, Sandbox
from judge.workdir import remove_tree

from conftest import TEST_COMPILE_LIMITS

# Each probe prints "<name> <errno name>" (or "<name> ok" when the call worked).
SYSCALL_PROBES = r"""#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
static void report(const char *name, long r) {
  std::printf("%s %s\n", name, r >= 0 ? "ok" : errno == EPERM ? "EPERM" : errno == EACCES ? "EACCES"
              : errno == ENOSYS ? "ENOSYS" : errno == ENOLCK ? "ENOLCK" : strerrorname_np(errno));
}
int main() {
  report("unshare-user", unshare(CLONE_NEWUSER));
  report("unshare-net", unshare(CLONE_NEWNET));
  report("unshare-mount", unshare(CLONE_NEWNS));
  report("clone-newpid", syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0));
  report("clone3", syscall(SYS_clone3, 0, 0));
  report("setns", setns(0, 0));
  report("mount", mount("none", "/tmp", "tmpfs", 0, 0));
  report("add-key-user", syscall(SYS_add_key, "user", "olympicforge", "v", 1, KEY_SPEC_USER_KEYRING));
  report("keyctl-persistent", syscall(SYS_keyctl, KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_PROCESS_KEYRING));
  union bpf_attr attr; std::memset(&attr, 0, sizeof attr);
  report("bpf", syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
  perf_event_attr pe; std::memset(&pe, 0, sizeof pe); pe.size = sizeof pe;
  report("perf-event-open", syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0));
  report("ptrace", ptrace(PTRACE_TRACEME, 0, 0, 0));
  char buf[8]; iovec local{buf, 8}, remote{buf, 8};
  report("process-vm-readv", syscall(SYS_process_vm_readv, getpid(), &local, 1, &remote, 1, 0));
  report("userfaultfd", syscall(SYS_userfaultfd, 0));
  report("io-uring-setup", syscall(SYS_io_uring_setup, 1, buf));
  report("socket-inet", socket(AF_INET, SOCK_STREAM, 0));
  report("socket-netlink", socket(AF_NETLINK, SOCK_RAW, 0));
  report("socket-unix", socket(AF_UNIX, SOCK_STREAM, 0));
  report("fork", fork() == 0 ? (_exit(0), 0) : 0);
  int shared = open("/etc/passwd", O_RDONLY);  // every run sees this inode: locks and watches would be channels
  struct flock lock{}; lock.l_type = F_RDLCK; lock.l_len = 1;
  report("fcntl-setlk", fcntl(shared, F_SETLK, &lock));
  report("fcntl-ofd-getlk", fcntl(shared, F_OFD_GETLK, &lock));
  report("fcntl-getfl", fcntl(shared, F_GETFL));
  report("flock", flock(shared, LOCK_SH));
  report("inotify-init1", inotify_init1(0));
  struct iovec one{buf, 1};
  report("preadv2", syscall(SYS_preadv2, shared, &one, 1, 0, 0, RWF_NOWAIT));
  report("pread", pread(shared, buf, 1, 0));
  struct statfs fs; report("statfs", statfs("/usr", &fs));
  struct sysinfo si; report("sysinfo", sysinfo(&si));
  report("fadvise-dontneed", syscall(SYS_fadvise64, shared, 0, 0, POSIX_FADV_DONTNEED));
  report("sync", (sync(), 0));
  void *page = mmap(0, 4096, PROT_READ, MAP_PRIVATE, shared, 0);
  report("madvise-pageout", madvise(page, 4096, 21 /* MADV_PAGEOUT */));
  report("madvise-dontneed", madvise(page, 4096, MADV_DONTNEED));
}
"""
EXPECTED_PROBES = {
    "unshare-user": "EPERM", "unshare-net": "EPERM", "unshare-mount": "EPERM", "clone-newpid": "EPERM",
    "clone3": "ENOSYS", "setns": "EPERM", "mount": "EPERM", "add-key-user": "EPERM", "keyctl-persistent": "EPERM",
    "bpf": "EPERM", "perf-event-open": "EPERM", "ptrace": "EPERM", "process-vm-readv": "EPERM", "userfaultfd": "EPERM",
    "io-uring-setup": "EPERM", "socket-inet": "EACCES", "socket-netlink": "EACCES", "socket-unix": "ok", "fork": "ok",
    "fcntl-setlk": "ENOLCK", "fcntl-ofd-getlk": "ENOLCK", "fcntl-getfl": "ok", "flock": "EPERM",
    "inotify-init1": "EPERM", "preadv2": "ENOSYS", "pread": "ok", "statfs": "ENOSYS", "sysinfo": "ENOSYS",
    "fadvise-dontneed": "ok", "sync": "ok", "madvise-pageout": "ok", "madvise-dontneed": "ok",
}  # fmt: skip


def probe_output(expected: dict[str, str]) -> str:
    return "".join(f"{name} {answer}\n" for name, answer in expected.items())


def verdicts(result) -> list[str]:
    return [str(t.verdict) for t in result.tests]


def test_syscalls_a_contest_program_never_needs_are_refused(judge_code, unharmed):
    result = judge_code(SYSCALL_PROBES, [("", probe_output(EXPECTED_PROBES))])
    assert verdicts(result) == ["AC"], result.tests[0].message


def test_the_page_cache_is_no_channel_between_two_runs(judge_code, unharmed):
    """Run 1 evicts a shared system file from the page cache and reads back the pages of
    its secret's bits; run 2 asks, page by page, whether they are cached."""
    cc1plus = subprocess.run(["g++", "-print-prog-name=cc1plus"], capture_output=True, text=True).stdout.strip()
    code = r"""#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
int main(){ char path[4096], role[8]; long long x = 0; const long stride = 40 * 4096; char b[1];
  if (std::scanf("%4095s %7s", path, role) != 2) return 1; int fd = open(path, O_RDONLY);
  if (role[0] == 'W') { std::scanf("%lld", &x); posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    for (int i = 0; i < 62; i++) if ((x >> i) & 1) (void)!pread(fd, b, 1, i * stride); std::puts("ok"); return 0; }
  for (int i = 0; i < 62; i++) { iovec v{b, 1};
    if (syscall(SYS_preadv2, fd, &v, 1, i * stride, 0, RWF_NOWAIT) == 1) x |= 1LL << i; }
  std::printf("%lld\n", x); }"""
    secret = 3141592653589793238
    assert verdicts(judge_code(code, [(f"{cc1plus} W {secret}\n", "ok\n")])) == ["AC"]
    assert verdicts(judge_code(code, [(f"{cc1plus} R\n", f"{secret}\n")])) == ["WA"]


def test_a_program_naming_a_missing_loader_is_a_compile_error(judge_code, unharmed):
    """Its own exec would fail: that must be the program's CE, not the judge's JE."""
    code = '__attribute__((section(".interp"), used)) static const char loader[] = "/nonexistent/ld.so";\nint main(){}'
    result = judge_code(code)
    assert result.compile.status == "CE" and "loader" in result.compile.message


def test_threads_processes_and_python_still_work(judge_code, unharmed):
    code = """import os, subprocess, tempfile, threading
seen = []
worker = threading.Thread(target=lambda: seen.append("thread"))
worker.start(); worker.join()
seen.append(subprocess.run(["/bin/echo", "child"], capture_output=True, text=True).stdout.strip())
with tempfile.TemporaryFile() as scratch:
    scratch.write(b"x"); seen.append("tmp")
print(" ".join(seen))"""
    assert verdicts(judge_code(code, [("", "thread child tmp\n")], suffix=".py")) == ["AC"]


def test_a_32_bit_syscall_kills_the_program(judge_code, unharmed):
    # int 0x80 indexes the i386 table, where numbers mean other calls: never let one through
    code = """#include <cstdio>
int main(){ long r; asm volatile("int $0x80" : "=a"(r) : "a"(20L)); std::printf("%ld\\n", r); }"""
    result = judge_code(code, [("", "")])
    assert verdicts(result) == ["RE"]
    assert result.tests[0].signal == 31  # SIGSYS


def test_filling_the_disk_from_the_work_dir_fails(judge_code, unharmed):
    # the attack that put 4.3 GiB on the host disk in 0.01 s of CPU, verdict AC
    code = """#include <cstdio>
#include <fcntl.h>
#include <initializer_list>
#include <unistd.h>
int main(){ long placed = 0; char name[64];
  for (int i = 0; i < 72; i++) for (const char *dir : {".", "/tmp"}) {
    std::snprintf(name, sizeof name, "%s/fill-%d", dir, i);
    int fd = open(name, O_CREAT | O_WRONLY, 0600);
    if (fd >= 0 && fallocate(fd, 0, 0, 60L << 20) == 0) placed += 60; }
  std::printf("%s\\n", placed <= 16 ? "bounded" : "filled"); }"""
    result = judge_code(code, [("", "bounded\n")])
    assert verdicts(result) == ["AC"]


def test_creating_a_file_next_to_the_program_is_forbidden(judge_code, unharmed):
    """CMS's write-forbidden case: the program that creates other.txt scores 0."""
    code = """#include <cstdio>
int main(){ FILE *f = std::fopen("other.txt", "w"); if (!f) return 1; std::fputs("1\\n", f); std::fclose(f);
  std::puts("1"); }"""
    result = judge_code(code, [("", "1\n")])
    assert verdicts(result) == ["RE"]


def test_scratch_in_tmp_is_counted_as_memory(judge_code, unharmed):
    code = """#include <cstdio>
#include <vector>
int main(){ FILE *f = std::fopen("/tmp/big", "w"); std::vector<char> chunk(1 << 20, 'x');
  for (int i = 0; i < 512; i++) if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size()) return 3;
  std::fclose(f); std::puts("wrote 512 MiB"); }"""
    roomy = RunLimits(cpu_time=2.0, memory=128 << 20, scratch=1 << 30, file_size=1 << 30)
    assert verdicts(judge_code(code, limits=roomy)) == ["MLE"]
    tight = RunLimits(cpu_time=2.0, memory=256 << 20)  # the default scratch is 16 MiB: the write fails, exit 3
    result = judge_code(code, limits=tight)
    assert verdicts(result) == ["RE"] and result.tests[0].exit_code == 3


def test_a_memory_file_over_the_limit_is_mle_not_ole(judge_code, unharmed):
    code = """#include <sys/mman.h>
#include <unistd.h>
#include <vector>
int main(){ int fd = memfd_create("blob", 0); std::vector<char> chunk(1 << 20, 'x');
  for (int i = 0; i < 400; i++) if (write(fd, chunk.data(), chunk.size()) < 0) return 3; }"""
    assert verdicts(judge_code(code, limits=RunLimits(cpu_time=2.0, memory=256 << 20))) == ["MLE"]


def test_fallocate_of_stdout_past_the_limit_is_ole(judge_code, unharmed):
    code = "#include <fcntl.h>\nint main(){ return fallocate(1, 0, 0, 10L << 30) ? 3 : 0; }"
    assert verdicts(judge_code(code)) == ["OLE"]


def test_a_huge_binary_is_a_compile_error_and_is_not_cached(judge_code, unharmed, compiler):
    code = 'asm(".section .data\\n.fill 251658240\\n.text");\nint main(){}'  # the 274-byte, 241 MiB attack
    result = judge_code(code)
    assert result.compile.status == "CE"
    assert "size limit" in result.compile.message
    cached = sum(f.stat().st_size for f in compiler.cache_root.rglob("*") if f.is_file())
    assert cached < 512 << 20  # the whole session's cache, nowhere near one 241 MiB binary more


def test_the_compile_cache_keeps_to_its_size_by_evicting_the_least_recently_used(sandbox, tmp_path):
    small = Compiler(sandbox, CompileOptions(limits=TEST_COMPILE_LIMITS, cache_size=3 << 20, cache_grace=0.0),
                     cache_root=tmp_path)  # fmt: skip
    sources = [
        SourceFile("p.cpp", f'#include <cstdio>\nint main(){{ std::puts("{i}"); }}\n'.encode()) for i in range(6)
    ]
    for source in sources:
        assert small.compile([source]).ok
    total = sum(f.stat().st_blocks * 512 for f in small.cache_root.rglob("*") if f.is_file())
    biggest = max(f.stat().st_size for f in small.cache_root.rglob("prog"))
    assert total <= (3 << 20) + biggest + (64 << 10)  # the bound, plus the one entry that crossed it
    assert small.compile([sources[-1]]).cached  # the most recent stays
    assert not small.compile([sources[0]]).cached  # the oldest went first


@pytest.fixture
def unisolated_compiler():
    """No namespaces: the work dir is the program's own, writable (the documented lowest mode)."""
    box = Sandbox(backend="rlimit", isolation="none")
    yield Compiler(box, CompileOptions(limits=TEST_COMPILE_LIMITS))
    box.close()


def test_a_tree_3000_levels_deep_is_cleaned_up_without_changing_the_verdict(judge_code, unharmed, unisolated_compiler):
    code = """#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>
int main(){ for (int i = 0; i < 3000; i++) { if (mkdir("d", 0700) || chdir("d")) return 3; }
  std::puts("deep"); }"""
    before = {p.name for p in Path(tempfile.gettempdir()).iterdir()}
    result = judge_code(code, [("", "deep\n")], using=unisolated_compiler)
    assert verdicts(result) == ["AC"]
    assert {p.name for p in Path(tempfile.gettempdir()).iterdir()} - before == set()


def test_remove_tree_handles_any_depth_and_read_only_folders(tmp_path):
    root = tmp_path / "deep"
    root.mkdir()
    fd = os.open(root, os.O_RDONLY)
    for level in range(3000):  # deeper than PATH_MAX allows as one path
        os.mkdir("d", dir_fd=fd)
        with open(os.open("f", os.O_CREAT | os.O_WRONLY, dir_fd=fd), "w") as handle:
            handle.write(str(level))
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.fchmod(fd, 0o500)
    os.close(fd)
    os.chmod(root, 0o500)
    assert remove_tree(root)
    assert not root.exists()
    assert remove_tree(tmp_path / "never-existed")


def test_no_leftover_scratch_folders_after_a_killed_program(judge_code, unharmed):
    before = set(Path(tempfile.gettempdir()).glob("olympicforge-run-*"))
    result = judge_code("#include <unistd.h>\nint main(){ for (;;) fork(); }")
    assert verdicts(result) == ["TLE"]
    assert set(Path(tempfile.gettempdir()).glob("olympicforge-run-*")) - before == set()
