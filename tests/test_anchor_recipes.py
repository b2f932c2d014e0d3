"""Open R1's recipes (github.com/huggingface/open-r1) run with recipes/sft.py and recipes/grpo.py
as they are: the YAMLs below are the published files' keys and values (comments left out), parsed
into our argument dataclasses (nothing is downloaded: parsing builds the configs only). Each of
Open R1's keys is mapped with one warning line naming it, refused with one line naming it, and a
key nobody declares is still an error."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
import yaml

from recipes import grpo, sft
from recipes.legacy import ConfigError
from recipes.rewards import CFCode

from recipe_helpers import APLUSB_TESTS, RECIPES, aplusb_row, reward_kwargs

CPU = ["--use_cpu", "true"]  # bf16: true is checked against the hardware at parse time

# recipes/OlympicCoder-7B/sft/config_v00.00.yaml
OLYMPICCODER_7B = """\
model_name_or_path: Qwen/Qwen2.5-Coder-7B-Instruct
model_revision: main
torch_dtype: bfloat16
attn_implementation: flash_attention_2

dataset_name: open-r1/codeforces-cots
dataset_config: solutions_decontaminated
dataset_num_proc: 48

bf16: true
do_eval: false
eval_strategy: 'no'
gradient_accumulation_steps: 8
gradient_checkpointing: true
gradient_checkpointing_kwargs:
  use_reentrant: false
hub_model_id: open-r1/OlympicCoder-7B
hub_strategy: every_save
learning_rate: 1.0e-05
log_level: info
logging_steps: 1
logging_strategy: steps
lr_scheduler_type: cosine_with_min_lr
lr_scheduler_kwargs:
  min_lr_rate: 0.1
packing: false
max_grad_norm: 0.2
max_length: 32768
max_steps: -1
num_train_epochs: 10
output_dir: data/OlympicCoder-7B
overwrite_output_dir: true
per_device_eval_batch_size: 1
per_device_train_batch_size: 2
push_to_hub: true
report_to:
- wandb
save_strategy: "steps"
save_steps: 0.2
save_total_limit: 1
seed: 42
use_liger: true
warmup_ratio: 0.03
"""

# recipes/OlympicCoder-32B/sft/config_v00.00.yaml
OLYMPICCODER_32B = """\
model_name_or_path: Qwen/Qwen2.5-Coder-32B-Instruct
model_revision: main
torch_dtype: bfloat16
attn_implementation: flash_attention_2

dataset_name: open-r1/codeforces-cots
dataset_config: solutions_decontaminated
dataset_num_proc: 12

bf16: true
do_eval: false
eval_strategy: 'no'
gradient_accumulation_steps: 1
gradient_checkpointing: true
gradient_checkpointing_kwargs:
  use_reentrant: false
hub_always_push: true
hub_model_id: OlympicCoder-32B
hub_strategy: every_save
learning_rate: 4.0e-05
log_level: info
logging_steps: 1
logging_strategy: steps
lr_scheduler_type: cosine_with_min_lr
lr_scheduler_kwargs:
  min_lr_rate: 0.1
packing: false
max_grad_norm: 0.2
max_length: 22528
max_steps: -1
num_train_epochs: 10
optim: paged_adamw_8bit
output_dir: data/open-r1/OlympicCoder-32B
overwrite_output_dir: true
per_device_eval_batch_size: 1
per_device_train_batch_size: 1
push_to_hub: true
report_to:
- wandb
save_only_model: true
save_strategy: epoch
save_total_limit: 1
seed: 42
use_liger: false
warmup_ratio: 0.03
"""

SYSTEM_PROMPT = (
    "You are a helpful AI Assistant that provides well-reasoned and detailed responses. You first think about the "
    "reasoning process as an internal monologue and then provide the user with the answer. Respond in the following "
    "format: <think>\n...\n</think>\n<answer>\n...\n</answer>"
)
_SYSTEM_PROMPT_LINE = (
    'system_prompt: "You are a helpful AI Assistant that provides well-reasoned and detailed responses. You first '
    "think about the reasoning process as an internal monologue and then provide the user with the answer. Respond "
    'in the following format: <think>\\n...\\n</think>\\n<answer>\\n...\\n</answer>"\n'
)

# recipes/Qwen2.5-Coder-7B-Instruct/grpo/config_codeforces.yaml (`do_eval` twice, as published)
CODEFORCES_GRPO = (
    """\
model_name_or_path: Qwen/Qwen2.5-7B-Instruct
model_revision: main
torch_dtype: bfloat16
attn_implementation: flash_attention_2
dataset_name: open-r1/codeforces-verifiable
dataset_prompt_column: prompt_c++17

"""
    + _SYSTEM_PROMPT_LINE
    + """
callbacks:
- push_to_hub_revision
benchmarks:
- lcb_v4
beta: 0.0
loss_type: dr_grpo
scale_rewards: false
bf16: true
do_eval: false
eval_strategy: "no"
use_vllm: true
vllm_device: auto
vllm_gpu_memory_utilization: 0.7
do_eval: false
gradient_accumulation_steps: 16
gradient_checkpointing: true
gradient_checkpointing_kwargs:
  use_reentrant: false
hub_model_id: open-r1/Qwen2.5-Coder-7B-Instruct-Codeforces-GRPO
hub_model_revision: v01.00
hub_strategy: every_save
learning_rate: 1.0e-06
log_completions: true
log_level: info
logging_first_step: true
logging_steps: 1
logging_strategy: steps
lr_scheduler_type: constant_with_warmup
max_grad_norm: 0.2
max_prompt_length: 2000
max_completion_length: 8192
max_steps: -1
num_generations: 16
num_train_epochs: 40
output_dir: data/Qwen2.5-Coder-7B-Instruct-Codeforces-GRPO_v01.00
overwrite_output_dir: true
per_device_train_batch_size: 8
push_to_hub: true
report_to:
- wandb
reward_funcs:
- cf_code
- code_format
reward_weights:
- 1.0
- 0.1
save_strategy: "steps"
save_steps: 0.05
save_total_limit: 1
seed: 42
temperature: 0.7
wandb_entity: huggingface
wandb_project: open-r1
warmup_ratio: 0.1

mask_truncated_completions: true
code_language: cpp
code_eval_test_batch_size: 20
"""
)

# recipes/Qwen2.5-1.5B-Instruct/grpo/config_demo_code.yaml
DEMO_CODE_GRPO = (
    """\
model_name_or_path: Qwen/Qwen2.5-1.5B-Instruct
model_revision: main
torch_dtype: bfloat16
attn_implementation: flash_attention_2

dataset_name: open-r1/verifiable-coding-problems-python-10k
dataset_configs:
- default
"""
    + _SYSTEM_PROMPT_LINE
    + """
beta: 0.01
bf16: true
use_vllm: true
vllm_device: auto
vllm_gpu_memory_utilization: 0.9
do_eval: false
gradient_accumulation_steps: 4
gradient_checkpointing: true
gradient_checkpointing_kwargs:
  use_reentrant: false
hub_model_id: Qwen2.5-1.5B-Open-R1-Code-GRPO
hub_strategy: every_save
learning_rate: 5.0e-07
log_completions: true
log_level: info
logging_first_step: true
logging_steps: 1
logging_strategy: steps
lr_scheduler_type: cosine_with_min_lr
lr_scheduler_kwargs:
  min_lr_rate: 0.1
max_prompt_length: 1024
max_completion_length: 2048
max_steps: 500
num_generations: 14
num_train_epochs: 1
output_dir: data/Qwen2.5-1.5B-Open-R1-Code-GRPO
overwrite_output_dir: true
per_device_train_batch_size: 16
push_to_hub: true
report_to:
- wandb
reward_funcs:
- code
- format
reward_weights:
- 1.0
- 0.1
save_strategy: "steps"
save_steps: 50
save_total_limit: 1
seed: 42
temperature: 1.0
warmup_ratio: 0.03
"""
)

SFT_MAPPED = ["dataset_name", "dataset_config", "warmup_ratio: 0.03", "torch_dtype", "use_liger",
              "gradient_checkpointing", "gradient_checkpointing_kwargs", "overwrite_output_dir"]  # fmt: skip
GRPO_MAPPED = ["dataset_name", "warmup_ratio: 0.1", "torch_dtype", "gradient_checkpointing",
               "gradient_checkpointing_kwargs", "hub_model_revision", "dataset_prompt_column", "wandb_entity",
               "wandb_project", "overwrite_output_dir", "benchmarks", "vllm_device", "max_prompt_length",
               "callbacks: push_to_hub_revision"]  # fmt: skip


@pytest.fixture(autouse=True)
def wandb_environment(monkeypatch):
    """The wandb keys become environment variables: put them back afterwards."""
    for name in ("WANDB_ENTITY", "WANDB_PROJECT", "WANDB_RUN_GROUP"):
        monkeypatch.setenv(name, "unset-by-test")
        monkeypatch.delenv(name)


def write(tmp_path, text: str, name: str = "config.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def parse(script, path, *extra: str):
    return script.make_parser().parse_args_and_config(["--config", str(path), *CPU, *extra])


def mappings(caplog, path) -> list[str]:
    """The old keys named by the warning lines about `path`, one per line."""
    lines = [r.getMessage() for r in caplog.records if r.name == "recipes.legacy" and r.levelno == logging.WARNING]
    assert all(line.startswith(f"{path}: Open R1 key ") and "\n" not in line for line in lines)
    return [line.removeprefix(f"{path}: Open R1 key ").split(" -> ")[0] for line in lines]


@pytest.mark.parametrize(("text", "size"), [(OLYMPICCODER_7B, "7B"), (OLYMPICCODER_32B, "32B")], ids=["7B", "32B"])
def test_olympiccoder_sft_yamls_parse_with_their_keys_mapped(text, size, tmp_path, caplog):
    path = write(tmp_path, text)
    caplog.set_level(logging.WARNING, "recipes.legacy")
    script_args, args, model_args = parse(sft, path)
    assert sorted(mappings(caplog, path)) == sorted(SFT_MAPPED)
    assert model_args.model_name_or_path == f"Qwen/Qwen2.5-Coder-{size}-Instruct" and model_args.dtype == "bfloat16"
    assert model_args.attn_implementation == "flash_attention_2" and model_args.model_revision == "main"
    assert script_args.dataset_mixture == {"datasets": [{"id": "open-r1/codeforces-cots", "split": "train",
                                                         "config": "solutions_decontaminated"}]}  # fmt: skip
    assert script_args.system_prompt is None and script_args.chat_template is None
    assert args.warmup_steps == 0.03 and args.learning_rate == (1e-5 if size == "7B" else 4e-5)
    assert args.activation_checkpointing is True and args.activation_checkpointing_kwargs == {"use_reentrant": False}
    assert args.use_liger_kernel is (size == "7B")
    assert args.max_length == (32768 if size == "7B" else 22528) and args.packing is False
    assert args.lr_scheduler_type.value == "cosine_with_min_lr" and args.lr_scheduler_kwargs == {"min_lr_rate": 0.1}
    assert args.num_train_epochs == 10 and args.max_grad_norm == 0.2 and args.seed == 42
    assert args.dataset_num_proc == (48 if size == "7B" else 12)
    assert args.push_to_hub and args.hub_strategy.value == "every_save" and args.report_to == ["wandb"]
    if size == "32B":
        assert args.optim.value == "paged_adamw_8bit" and args.save_only_model and args.hub_always_push
        assert args.save_strategy.value == "epoch" and args.hub_model_id == "OlympicCoder-32B"
    else:
        assert args.save_strategy.value == "steps" and args.save_steps == 0.2


def test_the_codeforces_grpo_yaml_parses_with_its_keys_mapped(tmp_path, caplog):
    import os

    path = write(tmp_path, CODEFORCES_GRPO)
    caplog.set_level(logging.WARNING, "recipes.legacy")
    script_args, args, model_args = parse(grpo, path)
    assert sorted(mappings(caplog, path)) == sorted(GRPO_MAPPED)
    assert model_args.model_name_or_path == "Qwen/Qwen2.5-7B-Instruct" and model_args.dtype == "bfloat16"
    assert script_args.dataset_mixture == {"datasets": [{"id": "open-r1/codeforces-verifiable", "split": "train"}]}
    assert script_args.prompt_column == "prompt_c++17" and script_args.system_prompt == SYSTEM_PROMPT
    assert script_args.reward_funcs == ["cf_code", "code_format"] and args.reward_weights == [1.0, 0.1]
    assert script_args.cf_scoring_mode == "weighted_sum" and script_args.code_eval_test_batch_size == 20
    assert script_args.code_language == "cpp"
    assert args.beta == 0.0 and args.loss_type == "dr_grpo" and args.scale_rewards == "none"
    assert args.num_generations == 16 and args.max_completion_length == 8192 and args.temperature == 0.7
    assert args.use_vllm and args.vllm_mode == "colocate" and args.vllm_gpu_memory_utilization == 0.7
    assert args.warmup_steps == 0.1 and args.lr_scheduler_type.value == "constant_with_warmup"
    assert args.activation_checkpointing is True and args.mask_truncated_completions and args.log_completions
    assert args.hub_revision == "v01.00" and args.hub_strategy.value == "every_save" and args.push_to_hub
    assert os.environ["WANDB_ENTITY"] == "huggingface" and os.environ["WANDB_PROJECT"] == "open-r1"


@pytest.mark.parametrize(("mode", "batch"), [("weighted_sum", -1), ("pass_fail", -1), ("pass_fail", 3)])
def test_code_eval_keys_drive_cf_code_as_in_open_r1(mode, batch, tmp_path):
    """Open R1's main branch has since set `code_eval_test_batch_size: -1` (every test in one batch)
    and `code_eval_scoring_mode: weighted_sum`; both parse, and batch sizes below 1 judge whole."""
    text = CODEFORCES_GRPO.replace("code_eval_test_batch_size: 20", f"code_eval_test_batch_size: {batch}")
    script_args, _, _ = parse(grpo, write(tmp_path, text + f"code_eval_scoring_mode: {mode}\n"))
    assert script_args.cf_scoring_mode == mode and script_args.code_eval_test_batch_size == batch
    reward = CFCode(None, scoring=script_args.cf_scoring_mode, batch_size=script_args.code_eval_test_batch_size)
    job = reward.job("int main() {}", "cpp", 0, reward_kwargs([aplusb_row()]))
    assert len(job["tests"]) == len(APLUSB_TESTS)
    assert job.get("batch_size") == (batch if mode == "pass_fail" and batch >= 1 else None)


def test_the_demo_code_yaml_is_refused_naming_the_rewards_it_lacks(tmp_path):
    path = write(tmp_path, DEMO_CODE_GRPO)
    with pytest.raises(ConfigError) as error:
        parse(grpo, path)
    message = str(error.value)
    assert message.startswith(f"{path}: reward_funcs: Open R1's code have no equivalent here (")  # format: ours now
    assert "verification_info" in message and "\n" not in message


def test_dataset_configs_become_one_mixture_entry_each(tmp_path):
    text = DEMO_CODE_GRPO.replace("- default\n", "- default\n- extra\n").replace("- code\n- format\n", "- cf_code\n")
    text = text.replace("- 1.0\n- 0.1\n", "- 1.0\n")
    text = text.replace("num_generations: 14", "num_generations: 16")  # 16 x 4 on one process: a multiple of 16
    script_args, _, _ = parse(grpo, write(tmp_path, text))
    assert script_args.dataset_mixture == {"datasets": [
        {"id": "open-r1/verifiable-coding-problems-python-10k", "split": "train", "config": name}
        for name in ("default", "extra")]}  # fmt: skip


@pytest.mark.parametrize(
    ("script", "text", "message"),
    [(sft, OLYMPICCODER_7B + "max_seq_len: 4096\n", r"unknown key\(s\) max_seq_len: declared neither by recipes/sft"),
     (grpo, CODEFORCES_GRPO + "reward_funcz: [cf_code]\n", r"unknown key\(s\) reward_funcz"),
     (sft, OLYMPICCODER_7B + "dtype: float16\n", "torch_dtype and dtype both given; keep dtype"),
     (sft, OLYMPICCODER_7B + "warmup_steps: 10\n", "warmup_ratio and warmup_steps both given"),
     (sft, OLYMPICCODER_7B.replace("warmup_ratio: 0.03", "warmup_ratio: 1.5"), r"warmup_ratio must be .* \[0, 1\)"),
     (sft, OLYMPICCODER_7B + "dataset_mixture: {datasets: [{id: x}]}\n", "dataset_name and dataset_mixture both"),
     (sft, OLYMPICCODER_7B + "dataset_prompt_column: problem\n", "dataset_prompt_column is a grpo key, not one of "
      "recipes/sft.py"),
     (sft, OLYMPICCODER_7B + "max_prompt_length: 512\n", "max_prompt_length is a grpo key"),
     (grpo, CODEFORCES_GRPO.replace("- push_to_hub_revision", "- my_callback"), r"callbacks \['my_callback'\] are "
      "not available here"),
     (grpo, CODEFORCES_GRPO + "cosine_max_len: 1000\n", "cosine_max_len is not supported: a setting of Open R1's "
      "cosine reward"),
     (grpo, CODEFORCES_GRPO.replace("do_eval: false", "do_eval: true") + "dataset_test_split: test\n",
      "dataset_test_split 'test': evaluation data comes from dataset_mixture.test_split_size"),
     (sft, OLYMPICCODER_7B.replace("dataset_name: open-r1/codeforces-cots\n", ""), "dataset_config without "
      "dataset_name")],
    ids=["unknown-sft", "unknown-grpo", "dtype-twice", "warmup-twice", "warmup-ratio-range", "data-twice",
         "prompt-column-in-sft", "grpo-key-in-sft", "unknown-callback", "refused",
         "test-split-with-eval", "config-without-name"],
)  # fmt: skip
def test_what_cannot_be_mapped_is_a_one_line_error_naming_the_key_and_file(script, text, message, tmp_path):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as error:
        parse(script, path)
    assert str(error.value).startswith(f"{path}: ") and "\n" not in str(error.value)


def test_our_own_yamls_need_no_mapping(caplog):
    caplog.set_level(logging.WARNING, "recipes.legacy")
    for path in sorted(RECIPES.glob("*.yaml")):
        parse(grpo if path.name.startswith("grpo") else sft, path)
    assert not [r for r in caplog.records if r.name == "recipes.legacy"]


def test_command_line_overrides_take_the_old_names_too(tmp_path, caplog):
    caplog.set_level(logging.WARNING, "recipes.legacy")
    path = write(tmp_path, OLYMPICCODER_7B)
    _, args, model_args = parse(sft, path, "--torch_dtype", "float32", "--warmup_ratio=0.1")
    assert model_args.dtype == "float32" and args.warmup_steps == 0.1
    assert {"--torch_dtype", "--warmup_ratio"} <= set(mappings(caplog, path))
    with pytest.raises(ConfigError, match=r"unknown command-line argument\(s\) \['--max_seq_len', '5'\]"):
        parse(sft, path, "--max_seq_len", "5")


def test_the_script_prints_one_line_per_mapping_and_one_line_for_an_unknown_key(tmp_path):
    """Run as a program: warnings on stderr, one line each, then the error in one line, no traceback."""
    path = write(tmp_path, OLYMPICCODER_7B + "max_seq_len: 4096\n", "olympiccoder-7b.yaml")
    done = subprocess.run([sys.executable, str(RECIPES / "sft.py"), "--config", str(path), *CPU],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert lines[-1] == (f"error: {path}: unknown key(s) max_seq_len: declared neither by recipes/sft.py, TRL's "
                         "SFTConfig nor ModelConfig")  # fmt: skip
    mapped = [line for line in lines if line.startswith(f"{path}: Open R1 key ")]
    assert len(mapped) == len(SFT_MAPPED)


def test_the_yamls_above_are_what_yaml_reads_in_the_published_files():
    """The texts are YAML as published: the duplicated do_eval key reads as PyYAML reads it."""
    config = yaml.safe_load(CODEFORCES_GRPO)
    assert config["do_eval"] is False and config["system_prompt"] == SYSTEM_PROMPT
    assert yaml.safe_load(OLYMPICCODER_32B)["max_length"] == 22528
