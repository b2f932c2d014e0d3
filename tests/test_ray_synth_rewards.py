"""The Ray executor behind the other batch paths, on the real local test cluster (2 CPUs):
`build codeforces-tests --validate` and `filter pass-rate` give what the local pool gives,
and GRPO's judge rewards (`judge_backend: ray`) are judged by the cluster's judge actors."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from datasets import load_dataset
from test_pass_rate import ANSWERS, prompts_dataset

from builders.generation.recorded import RecordedServer
from judge.executors.ray_cluster import ACTOR_PREFIX, RayJudge
from olympicforge.cli import main
from recipes.grpo import build_trainer, close_judges, make_parser
from recipes.rewards import CFCode, RewardArguments, make_judge

from cf_helpers import SUM_STATEMENT, write_codeforces_dataset
from ray_helpers import RAY_CPUS
from recipe_helpers import CORRECT, UNCOMPILABLE, WRONG, answer, aplusb_row, grpo_config, write_parquet, write_yaml
from synth_helpers import PAIR_ID, PAIR_ROW, SUM_ID, SUM_ROW, good_answers, records, validate, write_labelled, write_run

# With 1 example and 3 edge cases, a fifth test leaves no place for "the hardest" (an order the
# references' CPU time decides, which differs run to run): what is selected, and in which order,
# is seeded only, so both executors must write the very same suites.
SYNTH_PLAN = ("--plan", "small=2,edge=3,max=0", "--max-tests", "5")


@pytest.fixture(autouse=True)
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def without_times(record: dict) -> dict:
    return {**record, "tests": [{k: v for k, v in t.items() if k != "reference_time"} for t in record["tests"]]}


def suite_bytes(run: Path) -> dict[str, bytes]:
    root = run / "suites"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_synth_validation_on_ray_writes_the_local_records_and_suites(ray_cluster, ray_calls, tmp_path, compiler):
    dataset = write_codeforces_dataset(tmp_path / "hub", [SUM_ROW, PAIR_ROW])
    local = write_run(tmp_path / "local", dataset, {SUM_ID: good_answers(SUM_ID), PAIR_ID: good_answers(PAIR_ID)})
    on_ray = shutil.copytree(local, tmp_path / "ray")
    labelled = str(write_labelled(tmp_path / "labelled.jsonl"))
    assert validate(local, "--labelled", labelled, *SYNTH_PLAN) == 0
    assert ray_calls["batches"] == []  # the local pool: nothing went to the cluster
    assert validate(on_ray, "--labelled", labelled, *SYNTH_PLAN, "--executor", "ray", "--ray-address",
                    ray_cluster.address) == 0  # fmt: skip
    assert ray_calls["batches"] == [("validate_in", 2)] and ray_calls["slots"] == [RAY_CPUS]
    expected, got = records(local), records(on_ray)
    assert got.keys() == expected.keys() == {SUM_ID, PAIR_ID}
    for problem in (SUM_ID, PAIR_ID):
        assert without_times(got[problem]) == without_times(expected[problem])
        assert got[problem]["written"] and got[problem]["quality"]["tnr"] == 1.0  # a measured suite, shipped back
        assert [t["name"] for t in got[problem]["tests"]][:4] == ["example-1", "edge-0-g0", "edge-1-g0", "edge-2-g0"]
    files = suite_bytes(on_ray)
    tests = [f"2000/{index}/{n:03d}.{ext}" for index in "AB" for n in range(1, 6) for ext in ("in", "out")]
    assert sorted(files) == sorted([*tests, "2000/B/checker.py"])
    assert files == suite_bytes(local)


def test_pass_rate_on_ray_gives_the_local_rows_and_band(ray_cluster, ray_calls, tmp_path, capsys):
    dataset = prompts_dataset(tmp_path / "data")
    recorded = {f"Problem {index}: {SUM_STATEMENT}": answers for index, answers in ANSWERS.items()}

    def filter_run(name: str, *executor: str) -> tuple[dict, dict, list, list]:
        run, out = tmp_path / name / "run", tmp_path / name / "hub"
        with RecordedServer(recorded) as server:  # its own server: the n-th request of a prompt gets answer n
            assert main(["filter", "pass-rate", "--dataset", str(dataset), "--model", "recorded", "--endpoint",
                         server.url, "--generations", "4", "--run", str(run), "--out", str(out), "--name", "sums",
                         "--workers", "2", *executor, "--json"]) == 0  # fmt: skip
        summary = json.loads(capsys.readouterr().out)
        assert summary.pop("output") == str(out / "sums")
        rows = {r["id"]: r for r in load_dataset(str(out / "sums"), "default", split="train")}
        # which sample got which answer depends on the order the requests came: each answer keeps its reward
        judged = {r["id"]: (r["pass_rate"], sorted(zip(r["pass_rate_generations"], r["pass_rate_rewards"],
                                                       strict=True))) for r in rows.values()}  # fmt: skip
        band = load_dataset(str(out / "sums"), summary["config"], split="train")["id"]
        verdicts = sorted(json.loads(line)["reward"] for line in (run / "judged.jsonl").read_text().splitlines())
        return summary, judged, band, verdicts

    local = filter_run("local")
    assert ray_calls["answers"] == []
    on_ray = filter_run("ray", "--executor", "ray", "--ray-address", ray_cluster.address)
    assert on_ray == local
    assert local[0] == {"rows": 3, "in_band": 1, "config": "filt-0.1-0.9"} and local[2] == ["2100/A"]
    assert {k: v[0] for k, v in on_ray[1].items()} == {"2100/A": 0.5, "2100/B": 1.0, "2100/C": 0.0}
    # the 10 answers with code went to the cluster's actors (the 2 without are -1 before any judge)
    answered = ray_calls["answers"]
    assert len(answered) == 10 and all(a is not None and a["status"] == "ok" for a in answered)
    assert sorted(a["verdict"] for a in answered) == ["AC"] * 6 + ["WA"] * 4


def test_make_judge_picks_the_backend_or_says_why_not(ray_cluster):
    import ray

    judge = make_judge(RewardArguments(judge_backend="ray", ray_address=ray_cluster.address))
    try:
        assert isinstance(judge, RayJudge) and judge.workers == RAY_CPUS  # the test cluster's cores
        names = {a["name"] for a in ray.util.list_named_actors(all_namespaces=True)}
        assert {a.name for a in judge.executor.live} <= names and all(n.startswith(ACTOR_PREFIX) for n in names)
    finally:
        judge.close()
    assert judge.workers == 0  # its actors stopped: their cores are the cluster's again
    with pytest.raises(ValueError, match=r"^judge_backend serve needs judge_urls \(the `olympicforge judge serve`"):
        make_judge(RewardArguments(judge_backend="serve"))
    with pytest.raises(ValueError, match=r"^judge_backend 'slurm': use one of local, ray, serve$"):
        make_judge(RewardArguments(judge_backend="slurm"))
    with pytest.raises(ValueError, match=r"^judge_backend ray and judge_urls: give one of them"):
        make_judge(RewardArguments(judge_backend="ray", judge_urls=["http://127.0.0.1:9"]))


def test_grpo_rewards_are_judged_on_the_ray_cluster(ray_cluster, ray_calls, tiny_model, tmp_path, monkeypatch):
    data = write_parquet(tmp_path / "codeforces", [aplusb_row() for _ in range(4)])
    config = grpo_config(tiny_model, data, tmp_path / "out", max_steps=2, judge_backend="ray",
                         ray_address=ray_cluster.address)  # fmt: skip
    path = write_yaml(tmp_path / "grpo.yaml", config)
    script_args, training_args, model_args = make_parser().parse_args_and_config(["--config", str(path)])
    trainer = build_trainer(script_args, training_args, model_args, str(path))
    try:
        cf_code = trainer.reward_funcs[0]
        assert isinstance(cf_code, CFCode) and isinstance(cf_code.judge, RayJudge)
        tokenizer = trainer.processing_class
        script = [answer(CORRECT), answer(WRONG), answer(UNCOMPILABLE), answer(CORRECT)]
        scripted = [tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id] for text in script]

        def generate(prompt_ids, images, multimodal_fields, num_generations, *args, **kwargs):
            return [scripted[i % len(scripted)] for i in range(len(prompt_ids))], None

        monkeypatch.setattr(trainer, "_generate_single_turn", generate)
        trainer.train()
    finally:
        close_judges(trainer)
    assert trainer.state.global_step == 2
    # one generation batch (num_iterations 2), its 4 completions judged by the actors: AC, WA, CE, AC
    assert ray_calls["batches"] == [("run_judge_job", 4)] and ray_calls["slots"] == [RAY_CPUS]
    assert [a["verdict"] for a in ray_calls["answers"]] == ["AC", "WA", "CE", "AC"]
    [logged] = [entry for entry in trainer.state.log_history if "rewards/cf_code/mean" in entry]
    assert logged["rewards/cf_code/mean"] == pytest.approx((1.0 + 0.0 - 0.1 + 1.0) / 4)
    assert logged["cf_code/judge_errors"] == 0
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert len(losses) == 2 and all(math.isfinite(loss) for loss in losses)
