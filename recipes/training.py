"""What recipes/sft.py and recipes/grpo.py share: script arguments, dataset mixtures,
the chat template with the `<think>` prefill, optional kernels, resume and push."""

from __future__ import annotations

import importlib.util
import logging
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("recipes")
DEFAULT_ORG = "olympicforge"
MIXTURE_KEYS = {"datasets", "seed", "test_split_size"}
ENTRY_KEYS = {"id", "config", "split", "columns", "weight"}

# ChatML as Qwen2.5 writes it, with `{% generation %}` markers around what the assistant
# says (TRL's assistant_only_loss needs them) and, in the `-think` flavour, `<think>\n`
# after the generation prompt: the model starts every answer inside its reasoning.
_CHATML = (
    "{%- for message in messages %}"
    "{%- if message['role'] == 'assistant' %}"
    "{{- '<|im_start|>assistant\\n' }}{% generation %}{{- message['content'] + '<|im_end|>' }}{% endgeneration %}"
    "{{- '\\n' }}"
    "{%- else %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}PREFILL{%- endif %}"
)
CHAT_TEMPLATES = {
    "chatml": _CHATML.replace("PREFILL", ""),
    "chatml-think": _CHATML.replace("PREFILL", "{{- '<think>\\n' }}"),
}


@dataclass
class RecipeArguments:
    """Script arguments both recipes take (TrlParser rejects YAML keys declared nowhere)."""

    dataset_mixture: dict | None = field(
        default=None,
        metadata={"help": "{datasets: [{id, config, split, columns, weight}], seed, test_split_size}; ids may "
                  "name {org}; weight > 1 upsamples, < 1 subsamples"},
    )  # fmt: skip
    hub_org: str = field(default=DEFAULT_ORG, metadata={"help": "Hub organisation of our datasets ({org} in ids)"})
    chat_template: str | None = field(
        default=None,
        metadata={"help": "chatml | chatml-think (built in), a .jinja file, or template text; default: the model's"},
    )
    prefill_think: bool = field(
        default=False, metadata={"help": "start every generation prompt with <think> (chatml -> chatml-think)"}
    )
    system_prompt: str | None = field(
        default=None,
        metadata={"help": "a system message put first in every conversation (SFT) or prompt (GRPO) that has none"},
    )


class ConfigError(ValueError):
    """A YAML the scripts will not run; the message is one line naming the file and the key."""


def config_path(argv: list[str]) -> str:
    """The YAML named by --config, for error messages."""
    return argv[argv.index("--config") + 1] if "--config" in argv[:-1] else "the command line"


def with_org(name: str, org: str) -> str:
    """`{org}/codeforces-cots` (or `${ORG}/...`) -> `<hub_org>/codeforces-cots`."""
    return name.replace("${ORG}", org).replace("{org}", org)


def load_entry(entry: dict, org: str, where: str):
    from datasets import load_dataset, load_from_disk

    path = with_org(str(entry["id"]), org)
    local = Path(path)
    if local.is_dir() and ((local / "state.json").exists() or (local / "dataset_dict.json").exists()):
        dataset = load_from_disk(str(local))  # a Dataset.save_to_disk folder
        if hasattr(dataset, "keys"):
            dataset = dataset[entry.get("split", "train")]
    else:
        dataset = load_dataset(path, entry.get("config"), split=entry.get("split", "train"))
    columns = entry.get("columns")
    if columns:
        missing = [c for c in columns if c not in dataset.column_names]
        if missing:
            raise ValueError(f"{where}: dataset {path} has no column(s) {missing} (it has {dataset.column_names})")
        dataset = dataset.select_columns(columns)
    return dataset


def resample(dataset, weight: float, seed: int):
    """weight 2.5: every row twice plus a random half; weight 0.3: a random 30%."""
    whole, part = int(math.floor(weight)), weight - math.floor(weight)
    from datasets import concatenate_datasets

    pieces = [dataset] * whole
    extra = round(len(dataset) * part)
    if extra:
        pieces.append(dataset.shuffle(seed=seed).select(range(extra)))
    return concatenate_datasets(pieces) if len(pieces) > 1 else pieces[0]


def check_mixture(spec, where: str) -> list[dict]:
    if not isinstance(spec, dict) or not isinstance(spec.get("datasets"), list) or not spec["datasets"]:
        raise ValueError(f"{where}: dataset_mixture needs a non-empty `datasets` list of {{id, config, split, columns,"
                         f" weight}}")  # fmt: skip
    unknown = set(spec) - MIXTURE_KEYS
    if unknown:
        raise ValueError(f"{where}: dataset_mixture: unknown key(s) {sorted(unknown)} (known: {sorted(MIXTURE_KEYS)})")
    for number, entry in enumerate(spec["datasets"]):
        name = f"{where}: dataset_mixture.datasets[{number}]"
        if not isinstance(entry, dict) or "id" not in entry:
            raise ValueError(f"{name}: needs an `id` (a Hub id such as {{org}}/codeforces-cots, or a local folder)")
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {sorted(unknown)} (known: {sorted(ENTRY_KEYS)})")
        weight = entry.get("weight", 1.0)
        if not isinstance(weight, int | float) or weight <= 0:
            raise ValueError(f"{name}: weight must be a positive number, not {weight!r}")
        if "columns" in entry and not isinstance(entry["columns"], list):
            raise ValueError(f"{name}: columns must be a list of column names")
    return spec["datasets"]


def load_mixture(spec: dict | None, org: str, where: str, default_seed: int = 42):
    """A DatasetDict ("train", and "test" with test_split_size) from a dataset mixture."""
    from datasets import DatasetDict, concatenate_datasets

    entries = check_mixture(spec, where)
    seed = int(spec.get("seed", default_seed))
    parts = []
    for number, entry in enumerate(entries):
        dataset = load_entry(entry, org, f"{where}: dataset_mixture.datasets[{number}]")
        parts.append(resample(dataset, float(entry.get("weight", 1.0)), seed))
        log.info("mixture: %s (%s) -> %d rows", entry["id"], entry.get("config"), len(parts[-1]))
    try:
        combined = concatenate_datasets(parts).shuffle(seed=seed) if len(parts) > 1 else parts[0]
    except ValueError as exc:
        raise ValueError(f"{where}: the mixture's datasets do not share columns (choose `columns`): {exc}") from None
    if spec.get("test_split_size"):
        return combined.train_test_split(test_size=spec["test_split_size"], seed=seed)
    return DatasetDict({"train": combined})


def with_system_prompt(dataset, column: str, prompt: str | None, where: str):
    """Conversations in `column` with `prompt` as their first, system, message; a conversation
    that starts with a system message of its own keeps it (and is counted in the log)."""
    if prompt is None:
        return dataset
    if column not in dataset.column_names:
        raise ValueError(f"{where}: system_prompt needs a conversational column {column!r} ({dataset.column_names})")
    own = sum(1 for messages in dataset[column] if messages and messages[0]["role"] == "system")
    if own:
        log.warning("system_prompt: %d of %d conversations have a system message of their own; kept", own,
                    len(dataset))  # fmt: skip

    def add(row):
        messages = row[column]
        if messages and messages[0]["role"] == "system":
            return {column: messages}
        return {column: [{"role": "system", "content": prompt}, *messages]}

    return dataset.map(add)


def chat_template_text(name: str | None, prefill_think: bool, where: str) -> str | None:
    if name is None:
        return None
    if name in CHAT_TEMPLATES:
        if prefill_think and name == "chatml":
            name = "chatml-think"
        return CHAT_TEMPLATES[name]
    if "{%" in name or "{{" in name:
        return name
    path = Path(name)
    if not path.is_file():
        raise ValueError(f"{where}: chat_template {name!r} is neither {' / '.join(CHAT_TEMPLATES)}, a file, nor jinja")
    return path.read_text()


def setup_tokenizer(tokenizer, args: RecipeArguments, training_args, where: str):
    """Install the chat template (with the prefill) and check what assistant_only_loss needs."""
    template = chat_template_text(args.chat_template, args.prefill_think, where)
    if template is not None:
        tokenizer.chat_template = template
    elif args.prefill_think:
        raise ValueError(f"{where}: prefill_think needs chat_template (chatml-think, or one that adds <think>)")
    wants_mask = getattr(training_args, "assistant_only_loss", False)
    if wants_mask and "{% generation %}" not in (tokenizer.chat_template or ""):
        raise ValueError(f"{where}: assistant_only_loss needs a chat template with {{% generation %}} markers "
                         f"(use chat_template: chatml-think)")  # fmt: skip
    eos = getattr(training_args, "eos_token", None)
    if eos and eos not in tokenizer.get_vocab():
        raise ValueError(f"{where}: eos_token {eos!r} is not in the tokenizer's vocabulary")
    return tokenizer


def prepare(args: RecipeArguments, training_args, model_args, where: str):
    """Settle the arguments both trainers share; the tokenizer with its chat template."""
    from transformers import AutoTokenizer

    if not model_args.model_name_or_path:
        raise ValueError(f"{where}: model_name_or_path is required")
    resolve_liger(training_args)
    model_args.model_name_or_path = with_org(model_args.model_name_or_path, args.hub_org)
    if training_args.hub_model_id:
        training_args.hub_model_id = with_org(training_args.hub_model_id, args.hub_org)
    training_args.model_init_kwargs = {
        "revision": model_args.model_revision, "trust_remote_code": training_args.trust_remote_code,
        "attn_implementation": model_args.attn_implementation, "dtype": model_args.dtype,
        **(training_args.model_init_kwargs or {}),
    }  # fmt: skip
    tokenizer = AutoTokenizer.from_pretrained(model_args.model_name_or_path, revision=model_args.model_revision,
                                              trust_remote_code=training_args.trust_remote_code)  # fmt: skip
    return setup_tokenizer(tokenizer, args, training_args, where)


def trainer_arguments(training_args, model_args, tokenizer, data) -> dict:
    """What SFTTrainer and GRPOTrainer take alike: the model, data splits, tokenizer, PEFT, quantization."""
    from trl import get_peft_config, get_quantization_config

    return {"model": model_args.model_name_or_path, "args": training_args, "train_dataset": data["train"],
            "eval_dataset": data["test"] if training_args.eval_strategy != "no" and "test" in data else None,
            "processing_class": tokenizer, "peft_config": get_peft_config(model_args),
            "quantization_config": get_quantization_config(model_args)}  # fmt: skip


def resolve_liger(training_args) -> None:
    """Liger kernels when installed (GPU machines); a YAML asking for them still runs elsewhere."""
    if training_args.use_liger_kernel and importlib.util.find_spec("liger_kernel") is None:
        log.warning("use_liger_kernel: liger-kernel is not installed; training without it")
        training_args.use_liger_kernel = False
    log.info("liger kernels: %s", "on" if training_args.use_liger_kernel else "off")


def resume_checkpoint(training_args) -> str | None:
    """The checkpoint to resume from: the one asked for, else the last in output_dir."""
    from transformers.trainer_utils import get_last_checkpoint

    if training_args.resume_from_checkpoint:
        return training_args.resume_from_checkpoint
    output = Path(training_args.output_dir)
    last = get_last_checkpoint(str(output)) if output.is_dir() else None
    if last:
        log.info("resuming from %s", last)
    return last


def finish(trainer, training_args, tags: list[str]) -> None:
    """Save the model (with the tokenizer and its chat template) and optionally push it.
    TRL has already put eos_token into the model's generation config, so it stops."""
    trainer.save_model(training_args.output_dir)  # the tokenizer too: it is the trainer's processing class
    if trainer.accelerator.is_main_process:
        trainer.create_model_card(tags=tags)
    if training_args.push_to_hub:
        log.info("pushing to the Hub: %s", training_args.hub_model_id)
        trainer.push_to_hub(tags=tags)


def setup_logging(training_args) -> None:
    import datasets
    import transformers

    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=[
        logging.StreamHandler(sys.stdout)])  # fmt: skip
    level = training_args.get_process_log_level()
    log.setLevel(logging.INFO if training_args.should_log else level)
    datasets.utils.logging.set_verbosity(level)
    transformers.utils.logging.set_verbosity(level)


def run_recipe(argv: list[str] | None, make_parser, build_trainer, tags: list[str], cleanup=None):
    """Parse the YAML (and overrides), build the trainer, train (resuming), save and push."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        script_args, training_args, model_args = make_parser().parse_args_and_config(argv)
    except ConfigError as exc:
        raise SystemExit(f"error: {exc}") from None  # one line, not a traceback
    setup_logging(training_args)
    trainer = build_trainer(script_args, training_args, model_args, config_path(argv))
    try:
        trainer.train(resume_from_checkpoint=resume_checkpoint(training_args))
    finally:
        if cleanup is not None:
            cleanup(trainer)
    finish(trainer, training_args, tags)
    return trainer
