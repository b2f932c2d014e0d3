"""Shared by the recipe tests: an A+B problem as a `codeforces` verifiable-prompts row,
completions that pass, fail or do not compile, and YAML configs for the tiny model."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
RECIPES = REPO / "recipes"
APLUSB_TESTS = [{"input": "1 2\n", "output": "3\n"}, {"input": "5 7\n", "output": "12\n"},
                {"input": "-4 4\n", "output": "0\n"}]  # fmt: skip
CORRECT = (
    "#include <bits/stdc++.h>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a + b << std::endl; }\n"
)
WRONG = CORRECT.replace("a + b", "a * b")  # 2, 35, -16: no test passes
TWO_OF_THREE = "#include <bits/stdc++.h>\nint main() { long long a, b; std::cin >> a >> b; std::cout << (a == 1 ? 3 : 0) << std::endl; }\n"
UNCOMPILABLE = "#include <bits/stdc++.h>\nint main() { return undefined_name; }\n"
PYTHON_CORRECT = "a, b = map(int, input().split())\nprint(a + b)\n"


def answer(code: str, language: str = "cpp", reasoning: str = "Add the two numbers.") -> str:
    """A completion after the <think> prefill: reasoning, `</think>`, then a fenced block."""
    return f"{reasoning}\n</think>\nHere is the program.\n```{language}\n{code}```\n"


def aplusb_row(language: str = "cpp") -> dict:
    return {"prompt": f"Read two integers a and b and print a+b. Answer in {language}.", "language": language,
            "examples": APLUSB_TESTS[:1], "official_tests": APLUSB_TESTS, "official_tests_complete": True,
            "time_limit": 1.0, "memory_limit": 256.0}  # fmt: skip


def reward_kwargs(rows: list[dict]) -> dict:
    """Dataset columns as TRL hands them to reward functions: one list per column."""
    return {key: [row[key] for row in rows] for key in rows[0] if key != "prompt"}


def write_parquet(folder: Path, rows: list[dict]) -> Path:
    from datasets import Dataset

    folder.mkdir(parents=True, exist_ok=True)
    Dataset.from_list(rows).to_parquet(str(folder / "train.parquet"))
    return folder


def write_yaml(path: Path, config: dict) -> Path:
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


CPU_TRAINING = {"use_cpu": True, "bf16": False, "activation_checkpointing": False, "report_to": "none",
                "save_strategy": "no", "logging_steps": 1, "dataloader_num_workers": 0, "seed": 0}  # fmt: skip


def sft_config(model: Path, data: Path, out: Path, **overrides) -> dict:
    return {"model_name_or_path": str(model),
            "dataset_mixture": {"datasets": [{"id": str(data), "split": "train", "columns": ["messages"]}]},
            "chat_template": "chatml", "prefill_think": True, "assistant_only_loss": True, "eos_token": "<|im_end|>",
            "max_length": 128, "max_steps": 5, "per_device_train_batch_size": 4, "learning_rate": 1.0e-3,
            "lr_scheduler_type": "cosine_with_min_lr", "lr_scheduler_kwargs": {"min_lr_rate": 0.1},
            "warmup_steps": 0.0, "use_liger_kernel": True, "output_dir": str(out), **CPU_TRAINING,
            **overrides}  # fmt: skip


def grpo_config(model: Path, data: Path, out: Path, **overrides) -> dict:
    return {"model_name_or_path": str(model), "dataset_mixture": {"datasets": [{"id": str(data), "split": "train"}]},
            "chat_template": "chatml-think", "reward_funcs": ["cf_code", "code_block"], "reward_weights": [1.0, 0.1],
            "cf_scoring_mode": "pass_fail", "judge_workers": 2, "num_generations": 4, "per_device_train_batch_size": 4,
            "max_completion_length": 16, "num_iterations": 2, "max_steps": 4, "learning_rate": 1.0e-4,
            "output_dir": str(out), **CPU_TRAINING, **overrides}  # fmt: skip


def messages(count: int) -> list[dict]:
    return [{"messages": [{"role": "user", "content": f"Add {i} and {i + 1}."},
                          {"role": "assistant", "content": f"<think>\nSmall sum.\n</think>\nThe answer is {2 * i + 1}."}]}
            for i in range(count)]  # fmt: skip


def accelerate_launch(script: str, config: Path, cwd: Path):
    """`accelerate launch` of a recipe with one CPU process, offline; the finished process."""
    import os
    import subprocess
    import sys

    command = [str(Path(sys.executable).with_name("accelerate")), "launch", "--num_processes", "1",
               "--num_machines", "1", "--cpu", "--mixed_precision", "no", "--dynamo_backend", "no",
               str(RECIPES / script), "--config", str(config)]  # fmt: skip
    offline = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(command, cwd=cwd, env={**os.environ, **offline}, capture_output=True, text=True,
                          timeout=240)  # fmt: skip
