"""`olympicforge build ioi`: the three datasets, their cards, failures and reruns."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datasets import Features, load_dataset
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCardData

from builders.hub.push import card_for_org
from builders.hub.writer import HubLayout, remove_stale_staging
from builders.ioi import dataset, sample_solutions, testcases
from builders.ioi.build import build_ioi
from builders.ioi.packages import discover, load_package
from cards.card import CardError, front_matter, local_paths, validate_card
from judge.loaders.rows import task_from_rows
from judge.task import PackageError
from judge.taskrun import Submission, TaskJudge

from ioi_helpers import EXAMPLES, FINDPAIR, REPO

DATASETS = ("ioi", "ioi-test-cases", "ioi-sample-solutions")


@pytest.fixture(scope="session")
def built(tmp_path_factory, compiler):
    out = tmp_path_factory.mktemp("hub")
    summary = build_ioi([EXAMPLES], out, compiler=compiler)
    return out, summary


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def parquet_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.parquet"))}


def test_layout_and_summary(built):
    out, summary = built
    assert [p.task.code for p in summary.packages] == ["bits", "maxsub", "findpair", "guess", "relay", "balance"]
    assert summary.rows == {"ioi": 18, "ioi-test-cases": 40, "ioi-sample-solutions": 26}
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(DATASETS)
    for split in ("train", "test", "2026"):  # 2024 stays `test`; a newer year gets a split of its own
        assert (out / "ioi" / "data" / "default" / f"{split}-00000-of-00001.parquet").exists()
        assert (out / "ioi-sample-solutions" / "data" / "default" / f"{split}-00000-of-00001.parquet").exists()
    assert (out / "ioi-test-cases" / "data" / "2024" / "train-00000-of-00001.parquet").exists()
    assert any("statement extracted from bits-en.pdf" in w for w in summary.warnings)
    assert any("balance: statement extracted from en.pdf" in w for w in summary.warnings)
    assert not [w for w in summary.warnings if "subtask" in w and not w.startswith("bits:")]  # tables agree


def test_ioi_loads_offline_with_declared_features(built):
    out, _ = built
    test = load_dataset(str(out / "ioi"), split="test")
    train = load_dataset(str(out / "ioi"), split="train")
    assert test.features == dataset.FEATURES
    assert sorted({r["id"] for r in test}) == ["findpair", "guess", "relay"]
    assert sorted({r["year"] for r in train}) == [2021]
    newest = load_dataset(str(out / "ioi"), split="2026")
    assert newest.features == dataset.FEATURES and sorted({(r["year"], r["id"]) for r in newest}) == [(2026, "balance")]
    small = next(r for r in newest if r["subtask"] == "01-small")
    assert small["statement"].startswith("# Balance Point\n") and "10^14" in small["statement"]
    assert "- n ≤ 1 000 and a_i ≤ 10^6 for each i such that 0 ≤ i < n (this subtask's" in small["problem"]
    samples = next(r for r in test if r["id"] == "findpair" and r["subtask"] == "00-samples")
    assert samples["score"] == 0 and samples["test_names"] == ["0-01", "0-02"]
    assert samples["memory_limit"] == 64 << 20 and samples["time_limit"] == 0.5
    assert "std::pair<int, int> find_pair" in samples["starting_code"]
    assert "do not write a `main`" in samples["problem"] and "0.5 seconds" in samples["problem"]
    assert "Memory: 64 MB" in samples["problem"] and samples["statement"] in samples["problem"]
    files = dict(samples["grader_files"])
    assert {"graders/grader.cpp", "graders/findpair.h", "checker/checker.cpp", "grader_config.json"} <= set(files)
    bits = next(r for r in train if r["id"] == "bits")
    assert "Powers of Two" in bits["statement"] and bits["task_type"] == "OutputOnly"


def test_test_cases_per_year_config(built):
    out, _ = built
    for year, count in (("2021", 9), ("2024", 21), ("2026", 10)):
        ds = load_dataset(str(out / "ioi-test-cases"), year, split="train")
        assert ds.features == testcases.FEATURES and len(ds) == count
    row = next(r for r in load_dataset(str(out / "ioi-test-cases"), "2024", split="train")
               if r["problem_id"] == "findpair" and r["test_name"] == "0-01")  # fmt: skip
    assert row["test_input"] == (FINDPAIR / "tests" / "0-01.in").read_text()
    assert row["test_output"] == (FINDPAIR / "tests" / "0-01.out").read_text()


def test_sample_solutions_are_judged(built):
    out, _ = built
    ds = load_dataset(str(out / "ioi-sample-solutions"), split="test")
    assert ds.features == sample_solutions.FEATURES
    by_label = {(r["problem_id"], r["label"]): r for r in ds}
    model = by_label[("findpair", "model_solution/hashing.cpp")]
    assert model["score"] == 100 and model["matches_expectation"] and model["expected"] == "model_solution"
    quadratic = by_label[("findpair", "correct/quadratic.cpp")]
    assert quadratic["score"] == 30 and not quadratic["matches_expectation"]
    assert [s["status"] for s in quadratic["subtask_results"]] == ["AC", "AC", "TLE"]
    newest = load_dataset(str(out / "ioi-sample-solutions"), split="2026")
    assert {r["problem_id"] for r in newest} == {"balance"} and "balance" not in {r["problem_id"] for r in ds}
    train = load_dataset(str(out / "ioi-sample-solutions"), split="train")
    halves = next(r for r in train if r["label"] == "solution/halves")
    assert halves["expected"] == "54.78" and halves["matches_expectation"] and halves["language"] == "output"


def test_rows_follow_the_anchor_conventions_and_its_runner_config_alone_judges_them(built, compiler):
    """`day` is written `day1` as in Open R1's rows, and `graders/grader_config.json` carries
    what its runner reads: with our own config taken out, the rows still judge the same."""
    out, _ = built
    rows = [r for split in ("train", "test", "2026") for r in load_dataset(str(out / "ioi"), split=split)]
    assert {r["day"] for r in rows} == {"day1", "day2"}
    cases = {r["day"] for r in load_dataset(str(out / "ioi-test-cases"), "2024", split="train")}
    assert cases == {"day1", "day2"}
    assert {r["day"] for r in load_dataset(str(out / "ioi-sample-solutions"), split="test")} == {"day1", "day2"}
    guess = [r for r in rows if r["id"] == "guess"]
    anchor = json.loads(dict(guess[0]["grader_files"])["graders/grader_config.json"])
    assert anchor == {"task_type": "Communication", "code": "guess", "time_limit": guess[0]["time_limit"],
                      "memory_limit": guess[0]["memory_limit"],
                      "task_type_parameters_Communication_num_processes": 1,
                      "task_type_parameters_Communication_user_io": "std_io",
                      "task_type_parameters_Communication_manager_args": ""}  # fmt: skip
    findpair = [{**r, "grader_files": [f for f in r["grader_files"] if f[0] != "grader_config.json"]}
                for r in rows if r["id"] == "findpair"]  # fmt: skip
    tests = [
        c for c in load_dataset(str(out / "ioi-test-cases"), "2024", split="train") if c["problem_id"] == "findpair"
    ]
    as_theirs, as_ours = (
        task_from_rows(findpair, tests),
        task_from_rows([r for r in rows if r["id"] == "findpair"], tests),
    )
    source = FINDPAIR / "solutions" / "model_solution" / "hashing.cpp"
    theirs = TaskJudge(as_theirs, compiler).judge(Submission.from_path(source, list(as_theirs.tests)), full=True)
    ours = TaskJudge(as_ours, compiler).judge(Submission.from_path(source, list(as_ours.tests)), full=True)
    assert theirs.score == ours.score == 100 and [s.score for s in theirs.subtasks] == [s.score for s in ours.subtasks]


def test_task_rebuilt_from_dataset_rows_judges_like_the_package(built, compiler):
    out, _ = built
    splits = ("train", "test", "2026")
    rows = [r for split in splits for r in load_dataset(str(out / "ioi"), split=split)]
    cases = {
        year: list(load_dataset(str(out / "ioi-test-cases"), year, split="train")) for year in ("2021", "2024", "2026")
    }
    judged = [r for split in splits for r in load_dataset(str(out / "ioi-sample-solutions"), split=split)]
    packages = {p.name: p for p in EXAMPLES.rglob("*") if (p / "problem.json").exists() or (p / "task.yaml").exists()}
    for code in sorted({r["id"] for r in rows}):
        mine = [r for r in rows if r["id"] == code]
        task = task_from_rows(mine, [c for c in cases[str(mine[0]["year"])] if c["problem_id"] == code])
        judge = TaskJudge(task, compiler)
        package = next(p for name, p in packages.items() if name.endswith(code))
        for expected in (r for r in judged if r["problem_id"] == code):
            source = package / ("solutions" if (package / "solutions").exists() else "") / expected["label"]
            result = judge.judge(Submission.from_path(source, list(task.tests)), full=True)
            got = [(s.name, round(s.score, 9), s.status, [str(t.verdict) for t in s.tests]) for s in result.subtasks]
            want = [(s["subtask"], round(s["score"], 9), s["status"], [t["verdict"] for t in s["tests"]])
                    for s in expected["subtask_results"]]  # fmt: skip
            assert got == want, f"{code}/{expected['label']}"


def test_card_dataset_info_matches_the_parquet_files(built):
    out, _ = built
    for name in DATASETS:
        text = (out / name / "README.md").read_text()
        meta = validate_card(text)
        infos = DatasetInfosDict.from_dataset_card_data(DatasetCardData(**meta))
        for config in meta["configs"]:
            info = infos[config["config_name"]]
            for entry in config["data_files"]:
                files = sorted((out / name).glob(entry["path"] + ".parquet"))
                assert files, entry
                rows = sum(pq.read_metadata(f).num_rows for f in files)
                assert info.splits[entry["split"]].num_examples == rows
                schema_features = Features.from_arrow_schema(pq.read_schema(files[0]))
                assert info.features == schema_features
        assert meta["license"] == "cc-by-4.0" and meta["size_categories"] == ["n<1K"]
        assert "load_dataset(" in text and "## Citation" in text


def test_card_body_has_real_statistics(built):
    out, _ = built
    ioi_card = (out / "ioi" / "README.md").read_text()
    assert "| 2024 | 3 | 9 | 300 | Batch, Communication |" in ioi_card
    assert "| Find a Pair (`findpair`) | 2024 | 1 | Batch | 3 | 100 | 9 |" in ioi_card
    assert "| `train` | 2021 |" in ioi_card and "| `test` | 2024 |" in ioi_card and "| `2026` | 2026 |" in ioi_card
    assert ioi_card.index("| `train` |") < ioi_card.index("| `test` |") < ioi_card.index("| `2026` |")
    assert "held out of `train`" in ioi_card
    solutions_card = (out / "ioi-sample-solutions" / "README.md").read_text()
    assert "| model_solution | 4 | 4 | 100.0 |" in solutions_card
    assert "| expected total | 5 | 5 |" in solutions_card
    assert "| `2026` | 2026 |" in solutions_card


def test_cards_name_no_path_of_the_build_machine(built, monkeypatch):
    """The licence sources (and anything else) are named from the packages folder, never absolutely."""
    out, _ = built
    for name in DATASETS:
        text = (out / name / "README.md").read_text()
        assert local_paths(text) == [], name
        assert str(REPO) not in text and str(out) not in text and str(Path.home()) + "/" not in text, name
        assert "- 2024: cc-by-4.0 (ioi/LICENSE)" in text, name
        for org in ("acme", "olympicforge"):  # pushed under any org, the card stays clean and names that org
            pushed, problem = card_for_org(out / name, org)
            assert problem is None and local_paths(pushed) == [], name
            assert f"`{org}/ioi" in pushed and f'load_dataset("{org}/{name}"' in pushed, name
        assert "olympicforge/" not in card_for_org(out / name, "acme")[0], name
    monkeypatch.chdir(REPO)
    relative = [load_package(p, root=Path("examples/ioi")) for p in discover([Path("examples/ioi/2024")])]
    assert {p.licence_source for p in relative} == {"examples/ioi/LICENSE"}  # as the user named the folder


@pytest.mark.parametrize(
    "text,message",
    [
        ("no front matter", "does not start with YAML"),
        ("---\nlicense: cc-by-4.0\n---\n", "card YAML lacks"),
        ("---\nlicense: [\n---\n", "does not parse"),
    ],
)
def test_card_validation_rejects_bad_yaml(text, message):
    with pytest.raises(CardError, match=message):
        validate_card(text)


def test_card_validation_rejects_unknown_licence(built):
    out, _ = built
    text = (out / "ioi" / "README.md").read_text().replace("license: cc-by-4.0", "license: cc-by-5.0")
    with pytest.raises(CardError, match="unknown licence id 'cc-by-5.0'"):
        validate_card(text)
    assert front_matter((out / "ioi" / "README.md").read_text())["pretty_name"] == "IOI tasks by subtask"


def test_a_package_without_a_statement_stops_the_build(tmp_path, compiler):
    bad = tmp_path / "2024" / "day1" / "findpair"
    shutil.copytree(FINDPAIR, bad)
    shutil.rmtree(bad / "translations")
    with pytest.raises(PackageError, match=r"package .*findpair: .*no English statement"):
        build_ioi([tmp_path], tmp_path / "out", compiler=compiler)
    assert not (tmp_path / "out" / "ioi").exists()  # nothing half-built


def test_keep_going_lists_the_bad_package(tmp_path, compiler):
    shutil.copytree(FINDPAIR, tmp_path / "2024" / "day1" / "findpair")
    shutil.copytree(FINDPAIR, tmp_path / "2024" / "day1" / "broken")
    (tmp_path / "2024" / "day1" / "broken" / "problem.json").write_text("{")
    summary = build_ioi([tmp_path], tmp_path / "out", keep_going=True, compiler=compiler)
    assert [p.task.code for p in summary.packages] == ["findpair"]
    assert len(summary.failures) == 1 and "problem.json: not valid JSON" in summary.failures[0][1]


def test_year_and_day_from_arguments(tmp_path, compiler):
    plain = tmp_path / "findpair"
    shutil.copytree(FINDPAIR, plain)
    with pytest.raises(PackageError, match="pass --year and --day"):
        build_ioi([plain], tmp_path / "out", compiler=compiler)
    summary = build_ioi([plain], tmp_path / "out", year=2022, day="2", compiler=compiler)
    assert (summary.packages[0].task.year, summary.packages[0].task.day) == (2022, "2")


def test_shards_are_bounded_by_size(tmp_path):
    layout = HubLayout(tmp_path, "sharded", max_shard_bytes=50_000)
    with layout.split("2024", "train", testcases.FEATURES) as writer:
        for i in range(40):
            writer.write({"year": 2024, "day": "1", "problem_name": "P", "problem_id": "p", "test_name": f"t{i:02d}",
                          "test_input": "x" * 20_000, "test_output": "y"})  # fmt: skip
    stats = layout.stats["2024"]["train"]
    assert len(stats.files) > 1 and stats.num_examples == 40
    assert stats.files[0].endswith(f"train-00000-of-{len(stats.files):05d}.parquet")
    layout.abort()
    assert not any(tmp_path.iterdir())


def test_a_killed_build_leaves_no_half_dataset_and_the_rerun_is_identical(built, tmp_path):
    reference, _ = built
    out = tmp_path / "hub"
    command = [sys.executable, "-m", "olympicforge", "build", "ioi", "--packages", str(EXAMPLES), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    cache = out / ".cache" / "ioi-sample-solutions.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (cache.exists() and cache.read_text().count("\n") >= 3):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # mid-way through judging the sample solutions
    proc.wait()
    assert not (out / "ioi-sample-solutions").exists()  # never half-written
    judged_before = cache.read_text().count("\n")
    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert not list(out.glob(".staging-*"))
    for name in ("ioi", "ioi-test-cases"):
        assert parquet_files(out / name) == parquet_files(reference / name), name
    lines = [json.loads(line) for line in cache.read_text().splitlines() if line.strip()]
    assert len(lines) == 26 and judged_before >= 3  # the rerun judged only what was missing
    first = parquet_files(out / "ioi-sample-solutions")
    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.returncode == 0
    assert parquet_files(out / "ioi-sample-solutions") == first  # cached results: byte-identical


def test_stale_old_build_is_restored(tmp_path):
    (tmp_path / ".old-ioi-123").mkdir()
    (tmp_path / ".old-ioi-123" / "README.md").write_text("previous")
    (tmp_path / ".staging-ioi-456").mkdir()
    remove_stale_staging(tmp_path)
    assert (tmp_path / "ioi" / "README.md").read_text() == "previous"
    assert not (tmp_path / ".staging-ioi-456").exists()
