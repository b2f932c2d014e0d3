"""`olympicforge filter pass-rate`: K answers per prompt from an OpenAI-compatible server
serving recorded answers, judged for real with cf_code (pass/fail), rows written with
their rates, and the band config holding only the prompts solved sometimes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from datasets import load_dataset

from builders.codeforces.build import PROMPT_FEATURES
from builders.generation.pass_rate import in_band, pass_rate
from builders.generation.recorded import RecordedServer
from builders.hub.writer import HubLayout
from cards.card import local_paths
from olympicforge.cli import main

from cf_helpers import SUM_STATEMENT, problem

RIGHT = '<think>64 bits.</think>\n```cpp\n#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n```'
OVERFLOW = RIGHT.replace("long long", "int").replace("%lld", "%d")
NO_CODE = "<think>Hmm.</think>\nI cannot solve this."
TESTS = [{"input": "5 7\n", "output": "12\n"}, {"input": "1500000000 1500000000\n", "output": "3000000000\n"}]
ANSWERS = {  # per prompt: what the model says, one answer per sample
    "A": [RIGHT, OVERFLOW, RIGHT, NO_CODE],  # 2 of 4 pass: in the band
    "B": [RIGHT, RIGHT, RIGHT, RIGHT],  # always solved: out
    "C": [OVERFLOW, NO_CODE, OVERFLOW, OVERFLOW],  # never solved: out
}


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def prompts_dataset(root: Path) -> Path:
    with HubLayout(root, "prompts") as layout:
        with layout.split("default", "train", PROMPT_FEATURES) as writer:
            for index in ANSWERS:
                row = problem(2100, index, f"Sum {index}", SUM_STATEMENT, [("1 2\n", "3\n")], official_tests=TESTS,
                              official_tests_complete=True)  # fmt: skip
                writer.write({**row, "prompt": f"Problem {index}: {SUM_STATEMENT}", "language": "cpp"})
        layout.commit("---\n---\n")
    return root / "prompts"


def test_pass_rates_are_judged_and_the_band_keeps_what_is_solved_sometimes(tmp_path, capsys):
    dataset = prompts_dataset(tmp_path / "data")
    recorded = {f"Problem {index}: {SUM_STATEMENT}": answers for index, answers in ANSWERS.items()}
    run, out = tmp_path / "run", tmp_path / "hub"
    with RecordedServer(recorded) as server:
        args = ["filter", "pass-rate", "--dataset", str(dataset), "--model", "recorded", "--endpoint", server.url,
                "--generations", "4", "--run", str(run), "--out", str(out), "--name", "sums", "--workers", "2"]  # fmt: skip
        assert main([*args, "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary == {"output": str(out / "sums"), "rows": 3, "in_band": 1, "config": "filt-0.1-0.9"}
        rows = {r["id"]: r for r in load_dataset(str(out / "sums"), "default", split="train")}
        # the values are cf_code's in pass/fail mode: 1 all tests pass, 0 a failure, -1.0 no code
        assert sorted(rows["2100/A"]["pass_rate_rewards"]) == [-1.0, 0.0, 1.0, 1.0]
        assert (rows["2100/A"]["pass_rate"], rows["2100/B"]["pass_rate"], rows["2100/C"]["pass_rate"]) == (
            0.5,
            1.0,
            0.0,
        )
        assert sorted(rows["2100/A"]["pass_rate_generations"]) == sorted(ANSWERS["A"])
        band = load_dataset(str(out / "sums"), "filt-0.1-0.9", split="train")
        assert band["id"] == ["2100/A"] and band["prompt"] == [f"Problem A: {SUM_STATEMENT}"]
        asked, judged = sum(server.asked.values()), (run / "judged.jsonl").read_text()
        assert asked == 12 and len(judged.splitlines()) == 12
        # a rerun asks nothing and judges nothing again, and writes the same rows
        assert main(args) == 0
        assert sum(server.asked.values()) == 12 and (run / "judged.jsonl").read_text() == judged
        assert load_dataset(str(out / "sums"), "filt-0.1-0.9", split="train")["id"] == ["2100/A"]
    card = (out / "sums" / "README.md").read_text()
    assert "1 of 3" in card and "filt-0.1-0.9" in card
    assert local_paths(card) == [] and str(tmp_path) not in card  # the local dataset by its folder's name


def test_the_rate_counts_judged_answers_and_the_band_is_strict():
    assert pass_rate([1.0, None, 0.0, 1.0]) == 2 / 3  # a judge failure is left out, not counted as a failure
    assert pass_rate([None, None]) is None and not in_band(None, 0.1, 0.9)
    assert not in_band(0.1, 0.1, 0.9) and in_band(0.11, 0.1, 0.9) and not in_band(0.9, 0.1, 0.9)


def test_bad_band_and_prompt_column_are_one_line(tmp_path, capsys):
    dataset = prompts_dataset(tmp_path / "data")
    base = ["filter", "pass-rate", "--dataset", str(dataset), "--model", "m", "--endpoint", "http://127.0.0.1:9",
            "--run", str(tmp_path / "run"), "--out", str(tmp_path / "hub")]  # fmt: skip
    assert main([*base, "--pass-rate-min", "0.9", "--pass-rate-max", "0.1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--pass-rate-min 0.9" in err
    assert main([*base, "--prompt-column", "question"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("olympicforge: error")]
    assert len(errors) == 1 and "--prompt-column 'question'" in errors[0]  # (the dataset's own progress bar aside)
    assert not (tmp_path / "run").exists()
