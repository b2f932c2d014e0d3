"""`make bench`: the judge's speed figures, measured in one run on this machine.

- sandbox overhead over a bare `subprocess.run` of the same static binary
  (median ms; goal: at most 3 ms), per backend;
- compile: cold (no PCH) vs with the precompiled header vs a cache hit;
- judging one submission on 200 small tests with 1 and 2 workers.

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

from judge.compiler import CompileOptions, Compiler, SourceFile, precompiled_header  # noqa: E402
from judge.evaluate import judge_submission  # noqa: E402
from judge.paths import atomic_write_bytes  # noqa: E402
from judge.sandbox import Bind, RunLimits, Sandbox  # noqa: E402
from judge.testset import TestCase  # noqa: E402

AB = b"#include <bits/stdc++.h>\nint main(){ long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n"


def median_ms(action, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def bench_overhead(binary: Path, work: Path, runs: int) -> dict:
    given = work / "ab.in"
    given.write_text("3 4\n")
    out = work / "ab.out"

    def bare():
        with given.open("rb") as stdin, out.open("wb") as stdout:
            subprocess.run([str(binary)], stdin=stdin, stdout=stdout, check=True)

    results = {}
    limits = RunLimits(cpu_time=1.0, memory=256 << 20)
    for limits_name, isolation in (("auto", "auto"), ("rlimit", "namespaces"), ("rlimit", "none")):
        box = Sandbox(backend=limits_name, isolation=isolation)
        bind = Bind(binary, "/prog")
        box_dir = work / "box"
        box_dir.mkdir(exist_ok=True)

        def sandboxed(box=box, bind=bind, box_dir=box_dir):
            result = box.run([box.program_path(bind)], work_dir=box_dir, limits=limits, stdin=given,
                             stdout=out, binds=[bind])  # fmt: skip
            assert result.status == "OK", result

        for _ in range(10):  # warm up: netns holder, page cache
            sandboxed()
            bare()
        base = median_ms(bare, runs)
        inside = median_ms(sandboxed, runs)
        results[box.info.name] = {"bare_ms": round(base, 3), "sandbox_ms": round(inside, 3),
                                  "overhead_ms": round(inside - base, 3)}  # fmt: skip
        box.close()
    return results


def bench_compile(compiler: Compiler, nopch: Compiler) -> dict:
    started = time.perf_counter()
    precompiled_header(compiler.options.cxx, compiler.options.cxx_flags)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results.json"))
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--tests", type=int, default=200)
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
    results = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform()},
        "sandbox_backend": sandbox.info.name,
        "sandbox_overhead": overhead,
        "compile": compile_figures,
        "judge_200_tests": tests,
    }
    atomic_write_bytes(args.out, (json.dumps(results, indent=2) + "\n").encode())
    table = Table(title=f"olympicforge judge benchmark ({sandbox.info.name})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, figures in overhead.items():
        table.add_row(f"sandbox overhead, {name} (bare {figures['bare_ms']} ms)", f"{figures['overhead_ms']} ms")
    for key, value in compile_figures.items():
        table.add_row(f"compile {key}", str(value))
    for key, value in tests.items():
        table.add_row(f"{args.tests} tests {key}", str(value))
    console.print(table)
    console.print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
