"""Pre-push validation of built datasets, the upload plan, and `push --dry-run`.

(The upload itself against a fake Hub server is the next step of issue 6.)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from builders.hub.push import card_for_org, make_plan, validate
from builders.hub.writer import CARD_SOURCE, HubLayout, publish
from builders.ioi import testcases
from cards.card import CardSpec
from olympicforge.cli import main

REPO = Path(__file__).resolve().parents[1]


def build_small(out: Path, org: str = "org") -> Path:
    layout = HubLayout(out, "ioi-test-cases")
    for year in ("2023", "2024"):
        with layout.split(year, "train", testcases.FEATURES) as writer:
            for i in range(3):
                writer.write({"year": int(year), "day": "1", "problem_name": "P", "problem_id": "p",
                              "test_name": f"{i}", "test_input": f"{i}\n", "test_output": f"{i * 2}\n"})  # fmt: skip
    spec = CardSpec("ioi-test-cases", "IOI test cases", "cc-by-4.0", "ioi-test-cases.md.j2",
                    context={"org": org, "years": [], "licences": [], "build_year": 2026})  # fmt: skip
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
    uploaded = {f: h for f, h in _same(dataset).items() if not Path(f).name.startswith(".")}  # as describe() lists
    assert make_plan(dataset, "org/x", "main", uploaded).empty


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


def dry_run(dataset: Path, org: str) -> int:
    return main(["push", f"--org={org}", "--datasets", "ioi-test-cases", "--out", str(dataset.parent), "--dry-run",
                 "--offline"])  # fmt: skip


@pytest.mark.parametrize("org", ["", "-acme", "acme-", ".acme", "acme.", "ac--me", "ac..me", "a" * 97, "ac me",
                                 "acme/labs", "ac\u00e9me", "acme.git"])  # fmt: skip
def test_a_bad_org_name_is_one_line_naming_the_flag(dataset, capsys, monkeypatch, org):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    assert dry_run(dataset, org) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"olympicforge: error: --org {org!r}: not a Hub user or organisation name "
                                        "(letters, digits, '-', '_' and '.', not starting or ending with '-' or '.', "
                                        "no '--' or '..', at most 96 characters)"]  # fmt: skip


@pytest.mark.parametrize("org", ["a", "acme-labs", "Acme_Labs.2", "a" * 96, "_acme"])
def test_good_org_names_pass(dataset, capsys, monkeypatch, org):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    assert dry_run(dataset, org) == 0
    assert f"{org}/ioi-test-cases @ main" in capsys.readouterr().out


def test_the_card_is_rendered_for_the_org_pushed_to(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    built = build_small(tmp_path / "a", org="build-org")
    card, problem = card_for_org(built, "acme")
    assert problem is None and "build-org" not in card
    assert 'load_dataset("acme/ioi-test-cases"' in card and "`acme/ioi`" in card
    assert card == (build_small(tmp_path / "b", org="acme") / "README.md").read_text()  # as `--org acme` builds it
    assert dry_run(built, "acme") == 0
    assert "README.md: the card as rendered for --org acme" in capsys.readouterr().out
    assert "build-org/ioi-test-cases" in (built / "README.md").read_text()  # the local build is left as it was
    assert card_for_org(built, "build-org") == ((built / "README.md").read_text(), None)


def test_a_card_edited_after_the_build_cannot_change_org(dataset, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    card = dataset / "README.md"
    card.write_text(card.read_text() + "\nA note added by hand.\n")
    assert card_for_org(dataset, "org") == (card.read_text(), None)  # the same org: pushed as edited
    assert dry_run(dataset, "acme") == 1
    out = capsys.readouterr().out
    assert "README.md was edited after the build (for org 'org'), so it cannot be rewritten for --org 'acme'" in out
    (dataset / CARD_SOURCE).unlink()  # a build from before cards kept their source
    assert dry_run(dataset, "acme") == 1
    assert "names the org 'org' and cannot be rewritten for --org 'acme'" in capsys.readouterr().out
    assert dry_run(dataset, "org") == 0


def test_a_card_naming_a_local_path_is_not_pushed(dataset, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    leak = lambda text: text.replace("## Citation", "Licence: /home/builder/ioi/LICENSE\n\n## Citation")  # noqa: E731
    (dataset / "README.md").write_text(leak((dataset / "README.md").read_text()))
    source = json.loads((dataset / CARD_SOURCE).read_text())
    (dataset / CARD_SOURCE).write_text(json.dumps({**source, "card": leak(source["card"])}))
    assert any("names '/home/builder/ioi/LICENSE', a path of the build machine" in p for p in validate(dataset, "x"))
    assert dry_run(dataset, "org") == 1


@pytest.mark.parametrize(
    "target, extra", [("push-datasets", []), ("datasets", ["CF_RUNS=runs/cf", "IOI_RUNS=runs/ioi"])]
)
def test_make_builds_with_the_org(target, extra):
    """`make push-datasets ORG=X` (and `make datasets ORG=X`) builds every dataset with --org X."""
    commands = subprocess.run(["make", "-n", "-o", ".venv/.installed", target, "ORG=acme-labs", *extra], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
    builds = [line for line in commands.splitlines() if "olympicforge build" in line]
    assert len(builds) == (2 if target == "push-datasets" else 4)
    assert all(line.rstrip().endswith("--org acme-labs") for line in builds), builds
    assert target == "datasets" or "olympicforge push --org acme-labs" in commands
