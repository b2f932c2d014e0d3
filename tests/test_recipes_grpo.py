"""recipes/grpo.py on a tiny model built here, with the real judge as reward: a YAML
through TrlParser, 4 steps with generation reuse, scripted completions judged for real
(correct 1, wrong 0, uncompilable 0, judge failure None), accelerate launch, and an Open
R1-shaped YAML (its key names) trained for 2 steps."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pytest

from recipes.grpo import build_trainer, close_judges, make_parser
from recipes.rewards import CFCode, Gated

from recipe_helpers import (
    CORRECT,
    UNCOMPILABLE,
    WRONG,
    accelerate_launch,
    answer,
    aplusb_row,
    grpo_config,
    reward_kwargs,
    write_parquet,
    write_yaml,
)

OPEN_R1_SYSTEM = "Think first, then answer with one C++ program."

JUDGE_DOWN = "// the judge loses this one"
# One group of 4 generations: right, wrong, does not compile, and one the judge fails on.
SCRIPT = [answer(CORRECT), answer(WRONG), answer(UNCOMPILABLE), answer(CORRECT + JUDGE_DOWN + "\n")]


class LosesSomeJobs:
    """The real judge, except that jobs carrying JUDGE_DOWN come back unanswered (a dead worker)."""

    def __init__(self, judge) -> None:
        self.judge = judge

    def map(self, jobs: list[dict]) -> list[dict | None]:
        answers = iter(self.judge.map([job for job in jobs if JUDGE_DOWN not in job["code"]]))
        return [None if JUDGE_DOWN in job["code"] else next(answers) for job in jobs]

    def close(self) -> None:
        self.judge.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_parquet(tmp_path_factory.mktemp("grpo-data") / "codeforces", [aplusb_row() for _ in range(8)])


@pytest.fixture(scope="module")
def trainer(tiny_model, data, tmp_path_factory):
    root = tmp_path_factory.mktemp("grpo")
    config = write_yaml(root / "grpo.yaml", grpo_config(tiny_model, data, root / "out"))
    script_args, training_args, model_args = make_parser().parse_args_and_config(["--config", str(config)])
    trainer = build_trainer(script_args, training_args, model_args, str(config))
    yield trainer
    close_judges(trainer)


def test_rewards_come_from_the_judge_in_the_yaml_order(trainer):
    cf_code, code_block = trainer.reward_funcs
    assert isinstance(cf_code, CFCode) and cf_code.scoring == "pass_fail"
    assert isinstance(code_block, Gated) and code_block.__name__ == "code_block"
    assert trainer.reward_weights.tolist() == [1.0, pytest.approx(0.1)]
    rows = [aplusb_row() for _ in SCRIPT]
    completions = [[{"role": "assistant", "content": text}] for text in SCRIPT[:3]]
    assert cf_code(completions=completions, **reward_kwargs(rows[:3])) == [1.0, 0.0, -0.1]  # -0.1: CE, as Open R1


def test_four_steps_on_scripted_completions_judged_for_real(trainer, monkeypatch):
    tokenizer = trainer.processing_class
    scripted = [tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id] for text in SCRIPT]
    generations = []

    def generate(prompt_ids, images, multimodal_fields, num_generations, *args, **kwargs):
        generations.append(len(prompt_ids))
        return [scripted[i % len(scripted)] for i in range(len(prompt_ids))], None

    monkeypatch.setattr(trainer, "_generate_single_turn", generate)
    cf_code = trainer.reward_funcs[0]
    cf_code.judge = LosesSomeJobs(cf_code.judge)
    trainer.train()
    assert trainer.state.global_step == 4
    assert len(generations) == 2  # num_iterations 2: each generation batch serves two steps
    logged = [entry for entry in trainer.state.log_history if "rewards/cf_code/mean" in entry]
    assert len(logged) == 2
    for entry in logged:
        assert entry["rewards/cf_code/mean"] == pytest.approx(0.9 / 3)  # [1, 0, -0.1, None]: the None left out
        assert entry["rewards/code_block/mean"] == pytest.approx(1.0)  # gated: None where the judge failed
        assert entry["reward"] == pytest.approx((1.1 + 0.1 + 0.0) / 3)
        assert entry["cf_code/judge_errors"] == 1
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert len(losses) == 4 and all(math.isfinite(loss) for loss in losses)


def test_accelerate_launch_with_one_cpu_process(tiny_model, data, tmp_path):
    out = tmp_path / "out"
    config = write_yaml(tmp_path / "grpo.yaml", grpo_config(tiny_model, data, out, max_steps=2, judge_workers=1))
    done = accelerate_launch("grpo.py", config, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "model.safetensors").exists()
    assert "rewards/cf_code/mean" in done.stdout + done.stderr


def test_an_open_r1_shaped_yaml_trains_two_steps(tiny_model, tmp_path, monkeypatch, caplog):
    """Open R1's key names (torch_dtype, dataset_name as a local folder, dataset_prompt_column,
    system_prompt, warmup_ratio, code_eval_*, max_prompt_length, callbacks, ...) on the tiny model."""
    rows = [{"question" if key == "prompt" else key: value for key, value in aplusb_row().items()} for _ in range(4)]
    data = write_parquet(tmp_path / "codeforces-verifiable", rows)
    config = grpo_config(tiny_model, data, tmp_path / "out", max_steps=2, judge_workers=1)
    for ours in ("dataset_mixture", "cf_scoring_mode", "activation_checkpointing"):
        del config[ours]
    config.update({"torch_dtype": "float32", "dataset_name": str(data), "dataset_prompt_column": "question",
                   "system_prompt": OPEN_R1_SYSTEM, "warmup_ratio": 0.5, "code_eval_scoring_mode": "pass_fail",
                   "code_eval_test_batch_size": -1, "max_prompt_length": 512, "vllm_device": "auto",
                   "callbacks": ["push_to_hub_revision"], "benchmarks": ["lcb_v4"], "hub_model_revision": "v01.00",
                   "overwrite_output_dir": True, "loss_type": "dr_grpo", "scale_rewards": False, "beta": 0.0,
                   "gradient_checkpointing": False})  # fmt: skip
    path = write_yaml(tmp_path / "open-r1-grpo.yaml", config)
    caplog.set_level(logging.WARNING, "recipes.legacy")
    script_args, training_args, model_args = make_parser().parse_args_and_config(["--config", str(path)])
    mapped = [r.getMessage().split(" Open R1 key ")[1].split(" -> ")[0] for r in caplog.records
              if r.name == "recipes.legacy"]  # fmt: skip
    assert sorted(mapped) == sorted(["torch_dtype", "dataset_name", "dataset_prompt_column", "warmup_ratio: 0.5",
                                     "code_eval_scoring_mode", "max_prompt_length", "vllm_device",
                                     "callbacks: push_to_hub_revision", "benchmarks", "hub_model_revision",
                                     "overwrite_output_dir", "gradient_checkpointing"])  # fmt: skip
    trainer = build_trainer(script_args, training_args, model_args, str(path))
    try:
        cf_code = trainer.reward_funcs[0]
        # Open R1's -1: every test in one batch
        assert isinstance(cf_code, CFCode) and cf_code.scoring == "pass_fail" and cf_code.batch_size is None
        assert trainer.train_dataset[0]["prompt"] == [{"role": "system", "content": OPEN_R1_SYSTEM},
                                                      {"role": "user", "content": rows[0]["question"]}]  # fmt: skip
        tokenizer = trainer.processing_class
        script = [answer(CORRECT), answer(WRONG), answer(UNCOMPILABLE), answer(CORRECT)]
        scripted = [tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id] for text in script]
        prompts = []

        def generate(prompt_ids, images, multimodal_fields, num_generations, *args, **kwargs):
            prompts.extend(tokenizer.decode(ids) for ids in prompt_ids)
            return [scripted[i % len(scripted)] for i in range(len(prompt_ids))], None

        monkeypatch.setattr(trainer, "_generate_single_turn", generate)
        trainer.train()
    finally:
        close_judges(trainer)
    assert trainer.state.global_step == 2 and trainer.args.loss_type == "dr_grpo"
    assert len(prompts) == 4 and all(p == f"<|im_start|>system\n{OPEN_R1_SYSTEM}<|im_end|>\n<|im_start|>user\n"
                                          f"{rows[0]['question']}<|im_end|>\n<|im_start|>assistant\n<think>\n"
                                          for p in prompts)  # fmt: skip
    [logged] = [entry for entry in trainer.state.log_history if "rewards/cf_code/mean" in entry]
    assert logged["rewards/cf_code/mean"] == pytest.approx((1.0 + 0.0 - 0.1 + 1.0) / 4)  # pass_fail, judged whole
    losses = [entry for entry in trainer.state.log_history if "loss" in entry]
    assert [entry["learning_rate"] for entry in losses] == [0.0, pytest.approx(1e-4)]  # warmup: 1 step of 2
    assert all(math.isfinite(entry["loss"]) for entry in losses)
