"""Every YAML shipped in recipes/ parses with TrlParser through its script's parser and
carries the published settings; the accelerate configs load with accelerate's own reader."""

from __future__ import annotations

import pytest
from accelerate.commands.config.config_args import ClusterConfig

from recipes import grpo, sft
from recipes.rewards import JUDGE_REWARDS
from recipes.training import check_mixture

from recipe_helpers import RECIPES

YAMLS = sorted(RECIPES.glob("*.yaml"))
CPU = ["--use_cpu", "true"]  # bf16: true is checked against the hardware at parse time
GPUS = {"olympiccoder-7b.yaml": 8, "olympiccoder-32b.yaml": 16, "grpo-codeforces.yaml": 8, "grpo-ioi.yaml": 8}


def parse(path):
    script = grpo if path.name.startswith("grpo") else sft
    return script.make_parser().parse_args_and_config(["--config", str(path), *CPU])


def test_the_recipes_ship_the_expected_configs():
    assert [p.name for p in YAMLS] == ["grpo-codeforces.yaml", "grpo-ioi.yaml", "olympiccoder-32b.yaml",
                                       "olympiccoder-7b.yaml"]  # fmt: skip


@pytest.mark.parametrize("path", YAMLS, ids=lambda p: p.name)
def test_every_yaml_parses_and_says_which_hardware_it_was_sized_for(path):
    script_args, training_args, model_args = parse(path)
    check_mixture(script_args.dataset_mixture, path.name)
    assert all(e["id"].startswith("{org}/") for e in script_args.dataset_mixture["datasets"])
    assert script_args.hub_org == "olympicforge" and training_args.hub_model_id.startswith("{org}/")
    assert "Sized for" in path.read_text() and "H100" in path.read_text()
    assert training_args.bf16 and training_args.activation_checkpointing
    assert script_args.chat_template == "chatml-think" and script_args.prefill_think
    per_step = training_args.per_device_train_batch_size * training_args.gradient_accumulation_steps
    assert per_step * GPUS[path.name] in (128, 256)


@pytest.mark.parametrize("name", ["olympiccoder-7b.yaml", "olympiccoder-32b.yaml"])
def test_sft_configs_carry_the_published_settings(name):
    script_args, args, model_args = parse(RECIPES / name)
    size = "7B" if "7b" in name else "32B"
    assert model_args.model_name_or_path == f"Qwen/Qwen2.5-Coder-{size}-Instruct"
    [entry] = script_args.dataset_mixture["datasets"]
    assert entry["id"] == "{org}/codeforces-cots" and entry["config"] == "solutions_decontaminated"
    assert args.learning_rate == 4e-5 and args.num_train_epochs == 10
    assert args.per_device_train_batch_size * args.gradient_accumulation_steps * GPUS[name] == 128
    assert args.lr_scheduler_type.value == "cosine_with_min_lr" and args.lr_scheduler_kwargs == {"min_lr_rate": 0.1}
    assert args.warmup_steps == 0.03 and args.packing is False
    assert args.assistant_only_loss and args.eos_token == "<|im_end|>" and args.use_liger_kernel
    assert args.max_length == (32768 if size == "7B" else 22528)
    if size == "32B":
        assert args.optim.value == "paged_adamw_8bit" and args.save_only_model
    if size == "7B":  # the file states its choice against the public config's 1e-5
        assert "1e-5" in (RECIPES / name).read_text() and "4e-5" in (RECIPES / name).read_text()


@pytest.mark.parametrize(("name", "judge_reward"), [("grpo-codeforces.yaml", "cf_code"), ("grpo-ioi.yaml", "ioi_code")])
def test_grpo_configs_use_judge_rewards_with_weights_and_generation_reuse(name, judge_reward):
    script_args, args, model_args = parse(RECIPES / name)
    assert script_args.reward_funcs[0] == judge_reward and judge_reward in JUDGE_REWARDS
    assert args.reward_weights == [1.0, 0.1] and len(args.reward_weights) == len(script_args.reward_funcs)
    assert 2 <= args.num_iterations <= 4 and args.beta == 0.0
    assert model_args.use_peft is False and model_args.lora_target_modules  # PEFT: one switch away
    assert args.use_vllm is False and args.vllm_mode == "colocate"  # vLLM: one switch away
    assert script_args.judge_urls is None  # a local process pool unless remote workers are listed


@pytest.mark.parametrize(("name", "kind"), [("zero3", "DEEPSPEED"), ("fsdp", "FSDP"), ("ddp", "MULTI_GPU")])
def test_accelerate_configs_load(name, kind):
    config = ClusterConfig.from_yaml_file(str(RECIPES / "accelerate" / f"{name}.yaml"))
    assert str(config.distributed_type).endswith(kind) and config.num_processes == 8
    if name == "zero3":
        assert config.deepspeed_config["zero_stage"] == 3
    if name == "fsdp":
        assert config.fsdp_config["fsdp_sharding_strategy"] == "FULL_SHARD"
