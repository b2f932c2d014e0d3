"""`make bench`: the judge's speed figures, measured in one run on this machine.

- sandbox overhead over a bare `subprocess.run` of the same static binary
  (median ms; goal: at most 2 ms), per backend, and before/after per-run
  network namespaces and the seccomp filter, interleaved in one run;
- compile: cold (no PCH) vs with the precompiled header vs a cache hit;
- judging one submission on 200 small tests with 1 and 2 workers;
- 50 submissions of an example IOI task through the batch evaluator vs a fresh
  compile per (submission, test), as sandbox-service harnesses do;
- Codeforces page parsing throughput on the shared fixtures;
- GRPO rewards: completions judged per second by `cf_code` through the local
  process pool (1 and 2 workers) and through one `judge serve` worker over HTTP;
- comparators: MB/s of WhiteDiff, TokenDiff and FloatDiff on one 63 MiB line
  `a a a ...` (checked against itself, so read whole), and the time to reject it;
- CLI start-up: median wall seconds of `olympicforge --help` and of `judge task --help` and
  `judge run --help` (goal: the judge commands start in at most 0.5 s).

Writes the numbers to a JSON file (default bench/results.json) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A private cache: "cold" must really be cold.
os.environ["OLYMPICFORGE_CACHE"] = tempfile.mkdtemp(prefix="olympicforge-bench-")

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from builders.codeforces.parser import parse_page  # noqa: E402
from judge.batcheval import SubmissionJob, evaluate_many  # noqa: E402
from judge.checkers import FloatDiff, TokenDiff, WhiteDiff  # noqa: E402
from judge.compile import CompileOptions, Compiler, SourceFile, precompiled_header  # noqa: E402
from judge.evaluate import judge_submission, usable_cores  # noqa: E402
from judge.loaders import load_task  # noqa: E402
from judge.paths import atomic_write_bytes  # noqa: E402
from judge.sandbox import Bind, RunLimits, Sandbox  # noqa: E402
from judge.taskrun import TaskJudge  # noqa: E402
from judge.tasktypes.batch import run_batch_test  # noqa: E402
from judge.testset import TestCase  # noqa: E402

AB = b"#include <bits/stdc++.h>\nint main(){ long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n"


def median_ms(action, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


OVERHEAD_GOAL_MS = 2.0  # per run, median, over a bare subprocess.run of the same binary
# (label, backend, isolation, Sandbox options): the first two are the same backend before and
# after per-run network namespaces and the syscall filter, measured side by side in one run
OVERHEAD_SETUPS = (
    (
        "before: shared netns, no seccomp",
        "auto",
        "auto",
        {"shared_netns": True, "syscall_filter": False, "fork_server": False},
    ),
    ("now: per-run netns + seccomp", "auto", "auto", {}),
    ("rlimit, namespaces", "rlimit", "namespaces", {}),
    ("rlimit, no isolation", "rlimit", "none", {}),
)


def bench_overhead(binary: Path, work: Path, runs: int) -> dict:
    """Median ms per run, sandboxed and bare, interleaved so that both see the same machine."""
    given = work / "ab.in"
    given.write_text("3 4\n")
    out = work / "ab.out"

    def bare():
        with given.open("rb") as stdin, out.open("wb") as stdout:
            subprocess.run([str(binary)], stdin=stdin, stdout=stdout, check=True)

    limits = RunLimits(cpu_time=1.0, memory=256 << 20)
    boxes = [(label, Sandbox(backend=b, isolation=i, **options)) for label, b, i, options in OVERHEAD_SETUPS]
    box_dir = work / "box"
    box_dir.mkdir(exist_ok=True)
    bind = Bind(binary, "/prog")

    def sandboxed(box: Sandbox) -> None:
        result = box.run([box.program_path(bind)], work_dir=box_dir, limits=limits, stdin=given, stdout=out,
                         binds=[bind])  # fmt: skip
        assert result.status == "OK", result

    samples: dict[str, list[float]] = {"bare": [], **{label: [] for label, _ in boxes}}
    for round_number in range(runs + 10):  # the first 10: warm-up (netns holder, page cache)
        for label, action in [("bare", bare), *((label, lambda box=box: sandboxed(box)) for label, box in boxes)]:
            started = time.perf_counter()
            action()
            if round_number >= 10:
                samples[label].append((time.perf_counter() - started) * 1000)
    base = statistics.median(samples["bare"])
    results: dict = {"bare_ms": round(base, 3), "goal_ms": OVERHEAD_GOAL_MS}
    for label, box in boxes:
        inside = statistics.median(samples[label])
        results[label] = {"backend": box.info.name, "sandbox_ms": round(inside, 3),
                          "overhead_ms": round(inside - base, 3)}  # fmt: skip
        box.close()
    now = results["now: per-run netns + seccomp"]["overhead_ms"]
    results["now_minus_before_ms"] = round(now - results["before: shared netns, no seccomp"]["overhead_ms"], 3)
    results["goal_met"] = now <= OVERHEAD_GOAL_MS
    return results


def bench_compile(compiler: Compiler, nopch: Compiler) -> dict:
    started = time.perf_counter()
    precompiled_header(compiler.options.cxx, compiler.options.cxx_flags, compiler.sandbox)
    pch_build = time.perf_counter() - started
    figures = {"pch_build_s": round(pch_build, 3)}
    for label, which in (("cold_no_pch_s", nopch), ("with_pch_s", compiler)):
        times = []
        for attempt in range(3):
            source = SourceFile("ab.cpp", AB + f"// {label} {attempt}\n".encode())
            result = which.compile([source])
            assert result.ok and not result.cached
            times.append(result.time)
        figures[label] = round(statistics.median(times), 3)
    source = SourceFile("ab.cpp", AB + b"// cache\n")
    compiler.compile([source])
    figures["cache_hit_ms"] = round(median_ms(lambda: compiler.compile([source]), 50), 3)
    return figures


def bench_tests(compiler: Compiler, work: Path, count: int) -> dict:
    tests_dir = work / "tests"
    tests_dir.mkdir(exist_ok=True)
    tests = []
    for i in range(count):
        (tests_dir / f"{i}.in").write_text(f"{i} {i * 7}\n")
        (tests_dir / f"{i}.out").write_text(f"{i * 8}\n")
        tests.append(TestCase(str(i), tests_dir / f"{i}.in", tests_dir / f"{i}.out"))
    source = work / "ab.cpp"
    source.write_bytes(AB)
    compiler.compile([SourceFile.read(source)])
    figures = {}
    for workers in (1, 2):
        started = time.perf_counter()
        result = judge_submission(source, tests, compiler=compiler, workers=workers)
        elapsed = time.perf_counter() - started
        assert result.passed == count, result.verdict_counts
        figures[f"workers_{workers}_s"] = round(elapsed, 3)
        figures[f"workers_{workers}_tests_per_s"] = round(count / elapsed, 1)
    figures["speedup_2_over_1"] = round(figures["workers_1_s"] / figures["workers_2_s"], 2)
    return figures


def bench_ioi_batch(sandbox: Sandbox, work: Path, submissions: int, baseline_submissions: int) -> dict:
    """50 distinct submissions of an example IOI task through the batch evaluator, against
    the sandbox-service way: a fresh compile for every (submission, test) pair. The slow
    baseline runs on fewer submissions; both are compared per submission."""
    package = Path(__file__).resolve().parents[1] / "examples" / "ioi" / "2024" / "day1" / "findpair"
    task = load_task(package)
    code = (package / "solutions" / "model_solution" / "hashing.cpp").read_text()
    compiler = Compiler(sandbox, cache_root=work / "ioi-cache")
    jobs = [SubmissionJob(f"s{i}", task.code, f"{code}\n// generation {i}\n") for i in range(submissions)]
    started = time.perf_counter()
    summary = evaluate_many([task], jobs, work / "results.jsonl", compiler=compiler, show_progress=False)
    ours = time.perf_counter() - started
    assert summary.judged == submissions and summary.judge_errors == 0

    judge = TaskJudge(task, compiler)  # reuses its compiled checker
    limits = judge.limits
    started = time.perf_counter()
    for i in range(baseline_submissions):
        for number, test in enumerate(task.tests.values()):
            fresh = Compiler(sandbox, CompileOptions(use_pch=False), cache_root=work / f"fresh-{i}-{number}")
            files = [SourceFile(f"{task.code}.cpp", f"{code}\n// generation {i}\n".encode()),
                     *(SourceFile(n, d) for n, d in task.submission_companions().items())]  # fmt: skip
            compiled = fresh.compile(files)
            result = run_batch_test(compiled.executable, TestCase(test.name, test.input, test.answer), limits,
                                    judge.checker, sandbox)  # fmt: skip
            assert result.verdict == "AC", result
    baseline = time.perf_counter() - started
    per_ours, per_base = ours / submissions, baseline / baseline_submissions
    return {"task": task.code, "tests": len(task.tests), "submissions": submissions,
            "ours_total_s": round(ours, 2), "ours_per_submission_s": round(per_ours, 3),
            "baseline_submissions": baseline_submissions, "baseline_total_s": round(baseline, 2),
            "baseline_per_submission_s": round(per_base, 3), "speedup": round(per_base / per_ours, 1)}  # fmt: skip


def bench_ray_executor(work: Path, submissions: int) -> dict:
    """The same batch (distinct submissions of an IOI task, `judge batch`'s path) on the local
    pool and on the Ray executor over a local cluster of this machine's cores: Ray's overhead.
    Each side judges its own sources, cold (compiled) then warm (compile-cache hits), after a
    warm-up batch each (the precompiled headers, the actors: a cluster keeps them); each
    batch's shipping is timed."""
    from judge.executors import LocalExecutor
    from judge.executors.ray_cluster import RayExecutor

    package = Path(__file__).resolve().parents[1] / "examples" / "ioi" / "2024" / "day1" / "findpair"
    task = load_task(package)
    code = (package / "solutions" / "model_solution" / "hashing.cpp").read_text()
    cores = usable_cores()
    ray_executor = RayExecutor("local")
    executors = {"local": LocalExecutor(cores), "ray": ray_executor}
    seconds: dict[str, dict[str, float]] = {"warm-up": {}, "cold": {}, "warm": {}}
    actors = len(ray_executor.live)
    try:
        for phase in seconds:
            for name, executor in executors.items():
                count, tag = (2, "warm-up") if phase == "warm-up" else (submissions, "timed")
                jobs = [SubmissionJob(f"{name}{i}", task.code, f"{code}\n// {name} {tag} {i}\n") for i in range(count)]
                started = time.perf_counter()
                summary = evaluate_many([task], jobs, work / f"ray-bench-{name}-{phase}.jsonl", executor=executor,
                                        show_progress=False)  # fmt: skip
                seconds[phase][name] = time.perf_counter() - started
                assert summary.judged == count and summary.judge_errors == 0, summary
    finally:
        ray_executor.close()
    del seconds["warm-up"]
    figures = {"cores": cores, "submissions": submissions, "tests_per_submission": len(task.tests),
               "actors": actors, "overhead_goal": RAY_OVERHEAD_GOAL}  # fmt: skip
    for phase, by_name in seconds.items():
        overhead = by_name["ray"] / by_name["local"] - 1
        figures |= {f"{phase}_local_s": round(by_name["local"], 2), f"{phase}_ray_s": round(by_name["ray"], 2),
                    f"{phase}_local_per_min": round(60 * submissions / by_name["local"], 1),
                    f"{phase}_ray_per_min": round(60 * submissions / by_name["ray"], 1),
                    f"{phase}_overhead": round(overhead, 3)}  # fmt: skip
    figures["goal_met"] = all(figures[f"{phase}_overhead"] <= RAY_OVERHEAD_GOAL for phase in seconds)
    return figures


def bench_parse(rounds: int) -> dict:
    """Codeforces parser throughput on the shared fixture pages."""
    fixtures = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "codeforces"
    pages = [p.read_text() for p in sorted(fixtures.glob("*.html"))]
    problems = sum(len(parse_page(page)) for page in pages)
    started = time.perf_counter()
    for _ in range(rounds):
        for page in pages:
            parse_page(page)
    elapsed = time.perf_counter() - started
    return {"pages": len(pages) * rounds, "pages_per_s": round(len(pages) * rounds / elapsed, 1),
            "problems_per_s": round(problems * rounds / elapsed, 1)}  # fmt: skip


def bench_rewards(completions: int) -> dict:
    """Completions per second through the reward path GRPO uses (extract, judge, score)."""
    from judge.jobs import JobPool
    from judge.remote import RemoteJudge
    from judge.server import JudgeServer
    from recipes.rewards import CFCode

    tests = [{"input": f"{i} {i + 1}\n", "output": f"{2 * i + 1}\n"} for i in range(10)]
    right = '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n'
    wrong = right.replace("a+b", "a-b")
    answers = [f"</think>\n```cpp\n{right if i % 2 else wrong}// {i}\n```" for i in range(completions)]
    columns = {"official_tests": [tests] * completions, "examples": [tests[:1]] * completions,
               "time_limit": [1.0] * completions, "memory_limit": [256.0] * completions}  # fmt: skip

    def rate(judge, workers: int, tag: str) -> float:
        """Every run judges sources of its own: the compile cache on disk would otherwise answer."""
        reward = CFCode(judge, scoring="pass_fail")
        warm = 2 * workers  # every worker started (a pool spawns one only when none is idle), the PCH built
        warm_answers = [answer.replace("// ", f"// warm {tag} ") for answer in answers[:warm]]
        reward(completions=warm_answers, **{k: v[:warm] for k, v in columns.items()})
        mine = [answer.replace("// ", f"// {tag} ") for answer in answers]
        started = time.perf_counter()
        scores = reward(completions=mine, **columns)
        elapsed = time.perf_counter() - started
        assert scores == [float(i % 2) for i in range(completions)], scores
        return round(completions / elapsed, 2)

    figures = {}
    for workers in (1, 2):
        pool = JobPool(workers)
        figures[f"pool_{workers}_workers_per_s"] = rate(pool, workers, f"pool{workers}")
        pool.close()
    server = JudgeServer(workers=2).start()
    remote = RemoteJudge([server.url], concurrency=4)
    figures["judge_serve_2_workers_per_s"] = rate(remote, 2, "serve")
    remote.close()
    server.close()
    figures["completions"] = completions
    return figures


def bench_full_suites(compiler: Compiler, work: Path, tests: int, completions: int) -> dict:
    """Judge cost of a Codeforces problem on a full generated suite (read from the
    anchor's layout), per 100 tests, and cf_code throughput on it: partial scoring runs
    every test, pass_fail stops after the first failing batch."""
    from judge.cftests import problem_tests, write_contest
    from judge.codeforces import CodeforcesLimits, judge_codeforces
    from judge.jobs import JobPool
    from recipes.rewards import CFCode

    suite = [{"input": f"{i} {i + 1}\n", "output": f"{2 * i + 1}\n"} for i in range(tests)]
    folder = work / "generated_tests"
    write_contest(folder, 9999, [("9999/A", t) for t in suite])
    right = '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n'
    judge_codeforces(right, "cpp", suite[:1], CodeforcesLimits(1.0, 256), compiler=compiler)  # compiled, cached
    started = time.perf_counter()
    result = judge_codeforces(right, "cpp", problem_tests(folder, "9999/A"), CodeforcesLimits(1.0, 256),
                              compiler=compiler)  # fmt: skip
    wall = time.perf_counter() - started
    assert result.passed == tests, result.verdict_counts
    cpu = sum(t.time for t in result.tests)  # the programs' CPU, as the sandbox measured it
    figures = {"tests": tests, "wall_s_per_100_tests": round(100 * wall / tests, 3),
               "cpu_s_per_100_tests": round(100 * cpu / tests, 3)}  # fmt: skip
    wrong = right.replace("a+b", "a+b+(a>5)")  # right on the first 6 tests only
    answers = [f"</think>\n```cpp\n{right if i % 2 else wrong}// suite {i}\n```" for i in range(completions)]
    columns = {"id": ["9999/A"] * completions, "official_tests": [[]] * completions,
               "examples": [suite[:1]] * completions, "time_limit": [1.0] * completions,
               "memory_limit": [256.0] * completions}  # fmt: skip
    pool = JobPool(2)
    try:
        for scoring in ("partial", "pass_fail"):
            reward = CFCode(pool, scoring=scoring, tests_folder=str(folder), batch_size=10)
            tagged = [a.replace("// suite", f"// {scoring}") for a in answers]
            started = time.perf_counter()
            scores = reward(completions=tagged, **columns)
            assert None not in scores and scores[1] == 1.0 and scores[0] < 1.0, scores
            figures[f"cf_code_{scoring}_completions_per_s"] = round(completions / (time.perf_counter() - started), 2)
    finally:
        pool.close()
    figures["pass_fail_speedup_x"] = round(figures["cf_code_pass_fail_completions_per_s"]
                                           / figures["cf_code_partial_completions_per_s"], 2)  # fmt: skip
    figures["completions"] = completions
    return figures


SUM_CPP = (
    '#include <cstdio>\nint main(){int n;long long s=0,x;scanf("%d",&n);'
    'while(n--){scanf("%lld",&x);s+=x;}printf("%lld\\n",s);}\n'
)
SUM_PY = "import sys\nd = sys.stdin.buffer.read().split()\nprint(sum(map(int, d[1 : 1 + int(d[0])])))\n"
SUM_GENERATOR = """import random, sys
seed, size = int(sys.argv[1]), sys.argv[2]
rng = random.Random(f"{seed}/{size}")
cases = ["1\\n1000000000\\n", "3\\n1000000000 1000000000 1000000000\\n", "1\\n1\\n"]
if size == "edge":
    sys.stdout.write(cases[seed % len(cases)])
else:
    n = rng.randint(1, 10) if size == "small" else 200000
    print(n)
    print(*(rng.randint(1, 10**9) for _ in range(n)))
"""
SUM_VALIDATOR = """import sys
tokens = sys.stdin.read().split()
try:
    n = int(tokens[0])
    assert 1 <= n <= 200000 and len(tokens) == n + 1 and all(1 <= int(t) <= 10**9 for t in tokens[1:])
except (AssertionError, ValueError, IndexError):
    sys.exit(1)
"""
SUM_ROW = {"id": "9999/B", "time_limit": 1.0, "memory_limit": 256.0, "input_mode": "stdio",
           "examples": [{"input": "3\n1 2 3\n", "output": "6\n"}],
           "solutions": [{"language": "GNU C++17", "code": SUM_CPP},
                         {"language": "Python 3", "code": SUM_PY}]}  # fmt: skip


def bench_synthesis(compiler: Compiler, workers: int) -> dict:
    """Test synthesis on a sum problem (answers need 64 bits): tests validated per minute
    per core (each generator runs twice, then the validator and two references run), with
    one worker and with `workers`; then judge seconds per problem to measure the suite on
    5 labelled submissions (2 accepted, 3 rejected)."""
    from builders.codeforces.synth.answers import gather
    from builders.codeforces.synth.validate import SynthConfig, synthesize
    from judge.workdir import private_dir

    texts = {"generator": f"```python\n{SUM_GENERATOR}```", "validator": f"```python\n{SUM_VALIDATOR}```",
             "checker": "kind: single"}  # fmt: skip
    records = [{"key": f"9999/B|{role}|0", "problem": "9999/B", "variant": role, "generation": text,
                "finish_reason": "stop"} for role, text in texts.items()]  # fmt: skip
    answers = gather(records)["9999/B"]
    figures: dict = {}
    with private_dir("bench-synth-") as scratch:  # compiles every program: the timed runs hit the cache
        synthesize(SUM_ROW, answers, compiler, SynthConfig(plan={"small": 1}), scratch)
    for count in sorted({1, workers}):
        with private_dir("bench-synth-") as scratch:
            started = time.perf_counter()
            result = synthesize(SUM_ROW, answers, compiler, SynthConfig(workers=count), scratch)
            minutes = (time.perf_counter() - started) / 60
            assert result.tests and not result.report.flags, result.report
            rate = result.report.generated / minutes / count
            figures[f"tests_validated_per_min_per_core_{count}_workers"] = round(rate, 1)
            if count == workers:
                figures |= _bench_quality(compiler, result.tests)
    figures["generated_inputs"] = result.report.generated
    return figures


def _bench_quality(compiler: Compiler, tests: list) -> dict:
    from builders.codeforces.synth.labelled import Labelled
    from builders.codeforces.synth.quality import measure
    from builders.codeforces.synth.select import SuitePairs

    overflow = SUM_CPP.replace("long long s=0,x", "int s=0,x").replace("%lld", "%d")
    labelled = [Labelled("9999/B", "GNU C++17", SUM_CPP, "OK"), Labelled("9999/B", "Python 3", SUM_PY, "OK"),
                Labelled("9999/B", "GNU C++17", overflow, "WRONG_ANSWER"),
                Labelled("9999/B", "GNU C++17", SUM_CPP.replace("n--", "--n"), "WRONG_ANSWER"),
                Labelled("9999/B", "Python 3", "print(6)\n", "WRONG_ANSWER")]  # fmt: skip
    started = time.perf_counter()
    quality = measure(SUM_ROW, SuitePairs(tests), None, labelled, compiler)
    assert quality.tpr == 1.0 and quality.tnr == 1.0, quality
    return {"quality_judge_s_per_problem": round(time.perf_counter() - started, 2), "suite_tests": len(tests),
            "labelled_submissions": len(labelled)}  # fmt: skip


def bench_comparators(work: Path) -> dict:
    """The built-in comparators on the 63 MiB one-line attack: MB/s when it is the answer
    too (both files read whole), and ms to reject it against the answer `a`."""
    line, answer, given = work / "line.out", work / "a.ans", work / "empty.in"
    block = b"a " * (2 << 20)
    with line.open("wb") as handle:
        for _ in range(63 // 4):
            handle.write(block)
        handle.write(block[: (3 << 20) - 1] + b"\n")
    answer.write_bytes(b"a\n")
    given.write_bytes(b"")
    figures = {"line_mib": round(line.stat().st_size / (1 << 20), 1)}
    for name, checker in (("whitediff", WhiteDiff()), ("tokens", TokenDiff()), ("float", FloatDiff())):
        started = time.perf_counter()
        assert checker.check(given, line, line).verdict == "AC"
        figures[f"{name}_mb_per_s"] = round(line.stat().st_size / 1e6 / (time.perf_counter() - started), 1)
        figures[f"{name}_reject_ms"] = round(median_ms(lambda c=checker: c.check(given, answer, line), 5), 2)
    return figures


STARTUP_GOAL_S = 0.5  # wall seconds for `olympicforge judge ...` to start, median
RAY_OVERHEAD_GOAL = 0.10  # the Ray executor may be at most 10% slower than the local pool on the same work
STARTUP_COMMANDS = (("--help",), ("judge", "task", "--help"), ("judge", "run", "--help"))


def bench_cli_startup(runs: int = 5) -> dict:
    """Median wall seconds from launch to exit of `python -m olympicforge ...` (start-up and --help only)."""
    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")]))}
    figures = {}
    for command in STARTUP_COMMANDS:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "olympicforge", *command], env=env, cwd=repo,
                           stdout=subprocess.DEVNULL, check=True)  # fmt: skip
            samples.append(time.perf_counter() - started)
        figures[f"olympicforge {' '.join(command)}"] = round(statistics.median(samples), 3)
    judge = [seconds for name, seconds in figures.items() if name.startswith("olympicforge judge")]
    return {"median_s": figures, "goal_s": STARTUP_GOAL_S, "goal_met": max(judge) <= STARTUP_GOAL_S}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results.json"))
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--ioi-submissions", type=int, default=50)
    parser.add_argument("--ioi-baseline-submissions", type=int, default=5)
    parser.add_argument("--reward-completions", type=int, default=32)
    parser.add_argument("--suite-tests", type=int, default=100)
    parser.add_argument("--ray-submissions", type=int, default=24)
    args = parser.parse_args()
    console = Console()
    sandbox = Sandbox()
    compiler = Compiler(sandbox)
    nopch = Compiler(sandbox, CompileOptions(use_pch=False))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with console.status("compile: cold, PCH, cache hit"):
            compile_figures = bench_compile(compiler, nopch)
        binary = compiler.compile([SourceFile("ab.cpp", AB + b"// cache\n")]).executable.path
        with console.status(f"sandbox overhead: {args.runs} runs per backend"):
            overhead = bench_overhead(binary, work, args.runs)
        with console.status(f"judging {args.tests} tests with 1 and 2 workers"):
            tests = bench_tests(compiler, work, args.tests)
        with console.status("parsing Codeforces pages"):
            parse = bench_parse(20)
        with console.status(f"IOI batch: {args.ioi_submissions} submissions vs compile-per-test"):
            ioi = bench_ioi_batch(sandbox, work, args.ioi_submissions, args.ioi_baseline_submissions)
        with console.status(f"GRPO rewards: {args.reward_completions} completions, pool and judge serve"):
            rewards = bench_rewards(args.reward_completions)
        with console.status(f"Codeforces full suites: {args.suite_tests} generated tests"):
            suites = bench_full_suites(compiler, work, args.suite_tests, args.reward_completions)
        with console.status("comparators on a 63 MiB line"):
            comparators = bench_comparators(work)
        with console.status("test synthesis: validation and quality measurement"):
            synthesis = bench_synthesis(compiler, usable_cores())
        with console.status("CLI start-up"):
            startup = bench_cli_startup()
        with console.status(f"Ray executor vs local pool: {args.ray_submissions} submissions each"):
            ray_figures = bench_ray_executor(work, args.ray_submissions)
    results = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform()},
        "sandbox_backend": sandbox.info.name,
        "sandbox_overhead": overhead,
        "compile": compile_figures,
        "judge_200_tests": tests,
        "ioi_batch_vs_compile_per_test": ioi,
        "codeforces_parse": parse,
        "grpo_rewards": rewards,
        "codeforces_full_suites": suites,
        "comparators_63_mib_line": comparators,
        "codeforces_test_synthesis": synthesis,
        "cli_startup": startup,
        "ray_executor_vs_local": ray_figures,
    }
    atomic_write_bytes(args.out, (json.dumps(results, indent=2) + "\n").encode())
    table = Table(title=f"olympicforge judge benchmark ({sandbox.info.name})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, figures in overhead.items():
        if isinstance(figures, dict):
            table.add_row(f"sandbox overhead, {name} ({figures['backend']})", f"{figures['overhead_ms']} ms")
    table.add_row(
        f"sandbox: bare run / now minus before / goal <= {OVERHEAD_GOAL_MS} ms met",
        f"{overhead['bare_ms']} / {overhead['now_minus_before_ms']} ms / {overhead['goal_met']}",
    )
    for key, value in compile_figures.items():
        table.add_row(f"compile {key}", str(value))
    for key, value in tests.items():
        table.add_row(f"{args.tests} tests {key}", str(value))
    for key, value in ioi.items():
        table.add_row(f"IOI batch {key}", str(value))
    for key, value in parse.items():
        table.add_row(f"Codeforces parse {key}", str(value))
    for key, value in suites.items():
        table.add_row(f"Codeforces full suite {key}", str(value))
    for key, value in synthesis.items():
        table.add_row(f"test synthesis {key}", str(value))
    for key, value in rewards.items():
        table.add_row(f"cf_code reward {key}", str(value))
    for key, value in comparators.items():
        table.add_row(f"comparators {key}", str(value))
    for command, seconds in startup["median_s"].items():
        table.add_row(f"start-up `{command}`", f"{seconds} s")
    table.add_row(f"start-up: judge commands goal <= {STARTUP_GOAL_S} s met", str(startup["goal_met"]))
    for key, value in ray_figures.items():
        table.add_row(f"Ray executor {key}", str(value))
    console.print(table)
    console.print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
