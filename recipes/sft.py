"""Supervised fine-tuning on reasoning traces (OlympicCoder), a thin script over TRL.

    accelerate launch --config_file recipes/accelerate/zero3.yaml recipes/sft.py \\
        --config recipes/olympiccoder-7b.yaml

The YAML holds script arguments (dataset mixture, chat template, <think> prefill,
system prompt), TRL's SFTConfig and ModelConfig; a key none of them declares is an
error. Open R1's recipes run as they are: their keys are mapped first (recipes/legacy.py).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run by path: make `recipes` importable

from recipes import legacy  # noqa: E402
from recipes.training import (  # noqa: E402
    RecipeArguments,
    load_mixture,
    log,
    prepare,
    run_recipe,
    trainer_arguments,
    with_system_prompt,
)

TAGS = ["olympicforge", "sft", "code-reasoning"]


@dataclass
class SFTScriptArguments(RecipeArguments):
    """Script arguments of the SFT recipe (a `messages` column per row)."""


def make_parser():
    from trl import ModelConfig, SFTConfig

    return legacy.make_parser((SFTScriptArguments, SFTConfig, ModelConfig), "sft")


def build_trainer(script_args: SFTScriptArguments, training_args, model_args, where: str):
    """The SFTTrainer a YAML describes (tests train it in-process)."""
    from trl import SFTTrainer

    tokenizer = prepare(script_args, training_args, model_args, where)
    data = load_mixture(script_args.dataset_mixture, script_args.hub_org, where, training_args.seed)
    if script_args.system_prompt is not None:
        column = "messages" if "messages" in data["train"].column_names else "prompt"
        data = {split: with_system_prompt(dataset, column, script_args.system_prompt, where)
                for split, dataset in data.items()}  # fmt: skip
    if training_args.packing:
        log.warning("packing is on: long reasoning traces get cut and mixed; OlympicCoder trained without it")
    trainer = SFTTrainer(**trainer_arguments(training_args, model_args, tokenizer, data))
    check_truncation(len(data["train"]), trainer.train_dataset, training_args.max_length, where)
    return trainer


def check_truncation(rows: int, prepared, max_length: int | None, where: str) -> None:
    """TRL drops rows that truncation left without a trained token (a prompt alone filling max_length):
    say how many, and stop when none is left instead of failing later on an empty sampler."""
    kept = len(prepared) if hasattr(prepared, "__len__") else rows
    if kept == 0:
        raise ValueError(f"{where}: all {rows} rows were dropped: truncated to max_length {max_length}, none keeps an "
                         "assistant token (raise max_length; reasoning traces are long)")  # fmt: skip
    if kept < rows:
        log.warning("%d of %d rows dropped: truncated to max_length %s, they kept no assistant token",
                    rows - kept, rows, max_length)  # fmt: skip


def main(argv: list[str] | None = None):
    return run_recipe(argv, make_parser, build_trainer, TAGS)


if __name__ == "__main__":
    main()
