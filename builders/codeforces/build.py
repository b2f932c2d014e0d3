"""The `codeforces` dataset: API + problem pages + editorials + accepted solutions.

Configs: `default` (train: contests that started before the cutoff, test: after),
`verifiable` (examples pass with a known-correct solution through the judge, and
the problem has a full suite: complete official tests, or generated tests that
the reference solutions confirm, imported with `--tests-from`) and `verifiable-prompts` (the same rows with a
prompt, one row per language). Everything is fetched through the cached
`Fetcher`, so a rerun fetches nothing twice and `--offline` works from the cache.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from datasets import Features, List, Value
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from builders.codeforces.fetch import Fetcher, FetchError
from builders.codeforces.pages import blog_text, contest_name, split_editorial, submissions_with_code, tutorial_links
from builders.codeforces.parser import PageError, ParsedProblem, parse_page
from builders.codeforces.suites import SuiteStats, TestSource, TestSources, import_suites
from builders.generation.prompts import codeforces_prompt
from builders.hub.writer import HubLayout, prepare_out, publish
from cards.card import CardSpec
from judge.cftests import contest_of
from judge.codeforces import CodeforcesLimits, judge_codeforces
from judge.compile import Compiler

log = logging.getLogger(__name__)
DEFAULT_CUTOFF = "2024-11-01"
SOLUTIONS_PER_PROBLEM = 3
PAIR = {"input": Value("string"), "output": Value("string")}
TESTS_QUALITY = {  # a synthesized suite's quality, measured on labelled submissions (builders.codeforces.synth.quality)
    "source": Value("string"), "tests": Value("int64"), "tpr": Value("float64"), "tnr": Value("float64"),
    "examples_tnr": Value("float64"), "accepted": Value("int64"), "accepted_passed": Value("int64"),
    "rejected": Value("int64"), "rejected_failed": Value("int64"), "examples_rejected_failed": Value("int64"),
    "not_compiled": Value("int64"), "min_tnr": Value("float64"), "verifiable": Value("bool"),
}  # fmt: skip
FEATURES = Features({
    "id": Value("string"), "aliases": List(Value("string")), "contest_id": Value("string"),
    "contest_name": Value("string"), "contest_type": Value("string"), "contest_start": Value("int64"),
    "contest_start_year": Value("int64"), "index": Value("string"), "time_limit": Value("float64"),
    "memory_limit": Value("float64"), "title": Value("string"), "description": Value("string"),
    "input_format": Value("string"), "output_format": Value("string"), "interaction_format": Value("string"),
    "note": Value("string"), "examples": List(PAIR), "editorial": Value("string"), "rating": Value("int64"),
    "tags": List(Value("string")),
    "solutions": List({"language": Value("string"), "code": Value("string"), "source": Value("string")}),
    "testset_size": Value("int64"), "official_tests": List(PAIR), "official_tests_complete": Value("bool"),
    "input_mode": Value("string"), "interactive": Value("bool"), "generated_checker": Value("string"),
    "executable": Value("bool"), "generated_tests": Value("int64"), "tests_quality": TESTS_QUALITY,
})  # fmt: skip
PROMPT_FEATURES = Features({**FEATURES, "prompt": Value("string"), "language": Value("string")})
DESCRIPTIONS = {
    "id": "contest/index, e.g. 176/E", "aliases": "the same problem in other rounds (Div. 1 / Div. 2)",
    "contest_id": "Codeforces contest id (a string, as in Open R1's rows)",
    "contest_name": "the round's name", "contest_type": "CF, IOI or ICPC rules",
    "contest_start_year": "year the contest started (UTC)", "index": "the problem's letter in the contest (A, B, C1)",
    "title": "the problem's name", "input_format": "the input section (Markdown)",
    "output_format": "the output section (Markdown)",
    "interaction_format": "the interaction section (interactive problems only)",
    "note": "the note after the examples", "tags": "Codeforces tags",
    "testset_size": "number of official tests, when known",
    "contest_start": "unix time", "time_limit": "seconds", "memory_limit": "megabytes",
    "description": "the legend (Markdown, math as $...$)", "examples": "sample tests, byte for byte",
    "editorial": "this problem's part of the contest tutorial, when found", "rating": "difficulty (may be null)",
    "solutions": "up to 3 accepted submissions: language, code, source URL",
    "official_tests_complete": "whether official_tests holds every test", "input_mode": "stdio or file",
    "interactive": "an interactive problem (its section, legend or tag says so): never judged as stdio",
    "executable": "the examples pass with a known-correct solution through the judge",
    "generated_tests": "tests in generated_tests/test_cases_NNNN.parquet that the reference solutions confirm",
    "generated_checker": "a Python checker for problems with several valid answers (checker.py input answer output)",
    "tests_quality": "for a synthesized suite: TPR (accepted submissions it passes) and TNR (rejected ones it fails), "
    "beside the examples' TNR alone, and whether it meets the TNR threshold; null otherwise",
    "prompt": "the prompt for a model (verifiable-prompts)", "language": "cpp or python (verifiable-prompts)",
}  # fmt: skip


@dataclass
class CodeforcesSummary:
    rows: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # what could not be fetched (offline: not cached)
    tests: SuiteStats | None = None  # imported test suites (--tests-from)
    output: Path | None = None


def parse_range(text: str | None) -> range | None:
    """`1200-1300`, `1211` or None (all)."""
    if not text:
        return None
    low, _, high = text.partition("-")
    try:
        return range(int(low), int(high or low) + 1)
    except ValueError:
        raise ValueError(f"--contests wants A-B or A, not {text!r}") from None


def _statements(fetcher: Fetcher, cid: int, indices: list[str], summary) -> tuple[dict[str, ParsedProblem], str]:
    """The contest's statements (its /problems page, else each problem page) and a sidebar page."""
    try:
        html = fetcher.page(f"contest/{cid}/problems")
        return {p.index: p for p in parse_page(html)}, html
    except (FetchError, PageError) as exc:
        log.info("contest %s: no /problems page (%s); trying problem pages", cid, exc)
    found, sidebar = {}, ""
    for index in indices:
        try:
            html = fetcher.page(f"problemset/problem/{cid}/{index}")
            found.update({p.index: p for p in parse_page(html)})
            sidebar = sidebar or html
        except (FetchError, PageError) as exc:
            summary.missing.append(f"{cid}/{index}: {exc}")
    return found, sidebar


def _editorials(fetcher: Fetcher, cid: int, sidebar: str, indices: list[str], summary) -> dict[str, str]:
    for url in tutorial_links(sidebar, fetcher.base_url):
        try:
            text = blog_text(fetcher.page(url.removeprefix(fetcher.base_url)))
        except (FetchError, ValueError) as exc:
            summary.missing.append(f"tutorial of {cid}: {exc}")
            continue
        parts = split_editorial(text, cid, indices)
        if parts:
            return parts
    return {}


def _solutions(fetcher: Fetcher, cid: int, summary) -> dict[str, list[dict]]:
    """The first accepted C++ and Python submissions of each problem, SOLUTIONS_PER_PROBLEM at most."""
    chosen: dict[str, list[dict]] = {}

    def wanted(sub: dict) -> bool:
        return sub.get("verdict") == "OK" and len(chosen.get(sub["problem"]["index"], [])) < SOLUTIONS_PER_PROBLEM

    for sub, code, source in submissions_with_code(fetcher, cid, wanted, summary.missing.append):
        chosen.setdefault(sub["problem"]["index"], []).append(
            {"language": sub.get("programmingLanguage", ""), "code": code, "source": source}
        )
    return chosen


def _fingerprint(problem: ParsedProblem) -> str:
    text = "\0".join([problem.title, problem.legend, problem.input_format, problem.output_format])
    return hashlib.sha256(text.encode()).hexdigest()


def progress_bar(console: Console | None, unit: str) -> Progress:
    """Counts and an ETA on the console (stderr), gone when done: `fetching ━━━ 12/40 contests 0:01:10 ETA 0:03:02`."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=console or Console(stderr=True), transient=True)  # fmt: skip


def collect(fetcher: Fetcher, contests: range | None, summary: CodeforcesSummary,
            console: Console | None = None) -> list[dict]:  # fmt: skip
    with progress_bar(console, "contests") as progress:
        task = progress.add_task("fetching the contest list", total=None)
        listed = [c for c in fetcher.api("contest.list", gym=False) if c.get("phase", "FINISHED") == "FINISHED"]
        chosen = sorted((c for c in listed if contests is None or c["id"] in contests), key=lambda c: c["id"])
        problemset = fetcher.api("problemset.problems")
        progress.update(task, description="fetching statements, editorials and solutions", total=len(chosen))
        return _collect(fetcher, chosen, problemset, summary, lambda: progress.advance(task))


def _collect(fetcher: Fetcher, chosen: list[dict], problemset: dict, summary: CodeforcesSummary,
             advance) -> list[dict]:  # fmt: skip
    meta = {(p["contestId"], p["index"]): p for p in problemset["problems"]}
    rows: list[dict] = []
    seen: dict[str, dict] = {}
    for contest in chosen:
        cid = contest["id"]
        indices = sorted(index for (c, index) in meta if c == cid)
        if not indices:
            advance()
            continue
        statements, sidebar = _statements(fetcher, cid, indices, summary)
        editorials = _editorials(fetcher, cid, sidebar, indices, summary) if sidebar else {}
        solutions = _solutions(fetcher, cid, summary)
        name = contest.get("name") or contest_name(sidebar) or ""
        start = int(contest.get("startTimeSeconds") or 0)
        for index in indices:
            problem = statements.get(index)
            if problem is None:
                continue
            key = _fingerprint(problem)
            if key in seen:  # the same problem in a parallel division
                seen[key]["aliases"].append(f"{cid}/{index}")
                continue
            info = meta[(cid, index)]
            row = {
                "id": f"{cid}/{index}", "aliases": [], "contest_id": str(cid), "contest_name": name,
                "contest_type": contest.get("type", ""), "contest_start": start,
                "contest_start_year": datetime.datetime.fromtimestamp(start, datetime.UTC).year,
                "index": index, "time_limit": problem.time_limit, "memory_limit": problem.memory_limit,
                "title": problem.title, "description": problem.legend, "input_format": problem.input_format,
                "output_format": problem.output_format, "interaction_format": problem.interaction_format,
                "note": problem.note, "examples": problem.examples, "editorial": editorials.get(index, ""),
                "rating": info.get("rating"), "tags": list(info.get("tags", [])),
                "solutions": solutions.get(index, []), "testset_size": None, "official_tests": [],
                "official_tests_complete": False, "input_mode": problem.input_mode,
                "interactive": problem.interactive or "interactive" in info.get("tags", []),
                "generated_checker": None, "executable": False, "generated_tests": 0, "tests_quality": None,
            }  # fmt: skip
            seen[key] = row
            rows.append(row)
        advance()
    return rows


def is_interactive(row: dict) -> bool:
    tags = row.get("tags") or []
    return bool(row.get("interactive") or row.get("interaction_format") or "interactive" in tags)


def judgeable_on_stdio(row: dict) -> bool:
    """Examples and tests of this row can be judged by running a program on stdin/stdout:
    never an interactive problem (it needs its interactor), nor one with file I/O."""
    return row["input_mode"] == "stdio" and not is_interactive(row) and bool(row["examples"])


def mark_executable(rows: list[dict], compiler: Compiler, advance=None) -> None:
    """`executable`: a known-correct solution passes every example through the judge (with
    the problem's checker when it has one: examples may show one of several answers, and
    file I/O where the problem reads input.txt). `advance()` is called once per row."""
    for row in rows:
        _mark_executable(row, compiler)
        if advance is not None:
            advance()


def _mark_executable(row: dict, compiler: Compiler) -> None:
    if is_interactive(row) or not row["examples"]:
        return
    limits = CodeforcesLimits(row["time_limit"], row["memory_limit"], row["input_mode"],
                              row.get("generated_checker") or None)  # fmt: skip
    for solution in row["solutions"]:
        result = judge_codeforces(solution["code"], solution["language"], row["examples"], limits,
                                  compiler=compiler)  # fmt: skip
        if result.verdict == "AC":
            row["executable"] = True
            return


def verifiable(row: dict) -> bool:
    """The anchor's rule: a known-correct solution passes the examples, and the problem has
    a full suite (complete official tests, or generated tests the references confirm). A
    synthesized suite counts only when its measured quality says so (TPR 1, TNR at the threshold)."""
    quality = row.get("tests_quality")
    generated = row.get("generated_tests", 0) > 0 and (not quality or bool(quality["verifiable"]))
    return bool(row["executable"]) and (bool(row["official_tests_complete"]) or generated)


def synthesized_summary(rows: list[dict]) -> dict | None:
    """For the card: how synthesized suites score, as TNR histograms beside the examples alone."""
    measured = [r["tests_quality"] for r in rows if r.get("tests_quality") and r["tests_quality"]["tnr"] is not None]
    if not measured:
        return None
    bins = [(0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0), (1.0, 1.0)]

    def histogram(key: str) -> list[int]:
        return [sum(low <= q[key] < high or q[key] == low == high for q in measured) for low, high in bins]

    def mean(key: str) -> float:
        return sum(q[key] for q in measured) / len(measured)

    return {"problems": len(measured), "verifiable": sum(q["verifiable"] for q in measured),
            "bins": [f"{low:.2f}" if low == high else f"[{low:.2f}, {high:.2f})" for low, high in bins],
            "suite": histogram("tnr"), "examples": histogram("examples_tnr"), "mean_tnr": round(mean("tnr"), 3),
            "mean_examples_tnr": round(mean("examples_tnr"), 3),
            "min_tnr": min(q["min_tnr"] for q in measured)}  # fmt: skip


def write_dataset(out: Path, rows: list[dict], cutoff: str, org: str, summary: CodeforcesSummary,
                  tests: TestSources | None = None, compiler: Compiler | None = None,
                  console: Console | None = None) -> Path:  # fmt: skip
    cut = int(datetime.datetime.fromisoformat(cutoff).replace(tzinfo=datetime.UTC).timestamp())
    with HubLayout(out, "codeforces") as layout:
        compiler = compiler or Compiler()
        if tests is not None:
            with progress_bar(console, "problems") as progress:
                task = progress.add_task("validating imported test suites with the references", total=len(rows))
                summary.tests = import_suites(rows, tests, layout.staging / "generated_tests", compiler,
                                              progress=lambda *_: progress.advance(task))  # fmt: skip
        with progress_bar(console, "problems") as progress:
            task = progress.add_task("checking the examples with known-correct solutions", total=len(rows))
            mark_executable(rows, compiler, lambda: progress.advance(task))
        default = {split: layout.split("default", split, FEATURES) for split in ("train", "test")}
        verifiable_rows = {split: layout.split("verifiable", split, FEATURES) for split in ("train", "test")}
        prompts = {split: layout.split("verifiable-prompts", split, PROMPT_FEATURES) for split in ("train", "test")}
        for row in rows:
            split = "train" if row["contest_start"] < cut else "test"
            default[split].write(row)
            if verifiable(row):
                verifiable_rows[split].write(row)
                for language in ("cpp", "python"):
                    prompts[split].write({**row, "prompt": codeforces_prompt(row, language), "language": language})
        for writer in (*default.values(), *verifiable_rows.values(), *prompts.values()):
            writer.close()
        years = Counter(r["contest_start_year"] for r in rows)
        ratings = Counter(r["rating"] // 100 * 100 for r in rows if r["rating"])
        tags = Counter(t for r in rows for t in r["tags"])
        share = lambda key: f"{sum(bool(r[key]) for r in rows)}/{len(rows)}"  # noqa: E731
        spec = CardSpec(
            "codeforces", "Codeforces problems", "other", "codeforces.md.j2", descriptions=DESCRIPTIONS,
            context={"org": org, "years": sorted(years.items()), "ratings": sorted(ratings.items()),
                     "tags": tags.most_common(20), "editorials": share("editorial"), "solutions": share("solutions"),
                     "tests": share("official_tests"), "executable": share("executable"), "cutoff": cutoff,
                     "missing": len(summary.missing), "build_year": datetime.date.today().year,
                     "suites": summary.tests.to_dict() if summary.tests else None,
                     "synthesized": synthesized_summary(rows),
                     "verifiable": f"{sum(verifiable(r) for r in rows)}/{len(rows)}"},
        )  # fmt: skip
        summary.output = publish(layout, spec)
        summary.rows = {c: sum(s.num_examples for s in splits.values()) for c, splits in layout.stats.items()}
        return summary.output


def build_codeforces(fetcher: Fetcher, out: Path, *, contests: range | None = None, cutoff: str = DEFAULT_CUTOFF,
                     org: str = "olympicforge", compiler: Compiler | None = None,
                     tests_from: str | list[str] | None = None,
                     console: Console | None = None) -> CodeforcesSummary:  # fmt: skip
    """`tests_from`: full test suites to import and validate (builders.codeforces.suites)."""
    console = console or Console(stderr=True)
    out = prepare_out(out)
    summary = CodeforcesSummary()
    rows = collect(fetcher, contests, summary, console)
    if not rows:
        raise FetchError(
            "no problem could be read: nothing to build" + (f" ({summary.missing[0]})" if summary.missing else "")
        )
    compiler = compiler or Compiler()
    specs = [tests_from] if isinstance(tests_from, str) else list(tests_from or [])
    contests = {contest_of(r["id"]) for r in rows}
    source = TestSources([TestSource(spec, contests) for spec in specs]) if specs else None
    write_dataset(out, rows, cutoff, org, summary, source, compiler, console)
    return summary


def add_parser(builds: argparse._SubParsersAction) -> None:
    parser = builds.add_parser("codeforces", help="build the codeforces dataset (API + pages, cached)")
    parser.add_argument("--contests", help="contest ids, e.g. 1200-1300 (default: all)")
    parser.add_argument("--offline", action="store_true", help="use the cache only; name what is missing")
    parser.add_argument("--cache", type=Path, default=Path("out/cache/codeforces"), help="raw response cache")
    parser.add_argument("--seed-cache", type=Path, help="a folder of api/ and pages/ files to load into the cache")
    parser.add_argument("--cutoff", default=DEFAULT_CUTOFF, help="train/test split date (default 2024-11-01)")
    parser.add_argument("--page-delay", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=Path("out/hub"))
    parser.add_argument("--org", default="olympicforge")
    parser.add_argument(
        "--tests-from",
        action="append",
        help="full test suites: a folder (anchor layout, or CONTEST/INDEX/NAME.in + .out), a run folder of "
        "`build codeforces-tests`, or a Hub dataset id in the anchor layout; validated with the references; "
        "repeatable (the first that has a problem's suite wins)",
    )
    parser.add_argument("--base-url", default="https://codeforces.com", help=argparse.SUPPRESS)  # tests
    parser.set_defaults(handler=cmd_build_codeforces)


def cmd_build_codeforces(args: argparse.Namespace) -> int:
    fetcher = Fetcher(args.cache, args.base_url, offline=args.offline, page_delay=args.page_delay)
    if args.seed_cache:
        seed_cache(fetcher, args.seed_cache)
    console = Console()  # the results; progress goes to stderr
    summary = build_codeforces(fetcher, args.out, contests=parse_range(args.contests), cutoff=args.cutoff,
                               org=args.org, tests_from=args.tests_from, console=Console(stderr=True))  # fmt: skip
    for config, count in summary.rows.items():
        console.print(f"codeforces/{config}: {count} rows")
    if summary.tests:
        t = summary.tests
        console.print(f"test suites: {t.imported} tests imported for {t.problems} problems, {t.kept} kept, "
                      f"{t.dropped} dropped (no reference passes), {len(t.flagged)} problems flagged "
                      f"(references disagree), {len(t.unvalidated)} without a reference")  # fmt: skip
    for item in summary.missing:
        console.print(f"[yellow]missing: {item}[/]")
    console.print(f"written to {summary.output}")
    return 0


def seed_cache(fetcher: Fetcher, folder: Path) -> int:
    """Load saved responses into the cache: `api/<method>[@<query>].json` and `pages/<path>.html`."""
    count = 0
    for file in sorted(Path(folder).rglob("*")):
        if not file.is_file():
            continue
        relative = file.relative_to(folder)
        if relative.parts[0] == "api":
            method, _, query = relative.name.removesuffix(".json").partition("@")
            url = f"{fetcher.base_url}/api/{method}" + (f"?{query}" if query else "")
            fetcher.store("api", url, file.read_bytes())
        elif relative.parts[0] == "pages":
            path = str(relative.relative_to("pages")).removesuffix(".html")
            fetcher.store("page", f"{fetcher.base_url}/{path}", file.read_bytes())
        else:
            continue
        count += 1
    return count
