"""Shared fixtures: a private judge cache per test session, helpers to judge code."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

# A private temp folder per session (judge scratch folders, pytest's tmp_path, the
# judge cache), removed at exit: sessions running side by side never see each
# other's leftovers, and nothing of a session (a PCH is 100 MB) outlives it.
SESSION_TMP = Path(tempfile.mkdtemp(prefix="olympicforge-test-session-"))
os.environ["TMPDIR"] = str(SESSION_TMP)
tempfile.tempdir = str(SESSION_TMP)
atexit.register(shutil.rmtree, SESSION_TMP, ignore_errors=True)
# A fresh cache per session: compile-cache hits from earlier runs must not hide bugs.
os.environ.setdefault("OLYMPICFORGE_CACHE", tempfile.mkdtemp(prefix="olympicforge-test-cache-"))
# Sandbox uids of their own per session: a process another session is running (a compile
# of its own) is never taken for a survivor of this one.
os.environ["OLYMPICFORGE_SANDBOX_UID_BASE"] = str(2_000_000 + (os.getpid() % 400 + 1) * (1 << 22))

from judge.checkers import Checker, WhiteDiff  # noqa: E402
from judge.compile import CompileOptions, Compiler  # noqa: E402
from judge.evaluate import SubmissionResult, judge_submission  # noqa: E402
from judge.sandbox import RunLimits, Sandbox  # noqa: E402
from judge.sandbox.sandbox import UID_BASE, UID_SPAN  # noqa: E402
from judge.tasktypes.batch import BatchIO  # noqa: E402
from judge.testset import TestCase  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
AB = '#include <cstdio>\nint main(){long long a,b;std::scanf("%lld %lld",&a,&b);std::printf("%lld\\n",a+b);}\n'
DISK_BOUND = 256 << 20  # bytes of host disk an attack may leave used (the output limit is 64 MiB)
RSS_BOUND = 64 << 20  # bytes the judge's own resident memory may grow while judging an attack
JUDGE_TEMP_PREFIXES = (
    "olympicforge-run-",
    "olympicforge-comm-",
    "olympicforge-twosteps-",
    "olympicforge-pairs-",
    "olympicforge-outputs-",
    "checker-",
)
TEST_COMPILE_LIMITS = RunLimits(cpu_time=4.0, wall_time=10.0, memory=512 << 20, processes=32,
                                file_size=64 << 20, open_files=256)  # fmt: skip


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    box = Sandbox()
    yield box
    box.close()


@pytest.fixture(scope="session")
def compiler(sandbox: Sandbox) -> Compiler:
    return Compiler(sandbox, CompileOptions(limits=TEST_COMPILE_LIMITS))


def write_tests(directory: Path, cases: list[tuple[str, str]]) -> list[TestCase]:
    directory.mkdir(parents=True, exist_ok=True)
    tests = []
    for number, (given, expected) in enumerate(cases, 1):
        (directory / f"{number}.in").write_text(given)
        (directory / f"{number}.out").write_text(expected)
        tests.append(TestCase(str(number), directory / f"{number}.in", directory / f"{number}.out"))
    return tests


@pytest.fixture(scope="session")
def ray_cluster():
    """A real local Ray cluster, 2 CPUs (tests/ray_helpers.py), for the whole session."""
    from ray_helpers import start_cluster

    yield from start_cluster()


@pytest.fixture
def ray_calls(monkeypatch):
    """What went through the Ray executor in this process (proof the judging ran on the cluster):
    (function name, item count) and slots per batch, every result it handed back, and every
    answer a RayJudge gave."""
    from judge.executors.ray_cluster import RayExecutor, RayJudge

    seen = {"batches": [], "answers": [], "slots": [], "results": []}
    run, judge_map = RayExecutor.run, RayJudge.map

    def spy_run(self, work, items, **options):
        seen["batches"].append((work.function.__name__, len(items)))
        seen["slots"].append(self.slots)
        for result in run(self, work, items, **options):
            seen["results"].append(result)
            yield result

    def spy_map(self, jobs):
        answers = judge_map(self, jobs)
        seen["answers"] += answers
        return answers

    monkeypatch.setattr(RayExecutor, "run", spy_run)
    monkeypatch.setattr(RayJudge, "map", spy_map)
    return seen


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A 2-layer Qwen2 with a small BPE tokenizer, built here once per session (no download)."""
    from tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-model") / "tiny-qwen2")


@pytest.fixture
def judge_code(tmp_path: Path, compiler: Compiler):
    """judge_code(source, cases, suffix='.cpp', **options) -> SubmissionResult."""

    def run(
        code: str,
        cases: list[tuple[str, str]] = (("", ""),),
        suffix: str = ".cpp",
        limits: RunLimits | None = None,
        checker: Checker | None = None,
        io: BatchIO | None = None,
        using: Compiler | None = None,
        workers: int = 1,
    ) -> SubmissionResult:
        source = tmp_path / f"sol{suffix}"
        source.write_text(code)
        tests = write_tests(tmp_path / "tests", list(cases))
        return judge_submission(
            source, tests, limits=limits or RunLimits(cpu_time=1.0, memory=256 << 20),
            checker=checker or WhiteDiff(), io=io, compiler=using or compiler, workers=workers,
        )  # fmt: skip

    return run


def sandbox_processes() -> list[str]:
    """Processes still running under a sandbox uid of this session (there must be none between runs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        uid_line = next((ln for ln in status.splitlines() if ln.startswith("Uid:")), "")
        uids = [int(u) for u in uid_line.split()[1:]]
        if any(UID_BASE <= u < UID_BASE + UID_SPAN for u in uids):
            found.append(f"{entry.name}: {status.splitlines()[0]}")
    return found


def leftover_cgroups(sandbox: Sandbox) -> list[Path]:
    """Run cgroups whose launcher is gone (a live launcher, of another judge, is not a leftover)."""
    setup = sandbox.cgroup
    if setup is None:
        return []
    parents = [setup.v1_memory, setup.v1_cpuacct, setup.v1_pids, setup.v2_parent]
    runs = [child for p in parents if p for child in p.glob("run-*")]
    return [run for run in runs if not Path("/proc", run.name.removeprefix("run-")).exists()]


def _own_memory() -> tuple[int, int]:
    """(current RSS, peak RSS) of this process in bytes."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) << 10, int(fields["VmHWM"].split()[0]) << 10


def _judge_temp_entries() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(JUDGE_TEMP_PREFIXES)}


@pytest.fixture
def unharmed(judge_code, sandbox):
    """Wraps a hostile test: afterwards no sandboxed process survives, no run cgroup or
    judge temp folder is left, the host disk and the judge's own memory grew within
    bounds, and a normal A+B is still accepted. Yields the machine's state before."""
    temp_before = _judge_temp_entries()
    free_before = shutil.disk_usage(tempfile.gettempdir()).free
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS (VmHWM) to the current RSS
    rss_before, _ = _own_memory()
    yield
    _, peak = _own_memory()
    assert peak - rss_before < RSS_BOUND, f"the judge's RSS grew by {(peak - rss_before) >> 20} MiB"
    deadline = time.monotonic() + 2
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox_processes() == []
    assert leftover_cgroups(sandbox) == []
    assert _judge_temp_entries() - temp_before == set()
    used = free_before - shutil.disk_usage(tempfile.gettempdir()).free
    assert used < DISK_BOUND, f"{used >> 20} MiB of host disk used after the run"
    after = judge_code(AB, [("2 3\n", "5\n")])
    assert str(after.verdict) == "AC"
