"""Import full Codeforces test suites and keep only what the reference solutions confirm.

`--tests-from SRC` takes:
- a folder in the anchor's layout (`test_cases_NNNN.parquet`, directly or under
  `generated_tests/`);
- a Hub dataset id in that layout (only the files of the contests being built are
  downloaded);
- a plain folder `CONTEST/INDEX/NAME.in` + `NAME.out` (the problem id `1234/A` as two
  folders), with an optional `checker.py` beside the tests;
- a run folder of `build codeforces-tests` (synthesized suites in the plain layout under
  `suites/`, and each problem's measured quality in `synth.jsonl`, which becomes the row's
  `tests_quality` whether or not the suite was good enough to be written).

Every imported test is validated with the judge. Each accepted reference solution of the
row runs on it within the problem's limits, through the checker when there is one:
- a test that no reference passes is dropped and counted;
- a problem whose references disagree (one passes a test another fails) is flagged and
  published without generated tests, so it is not verifiable;
- a problem without a reference cannot be validated, and its tests are not published.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from judge.cftests import ContestTestsWriter, TestSuiteError, contest_file, contest_of, problem_tests
from judge.codeforces import CodeforcesLimits, judge_codeforces
from judge.compile import Compiler
from judge.names import check_name, walk_files
from judge.testset import natural_key
from judge.verdicts import Verdict

log = logging.getLogger(__name__)
HUB_ID = re.compile(r"[\w.-]+/[\w.-]+")


@dataclass
class SuiteStats:
    """What importing did, for the card and the build summary."""

    problems: int = 0  # problems with imported tests
    imported: int = 0  # tests imported
    kept: int = 0  # tests published as generated tests
    dropped: int = 0  # tests no reference passes
    flagged: list[str] = field(default_factory=list)  # problems whose references disagree
    unvalidated: list[str] = field(default_factory=list)  # problems with tests but no reference solution

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ImportedSuite:
    tests: list[dict]
    checker: str | None = None  # a Python checker's source


class TestSource:
    """Where imported suites come from; `suite(problem_id)` is None when it has none."""

    __test__ = False

    def __init__(self, spec: str, contests: set[int], cache: Path | None = None) -> None:
        self.spec = spec
        path = Path(spec)
        self.qualities: dict[str, dict] = {}
        if (path / "run.json").is_file():
            self.root, self.qualities = _synthesized(path)
        elif path.exists():
            self.root = path / "generated_tests" if (path / "generated_tests").is_dir() else path
        elif HUB_ID.fullmatch(spec):
            self.root = _download(spec, contests, cache)
        else:
            raise TestSuiteError(f"--tests-from {spec}: neither a folder nor a Hub dataset id")
        self.layout = "anchor" if any(self.root.glob("test_cases_*.parquet")) else "plain"

    def quality(self, problem_id: str) -> dict | None:
        """The measured quality of a synthesized suite (the `tests_quality` column), or None."""
        return self.qualities.get(problem_id)

    def suite(self, problem_id: str) -> ImportedSuite | None:
        contest, index = problem_id.split("/")
        if self.layout == "anchor":  # a contest without a file has no tests
            tests = list(problem_tests(self.root, problem_id))
            return ImportedSuite(tests) if tests else None
        folder = self.root / contest / index
        if not folder.is_dir():
            return None
        return _plain_suite(folder, f"--tests-from {self.spec}: {problem_id}")


class TestSources:
    """Several sources, asked in order: the first that has a problem's suite (or quality) wins."""

    __test__ = False

    def __init__(self, sources: list[TestSource]) -> None:
        self.sources = sources

    def suite(self, problem_id: str) -> ImportedSuite | None:
        return next((s for s in (source.suite(problem_id) for source in self.sources) if s is not None), None)

    def quality(self, problem_id: str) -> dict | None:
        return next((q for q in (source.quality(problem_id) for source in self.sources) if q is not None), None)


def _synthesized(run: Path) -> tuple[Path, dict[str, dict]]:
    """A `build codeforces-tests` run folder: where its suites are, and each problem's quality."""
    from builders.codeforces.synth.command import KIND, RECORDS, SUITES
    from builders.generation.generate import read_run
    from judge.paths import read_appended_jsonl

    read_run(run, KIND)
    qualities = {r["problem"]: r["quality"] for r in read_appended_jsonl(run / RECORDS) if r.get("quality")}
    return run / SUITES, qualities


def _plain_suite(folder: Path, where: str) -> ImportedSuite | None:
    """NAME.in + NAME.out pairs (in natural order of their names), and checker.py if present; names are
    checked and links refused before anything is read."""
    files = {path.name: path for path in walk_files(folder, where) if path.parent == folder}
    tests = []
    for name in sorted((n for n in files if n.endswith(".in")), key=natural_key):  # 9.in before 10.in
        check_name(name, where, "test file name")
        answer = files.get(name.removesuffix(".in") + ".out")
        if answer is None:
            raise TestSuiteError(f"{where}: {name} has no matching {name.removesuffix('.in')}.out")
        tests.append({"input": files[name].read_text(), "output": answer.read_text()})
    if "checker.cpp" in files:
        raise TestSuiteError(f"{where}: checker.cpp is not supported yet; give the checker as checker.py")
    checker = files["checker.py"].read_text() if "checker.py" in files else None
    return ImportedSuite(tests, checker) if tests else None


def _download(repo_id: str, contests: set[int], cache: Path | None) -> Path:
    """The contests' test files of a Hub dataset in the anchor's layout (nothing else)."""
    from huggingface_hub import snapshot_download

    patterns = [f"generated_tests/{contest_file(Path(), c).name}" for c in sorted(contests)]
    folder = snapshot_download(repo_id, repo_type="dataset", allow_patterns=patterns,
                               cache_dir=str(cache) if cache else None)  # fmt: skip
    return Path(folder) / "generated_tests"


def suite_folder(dataset: str, contests: set[int], cache: Path | None = None) -> Path | None:
    """Where a built `codeforces` dataset keeps its generated tests: `generated_tests/` of a
    local folder, or those of `contests` downloaded from a Hub dataset; None when none."""
    local = Path(dataset) / "generated_tests"
    if local.is_dir():
        return local
    if not contests or Path(dataset).exists() or not HUB_ID.fullmatch(dataset):
        return None
    return _download(dataset, contests, cache)


def references(row: dict) -> list[dict]:
    return [s for s in row.get("solutions") or [] if s.get("code")]


def validate_suite(row: dict, suite: ImportedSuite, compiler: Compiler, stats: SuiteStats) -> list[dict]:
    """The tests of `suite` that the row's references confirm (see the module docstring);
    [] when the problem is flagged or has no reference."""
    stats.problems += 1
    stats.imported += len(suite.tests)
    solutions = references(row)
    if not solutions:
        stats.unvalidated.append(row["id"])
        return []
    limits = CodeforcesLimits(row["time_limit"], row["memory_limit"], row.get("input_mode") or "stdio", suite.checker)
    passes = []
    for solution in solutions:
        result = judge_codeforces(solution["code"], solution.get("language", "cpp"), suite.tests, limits,
                                  compiler=compiler)  # fmt: skip
        if any(t.verdict == Verdict.JE for t in result.tests):
            raise TestSuiteError(f"{row['id']}: the judge failed while validating its tests (JE): not published")
        passes.append(
            [result.compile.ok and t.verdict == Verdict.AC for t in result.tests] or [False] * len(suite.tests)
        )
    kept = [test for i, test in enumerate(suite.tests) if any(p[i] for p in passes)]
    stats.dropped += len(suite.tests) - len(kept)
    if any(any(p[i] for p in passes) and not all(p[i] for p in passes) for i in range(len(suite.tests))):
        stats.flagged.append(row["id"])
        log.warning("%s: the reference solutions disagree on its imported tests: flagged, not verifiable", row["id"])
        return []
    stats.kept += len(kept)
    return kept


def import_suites(rows: list[dict], source: TestSource | TestSources, tests_root: Path, compiler: Compiler,
                  progress=None) -> SuiteStats:  # fmt: skip
    """Validate each row's imported suite, write what is kept to `tests_root` in the
    anchor's layout (one file per contest) and set the rows' `generated_tests` and
    `generated_checker`. `progress(row, tests, kept)` is called once per row (0, 0: no suite)."""
    stats = SuiteStats()
    by_contest: dict[int, list[dict]] = {}
    for row in rows:
        by_contest.setdefault(contest_of(row["id"]), []).append(row)
    for contest, contest_rows in sorted(by_contest.items()):
        writer = ContestTestsWriter(tests_root, contest)
        try:
            for row in contest_rows:
                row["tests_quality"] = next(filter(None, map(source.quality, _ids(row))), None)
                for problem_id in _ids(row):
                    suite = source.suite(problem_id)
                    if suite is not None:
                        break
                else:
                    if progress is not None:
                        progress(row, 0, 0)
                    continue
                kept = validate_suite(row, suite, compiler, stats)
                for test in kept:
                    writer.write(row["id"], test)
                row["generated_tests"] = len(kept)
                row["generated_checker"] = suite.checker if kept else None
                if progress is not None:
                    progress(row, len(suite.tests), len(kept))
        except BaseException:
            writer.abort()
            raise
        writer.close()
    return stats


def _ids(row: dict) -> Iterator[str]:
    """The row's id, then its aliases (the same problem in a parallel division)."""
    yield row["id"]
    yield from row.get("aliases") or []
