"""`olympicforge build codeforces`: rows from the demo cache, splits, aliases,
offline gaps, and a killed online build rerun without refetching."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from datasets import load_dataset
from rich.console import Console

from builders.codeforces.build import FEATURES, build_codeforces, parse_range, seed_cache
from builders.codeforces.fetch import Fetcher
from builders.generation.prompts import chat, codeforces_prompt
from builders.hub.push import card_for_org
from cards.card import local_paths, validate_card
from olympicforge.cli import main

from http_helpers import FaultyServer

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "codeforces"


@pytest.fixture(autouse=True)
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def offline_fetcher(tmp_path: Path, seed: Path = SEED) -> Fetcher:
    fetcher = Fetcher(tmp_path / "cache", offline=True)
    seed_cache(fetcher, seed)
    return fetcher


@pytest.fixture(scope="module")
def demo(tmp_path_factory, compiler):
    tmp = tmp_path_factory.mktemp("cf")
    summary = build_codeforces(offline_fetcher(tmp), tmp / "hub", compiler=compiler)
    return tmp / "hub", summary


def test_demo_rows(demo):
    hub, summary = demo
    assert summary.rows == {"default": 14} and summary.missing == []
    rows = {r["id"]: r for r in load_dataset(str(hub / "codeforces"), "default", split="train")}
    assert sorted(rows) == ["120/A", "1211/A", "1211/B", "1211/C", "1211/D", "1211/E", "1211/F", "1211/G", "1211/H",
                            "1211/I", "130/A", "130/B", "130/C", "452/A"]  # fmt: skip
    eevee = rows["452/A"]
    assert (eevee["title"], eevee["time_limit"], eevee["memory_limit"], eevee["input_mode"]) == (
        "Eevee",
        1.0,
        256.0,
        "stdio",
    )
    assert eevee["contest_name"] == "MemSQL Start[c]UP 2.0 - Round 1" and eevee["contest_start_year"] == 2014
    assert eevee["rating"] == 1000 and eevee["tags"] == ["brute force", "implementation", "strings"]
    assert eevee["editorial"].startswith("**452A - Eevee**") and "4-point polyline" not in eevee["editorial"]
    assert eevee["solutions"][0]["source"] == "https://codeforces.com/contest/452/submission/7000001"
    assert "vaporeon" in eevee["solutions"][0]["code"] and len(eevee["solutions"]) == 1  # the WA one is skipped
    assert eevee["executable"] is True  # the accepted solution passes the three examples through the judge
    assert eevee["examples"][0] == {"input": "7\nj......\n", "output": "jolteon\n"}
    three = rows["1211/A"]
    # any valid triple is accepted, but without its checker the reference's answers differ from the examples'
    assert len(three["solutions"]) == 1 and three["executable"] is False and three["editorial"] == ""
    assert three["rating"] == 1000 and rows["1211/B"]["rating"] is None


def test_card_and_features(demo):
    hub, _ = demo
    meta = validate_card((hub / "codeforces" / "README.md").read_text())
    assert [c["config_name"] for c in meta["configs"]] == ["default"]  # no verifiable rows yet: not listed
    assert load_dataset(str(hub / "codeforces"), "default", split="train").features == FEATURES
    text = (hub / "codeforces" / "README.md").read_text()
    assert "| 2014 | 1 |" in text and "| 2019 | 9 |" in text and "executable (examples pass" in text
    assert local_paths(text) == [] and str(REPO) not in text and str(hub) not in text
    pushed, problem = card_for_org(hub / "codeforces", "acme")  # built for olympicforge, pushed to acme
    assert problem is None and "olympicforge/" not in pushed and 'load_dataset("acme/codeforces"' in pushed


def test_progress_counts_contests_and_problems_with_an_eta(tmp_path, compiler, capsys):
    terminal = io.StringIO()
    console = Console(file=terminal, force_terminal=True, width=160)
    build_codeforces(offline_fetcher(tmp_path), tmp_path / "hub", contests=range(452, 453), compiler=compiler,
                     console=console)  # fmt: skip
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())
    assert re.search(r"fetching statements, editorials and solutions \S+ 1/1 contests \S+ ETA", shown), shown
    assert re.search(r"checking the examples with known-correct solutions \S+ 1/1 problems \S+ ETA", shown)
    assert "ETA -:--:--" in shown or "ETA 0:00:00" in shown
    capsys.readouterr()
    assert main(["build", "codeforces", "--offline", "--seed-cache", str(SEED), "--cache", str(tmp_path / "cache2"),
                 "--contests", "452", "--out", str(tmp_path / "hub2")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "codeforces/default: 1 rows" in out and "1/1 contests" not in out and "ETA" not in out  # on stderr


def test_cutoff_splits_by_contest_start(tmp_path, compiler):
    summary = build_codeforces(offline_fetcher(tmp_path), tmp_path / "hub", cutoff="2019-01-01", compiler=compiler)
    assert summary.rows == {"default": 14}
    test = load_dataset(str(tmp_path / "hub" / "codeforces"), "default", split="test")
    assert {r["contest_id"] for r in test} == {"1211"}  # a string, as the anchor's rows have it


def test_parallel_division_problems_become_aliases(tmp_path, compiler):
    seed = tmp_path / "seed"
    shutil.copytree(SEED, seed)
    listing = json.loads((seed / "api" / "contest.list@gym=false.json").read_text())
    listing["result"].append({**listing["result"][0], "id": 1212, "name": "Parallel division"})
    (seed / "api" / "contest.list@gym=false.json").write_text(json.dumps(listing))
    problems = json.loads((seed / "api" / "problemset.problems.json").read_text())
    problems["result"]["problems"] += [{**p, "contestId": 1212} for p in problems["result"]["problems"]
                                       if p["contestId"] == 1211]  # fmt: skip
    (seed / "api" / "problemset.problems.json").write_text(json.dumps(problems))
    (seed / "pages" / "contest" / "1212").mkdir()
    shutil.copy(seed / "pages" / "contest" / "1211" / "problems.html", seed / "pages" / "contest" / "1212")
    summary = build_codeforces(offline_fetcher(tmp_path, seed), tmp_path / "hub", compiler=compiler)
    assert summary.rows == {"default": 14}
    rows = {r["id"]: r for r in load_dataset(str(tmp_path / "hub" / "codeforces"), "default", split="train")}
    assert rows["1211/A"]["aliases"] == ["1212/A"]
    assert any("contest.status" in m and "1212" in m for m in summary.missing)  # named, not silently ignored


def test_offline_names_what_is_missing(tmp_path, compiler):
    seed = tmp_path / "seed"
    shutil.copytree(SEED, seed)
    (seed / "pages" / "problemset" / "problem" / "452" / "A.html").unlink()
    summary = build_codeforces(offline_fetcher(tmp_path, seed), tmp_path / "hub", compiler=compiler)
    assert summary.rows == {"default": 13}
    assert any("452/A" in m and "not in the cache" in m for m in summary.missing)


def test_prompts_per_language():
    row = {"title": "Eevee", "time_limit": 1.0, "memory_limit": 256.0, "description": "Legend.", "input_format": "In.",
           "output_format": "Out.", "interaction_format": "", "note": "", "examples": [{"input": "7\n", "output": "x\n"}]}  # fmt: skip
    row["editorial"] = "Use a set."
    cpp, python = codeforces_prompt(row, "cpp"), codeforces_prompt(row, "python")
    assert "C++17" in cpp and "```cpp" in cpp and "Python 3" in python and "```python" in python
    assert "Input:\n```\n7\n```" in cpp and "Time limit: 1 seconds" in cpp
    assert "Use a set." not in cpp and "## Editorial\n\nUse a set." in codeforces_prompt(
        row, "cpp", with_editorial=True
    )
    assert chat(cpp, prefill_think=True)[-1] == {"role": "assistant", "content": "<think>\n"}
    with pytest.raises(ValueError, match="unknown language"):
        codeforces_prompt(row, "java")


def test_contest_ranges():
    assert parse_range("1200-1210") == range(1200, 1211) and parse_range("452") == range(452, 453)
    assert parse_range(None) is None
    with pytest.raises(ValueError, match="--contests wants"):
        parse_range("all")


def test_killed_online_build_reruns_without_refetching(tmp_path):
    server = FaultyServer()
    try:
        for file in (f for f in SEED.rglob("*") if f.is_file()):
            relative = file.relative_to(SEED)
            if relative.parts[0] == "api":
                method, _, query = file.name.removesuffix(".json").partition("@")
                server.routes[f"/api/{method}" + (f"?{query}" if query else "")] = file.read_bytes()
            elif relative.parts[0] == "pages":
                server.routes["/" + str(relative.relative_to("pages")).removesuffix(".html")] = file.read_bytes()
        command = [sys.executable, "-m", "olympicforge", "build", "codeforces", "--base-url", server.url,
                   "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "hub"), "--page-delay", "0.3"]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 60
        while sum(server.hits.values()) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert not (tmp_path / "hub" / "codeforces").exists()
        before = dict(server.hits)
        rerun = subprocess.run(command, env=env, capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        refetched = [url for url, count in server.hits.items() if count > 1]
        assert len(refetched) <= 1  # at most the request in flight when the build was killed
        assert sum(before.values()) >= 4 and (tmp_path / "hub" / "codeforces" / "README.md").exists()
    finally:
        server.close()


def test_verifiable_configs_hold_executable_rows_with_complete_tests(demo, tmp_path):
    from builders.codeforces.build import CodeforcesSummary, write_dataset

    hub, _ = demo
    rows = list(load_dataset(str(hub / "codeforces"), "default", split="train"))
    eevee = next(r for r in rows if r["id"] == "452/A")
    eevee.update(official_tests=[{"input": "6\n......\n", "output": "espeon\n"}], official_tests_complete=True,
                 testset_size=1)  # fmt: skip
    summary = CodeforcesSummary()
    write_dataset(tmp_path, rows, "2024-11-01", "org", summary)
    assert summary.rows == {"default": 14, "verifiable": 1, "verifiable-prompts": 2}
    prompts = load_dataset(str(tmp_path / "codeforces"), "verifiable-prompts", split="train")
    assert sorted(prompts["language"]) == ["cpp", "python"] and all("Eevee" in p for p in prompts["prompt"])
    meta = validate_card((tmp_path / "codeforces" / "README.md").read_text())
    assert [c["config_name"] for c in meta["configs"]] == ["default", "verifiable", "verifiable-prompts"]
