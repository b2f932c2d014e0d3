"""Open R1's YAML keys, read by recipes/sft.py and recipes/grpo.py before TrlParser sees them.

Open R1 (github.com/huggingface/open-r1) wrote its recipes for older TRL and transformers, with
launcher options of its own. Each such key is mapped to the one that does the same here (one
warning line per mapping, naming the old and the new key), dropped with a warning where nothing is
left to do, or refused with a one-line error naming the key and the file. A key that neither Open R1
nor these scripts declare is still an error. recipes/README.md has the table.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable

from recipes.training import ConfigError, config_path

log = logging.getLogger("recipes.legacy")
BOTH = ("sft", "grpo")

# old key -> (new key, why, the scripts that take it)
RENAMES = {
    "torch_dtype": ("dtype", "transformers 5 renamed it", BOTH),
    "max_seq_length": ("max_length", "TRL renamed it", ("sft",)),
    "use_liger": ("use_liger_kernel", "TRL renamed it", BOTH),
    "gradient_checkpointing": ("activation_checkpointing", "transformers 5 name; the old one goes in v6", BOTH),
    "gradient_checkpointing_kwargs": ("activation_checkpointing_kwargs", "transformers 5 name", BOTH),
    "hub_model_revision": ("hub_revision", "the Hub branch pushes go to", BOTH),
    "dataset_prompt_column": ("prompt_column", "the column that becomes the user message", ("grpo",)),
    "code_eval_scoring_mode": ("cf_scoring_mode", "the same modes for cf_code", ("grpo",)),
    "wandb_log_unique_prompts": ("log_unique_prompts", "TRL renamed it", ("grpo",)),
}
# old key -> environment variable (set when the YAML is read; wandb reads it)
ENVIRONMENT = {"wandb_entity": "WANDB_ENTITY", "wandb_project": "WANDB_PROJECT", "wandb_run_group": "WANDB_RUN_GROUP"}
_ONLY_CODE = "only Open R1's code/binary_code rewards (E2B, Morph) used it; our judge: judge_workers / judge_urls"
# old key -> (why nothing is left to do, the scripts that accept it)
DROPPED = {
    "overwrite_output_dir": ("gone in transformers 5; a rerun resumes from the last checkpoint in output_dir, as "
                             "Open R1's scripts did anyway; a new output_dir starts over", BOTH),
    "benchmarks": ("not launched here, where Open R1 queued lighteval jobs on Slurm; evaluate the saved model, e.g. "
                   "with `olympicforge eval ioi`", BOTH),
    "overwrite_hub_revision": ("pushes to hub_revision add commits to that branch", BOTH),
    "vllm_device": ("gone in TRL 1.x; vllm_mode (colocate | server) says where vLLM runs", ("grpo",)),
    "max_prompt_length": ("gone in TRL 1.x: prompts are not truncated (keep over-long prompts out of the data)",
                          ("grpo",)),
    "ioi_provider": ("ioi_code is judged by our judge (judge_workers / judge_urls), not Piston or Morph", ("grpo",)),
    "code_provider": (_ONLY_CODE, ("grpo",)),
    "e2b_router_url": (_ONLY_CODE, ("grpo",)),
    "morph_router_url": (_ONLY_CODE, ("grpo",)),
    "parallel_code_exec_per_proc": (_ONLY_CODE, ("grpo",)),
    "enforce_same_language": (_ONLY_CODE, ("grpo",)),
}  # fmt: skip
# old key -> why it is refused
REFUSED = {
    **{key: "a setting of Open R1's cosine reward, which has no equivalent here" for key in (
        "cosine_min_value_wrong", "cosine_max_value_wrong", "cosine_min_value_correct", "cosine_max_value_correct",
        "cosine_max_len")},
    "repetition_n_grams": "a setting of Open R1's repetition_penalty reward, which has no equivalent here",
    "repetition_max_penalty": "a setting of Open R1's repetition_penalty reward, which has no equivalent here",
}  # fmt: skip
DATASET_KEYS = ("dataset_name", "dataset_config", "dataset_configs", "dataset_train_split", "dataset_test_split")
CALLBACKS = {"push_to_hub_revision": "hub_strategy pushes the saves (every_save: each one, to hub_model_id at "
             "hub_revision), not one branch per step"}  # fmt: skip
# Open R1's reward names that have no reward of the same value here
REWARDS_WITHOUT_EQUIVALENT = {
    "accuracy": "math answers checked with math_verify",
    "reasoning_steps": "step markers in the reasoning",
    "cosine": "length-scaled correctness of math answers",
    "repetition_penalty": "an n-gram repetition penalty",
    "length": "Kimi 1.5's length reward on math answers",
    "code": "Python tests from verification_info run on E2B or Morph",
    "binary_code": "Python tests from verification_info run on E2B or Morph, 0/1",
}  # fmt: skip
KNOWN = set(RENAMES) | set(ENVIRONMENT) | set(DROPPED) | set(REFUSED) | set(DATASET_KEYS)
KNOWN |= {"callbacks", "push_to_hub_revision", "warmup_ratio"}


def note(where: str, old: str, new: str, why: str) -> None:
    log.warning("%s: Open R1 key %s -> %s: %s", where, old, new, why)


def translate(config: dict, script: str, where: str, rewards: Iterable[str] = ()) -> dict:
    """The YAML mapping with Open R1's keys replaced by ours (`script`: sft or grpo;
    `rewards`: the reward names the script has)."""
    config = dict(config)
    present = [key for key in config if key in KNOWN]
    if script == "grpo":
        reward_names(config, where, set(rewards))
    if not present:
        return config
    for key in present:
        if key in REFUSED:
            raise ConfigError(f"{where}: {key} is not supported: {REFUSED[key]}")
        scripts = RENAMES.get(key, DROPPED.get(key, (None, None, BOTH)))[-1]
        if script not in scripts:
            raise ConfigError(f"{where}: {key} is a {'/'.join(scripts)} key, not one of recipes/{script}.py")
    datasets(config, script, where)
    if "warmup_ratio" in config:
        ratio = config.pop("warmup_ratio")
        if "warmup_steps" in config:
            raise ConfigError(f"{where}: warmup_ratio and warmup_steps both given; keep warmup_steps")
        if not isinstance(ratio, int | float) or not 0 <= ratio < 1:
            raise ConfigError(f"{where}: warmup_ratio must be a number in [0, 1), not {ratio!r}")
        config["warmup_steps"] = float(ratio)
        note(where, f"warmup_ratio: {ratio}", f"warmup_steps: {float(ratio)}", "a float below 1 is a ratio of the "
             "total steps in transformers 5")  # fmt: skip
    for old, (new, why, _) in RENAMES.items():
        if old in config:
            if new in config:
                raise ConfigError(f"{where}: {old} and {new} both given; keep {new}")
            config[new] = config.pop(old)
            note(where, old, new, why)
    for old, variable in ENVIRONMENT.items():
        if old in config:
            value = config.pop(old)
            env = config.setdefault("env", {})
            if not isinstance(env, dict) or variable in env:
                raise ConfigError(f"{where}: {old} and env.{variable} both given; keep env.{variable}")
            if value is not None:
                env[variable] = str(value).strip()
            note(where, old, f"env {variable}", "wandb reads it from the environment")
    for old, (why, _) in DROPPED.items():
        if old in config:
            config.pop(old)
            note(where, old, "dropped", why)
    callbacks(config, where)
    if "push_to_hub_revision" in config:
        if config.pop("push_to_hub_revision"):
            config["push_to_hub"] = True
            note(where, "push_to_hub_revision: true", "push_to_hub: true", "the model is pushed to hub_model_id "
                 "at hub_revision")  # fmt: skip
        else:
            note(where, "push_to_hub_revision: false", "dropped", "push_to_hub decides")
    return config


def datasets(config: dict, script: str, where: str) -> None:
    """dataset_name (+ dataset_config or dataset_configs, dataset_train_split) -> a one-dataset mixture."""
    given = [key for key in DATASET_KEYS if key in config]
    if not given:
        return
    if "dataset_test_split" in config:
        split = config.pop("dataset_test_split")
        if str(config.get("eval_strategy", "no")) != "no" or config.get("do_eval"):
            raise ConfigError(f"{where}: dataset_test_split {split!r}: evaluation data comes from "
                              f"dataset_mixture.test_split_size here")  # fmt: skip
        note(where, "dataset_test_split", "dropped", "evaluation is off")
    if "dataset_name" not in config:
        left = [key for key in given if key != "dataset_test_split"]
        if left:
            raise ConfigError(f"{where}: {', '.join(left)} without dataset_name")
        return
    if "dataset_mixture" in config:
        raise ConfigError(f"{where}: dataset_name and dataset_mixture both given; keep one")
    if "dataset_config" in config and "dataset_configs" in config:
        raise ConfigError(f"{where}: dataset_config and dataset_configs both given; keep one")
    name = config.pop("dataset_name")
    configs = config.pop("dataset_configs", None)
    if configs is None:
        configs = [config.pop("dataset_config", None)]
    elif not isinstance(configs, list) or not configs:
        raise ConfigError(f"{where}: dataset_configs must be a non-empty list of config names")
    split = config.pop("dataset_train_split", "train")
    entries = [{"id": name, "split": split, **({"config": c} if c is not None else {})} for c in configs]
    config["dataset_mixture"] = {"datasets": entries}
    note(where, "dataset_name", "dataset_mixture.datasets[].id", f"{name}, split {split}; a Hub id or a local folder")
    for key in ("dataset_config", "dataset_configs", "dataset_train_split"):
        if key in given:
            target = "split" if key == "dataset_train_split" else "config"
            value = ", ".join(str(c) for c in configs) if target == "config" else str(split)
            note(where, key, f"dataset_mixture.datasets[].{target}", value)


def callbacks(config: dict, where: str) -> None:
    if "callbacks" not in config:
        return
    names = config.pop("callbacks") or []
    names = [names] if isinstance(names, str) else list(names)
    unknown = [name for name in names if name not in CALLBACKS]
    if unknown:
        raise ConfigError(f"{where}: callbacks {unknown} are not available here (Open R1's: {', '.join(CALLBACKS)})")
    for name in names:
        note(where, f"callbacks: {name}", "dropped", CALLBACKS[name])
    if not names:
        note(where, "callbacks: []", "dropped", "none asked for")


def reward_names(config: dict, where: str, rewards: set[str]) -> None:
    """Open R1's reward names that have no reward of the same value here are errors, named."""
    names = config.get("reward_funcs") or []
    missing = [name for name in names if name in REWARDS_WITHOUT_EQUIVALENT and name not in rewards]
    if missing:
        what = "; ".join(f"{name}: {REWARDS_WITHOUT_EQUIVALENT[name]}" for name in missing)
        raise ConfigError(f"{where}: reward_funcs: Open R1's {', '.join(missing)} have no equivalent here ({what}); "
                          f"ours: {', '.join(sorted(rewards))}")  # fmt: skip


def rename_flags(args: list[str], script: str, where: str) -> list[str]:
    """Command-line overrides: `--torch_dtype x` (or `--torch_dtype=x`) -> `--dtype x`."""
    renamed = []
    for arg in args:
        flag, sep, value = arg.partition("=")
        old = flag[2:] if flag.startswith("--") else None
        if old in RENAMES and script in RENAMES[old][2]:
            new, why, _ = RENAMES[old]
            note(where, f"--{old}", f"--{new}", why)
            arg = f"--{new}{sep}{value}"
        elif old == "warmup_ratio":
            note(where, "--warmup_ratio", "--warmup_steps", "a float below 1 is a ratio of the total steps")
            arg = f"--warmup_steps{sep}{value}"
        renamed.append(arg)
    return renamed


def read_yaml(path: str) -> dict:
    import yaml

    try:
        with open(path) as handle:
            config = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: the config must be a YAML mapping")
    return config


def make_parser(dataclass_types, script: str, rewards: Iterable[str] = ()):
    """A TrlParser that maps Open R1's keys first, and names unknown keys in one line."""
    from trl import TrlParser

    class RecipeParser(TrlParser):
        def parse_args_and_config(self, args=None, **kwargs):
            if kwargs:
                raise TypeError("the recipe parser takes only the arguments")
            args = list(sys.argv[1:] if args is None else args)
            where = config_path(args)
            args = rename_flags(args, script, where)
            if "--config" in args:
                at = args.index("--config")
                if at + 1 == len(args):
                    raise ConfigError("--config needs the path of a YAML file")
                path = args[at + 1]
                del args[at : at + 2]
                config = translate(read_yaml(path), script, where, rewards)
                env = config.pop("env", None) or {}
                if not isinstance(env, dict):
                    raise ConfigError(f"{where}: env must be a mapping of environment variables")
                unknown = self.set_defaults_with_config(**config)[::2]
                if unknown:
                    names = ", ".join(name[2:] for name in unknown)
                    raise ConfigError(f"{where}: unknown key(s) {names}: declared neither by recipes/{script}.py, "
                                      f"TRL's {script.upper()}Config nor ModelConfig")  # fmt: skip
                for key, value in env.items():  # as TrlParser does with `env`
                    os.environ[str(key)] = str(value)
            try:
                return self.parse_args_into_dataclasses(args=args)
            except ValueError as exc:
                if "not used by the HfArgumentParser" in str(exc):
                    unused = str(exc).split(": ", 1)[-1]
                    raise ConfigError(f"{where}: unknown command-line argument(s) {unused}") from None
                raise

    return RecipeParser(dataclass_types)
