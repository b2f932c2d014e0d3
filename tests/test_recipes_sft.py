"""recipes/sft.py on a tiny model built here: a YAML through TrlParser, 5 steps, the
cosine-with-floor schedule, the assistant-only mask, mixtures, resume, accelerate launch,
and an Open R1-shaped YAML (its key names) trained for 2 steps."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import pytest
from datasets import Dataset

from recipes.sft import build_trainer, main, make_parser
from recipes.training import load_mixture

from recipe_helpers import accelerate_launch, messages, sft_config, write_parquet, write_yaml


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_parquet(tmp_path_factory.mktemp("sft-data") / "cots", messages(12))


@pytest.fixture(scope="module")
def trained(tiny_model, data, tmp_path_factory):
    root = tmp_path_factory.mktemp("sft")
    config = write_yaml(root / "sft.yaml", sft_config(tiny_model, data, root / "out"))
    script_args, training_args, model_args = make_parser().parse_args_and_config(["--config", str(config)])
    trainer = build_trainer(script_args, training_args, model_args, str(config))
    trainer.train()
    return trainer


def test_five_steps_from_yaml_with_finite_loss_and_cosine_to_a_floor(trained):
    logs = [entry for entry in trained.state.log_history if "loss" in entry]
    assert [entry["step"] for entry in logs] == [1, 2, 3, 4, 5]
    assert all(math.isfinite(entry["loss"]) and entry["loss"] > 0 for entry in logs)
    peak, floor = 1e-3, 0.1
    for entry in logs:  # the rate used at step s is the schedule after s - 1 steps of 5
        progress = (entry["step"] - 1) / 5
        assert entry["learning_rate"] == pytest.approx(
            peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))
        )
    assert min(entry["learning_rate"] for entry in logs) > floor * peak
    assert trained.args.use_liger_kernel is False  # asked for in the YAML, not installed here: skipped


def test_assistant_only_mask_covers_exactly_the_assistant_tokens(trained):
    tokenizer = trained.processing_class
    for row in trained.train_dataset.select(range(3)):
        ids, labels = row["input_ids"], row["labels"]
        kept = [i for i, label in enumerate(labels) if label != -100]
        assert kept == list(range(kept[0], kept[-1] + 1))  # one span
        assert [labels[i] for i in kept] == [ids[i] for i in kept]
        assert tokenizer.decode([ids[i] for i in kept]) == row["messages"][1]["content"] + "<|im_end|>"
        before, after = tokenizer.decode(ids[: kept[0]]), tokenizer.decode(ids[kept[-1] + 1 :])
        assert before == f"<|im_start|>user\n{row['messages'][0]['content']}<|im_end|>\n<|im_start|>assistant\n"
        assert after.strip() == ""


def test_the_chat_template_prefills_think_and_marks_the_assistant(trained):
    tokenizer = trained.processing_class
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True
    )
    assert prompt == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n"
    assert "{% generation %}" in tokenizer.chat_template
    assert tokenizer.eos_token == "<|im_end|>"
    assert trained.model.generation_config.eos_token_id in (tokenizer.eos_token_id, [tokenizer.eos_token_id])


def test_weights_upsample_and_subsample_the_mixture(data, tmp_path):
    other = tmp_path / "other"
    Dataset.from_list(messages(10)).save_to_disk(str(other))
    spec = {"datasets": [{"id": str(data), "split": "train", "weight": 2}, {"id": str(other), "weight": 0.5}],
            "seed": 1, "test_split_size": 0.1}  # fmt: skip
    mixture = load_mixture(spec, "olympicforge", "mix.yaml")
    assert len(mixture["train"]) + len(mixture["test"]) == 2 * 12 + 5
    assert len(mixture["test"]) == 3


@pytest.mark.parametrize(
    ("entry", "message"),
    [({"id": "X", "wieght": 2}, r"mix\.yaml: dataset_mixture\.datasets\[0\]: unknown key\(s\) \['wieght'\]"),
     ({"config": "solutions"}, r"mix\.yaml: dataset_mixture\.datasets\[0\]: needs an `id`"),
     ({"id": "X", "weight": 0}, r"datasets\[0\]: weight must be a positive number"),
     ({"id": "DATA", "columns": ["prompt"]}, r"datasets\[0\]: dataset .* has no column\(s\) \['prompt'\]")],
)  # fmt: skip
def test_bad_mixture_entries_name_the_file_and_the_key(entry, message, data):
    entry = {k: str(data) if v == "DATA" else v for k, v in entry.items()}
    with pytest.raises(ValueError, match=message):
        load_mixture({"datasets": [entry]}, "olympicforge", "mix.yaml")


def test_rows_truncated_to_nothing_stop_with_a_clear_error(tiny_model, data, tmp_path):
    config = write_yaml(tmp_path / "short.yaml", sft_config(tiny_model, data, tmp_path / "out", max_length=6))
    script_args, training_args, model_args = make_parser().parse_args_and_config(["--config", str(config)])
    with pytest.raises(ValueError, match=r"short.yaml: all 12 rows were dropped: truncated to max_length 6"):
        build_trainer(script_args, training_args, model_args, str(config))


def test_unknown_yaml_keys_are_errors(tiny_model, data, tmp_path):
    config = write_yaml(tmp_path / "bad.yaml", sft_config(tiny_model, data, tmp_path / "out", max_sequence_len=64))
    with pytest.raises(ValueError, match=r"bad.yaml: unknown key\(s\) max_sequence_len"):
        make_parser().parse_args_and_config(["--config", str(config)])


def test_an_open_r1_shaped_yaml_trains_two_steps(tiny_model, data, tmp_path, caplog):
    """Open R1's key names (torch_dtype, dataset_name as a local folder, system_prompt, warmup_ratio,
    max_seq_length, use_liger, gradient_checkpointing, ...) on the tiny model: mapped, trained."""
    config = sft_config(tiny_model, data, tmp_path / "out", max_steps=2)
    for ours in ("dataset_mixture", "warmup_steps", "max_length", "use_liger_kernel", "activation_checkpointing"):
        del config[ours]
    config.update({"torch_dtype": "float32", "dataset_name": str(data), "system_prompt": "You are OlympicCoder.",
                   "warmup_ratio": 0.5, "max_seq_length": 128, "use_liger": True, "gradient_checkpointing": False,
                   "gradient_checkpointing_kwargs": {"use_reentrant": False}, "overwrite_output_dir": True,
                   "callbacks": [], "benchmarks": [], "hub_model_revision": "v00.00"})  # fmt: skip
    path = write_yaml(tmp_path / "open-r1-sft.yaml", config)
    caplog.set_level(logging.WARNING, "recipes.legacy")
    trainer = main(["--config", str(path)])
    mapped = [r.getMessage().split(" Open R1 key ")[1].split(" -> ")[0] for r in caplog.records
              if r.name == "recipes.legacy"]  # fmt: skip
    assert sorted(mapped) == sorted(["torch_dtype", "dataset_name", "warmup_ratio: 0.5", "max_seq_length", "use_liger",
                                     "gradient_checkpointing", "gradient_checkpointing_kwargs", "overwrite_output_dir",
                                     "callbacks: []", "benchmarks", "hub_model_revision"])  # fmt: skip
    logs = [entry for entry in trainer.state.log_history if "loss" in entry]
    assert [entry["step"] for entry in logs] == [1, 2] and all(math.isfinite(entry["loss"]) for entry in logs)
    assert [entry["learning_rate"] for entry in logs] == [0.0, pytest.approx(1e-3)]  # warmup: 1 step of 2
    assert trainer.args.max_length == 128 and trainer.args.hub_revision == "v00.00"
    assert trainer.args.activation_checkpointing is False and trainer.args.use_liger_kernel is False  # not installed
    assert str(trainer.model.dtype) == "torch.float32"
    tokenizer = trainer.processing_class
    for row in trainer.train_dataset.select(range(3)):
        system, user = (f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in row["messages"][:2])
        assert system == "<|im_start|>system\nYou are OlympicCoder.<|im_end|>\n"
        assert tokenizer.decode(row["input_ids"]).startswith(system + user)
        kept = [i for i, label in enumerate(row["labels"]) if label != -100]  # the loss: the assistant's tokens only
        assert tokenizer.decode([row["input_ids"][i] for i in kept]) == row["messages"][2]["content"] + "<|im_end|>"
    assert (tmp_path / "out" / "model.safetensors").exists()


def test_a_rerun_resumes_from_the_last_checkpoint_and_saves_the_model(tiny_model, data, tmp_path):
    out = tmp_path / "out"
    config = write_yaml(tmp_path / "sft.yaml", sft_config(tiny_model, data, out, save_strategy="steps", save_steps=3))
    main(["--config", str(config), "--max_steps", "3"])
    state = out / "checkpoint-3" / "trainer_state.json"
    marked = json.loads(state.read_text())
    marked["log_history"][0]["resumed_from_here"] = True
    state.write_text(json.dumps(marked))
    trainer = main(["--config", str(config)])
    assert trainer.state.global_step == 5
    assert trainer.state.log_history[0].get("resumed_from_here") is True
    assert [e["step"] for e in trainer.state.log_history if "loss" in e] == [1, 2, 3, 4, 5]
    assert (out / "model.safetensors").exists() and (out / "tokenizer_config.json").exists()


def test_accelerate_launch_with_one_cpu_process(tiny_model, data, tmp_path):
    out = tmp_path / "out"
    config = write_yaml(tmp_path / "sft.yaml", sft_config(tiny_model, data, out, max_steps=2))
    done = accelerate_launch("sft.py", config, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "model.safetensors").exists()
    saved = json.loads((out / "generation_config.json").read_text())
    eos = json.loads((out / "tokenizer_config.json").read_text())["eos_token"]
    assert eos == "<|im_end|>" and saved["eos_token_id"] in (2, [2])  # <|im_end|> is token 2 in the tiny vocab
    assert "<think>" in (out / "chat_template.jinja").read_text()
