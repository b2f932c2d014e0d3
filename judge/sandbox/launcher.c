/*
 * olympicforge sandbox launcher: runs ONE untrusted program under limits and
 * prints one JSON line describing how it ended.
 *
 * Why C and not Python: the numbers we report must be clean (wait4 from a
 * forked Python reports the parent's RSS), the per-run overhead must stay at a
 * few milliseconds, and namespace/cgroup setup has to happen between fork and
 * exec, which Python cannot express.
 *
 * Process tree:   launcher (host, root or user)
 *                   └── init  (pid 1 of a new pid namespace when isolating)
 *                         └── program
 * The init reaps everything, reports the program's wait status and rusage
 * through a pipe, and exits as soon as the program exits; the kernel then
 * kills every process left in the pid namespace (double-forked daemons too).
 * The launcher enforces CPU (by polling the cgroup) and wall limits, kills,
 * reads the cgroup counters, removes the cgroups and prints the result.
 *
 * Isolation of one run (so that no two runs, nor two processes of one
 * judging, share anything the task type did not define): fresh pid, mount,
 * IPC, UTS and network namespaces per run; a private root where system
 * directories and /box are read-only, only the declared output files are
 * writable (bind-mounted one by one, each capped by RLIMIT_FSIZE) and /tmp is
 * a small tmpfs whose pages the memory cgroup counts; a uid of its own; and a
 * seccomp filter that refuses what a contest program never needs (namespaces,
 * mounts, keyrings, ptrace, bpf, io_uring, non-unix sockets, ...).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_BINDS 192 /* a 64-user Communication manager sees 64 FIFO folders */
#define MAX_ENV 64
#define MAX_WRITABLE 16
#define POLL_NS 20000000L /* CPU-limit polling period: 20 ms */

enum cg_mode { CG_NONE, CG_V1, CG_V2 };

struct bind { const char *src, *dst; int rw; };

static struct {
    long cpu_ms, wall_ms, mem_kb, stack_kb, pids, fsize_kb, nofile;
    const char *in, *out, *err, *dir, *root;
    uid_t uid; gid_t gid; int drop;
    enum cg_mode cg;
    const char *cg_mem, *cg_cpu, *cg_pids, *cg2; /* parent dirs */
    int isolate, userns;
    const char *netns;
    struct bind binds[MAX_BINDS]; int nbinds;
    const char *writable[MAX_WRITABLE]; int nwritable; /* files of /box the program may write */
    long tmp_kb; /* size of the private /tmp tmpfs; 0: /tmp is read-only */
    int seccomp;
    char *env[MAX_ENV + 1]; int nenv;
    char **argv;
    int inherit_stdio;
} o = { .nofile = 64, .wall_ms = 0, .seccomp = 1 };

/* cgroup directories created for this run */
static char cg_mem_dir[4096], cg_cpu_dir[4096], cg_pids_dir[4096], cg2_dir[4096];

struct child_report { int status; struct rusage ru; int stage; int err; double ended_at; };

static double now(void);
static void kill_cgroup(void);
static void remove_cgroups(void);

/* In --serve mode every answer names the request it answers (ids are digits only). */
static char request_id[32];
static int pooled_netns = -1; /* a fresh network namespace handed over by the server */

static void print_id(void) {
    if (request_id[0]) printf("\"id\": \"%s\", ", request_id);
}

static void die(const char *fmt, ...) {
    char msg[1024];
    va_list ap; va_start(ap, fmt); vsnprintf(msg, sizeof msg, fmt, ap); va_end(ap);
    printf("{");
    print_id();
    printf("\"ok\": false, \"error\": \"");
    for (char *p = msg; *p; p++) {
        if (*p == '"' || *p == '\\') putchar('\\');
        putchar(*p == '\n' ? ' ' : *p);
    }
    printf(": %s\"}\n", strerror(errno));
    fflush(stdout);
    kill_cgroup(); /* whatever was started or made for the run goes with it */
    remove_cgroups();
    exit(2);
}

static int write_file(const char *dir, const char *name, const char *value) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, value, strlen(value));
    close(fd);
    return n < 0 ? -1 : 0;
}

static int read_file(const char *dir, const char *name, char *buf, size_t cap) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return 0;
}

static long long read_ll(const char *dir, const char *name) {
    char buf[256];
    if (!dir[0] || read_file(dir, name, buf, sizeof buf)) return -1;
    return atoll(buf);
}

/* value of "key N" inside a flat-keyed cgroup file (memory.events, cpu.stat, ...) */
static long long read_key(const char *dir, const char *name, const char *key) {
    char buf[8192];
    if (!dir[0] || read_file(dir, name, buf, sizeof buf)) return -1;
    size_t klen = strlen(key);
    for (char *line = buf; line && *line; ) {
        if (!strncmp(line, key, klen) && line[klen] == ' ') return atoll(line + klen + 1);
        line = strchr(line, '\n');
        if (line) line++;
    }
    return -1;
}

static void make_cgroup(char *out, const char *parent) {
    snprintf(out, 4096, "%s/run-%d", parent, (int)getpid());
    if (mkdir(out, 0755) && errno != EEXIST) die("cannot create cgroup %s", out);
}

static void setup_cgroups(void) {
    char val[64];
    if (o.cg == CG_V1) {
        make_cgroup(cg_mem_dir, o.cg_mem);
        make_cgroup(cg_cpu_dir, o.cg_cpu);
        make_cgroup(cg_pids_dir, o.cg_pids);
        if (o.mem_kb > 0) {
            snprintf(val, sizeof val, "%lld", (long long)o.mem_kb * 1024);
            if (write_file(cg_mem_dir, "memory.limit_in_bytes", val)) die("memory.limit_in_bytes");
            write_file(cg_mem_dir, "memory.memsw.limit_in_bytes", val); /* absent without swap accounting */
        }
        if (o.pids > 0) {
            snprintf(val, sizeof val, "%ld", o.pids);
            if (write_file(cg_pids_dir, "pids.max", val)) die("pids.max");
        }
    } else if (o.cg == CG_V2) {
        make_cgroup(cg2_dir, o.cg2);
        if (o.mem_kb > 0) {
            snprintf(val, sizeof val, "%lld", (long long)o.mem_kb * 1024);
            write_file(cg2_dir, "memory.max", val);
            write_file(cg2_dir, "memory.swap.max", "0");
        }
        if (o.pids > 0) {
            snprintf(val, sizeof val, "%ld", o.pids);
            write_file(cg2_dir, "pids.max", val);
        }
    }
}

/* memory is limited by the cgroup only when the controller file exists */
static int cgroup_has_memory(void) {
    char path[4200];
    if (o.cg == CG_V1) return cg_mem_dir[0] != 0;
    if (o.cg == CG_V2) {
        snprintf(path, sizeof path, "%s/memory.max", cg2_dir);
        return access(path, F_OK) == 0;
    }
    return 0;
}

static int cgroup_has_pids(void) {
    char path[4200];
    if (o.cg == CG_V1) return cg_pids_dir[0] != 0;
    if (o.cg == CG_V2) {
        snprintf(path, sizeof path, "%s/pids.max", cg2_dir);
        return access(path, F_OK) == 0;
    }
    return 0;
}

static void join_cgroups(pid_t pid) {
    char val[32];
    snprintf(val, sizeof val, "%d", (int)pid);
    if (o.cg == CG_V1) {
        if (write_file(cg_mem_dir, "cgroup.procs", val) || write_file(cg_cpu_dir, "cgroup.procs", val) ||
            write_file(cg_pids_dir, "cgroup.procs", val))
            die("cannot move the child into its cgroups");
    } else if (o.cg == CG_V2) {
        if (write_file(cg2_dir, "cgroup.procs", val)) die("cannot move the child into %s", cg2_dir);
    }
}

/* CPU seconds used so far by everything in the run's cgroup, or -1 */
static double cgroup_cpu(void) {
    if (o.cg == CG_V1) {
        long long ns = read_ll(cg_cpu_dir, "cpuacct.usage");
        return ns < 0 ? -1 : ns / 1e9;
    }
    if (o.cg == CG_V2) {
        long long us = read_key(cg2_dir, "cpu.stat", "usage_usec");
        return us < 0 ? -1 : us / 1e6;
    }
    return -1;
}

/* How many times the run's memory usage has run into its limit so far, or -1. */
static long long memory_limit_hits(void) {
    if (o.cg == CG_V1) return cg_mem_dir[0] ? read_ll(cg_mem_dir, "memory.failcnt") : -1;
    if (o.cg == CG_V2) return read_key(cg2_dir, "memory.events", "max");
    return -1;
}

/* Seconds the run's threads spent runnable but waiting for a CPU (the kernel's
 * per-task run-queue delay, /proc/<tid>/schedstat), or -1 when unknown: a run the
 * wall clock stopped while it mostly waited for a CPU was starved by the machine. */
static double runqueue_wait(pid_t init) {
    char buf[16384], dir[64], stat[128];
    int found = 0;
    if (o.cg == CG_V1 && cg_cpu_dir[0]) found = !read_file(cg_cpu_dir, "tasks", buf, sizeof buf);
    else if (o.cg == CG_V2 && cg2_dir[0]) found = !read_file(cg2_dir, "cgroup.threads", buf, sizeof buf);
    if (!found) {
        snprintf(dir, sizeof dir, "/proc/%d/task/%d", (int)init, (int)init);
        if (read_file(dir, "children", buf, sizeof buf)) return -1;
    }
    double waited = 0;
    int read_any = 0;
    for (char *p = buf; *p; ) {
        while (*p == ' ' || *p == '\n') p++;
        if (!*p) break;
        snprintf(dir, sizeof dir, "/proc/%d", atoi(p));
        unsigned long long run_ns, wait_ns;
        if (read_file(dir, "schedstat", stat, sizeof stat) == 0 && sscanf(stat, "%llu %llu", &run_ns, &wait_ns) == 2) {
            waited += wait_ns / 1e9;
            read_any = 1;
        }
        while (*p && *p != ' ' && *p != '\n') p++;
    }
    return read_any ? waited : -1;
}

/* Without a cgroup: CPU seconds of the init's children (the program and any
 * orphans it adopted), read from /proc, so a CPU limit can still be enforced
 * while they run and a killed run still reports the CPU it used. */
static double children_cpu(pid_t init) {
    char path[64], buf[8192], stat[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%d", (int)init, (int)init);
    if (read_file(path, "children", buf, sizeof buf)) return -1;
    double ticks = 0, hz = (double)sysconf(_SC_CLK_TCK);
    for (char *p = buf; *p; ) {
        char dir[64];
        snprintf(dir, sizeof dir, "/proc/%d", atoi(p));
        if (read_file(dir, "stat", stat, sizeof stat) == 0) {
            char *q = strrchr(stat, ')');
            unsigned long long f[20] = {0};
            /* fields after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt
               cmajflt utime stime cutime cstime */
            if (q && sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
                            &f[0], &f[1], &f[2], &f[3]) == 4)
                ticks += f[0] + f[1] + f[2] + f[3];
        }
        p = strchr(p, ' ');
        if (!p) break;
        while (*p == ' ') p++;
    }
    return ticks / hz;
}

static int cgroup_empty(const char *dir) {
    char buf[64];
    if (!dir[0] || read_file(dir, "cgroup.procs", buf, sizeof buf)) return 1;
    return buf[0] == 0;
}

/* kill every process still in the run's cgroup and wait until it is empty */
static void kill_cgroup(void) {
    const char *dir = o.cg == CG_V1 ? cg_pids_dir : o.cg == CG_V2 ? cg2_dir : "";
    if (!dir[0]) return;
    for (int round = 0; round < 2000 && !cgroup_empty(dir); round++) {
        if (o.cg == CG_V2 && write_file(dir, "cgroup.kill", "1") == 0) {
            /* fall through to the wait below */
        } else {
            char buf[65536];
            if (read_file(dir, "cgroup.procs", buf, sizeof buf) == 0)
                for (char *p = buf; *p; ) {
                    kill((pid_t)atoi(p), SIGKILL);
                    p = strchr(p, '\n');
                    if (!p) break;
                    p++;
                }
        }
        struct timespec ts = {0, 500000};
        nanosleep(&ts, NULL);
    }
}

static void remove_cgroups(void) {
    const char *dirs[] = {cg_mem_dir, cg_cpu_dir, cg_pids_dir, cg2_dir};
    for (int i = 0; i < 4; i++) {
        if (!dirs[i][0]) continue;
        for (int tries = 0; tries < 200 && rmdir(dirs[i]) && errno == EBUSY; tries++) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
}

/* everything of the run: the init (and with it its pid namespace), its
 * process group when not isolated, and whatever the cgroup still holds */
static void kill_run(pid_t init) {
    kill(init, SIGKILL);
    if (!o.isolate) kill(-init, SIGKILL);
    kill_cgroup();
}

static void wake_up(int sig) { (void)sig; }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_rlimit(int res, rlim_t v) {
    struct rlimit rl = {v, v};
    if (setrlimit(res, &rl)) die("setrlimit %d", res);
}

/* ---- code running inside the sandbox (init and program) ---- */

static int report_fd = -1;

static void child_fail(int stage) {
    struct child_report r = {.stage = stage, .err = errno};
    if (write(report_fd, &r, sizeof r) < 0) _exit(127);
    _exit(127);
}

static void mkdirs(const char *path, mode_t mode) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(buf, mode); *p = '/'; }
    mkdir(buf, mode);
}

/* bind SRC at ROOT/DST, read-only unless rw; a symlink is recreated as a symlink */
static void bind_into_root(const char *src, const char *dst, int rw) {
    char target[4096], link[4096];
    struct stat st;
    snprintf(target, sizeof target, "%s%s", o.root, dst);
    if (lstat(src, &st)) return; /* a missing optional path is simply not there */
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlink(src, link, sizeof link - 1);
        if (n < 0) child_fail(10);
        link[n] = 0;
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", target);
        char *slash = strrchr(parent, '/');
        if (slash) { *slash = 0; mkdirs(parent, 0755); }
        if (symlink(link, target) && errno != EEXIST) child_fail(11);
        return;
    }
    if (S_ISDIR(st.st_mode)) mkdirs(target, 0755);
    else if (access(target, F_OK)) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", target);
        char *slash = strrchr(parent, '/');
        if (slash) { *slash = 0; mkdirs(parent, 0755); }
        int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd >= 0) close(fd);
    }
    if (mount(src, target, NULL, MS_BIND | MS_REC, NULL)) child_fail(12);
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (rw ? 0 : MS_RDONLY);
    if (mount(NULL, target, NULL, flags, NULL)) {
        /* in a user namespace, flags of the original mount are locked: keep them */
        struct statvfs sv;
        if (statvfs(target, &sv)) child_fail(13);
        if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
        if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
        if (mount(NULL, target, NULL, flags, NULL)) child_fail(14);
    }
}

static void build_root(void) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) child_fail(20);
    /* one tmpfs for the root's mount points and the program's /tmp: its size bounds the scratch */
    char root_opts[96];
    snprintf(root_opts, sizeof root_opts, "size=%ldk,nr_inodes=%d,mode=755", 1024 + o.tmp_kb, 4096);
    if (mount("none", o.root, "tmpfs", MS_NOSUID | MS_NODEV, root_opts)) child_fail(21);
    for (int i = 0; i < o.nbinds; i++) bind_into_root(o.binds[i].src, o.binds[i].dst, o.binds[i].rw);
    const char *devs[] = {"/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"};
    for (int i = 0; i < 4; i++) bind_into_root(devs[i], devs[i], 1);
    bind_into_root(o.dir, "/box", 0);
    for (int i = 0; i < o.nwritable; i++) {
        char src[4096], dst[4096];
        snprintf(src, sizeof src, "%s/%s", o.dir, o.writable[i]);
        snprintf(dst, sizeof dst, "/box/%s", o.writable[i]);
        bind_into_root(src, dst, 1);
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/tmp", o.root);
    mkdir(tmp, 01777);
    chmod(tmp, 01777);
    /* a mount of its own, so it stays writable when the root is made read-only below
     * (cheaper than a second tmpfs); without --tmp-kb it stays read-only with the root */
    if (o.tmp_kb > 0 && mount(tmp, tmp, NULL, MS_BIND, NULL)) child_fail(27);
    if (chdir(o.root)) child_fail(22);
    if (syscall(SYS_pivot_root, ".", ".")) child_fail(23);
    if (umount2(".", MNT_DETACH)) child_fail(24);
    if (chdir("/")) child_fail(25);
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL)) child_fail(26);
}

/* ---- the syscall filter ---- */

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH AUDIT_ARCH_RISCV64
#else
#error "the seccomp filter knows x86_64, aarch64 and riscv64"
#endif

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | \
                  CLONE_NEWCGROUP | 0x00000080 /* CLONE_NEWTIME */)

/* Refused with EPERM: nothing a contest program, CPython or the compiler needs.
 * Besides escape routes, this closes channels between runs through what the
 * kernel shares: file locks on system files, inotify watches, file-system
 * counters (ustat), page-cache probes (cachestat). */
static const int denied_syscalls[] = {
    __NR_flock, __NR_inotify_init1, __NR_inotify_add_watch,
#ifdef __NR_inotify_init
    __NR_inotify_init,
#endif
#ifdef __NR_ustat
    __NR_ustat,
#endif
#ifdef __NR_cachestat
    __NR_cachestat,
#endif
    __NR_unshare, __NR_setns, __NR_mount, __NR_umount2, __NR_pivot_root, __NR_chroot,
#ifdef __NR_open_tree
    __NR_open_tree, __NR_move_mount, __NR_fsopen, __NR_fsconfig, __NR_fsmount, __NR_fspick,
#endif
#ifdef __NR_mount_setattr
    __NR_mount_setattr,
#endif
    __NR_keyctl, __NR_add_key, __NR_request_key, __NR_bpf, __NR_perf_event_open, __NR_ptrace,
    __NR_process_vm_readv, __NR_process_vm_writev, __NR_userfaultfd, __NR_kexec_load,
#ifdef __NR_kexec_file_load
    __NR_kexec_file_load,
#endif
    __NR_reboot, __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_swapon, __NR_swapoff,
    __NR_acct, __NR_settimeofday, __NR_clock_settime, __NR_clock_adjtime, __NR_adjtimex, __NR_sethostname,
    __NR_setdomainname, __NR_quotactl, __NR_name_to_handle_at, __NR_open_by_handle_at, __NR_syslog,
    __NR_vhangup, __NR_fanotify_init, __NR_kcmp, __NR_seccomp, __NR_migrate_pages, __NR_move_pages,
    __NR_io_setup, __NR_io_submit,
#ifdef __NR_io_uring_setup
    __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
#endif
#ifdef __NR_pidfd_getfd
    __NR_pidfd_getfd,
#endif
#ifdef __NR_process_madvise
    __NR_process_madvise,
#endif
#ifdef __NR_quotactl_fd
    __NR_quotactl_fd,
#endif
#ifdef __NR_lookup_dcookie
    __NR_lookup_dcookie,
#endif
#ifdef __NR_iopl
    __NR_iopl, __NR_ioperm, __NR_modify_ldt,
#endif
#ifdef __NR_uselib
    __NR_uselib,
#endif
#ifdef __NR_nfsservctl
    __NR_nfsservctl,
#endif
};

/* Answered without running: ENOSYS where libc falls back to something the filter can
 * judge (clone3 hides its flags in memory) or where a caller copes with its absence;
 * 0 (done, nothing happened) where the call only acts on what every run shares. */
enum action { DENY, NO_SYSCALL, NO_OP, CHECK_CLONE, CHECK_SOCKET, CHECK_FCNTL, CHECK_MADVISE, N_ACTIONS };
struct rule { int nr; enum action action; };
static const struct rule special_rules[] = {
    {__NR_clone3, NO_SYSCALL},
    {__NR_preadv2, NO_SYSCALL}, /* RWF_NOWAIT tells what another run left in the page cache */
    {__NR_pwritev2, NO_SYSCALL},
    {__NR_sysinfo, NO_SYSCALL}, /* host-wide process count and free memory */
    {__NR_statfs, NO_SYSCALL},  /* host-wide free blocks, which other runs' output moves */
    {__NR_fstatfs, NO_SYSCALL},
    {__NR_fadvise64, NO_OP},    /* DONTNEED would evict every run's page cache */
    {__NR_sync, NO_OP},
    {__NR_syncfs, NO_OP},
    {__NR_clone, CHECK_CLONE},     /* threads and processes yes, new namespaces no */
    {__NR_socket, CHECK_SOCKET},   /* unix sockets only (the network namespace is private anyway) */
    {__NR_fcntl, CHECK_FCNTL},     /* everything but locks, leases and directory notification */
    {__NR_madvise, CHECK_MADVISE}, /* MADV_COLD and MADV_PAGEOUT would push shared file pages out */
};
/* fcntl commands that lock, lease or watch: locks on a shared read-only file are seen by every run */
static const unsigned lock_commands[] = {F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW,
                                         F_SETLEASE, F_GETLEASE, F_NOTIFY};
#define N_SPECIAL (sizeof special_rules / sizeof special_rules[0])
#define N_LOCK (sizeof lock_commands / sizeof lock_commands[0])
#define N_DENIED (sizeof denied_syscalls / sizeof denied_syscalls[0])
#define N_RULES (N_DENIED + N_SPECIAL)
#define ARG0 offsetof(struct seccomp_data, args[0]) /* low 32 bits on little-endian machines */
#define ARG1 offsetof(struct seccomp_data, args[1])
#define ARG2 offsetof(struct seccomp_data, args[2])
#define LEAF 4 /* numbers compared one by one in a leaf of the search tree */
#define FILTER_MAX (3 * N_RULES + N_LOCK + 40)
#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP(code, k, jt, jf))

static struct sock_filter filter[FILTER_MAX];
static int filter_len;
static struct rule rules[N_RULES];
static int action_at[N_ACTIONS]; /* where each action's instructions start */

static int by_number(const void *a, const void *b) {
    return ((const struct rule *)a)->nr - ((const struct rule *)b)->nr;
}

static int tree_size(int lo, int hi) {
    if (hi - lo <= LEAF) return hi - lo + 1;
    int mid = (lo + hi) / 2;
    return 1 + tree_size(lo, mid) + tree_size(mid, hi);
}

static void emit(struct sock_filter instruction) {
    if (filter_len == FILTER_MAX) { errno = E2BIG; die("the syscall filter outgrew its table"); }
    filter[filter_len++] = instruction;
}

static unsigned char hop(int target) { /* a forward jump from the next instruction to `target` */
    int distance = target - filter_len - 1;
    if (distance < 0 || distance > 255) { errno = ERANGE; die("a syscall filter jump of %d", distance); }
    return (unsigned char)distance;
}

/* A binary search over the rules' syscall numbers, each leaf jumping to its rule's
 * action. The kernel evaluates the filter for every syscall number when it is
 * installed (to cache the always-allowed ones): a syscall's path here is about
 * log2(N) + LEAF comparisons, where a flat list cost ~0.3 ms per run to install. */
static void emit_tree(int lo, int hi, int allow_at) {
    if (hi - lo <= LEAF) {
        for (int i = lo; i < hi; i++) emit(JUMP(BPF_JMP | BPF_JEQ | BPF_K, rules[i].nr, hop(action_at[rules[i].action]), 0));
        emit(JUMP(BPF_JMP | BPF_JA | BPF_K, hop(allow_at), 0, 0));
        return;
    }
    int mid = (lo + hi) / 2;
    emit(JUMP(BPF_JMP | BPF_JGE | BPF_K, rules[mid].nr, tree_size(lo, mid), 0));
    emit_tree(lo, mid, allow_at);
    emit_tree(mid, hi, allow_at);
}

static void build_syscall_filter(void) {
    for (size_t i = 0; i < N_DENIED; i++) rules[i] = (struct rule){denied_syscalls[i], DENY};
    for (size_t i = 0; i < N_SPECIAL; i++) rules[N_DENIED + i] = special_rules[i];
    qsort(rules, N_RULES, sizeof rules[0], by_number);
    int head = 4;
#if defined(__x86_64__)
    head += 2;
#endif
    /* the layout: head, tree, allow, then one block per action */
    int allow_at = head + tree_size(0, N_RULES);
    int sizes[N_ACTIONS] = {[DENY] = 1, [NO_SYSCALL] = 1, [NO_OP] = 1, [CHECK_CLONE] = 4, [CHECK_SOCKET] = 4,
                            [CHECK_FCNTL] = (int)N_LOCK + 3, [CHECK_MADVISE] = 5};
    for (int a = 0, at = allow_at + 1; a < N_ACTIONS; a++) { action_at[a] = at; at += sizes[a]; }
    filter_len = 0;
    emit(STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
    /* another ABI (i386 int 0x80 on x86_64) would index another syscall table: kill */
    emit(JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    emit(STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
#if defined(__x86_64__)
    emit(JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* x32 */, 0, 1));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
    emit_tree(0, N_RULES, allow_at);
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));  /* DENY */
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS)); /* NO_SYSCALL */
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0));      /* NO_OP */
    emit(STMT(BPF_LD | BPF_W | BPF_ABS, ARG0));               /* CHECK_CLONE */
    emit(JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    emit(STMT(BPF_LD | BPF_W | BPF_ABS, ARG0));               /* CHECK_SOCKET */
    emit(JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 1, 0));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    emit(STMT(BPF_LD | BPF_W | BPF_ABS, ARG1));               /* CHECK_FCNTL */
    for (size_t i = 0; i < N_LOCK; i++) emit(JUMP(BPF_JMP | BPF_JEQ | BPF_K, lock_commands[i], N_LOCK - i, 0));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOLCK));
    emit(STMT(BPF_LD | BPF_W | BPF_ABS, ARG2));               /* CHECK_MADVISE */
    emit(JUMP(BPF_JMP | BPF_JEQ | BPF_K, 20 /* MADV_COLD */, 2, 0));
    emit(JUMP(BPF_JMP | BPF_JEQ | BPF_K, 21 /* MADV_PAGEOUT */, 1, 0));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    emit(STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0));
    if (filter_len != action_at[N_ACTIONS - 1] + sizes[N_ACTIONS - 1]) { errno = EINVAL; die("syscall filter layout"); }
}

/* Installed right before execve, after the uid is dropped and no_new_privs is set,
 * so the program and everything it starts carry it and cannot remove it. */
static void install_syscall_filter(void) {
    struct sock_fprog prog = {.len = (unsigned short)filter_len, .filter = filter};
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) child_fail(36);
}

static void exec_program(int fds[3]) {
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0 && fds[i] != i) {
            if (dup2(fds[i], i) < 0) child_fail(30);
        }
    long long mem = (long long)o.mem_kb * 1024;
    long long stack = o.stack_kb > 0 ? (long long)o.stack_kb * 1024 : mem;
    set_rlimit(RLIMIT_STACK, stack > 0 ? (rlim_t)stack : RLIM_INFINITY);
    if (o.cpu_ms > 0) { /* backstop only: the launcher polls CPU and kills at the limit */
        struct rlimit rl = {(rlim_t)(o.cpu_ms / 1000 + 1), (rlim_t)(o.cpu_ms / 1000 + 2)};
        if (setrlimit(RLIMIT_CPU, &rl)) child_fail(35);
    }
    if (o.fsize_kb > 0) set_rlimit(RLIMIT_FSIZE, (rlim_t)o.fsize_kb * 1024);
    set_rlimit(RLIMIT_NOFILE, (rlim_t)o.nofile);
    set_rlimit(RLIMIT_CORE, 0);
    if (mem > 0 && !cgroup_has_memory()) set_rlimit(RLIMIT_AS, (rlim_t)mem);
    if (o.pids > 0 && !cgroup_has_pids() && o.drop) set_rlimit(RLIMIT_NPROC, (rlim_t)o.pids);
    if (o.drop) {
        if (setgroups(0, NULL)) child_fail(31);
        if (setgid(o.gid)) child_fail(32);
        if (setuid(o.uid)) child_fail(33);
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) child_fail(37);
    if (chdir(o.isolate ? "/box" : o.dir)) child_fail(34);
    o.env[o.nenv] = NULL;
    if (o.seccomp) install_syscall_filter();
    execve(o.argv[0], o.argv, o.env);
    child_fail(40);
}

/* Without a user namespace there is no id map to wait for: the init moves itself into
 * the run's cgroups ("0" is the writer) and starts at once, saving a hand-over. */
static void join_self(void) {
    const char *dirs[] = {cg_mem_dir, cg_cpu_dir, cg_pids_dir, cg2_dir};
    for (int i = 0; i < 4; i++)
        if (dirs[i][0] && write_file(dirs[i], "cgroup.procs", "0")) child_fail(6);
}

static int init_main(int go_fd) {
    if (go_fd >= 0) {
        char go;
        if (read(go_fd, &go, 1) != 1) _exit(126); /* launcher died */
        close(go_fd);
    } else {
        join_self();
    }
    int fds[3] = {-1, -1, -1};
    if (!o.inherit_stdio) {
        fds[0] = open(o.in ? o.in : "/dev/null", O_RDONLY | O_CLOEXEC);
        if (fds[0] < 0) child_fail(1);
        fds[1] = open(o.out ? o.out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fds[1] < 0) child_fail(2);
        fds[2] = open(o.err ? o.err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fds[2] < 0) child_fail(3);
    }
    if (o.isolate) {
        sethostname("sandbox", 7);
        build_root();
    } else {
        setsid();
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    pid_t prog = fork();
    if (prog < 0) child_fail(5);
    if (prog == 0) exec_program(fds);
    for (int i = 0; i < 3; i++) if (fds[i] > 2) close(fds[i]);
    /* reap everything; report when the program itself ends */
    for (;;) {
        int status;
        struct rusage ru;
        pid_t p = wait4(-1, &status, __WALL, &ru);
        if (p == prog) {
            struct child_report r = {.status = status, .ru = ru, .stage = 0, .err = 0, .ended_at = now()};
            if (o.isolate) { /* pid 1 of the run: end and reap everything else before reporting */
                kill(-1, SIGKILL);
                while (wait4(-1, NULL, __WALL, NULL) > 0 || errno == EINTR) {}
            }
            if (write(report_fd, &r, sizeof r) < 0) _exit(125);
            if (!o.isolate) kill(-getpid(), SIGKILL); /* our process group: best effort */
            _exit(0);
        }
        if (p < 0 && errno != EINTR) _exit(124);
    }
}

/* ---- argument parsing and the launcher's own loop ---- */

static long num(const char *s, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end) { errno = EINVAL; die("bad number for %s: %s", what, s); }
    return v;
}

static void parse(int argc, char **argv) {
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--")) { i++; break; }
        if (!v) { errno = EINVAL; die("option %s needs a value", a); }
        i++;
        if (!strcmp(a, "--cpu-ms")) o.cpu_ms = num(v, a);
        else if (!strcmp(a, "--wall-ms")) o.wall_ms = num(v, a);
        else if (!strcmp(a, "--mem-kb")) o.mem_kb = num(v, a);
        else if (!strcmp(a, "--stack-kb")) o.stack_kb = num(v, a);
        else if (!strcmp(a, "--pids")) o.pids = num(v, a);
        else if (!strcmp(a, "--fsize-kb")) o.fsize_kb = num(v, a);
        else if (!strcmp(a, "--nofile")) o.nofile = num(v, a);
        else if (!strcmp(a, "--stdin")) o.in = v;
        else if (!strcmp(a, "--stdout")) o.out = v;
        else if (!strcmp(a, "--stderr")) o.err = v;
        else if (!strcmp(a, "--inherit-stdio")) o.inherit_stdio = (int)num(v, a);
        else if (!strcmp(a, "--dir")) o.dir = v;
        else if (!strcmp(a, "--root")) o.root = v;
        else if (!strcmp(a, "--uid-base")) { /* a uid of its own for every run: rlimits and kill(-1) stay per run */
            o.uid = (uid_t)(num(v, a) + getpid());
            o.gid = (gid_t)o.uid;
            o.drop = 1;
        }
        else if (!strcmp(a, "--cgroup-v1")) { /* MEM:CPU:PIDS parent dirs */
            static char buf[3 * 4096];
            snprintf(buf, sizeof buf, "%s", v);
            o.cg = CG_V1;
            o.cg_mem = strtok(buf, ":");
            o.cg_cpu = strtok(NULL, ":");
            o.cg_pids = strtok(NULL, ":");
            if (!o.cg_pids) { errno = EINVAL; die("--cgroup-v1 wants MEM:CPU:PIDS"); }
        } else if (!strcmp(a, "--cgroup-v2")) { o.cg = CG_V2; o.cg2 = v; }
        else if (!strcmp(a, "--isolate")) o.isolate = (int)num(v, a);
        else if (!strcmp(a, "--userns")) o.userns = (int)num(v, a);
        else if (!strcmp(a, "--netns")) o.netns = v;
        else if (!strcmp(a, "--seccomp")) o.seccomp = (int)num(v, a);
        else if (!strcmp(a, "--tmp-kb")) o.tmp_kb = num(v, a);
        else if (!strcmp(a, "--writable")) {
            if (o.nwritable == MAX_WRITABLE) { errno = E2BIG; die("too many writable files"); }
            if (!v[0] || strchr(v, '/') || !strcmp(v, ".") || !strcmp(v, "..")) {
                errno = EINVAL;
                die("--writable takes a file name inside --dir: %s", v);
            }
            o.writable[o.nwritable++] = v;
        }
        else if (!strcmp(a, "--bind") || !strcmp(a, "--bind-rw")) {
            if (o.nbinds == MAX_BINDS) { errno = E2BIG; die("too many binds"); }
            char *s = strdup(v), *colon = strchr(s, ':');
            if (colon) *colon = 0;
            o.binds[o.nbinds++] = (struct bind){s, colon ? colon + 1 : s, a[6] == '-'};
        } else if (!strcmp(a, "--env")) {
            if (o.nenv == MAX_ENV) { errno = E2BIG; die("too many env"); }
            o.env[o.nenv++] = (char *)v;
        } else { errno = EINVAL; die("unknown option %s", a); }
    }
    if (i >= argc) { errno = EINVAL; die("no program given"); }
    o.argv = argv + i;
    if (!o.dir) { errno = EINVAL; die("--dir is required"); }
    if (o.isolate && !o.root) { errno = EINVAL; die("--isolate needs --root"); }
}

static void write_id_map(pid_t pid, const char *file, unsigned id_in, unsigned id_out) {
    char path[64], map[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    snprintf(map, sizeof map, "%u %u 1\n", id_in, id_out);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, map, strlen(map)) < 0) die("cannot write %s", path);
    close(fd);
}

/* The work dir stays the judge's (read-only for the program); the declared
 * output files are created empty and given to the run's uid, as CMS does. */
static void prepare_box(void) {
    if (chmod(o.dir, 0755)) die("cannot chmod %s", o.dir);
    int dir = open(o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) die("cannot open %s", o.dir);
    for (int i = 0; i < o.nwritable; i++) {
        int fd = openat(dir, o.writable[i], O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) die("cannot create %s/%s", o.dir, o.writable[i]);
        if (o.drop && fchown(fd, o.uid, o.gid)) die("cannot chown %s/%s", o.dir, o.writable[i]);
        close(fd);
    }
    close(dir);
}

/* keep an empty network namespace alive for runs to join (cheaper than a new one each run) */
static int hold_netns(void) {
    if (unshare(CLONE_NEWNET)) die("unshare(CLONE_NEWNET)");
    /* No PR_SET_PDEATHSIG here: it fires when the *thread* that started us exits,
     * and judges start runs from worker threads. End of stdin (the judge process
     * closing its pipe, or dying) is what ends the holder. */
    printf("ready\n");
    fflush(stdout);
    char buf[64];
    while (read(0, buf, sizeof buf) > 0) {}
    return 0;
}

/* ---- --serve: one long-lived launcher that forks a run per request ---- */

#define NETNS_POOL 8  /* free network namespaces kept ready */
#define MAX_RUNS 4096 /* runs in flight through one server */
#define MAX_REQUEST (1 << 20)
#define MAX_ARGS 1024

static int run(int argc, char **argv);

static int read_full(int fd, void *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return 0;
}

/* A fresh, empty network namespace as a descriptor (the server's own is restored). */
static int make_netns(int home) {
    if (unshare(CLONE_NEWNET)) return -1;
    int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (setns(home, CLONE_NEWNET)) { errno = EIO; die("cannot return to the server's network namespace"); }
    return fd;
}

/* Whether a network namespace whose run has ended holds nothing a later run could
 * see. The filter lets programs make unix sockets only, and those close with their
 * processes, except one kept alive by a descriptor in flight inside itself (until
 * the kernel collects it): any socket left, and the namespace is thrown away. */
static int netns_is_clean(int fd, int home) {
    if (setns(fd, CLONE_NEWNET)) return 0;
    char buf[256];
    int clean = 0, sockets = open("/proc/self/net/unix", O_RDONLY | O_CLOEXEC);
    if (sockets >= 0) {
        ssize_t n = read(sockets, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        char *first_end = strchr(buf, '\n');
        clean = n > 0 && first_end && first_end[1] == 0; /* the header line alone */
        close(sockets);
    }
    if (setns(home, CLONE_NEWNET)) { errno = EIO; die("cannot return to the server's network namespace"); }
    return clean;
}

/* The server's own answer for a request it cannot run; the id is its first field. */
static void answer_refused(const char *request, const char *why) {
    snprintf(request_id, sizeof request_id, "%s", request);
    printf("{");
    print_id();
    printf("\"ok\": false, \"error\": \"the fork server refused the run: %s\"}\n", why);
    fflush(stdout);
    request_id[0] = 0;
}

/* Requests on stdin: a 4-byte little-endian length, then "ID\0ARG\0ARG\0...". Each is
 * answered by a forked launcher (no exec per run) with one JSON line carrying "id" on
 * the shared stdout: lines under PIPE_BUF are written whole. While idle the server
 * makes network namespaces ahead of time, so that a run only joins its own fresh one. */
static int serve(void) {
    sigset_t chld, waiting;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &waiting);
    sigdelset(&waiting, SIGCHLD);
    struct sigaction on_child = {.sa_handler = wake_up}; /* a run launcher ended: wake the poll below */
    sigaction(SIGCHLD, &on_child, NULL);
    int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int pool[NETNS_POOL], pooled = 0, can_pool = home >= 0;
    static struct { pid_t pid; int netfd; } runs[MAX_RUNS]; /* launchers in flight and their namespace */
    int nruns = 0;
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        /* a namespace whose run is over (every process of it gone) serves the next run */
        for (pid_t done; (done = waitpid(-1, NULL, WNOHANG)) > 0;)
            for (int i = 0; i < nruns; i++)
                if (runs[i].pid == done) {
                    int fd = runs[i].netfd;
                    runs[i] = runs[--nruns];
                    if (fd >= 0 && pooled < NETNS_POOL && netns_is_clean(fd, home)) pool[pooled++] = fd;
                    else if (fd >= 0) close(fd);
                    break;
                }
        struct pollfd wait_for = {.fd = 0, .events = POLLIN};
        struct timespec now_please = {0, 0};
        int ready = ppoll(&wait_for, 1, can_pool && pooled < 2 ? &now_please : NULL, &waiting);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) { /* idle and short of namespaces: make one ahead of time */
            int fd = make_netns(home);
            if (fd < 0) can_pool = 0; /* not allowed (no CAP_SYS_ADMIN): runs make their own */
            else pool[pooled++] = fd;
            continue;
        }
        uint32_t length;
        if (read_full(0, &length, sizeof length)) return 0; /* the judge closed us: done */
        char *request = malloc((size_t)(length > MAX_REQUEST ? MAX_REQUEST : length) + 1);
        if (!request) return 3;
        if (length > MAX_REQUEST) { /* keep its id to answer it, drop the rest */
            if (read_full(0, request, MAX_REQUEST)) return 0;
            for (uint32_t left = length - MAX_REQUEST; left > 0;) {
                char sink[4096];
                uint32_t chunk = left < sizeof sink ? left : (uint32_t)sizeof sink;
                if (read_full(0, sink, chunk)) return 0;
                left -= chunk;
            }
            request[MAX_REQUEST] = 0;
            answer_refused(request, "request too long");
            free(request);
            continue;
        }
        if (read_full(0, request, length)) return 0;
        request[length] = 0;
        int argc = 1;
        for (char *p = request + strlen(request) + 1; p < request + length; p += strlen(p) + 1) argc++;
        if (argc > MAX_ARGS) {
            answer_refused(request, "too many arguments");
            free(request);
            continue;
        }
        if (nruns == MAX_RUNS) {
            answer_refused(request, "too many runs at once");
            free(request);
            continue;
        }
        int netfd = pooled ? pool[--pooled] : can_pool ? make_netns(home) : -1;
        pid_t pid = fork();
        if (pid == 0) {
            signal(SIGCHLD, SIG_DFL);
            for (int i = 0; i < nruns; i++) if (runs[i].netfd >= 0) close(runs[i].netfd);
            for (int i = 0; i < pooled; i++) close(pool[i]);
            if (home >= 0) close(home);
            int null = open("/dev/null", O_RDONLY);
            if (null >= 0) { dup2(null, 0); close(null); }
            char *argv[MAX_ARGS + 1];
            argc = 0;
            argv[argc++] = "olympicforge-sandbox";
            snprintf(request_id, sizeof request_id, "%s", request);
            for (char *p = request + strlen(request) + 1; p < request + length; p += strlen(p) + 1) argv[argc++] = p;
            argv[argc] = NULL;
            pooled_netns = netfd;
            exit(run(argc, argv));
        }
        if (pid > 0) runs[nruns++] = (typeof(runs[0])){pid, netfd};
        else {
            if (netfd >= 0) close(netfd);
            answer_refused(request, strerror(errno));
        }
        free(request);
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 4096); /* each answer leaves in one write (a run prints one line) */
    if (argc == 2 && !strcmp(argv[1], "--hold-netns")) return hold_netns();
    if (argc == 2 && !strcmp(argv[1], "--serve")) return serve();
    return run(argc, argv);
}

static int run(int argc, char **argv) {
    parse(argc, argv);
    if (o.seccomp) build_syscall_filter();
    prepare_box();
    setup_cgroups();

    int handover = o.isolate && o.userns; /* the id maps are written before the init may go on */
    int go[2] = {-1, -1}, rep[2];
    if ((handover && pipe2(go, O_CLOEXEC)) || pipe2(rep, O_CLOEXEC)) die("pipe");
    sigset_t chld, during_wait;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &during_wait);
    sigdelset(&during_wait, SIGCHLD);
    struct sigaction on_child = {.sa_handler = wake_up}; /* so that ppoll returns when the init ends */
    sigaction(SIGCHLD, &on_child, NULL);

    int netfd = -1;
    if (o.isolate && o.netns) {
        netfd = open(o.netns, O_RDONLY | O_CLOEXEC);
        if (netfd < 0) die("cannot open netns %s", o.netns);
    } else if (o.isolate && !o.userns && pooled_netns >= 0) {
        netfd = pooled_netns; /* made ahead of time by the server, used by this run only */
    }
    long flags = SIGCHLD;
    if (o.isolate) {
        flags |= CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
        if (netfd < 0) flags |= CLONE_NEWNET;
        if (o.userns) flags |= CLONE_NEWUSER;
    }
    uid_t outer_uid = getuid();
    gid_t outer_gid = getgid();
    pid_t init = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
    if (init < 0) die("clone with namespaces failed");
    if (init == 0) {
        if (handover) close(go[1]);
        close(rep[0]);
        report_fd = rep[1];
        signal(SIGCHLD, SIG_DFL);
        sigprocmask(SIG_UNBLOCK, &chld, NULL);
        if (netfd >= 0 && setns(netfd, CLONE_NEWNET)) child_fail(4);
        return init_main(go[0]);
    }
    if (handover) close(go[0]);
    close(rep[1]);
    fcntl(rep[0], F_SETFL, O_NONBLOCK);
    if (netfd >= 0) close(netfd);
    if (handover) join_cgroups(init);
    if (handover) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/setgroups", (int)init);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) { if (write(fd, "deny", 4) < 0) {} close(fd); }
        unsigned inner_uid = o.drop ? o.uid : outer_uid, inner_gid = o.drop ? o.gid : outer_gid;
        write_id_map(init, "uid_map", inner_uid, outer_uid);
        write_id_map(init, "gid_map", inner_gid, outer_gid);
    }
    double start = now();
    if (handover) {
        if (write(go[1], "g", 1) != 1) die("cannot start the child");
        close(go[1]);
    }

    int killed_cpu = 0, killed_wall = 0, init_status = 0, init_gone = 0, at_memory_limit = 0;
    long long last_hits = -1;
    int have_report = 0, report_open = 1;
    struct child_report r;
    memset(&r, 0, sizeof r);
    double last_cpu = 0, waited = -1;
    struct rusage init_ru;
    memset(&init_ru, 0, sizeof init_ru);
    double cpu_limit = o.cpu_ms / 1000.0, wall_limit = o.wall_ms / 1000.0;
    for (;;) {
        pid_t p = wait4(init, &init_status, WNOHANG | __WALL, &init_ru);
        if (p == init) { init_gone = 1; break; }
        if (report_open && !have_report) {
            ssize_t got = read(rep[0], &r, sizeof r);
            if (got == (ssize_t)sizeof r) have_report = 1;
            else if (got == 0) report_open = 0; /* the init ended without a word */
        }
        /* isolated, the init reports after it has ended every process of the run: answer
         * now, and leave the namespaces' teardown to after the answer */
        if (have_report && r.stage == 0 && o.isolate) break;
        double elapsed = now() - start;
        if (!killed_wall && wall_limit > 0 && elapsed > wall_limit) {
            killed_wall = 1;
            waited = runqueue_wait(init); /* before the kill: the threads are still there */
            kill_run(init);
        }
        if (!killed_cpu && !killed_wall) {
            double used = o.cg != CG_NONE ? cgroup_cpu() : children_cpu(init);
            if (used > last_cpu) last_cpu = used;
            long long hits = memory_limit_hits();
            if (cpu_limit > 0 && used > cpu_limit + 0.05) {
                /* still running into its memory limit: the time went to reclaim, racing the OOM kill */
                at_memory_limit = hits > last_hits && last_hits >= 0;
                killed_cpu = 1;
                kill_run(init);
            }
            last_hits = hits;
        }
        long wait_ns = POLL_NS;
        if (wall_limit > 0) {
            double left = wall_limit - elapsed;
            if (left * 1e9 < wait_ns) wait_ns = left > 0 ? (long)(left * 1e9) + 1000000 : 1000000;
        }
        struct timespec ts = {wait_ns / 1000000000L, wait_ns % 1000000000L};
        struct pollfd report = {.fd = rep[0], .events = POLLIN};
        ppoll(&report, report_open && !have_report ? 1 : 0, &ts, &during_wait);
    }
    double ended_at = now(), wall = ended_at - start;
    if (init_gone) {
        if (!o.isolate) kill(-init, SIGKILL);
        kill_cgroup();
        if (!have_report && read(rep[0], &r, sizeof r) == (ssize_t)sizeof r) have_report = 1;
    }

    double cpu = cgroup_cpu();
    if (cpu < 0 && have_report && r.stage == 0) {
        const struct rusage *ru = &r.ru;
        cpu = ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 + ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
    }
    if (cpu < last_cpu) cpu = last_cpu; /* killed before it could report: the last reading */
    long long peak = -1, oom = -1;
    if (o.cg == CG_V1) {
        peak = read_ll(cg_mem_dir, "memory.max_usage_in_bytes");
        oom = read_key(cg_mem_dir, "memory.oom_control", "oom_kill");
    } else if (o.cg == CG_V2) {
        peak = read_ll(cg2_dir, "memory.peak");
        oom = read_key(cg2_dir, "memory.events", "oom_kill");
    }
    long long max_rss = have_report && r.stage == 0 ? (long long)r.ru.ru_maxrss * 1024 : -1;
    int memory_by_cgroup = cgroup_has_memory();

    if (have_report && r.stage == 0 && r.ended_at > 0 && r.ended_at < ended_at) ended_at = r.ended_at;
    int status = have_report && r.stage == 0 ? r.status : 0;
    int exited = have_report && r.stage == 0 && WIFEXITED(status);
    int sig = have_report && r.stage == 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (!have_report && (killed_cpu || killed_wall || WIFSIGNALED(init_status))) sig = SIGKILL;
    printf("{");
    print_id();
    printf("\"ok\": true, \"exited\": %s, \"exit_code\": %d, \"signal\": %d, \"cpu\": %.6f, "
           "\"wall\": %.6f, \"memory\": %lld, \"max_rss\": %lld, \"oom_kills\": %lld, "
           "\"killed_cpu\": %s, \"killed_wall\": %s, \"setup_stage\": %d, \"setup_errno\": %d, "
           "\"reported\": %s, \"memory_by_cgroup\": %s, \"ended_at\": %.6f, \"killed_at_memory_limit\": %s, "
           "\"runqueue_wait\": %.6f}\n",
           exited ? "true" : "false", exited ? WEXITSTATUS(status) : -1, sig, cpu, wall, peak, max_rss, oom,
           killed_cpu ? "true" : "false", killed_wall ? "true" : "false", have_report ? r.stage : -1,
           have_report ? r.err : 0, have_report ? "true" : "false", memory_by_cgroup ? "true" : "false", ended_at,
           at_memory_limit ? "true" : "false", waited);
    fflush(stdout); /* answer first: the init's exit (namespace teardown) and the removal of
                       the emptied cgroups happen while the judge goes on */
    if (!init_gone) {
        while (waitpid(init, NULL, __WALL) < 0 && errno == EINTR) {}
        kill_cgroup();
    }
    remove_cgroups();
    return 0;
}
