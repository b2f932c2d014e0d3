"""`olympicforge push` against an in-process fake Hub at the HTTP level: the real
huggingface_hub client code uploads, and `load_dataset` reads back."""

from __future__ import annotations

import json
import logging
import types

import pytest

from builders.hub.writer import HubLayout, publish
from builders.ioi import testcases
from cards.card import CardSpec
from olympicforge.cli import main

from fake_hub import FakeHub


@pytest.fixture
def hub(tmp_path, monkeypatch):
    import datasets.config
    import huggingface_hub.constants as constants

    fake = FakeHub()
    home = tmp_path / "hf-home"
    for key, value in {"HF_ENDPOINT": fake.url, "HF_HUB_DISABLE_XET": "1", "HF_HOME": str(home),
                       "HF_TOKEN": "hf_fake_token", "HF_HUB_OFFLINE": "0", "HF_DATASETS_OFFLINE": "0"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(constants, "ENDPOINT", fake.url)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", fake.url + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(home / "hub"))
    monkeypatch.setattr(datasets.config, "HF_ENDPOINT", fake.url)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", home / "datasets")
    yield fake
    fake.close()


def build(out, rows_2024: int, shard_bytes: int = 1 << 30, org: str = "org"):
    layout = HubLayout(out, "ioi-test-cases", max_shard_bytes=shard_bytes)
    for year, count in (("2023", 3), ("2024", rows_2024)):
        with layout.split(year, "train", testcases.FEATURES) as writer:
            for i in range(count):
                writer.write({"year": int(year), "day": "1", "problem_name": "P", "problem_id": "p",
                              "test_name": f"{i:03d}", "test_input": "x" * 3000, "test_output": f"{i}\n"})  # fmt: skip
    spec = CardSpec("ioi-test-cases", "IOI test cases", "cc-by-4.0", "ioi-test-cases.md.j2",
                    context={"org": org, "years": [], "licences": [], "build_year": 2026})  # fmt: skip
    return publish(layout, spec)


def push(out, *extra: str, org: str = "org") -> int:
    return main(["push", "--org", org, "--datasets", "ioi-test-cases", "--out", str(out), *extra])


def local_files(folder) -> dict[str, bytes]:
    """What a push uploads: every file but the hidden ones (the card's source)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")}  # fmt: skip


def test_first_push_then_noop_then_one_config_changes(hub, tmp_path, capsys):
    out = tmp_path / "hub"
    folder = build(out, rows_2024=6, shard_bytes=10_000)
    assert len(list((folder / "data" / "2024").glob("*.parquet"))) > 1
    assert push(out, "--tag", "v1.0") == 0
    assert hub.files("org/ioi-test-cases") == local_files(folder)
    assert hub.commit_count("org/ioi-test-cases") == 1 and "v1.0" in hub.repos["org/ioi-test-cases"].tags
    assert push(out) == 0  # nothing changed: no commit
    assert hub.commit_count("org/ioi-test-cases") == 1
    assert "already up to date" in capsys.readouterr().out
    old_2023 = {p: d for p, d in hub.files("org/ioi-test-cases").items() if p.startswith("data/2023/")}
    folder = build(out, rows_2024=2)  # 2024 shrinks to one shard
    assert push(out) == 0
    remote = hub.files("org/ioi-test-cases")
    assert remote == local_files(folder)
    assert {p: d for p, d in remote.items() if p.startswith("data/2023/")} == old_2023
    assert sorted(p for p in remote if p.startswith("data/2024/")) == ["data/2024/train-00000-of-00001.parquet"]
    message = hub.repos["org/ioi-test-cases"].commits[-1][2]
    assert "deleted" in message and "(configs: 2024)" in message


def test_upload_interrupted_by_server_errors_resumes(hub, tmp_path):
    out = tmp_path / "hub"
    build(out, rows_2024=2)
    hub.faults["commit"].extend([500, 503])
    assert push(out) == 0
    assert hub.commit_count("org/ioi-test-cases") == 1


def test_a_dataset_failing_validation_is_not_pushed(hub, tmp_path):
    out = tmp_path / "hub"
    folder = build(out, rows_2024=2)
    card = folder / "README.md"
    card.write_text(card.read_text().replace("num_examples: 2", "num_examples: 5"))
    assert push(out) == 1
    assert "org/ioi-test-cases" not in hub.repos


def test_dry_run_uses_the_remote_listing_and_writes_nothing(hub, tmp_path, capsys):
    out = tmp_path / "hub"
    build(out, rows_2024=2)
    assert push(out) == 0
    build(out, rows_2024=4)
    capsys.readouterr()
    assert push(out, "--dry-run") == 0
    plan = capsys.readouterr().out
    assert "replace  data/2024/train-00000-of-00001.parquet" in plan and "data/2023" not in plan
    assert hub.commit_count("org/ioi-test-cases") == 1


def test_load_dataset_reads_back_the_same_rows(hub, tmp_path):
    from datasets import load_dataset

    out = tmp_path / "hub"
    folder = build(out, rows_2024=4)
    assert push(out) == 0
    remote = load_dataset("org/ioi-test-cases", "2024", split="train")
    local = load_dataset(str(folder), "2024", split="train")
    assert remote.features == local.features == testcases.FEATURES
    assert remote.to_list() == local.to_list()
    assert json.dumps(remote[0]["test_name"]) == '"000"'


def test_pushed_under_another_org_the_card_names_that_org(hub, tmp_path):
    out = tmp_path / "hub"
    folder = build(out, rows_2024=2, org="build-org")
    assert push(out, org="acme") == 0
    remote = hub.files("acme/ioi-test-cases")
    card = remote["README.md"].decode()
    assert 'load_dataset("acme/ioi-test-cases"' in card and "`acme/ioi`" in card and "build-org" not in card
    assert card == (build(tmp_path / "acme-build", rows_2024=2, org="acme") / "README.md").read_text()
    assert {p: d for p, d in remote.items() if p != "README.md"} == {
        p: d for p, d in local_files(folder).items() if p != "README.md"}  # fmt: skip
    assert push(out, org="acme") == 0 and hub.commit_count("acme/ioi-test-cases") == 1  # the rewritten card is known


def test_a_retry_warning_is_printed_once_with_its_count(hub, tmp_path, monkeypatch, caplog):
    import huggingface_hub.utils._http as hub_http

    monkeypatch.setattr("builders.hub.push.RETRY_SECONDS", 0.01)
    monkeypatch.setattr(hub_http, "time", types.SimpleNamespace(sleep=lambda seconds: None))  # its own backoff
    out = tmp_path / "hub"
    build(out, rows_2024=2)
    hub.faults["preupload"].extend([503, 503, 503])  # huggingface_hub retries these itself
    hub.faults["commit"].extend([500, 500, 500])  # ours (tenacity)
    caplog.set_level(logging.WARNING)
    assert push(out) == 0
    assert hub.commit_count("org/ioi-test-cases") == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    ours = [m for m in warnings if "the Hub answered 500 pushing org/ioi-test-cases" in m]
    assert ours == ["the Hub answered 500 pushing org/ioi-test-cases (retrying)",
                    "the Hub answered 500 pushing org/ioi-test-cases (retrying) (3 times in all)"]  # fmt: skip
    theirs = [m for m in warnings if "HTTP Error 503" in m]
    assert len(theirs) == 2 and theirs[1].endswith("(3 times in all)")
    assert len([m for m in warnings if m.startswith("Retrying in")]) == 2  # "[Retry 1/5]", "[Retry 2/5]": one warning
    assert len(warnings) == 6, warnings
    assert logging.getLogger("huggingface_hub").handlers  # its own handler is back after the push
