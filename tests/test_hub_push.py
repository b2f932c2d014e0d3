"""Pre-push validation of built datasets, the upload plan, and `push --dry-run`.

(The upload itself against a fake Hub server is the next step of issue 6.)
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from builders.hub.push import make_plan, validate
from builders.hub.writer import HubLayout, publish
from builders.ioi import testcases
from cards.card import CardSpec
from olympicforge.cli import main


def build_small(out: Path) -> Path:
    layout = HubLayout(out, "ioi-test-cases")
    for year in ("2023", "2024"):
        with layout.split(year, "train", testcases.FEATURES) as writer:
            for i in range(3):
                writer.write({"year": int(year), "day": "1", "problem_name": "P", "problem_id": "p",
                              "test_name": f"{i}", "test_input": f"{i}\n", "test_output": f"{i * 2}\n"})  # fmt: skip
    spec = CardSpec("ioi-test-cases", "IOI test cases", "cc-by-4.0", "ioi-test-cases.md.j2",
                    context={"org": "org", "years": [], "licences": [], "build_year": 2026})  # fmt: skip
    return publish(layout, spec)


@pytest.fixture
def dataset(tmp_path):
    return build_small(tmp_path / "hub")


def test_a_fresh_build_validates(dataset):
    assert validate(dataset) == []


def test_row_count_mismatch(dataset):
    card = dataset / "README.md"
    card.write_text(card.read_text().replace("num_examples: 3", "num_examples: 4", 1))
    assert any("card says 4 rows, files hold 3" in p for p in validate(dataset))


def test_feature_mismatch(dataset):
    card = dataset / "README.md"
    card.write_text(
        card.read_text().replace("name: test_output\n    dtype: string", "name: test_output\n    dtype: int64", 1)
    )
    assert any("features differ from the card's dataset_info" in p for p in validate(dataset))


def test_stray_and_unreadable_files(dataset):
    shutil.copy(next((dataset / "data" / "2024").glob("*.parquet")), dataset / "data" / "2024" / "old.parquet")
    broken = next((dataset / "data" / "2023").glob("*.parquet"))
    broken.write_bytes(broken.read_bytes()[:50])
    problems = validate(dataset)
    assert any("data/2024/old.parquet: a data file no config refers to" in p for p in problems)
    assert any("unreadable parquet" in p for p in problems)


def test_bad_card(dataset):
    (dataset / "README.md").write_text("no yaml here")
    assert validate(dataset) == [f"{dataset / 'README.md'}: the card does not start with YAML front matter"]


def test_plan_against_a_remote_listing(dataset):
    readme = (dataset / "README.md").read_bytes()
    shard = next((dataset / "data" / "2023").glob("*.parquet"))
    remote = {
        "README.md": hashlib.sha1(b"blob %d\0" % len(readme) + readme).hexdigest(),  # same content: unchanged
        shard.relative_to(dataset).as_posix(): "0" * 64,  # different content: replaced
        "data/2022/train-00000-of-00001.parquet": "1" * 64,  # no longer built: deleted
        ".gitattributes": "2" * 40,
    }
    plan = make_plan(dataset, "org/ioi-test-cases", "main", remote)
    assert plan.unchanged == ["README.md"]
    assert [f.path for f in plan.replace] == [shard.relative_to(dataset).as_posix()]
    assert plan.delete == ["data/2022/train-00000-of-00001.parquet"]
    assert [f.path for f in plan.add] == ["data/2024/train-00000-of-00001.parquet"]
    assert plan.message() == "Update ioi-test-cases: 1 added, 1 replaced, 1 deleted (configs: 2023, 2024)"
    assert make_plan(dataset, "org/x", "main", {f: h for f, h in _same(dataset).items()}).empty


def _same(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}  # fmt: skip


def test_dry_run_offline_prints_the_plan_and_writes_nothing(dataset, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    before = _same(dataset)
    assert main(["push", "--org", "org", "--datasets", "ioi-test-cases", "--out", str(dataset.parent),
                 "--dry-run", "--offline"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "org/ioi-test-cases @ main" in out and "3 added" in out and "data/2023/train-00000-of-00001.parquet" in out
    assert _same(dataset) == before


def test_push_without_a_token_stops_before_any_work(dataset, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no saved login either
    monkeypatch.setattr("builders.hub.push.get_token", lambda: None)
    assert main(["push", "--org", "org", "--out", str(dataset.parent)]) == 2
    assert "no Hugging Face token" in capsys.readouterr().err


def test_a_dataset_failing_validation_is_not_pushed(dataset, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    (dataset / "README.md").write_text("broken")
    assert main(["push", "--org", "org", "--datasets", "ioi-test-cases", "--out", str(dataset.parent),
                 "--dry-run", "--offline"]) == 1  # fmt: skip
    assert "ioi-test-cases: not pushed, validation failed" in capsys.readouterr().out


def test_dry_run_without_a_reachable_hub_plans_from_the_local_build(dataset, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr("builders.hub.push.get_token", lambda: None)
    calls = []

    def unreachable(*args):
        calls.append(args)
        raise ConnectionError("name or service not known")

    monkeypatch.setattr("builders.hub.push.remote_listing", unreachable)
    code = main(["push", "--org", "org", "--datasets", "ioi-test-cases,ioi-test-cases", "--out", str(dataset.parent),
                 "--dry-run"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "the Hub is not reachable (ConnectionError)" in out and "3 added" in out
    assert len(calls) == 1  # not asked again for the next dataset


def test_push_defaults_to_the_known_datasets_that_were_built(dataset, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    assert main(["push", "--org", "org", "--out", str(dataset.parent), "--dry-run", "--offline"]) == 0
    out = capsys.readouterr().out.replace("\n", " ")
    assert "org/ioi-test-cases @ main" in out and "org/ioi @" not in out
    assert "not built, so not pushed: codeforces, codeforces-cots, ioi, ioi-sample-solutions" in out
    assert main(["push", "--org", "org", "--out", str(tmp_path / "empty"), "--dry-run", "--offline"]) == 2
    assert "no dataset built there" in capsys.readouterr().err


def test_push_finds_the_model_solutions_of_every_year(dataset, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    shutil.copytree(dataset, dataset.parent / "ioi-2026-model-solutions")  # `eval ioi --years 2026` writes one
    assert main(["push", "--org", "org", "--out", str(dataset.parent), "--dry-run", "--offline"]) == 0
    out = capsys.readouterr().out.replace("\n", " ")
    assert "org/ioi-test-cases @ main" in out and "org/ioi-2026-model-solutions @ main" in out
