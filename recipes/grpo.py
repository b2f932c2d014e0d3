"""GRPO on code with rewards from our judge, a thin script over TRL.

    accelerate launch --config_file recipes/accelerate/zero3.yaml recipes/grpo.py \\
        --config recipes/grpo-codeforces.yaml

The YAML holds script arguments (dataset mixture, prompt column, system prompt,
rewards and judge settings), TRL's GRPOConfig (num_iterations, reward_weights, vLLM,
...) and ModelConfig (PEFT); a key none of them declares is an error. Open R1's
recipes run as they are: their keys are mapped first (recipes/legacy.py).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run by path: make `recipes` importable

from recipes import legacy  # noqa: E402
from recipes.rewards import REWARD_NAMES, RewardArguments, build_rewards  # noqa: E402
from recipes.training import (  # noqa: E402
    RecipeArguments,
    load_mixture,
    log,
    prepare,
    run_recipe,
    trainer_arguments,
    with_system_prompt,
)

TAGS = ["olympicforge", "grpo", "code-reasoning"]


@dataclass
class GRPOScriptArguments(RecipeArguments, RewardArguments):
    """Script arguments of the GRPO recipe."""

    prompt_column: str = field(
        default="prompt", metadata={"help": "column with the prompt text (ioi: problem); becomes a user message"}
    )


def make_parser():
    from trl import GRPOConfig, ModelConfig

    return legacy.make_parser((GRPOScriptArguments, GRPOConfig, ModelConfig), "grpo", REWARD_NAMES)


def as_chat(dataset, column: str, where: str, system_prompt: str | None = None):
    """`prompt` as chat messages, from a text column, after the system prompt if any;
    the other columns stay for the rewards."""
    if column not in dataset.column_names:
        raise ValueError(f"{where}: prompt_column {column!r} is not a column ({dataset.column_names})")
    feature = dataset.features[column]
    if getattr(feature, "dtype", None) not in ("string", "large_string"):  # already messages
        dataset = dataset if column == "prompt" else dataset.rename_column(column, "prompt")
        return with_system_prompt(dataset, "prompt", system_prompt, where)
    if column != "prompt" and "prompt" in dataset.column_names:
        dataset = dataset.remove_columns("prompt")
    system = [{"role": "system", "content": system_prompt}] if system_prompt is not None else []
    return dataset.map(lambda row: {"prompt": [*system, {"role": "user", "content": row[column]}]})


def build_trainer(script_args: GRPOScriptArguments, training_args, model_args, where: str):
    """The GRPOTrainer a YAML describes (tests train it in-process)."""
    from trl import GRPOTrainer

    tokenizer = prepare(script_args, training_args, model_args, where)
    data = load_mixture(script_args.dataset_mixture, script_args.hub_org, where, training_args.seed)
    data = {split: as_chat(dataset, script_args.prompt_column, where, script_args.system_prompt)
            for split, dataset in data.items()}  # fmt: skip
    rewards = build_rewards(script_args, script_args.hub_org, training_args.max_completion_length)
    if training_args.reward_weights is not None and len(training_args.reward_weights) != len(rewards):
        raise ValueError(f"{where}: {len(training_args.reward_weights)} reward_weights for "
                         f"{len(rewards)} reward_funcs {script_args.reward_funcs}")  # fmt: skip
    log.info("rewards: %s, weights %s; num_iterations %d", script_args.reward_funcs, training_args.reward_weights,
             training_args.num_iterations)  # fmt: skip
    return GRPOTrainer(reward_funcs=rewards, **trainer_arguments(training_args, model_args, tokenizer, data))


def close_judges(trainer) -> None:
    for reward in trainer.reward_funcs:
        judge = getattr(reward, "judge", None)
        if judge is not None:
            judge.close()


def main(argv: list[str] | None = None):
    return run_recipe(argv, make_parser, build_trainer, TAGS, cleanup=close_judges)


if __name__ == "__main__":
    main()
