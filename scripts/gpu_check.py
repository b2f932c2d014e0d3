"""GPU check of the training recipes: SFT throughput and MFU on a model with the
Qwen2.5-Coder-1.5B shape (random weights, nothing downloaded), with and without
liger kernels and padding-free batches, then a few GRPO steps with the judge reward.

    python scripts/gpu_check.py                # on a CUDA machine (scripts/gpu_check.sh sets it up)
    python scripts/gpu_check.py --tiny         # the same code path on CPU, tiny shapes (a smoke test)

MFU counts 6 x parameters x tokens plus the attention term 12 x layers x hidden x
sequence length per token (PaLM's convention), against the GPU's dense bf16 peak.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # tiny_model (tokenizer) and recipe_helpers (the A+B task)

# Qwen2.5-Coder-1.5B
SHAPE = {"hidden_size": 1536, "num_hidden_layers": 28, "num_attention_heads": 12, "num_key_value_heads": 2,
         "intermediate_size": 8960, "vocab_size": 151936}  # fmt: skip
TINY_SHAPE = {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
              "intermediate_size": 128, "vocab_size": 512}  # fmt: skip
PEAK_BF16 = {"H200": 989e12, "H100 PCIe": 756e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12}  # dense


@dataclass
class Run:
    name: str
    liger: bool
    padding_free: bool


def peak_flops() -> tuple[str, float | None]:
    import torch

    if not torch.cuda.is_available():
        return "cpu", None
    name = torch.cuda.get_device_name(0)
    for key, value in PEAK_BF16.items():  # longest names first in the table where it matters
        if key in name:
            return name, value
    return name, None


def random_model(shape: dict, dtype, seq_len: int, attn: str = "sdpa"):
    """Random weights in `dtype`: the 1.5B shape needs no download and no checkpoint."""
    from transformers import AutoModelForCausalLM, Qwen2Config

    config = Qwen2Config(**shape, max_position_embeddings=max(seq_len, 32768), rope_theta=1e6,
                         tie_word_embeddings=True, use_cache=False)  # fmt: skip
    return AutoModelForCausalLM.from_config(config, attn_implementation=attn, dtype=dtype)


def token_dataset(count: int, seq_len: int, vocab: int, seed: int):
    """Pre-tokenized rows of random lengths between seq_len/2 and seq_len: padding costs show."""
    from datasets import Dataset

    rng = random.Random(seed)
    lengths = [rng.randint(seq_len // 2, seq_len) for _ in range(count)]
    return Dataset.from_dict({"input_ids": [[rng.randrange(3, vocab) for _ in range(n)] for n in lengths]})


class Counter:
    """Wraps the collator: real (non-padding) tokens of every batch, in order."""

    def __init__(self, collate) -> None:
        self.collate = collate
        self.tokens: list[int] = []

    def __call__(self, examples):
        batch = self.collate(examples)
        mask = batch.get("attention_mask")
        self.tokens.append(int(mask.sum()) if mask is not None else int(batch["input_ids"].numel()))
        return batch


def step_timer():
    import torch
    from transformers import TrainerCallback

    class Timer(TrainerCallback):
        def __init__(self) -> None:
            self.times: list[float] = []
            self.start = 0.0

        def on_step_begin(self, args, state, control, **kwargs):
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            self.start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            self.times.append(time.perf_counter() - self.start)

    return Timer()


def sft_run(run: Run, opts, tokenizer_dir: Path, out: Path) -> dict:
    import torch
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    from recipes.training import resolve_liger

    shape = TINY_SHAPE if opts.tiny else SHAPE
    dtype = torch.float32 if opts.tiny else torch.bfloat16
    model = random_model(shape, dtype, opts.seq_len, opts.attn)
    params = sum(p.numel() for p in model.parameters())
    args = SFTConfig(
        output_dir=str(out / run.name), max_steps=opts.steps, per_device_train_batch_size=opts.batch,
        learning_rate=1e-5, lr_scheduler_type="cosine_with_min_lr", lr_scheduler_kwargs={"min_lr_rate": 0.1},
        bf16=not opts.tiny, use_cpu=opts.tiny, activation_checkpointing=True, use_liger_kernel=run.liger,
        padding_free=run.padding_free, max_length=None if run.padding_free else opts.seq_len, packing=False,
        report_to="none",
        save_strategy="no", logging_steps=max(1, opts.steps // 4), dataloader_num_workers=0, seed=0,
    )  # fmt: skip
    resolve_liger(args)
    if run.liger and not args.use_liger_kernel:
        return {"run": run.name, "skipped": "liger-kernel is not installed"}
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    data = token_dataset(opts.batch * opts.steps, opts.seq_len, shape["vocab_size"], seed=1)
    trainer = SFTTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer)
    counter = Counter(trainer.data_collator)
    trainer.data_collator = counter
    timer = step_timer()
    trainer.add_callback(timer)
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    trainer.train()
    skip = min(opts.warmup, len(timer.times) - 1)  # compile, allocator and kernel autotuning warm-up
    seconds, tokens = sum(timer.times[skip:]), sum(counter.tokens[skip : len(timer.times)])
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    mean_len = tokens / max(1, opts.batch * (len(timer.times) - skip))
    flops_per_token = 6 * params + 12 * shape["num_hidden_layers"] * shape["hidden_size"] * mean_len
    gpu, peak = peak_flops()
    result = {"run": run.name, "params": params, "tokens_per_second": tokens / seconds,
              "mfu": (tokens / seconds * flops_per_token / peak) if peak else None, "gpu": gpu,
              "peak_memory_gb": torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None,
              "losses_finite": all(math.isfinite(x) for x in losses), "steps": len(timer.times)}  # fmt: skip
    del trainer, model
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return result


def grpo_run(opts, tokenizer_dir: Path, out: Path) -> dict:
    """A few GRPO steps through recipes/grpo.py's trainer: the A+B task, the real judge reward."""
    import torch
    import yaml
    from transformers import AutoTokenizer

    from recipes.grpo import build_trainer, close_judges, make_parser

    from recipe_helpers import aplusb_row, grpo_config, write_parquet

    vocab = len(AutoTokenizer.from_pretrained(tokenizer_dir))  # generated ids must decode
    shape = {**(TINY_SHAPE if opts.tiny else {**SHAPE, "num_hidden_layers": 4}), "vocab_size": vocab}
    model_dir = out / "grpo-model"
    model = random_model(shape, torch.float32 if opts.tiny else torch.bfloat16, 4096, opts.attn)
    model.save_pretrained(model_dir)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja"):
        if (tokenizer_dir / name).exists():
            (model_dir / name).write_bytes((tokenizer_dir / name).read_bytes())
    data = write_parquet(out / "grpo-data", [aplusb_row() for _ in range(16)])
    config = grpo_config(model_dir, data, out / "grpo-out", max_steps=opts.grpo_steps, max_completion_length=64,
                         num_generations=4, per_device_train_batch_size=4, judge_workers=4,
                         use_cpu=opts.tiny, bf16=not opts.tiny, use_vllm=False)  # fmt: skip
    (out / "grpo.yaml").write_text(yaml.safe_dump(config))
    script_args, training_args, model_args = make_parser().parse_args_and_config(["--config", str(out / "grpo.yaml")])
    trainer = build_trainer(script_args, training_args, model_args, "gpu_check grpo.yaml")
    timer = step_timer()
    trainer.add_callback(timer)
    try:
        trainer.train()
    finally:
        close_judges(trainer)
    rewards = [e["rewards/cf_code/mean"] for e in trainer.state.log_history if "rewards/cf_code/mean" in e]
    return {"run": "grpo", "steps": trainer.state.global_step, "seconds_per_step": sum(timer.times) / len(timer.times),
            "cf_code_rewards": rewards}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny shapes on CPU: check the code path, no timing")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3, help="steps left out of the timing")
    parser.add_argument("--seq-len", type=int, default=8192)
    parser.add_argument("--batch", type=int, default=2, help="sequences per step (lengths seq-len/2..seq-len)")
    parser.add_argument("--attn", default="sdpa", help="sdpa | flash_attention_2 (when flash-attn is installed)")
    parser.add_argument("--grpo-steps", type=int, default=5)
    parser.add_argument("--skip-grpo", action="store_true")
    parser.add_argument("--json", type=Path, help="write the results here too")
    opts = parser.parse_args(argv)
    if opts.tiny:
        opts.steps, opts.seq_len, opts.batch, opts.warmup, opts.grpo_steps = min(opts.steps, 4), 64, 2, 1, 2
    import torch

    if not opts.tiny and not torch.cuda.is_available():
        parser.error("no CUDA device: run on a GPU machine, or pass --tiny for a CPU smoke test")
    from tiny_model import build_tiny_model

    results = []
    with tempfile.TemporaryDirectory(prefix="gpu-check-") as tmp:
        out = Path(tmp)
        tokenizer_dir = build_tiny_model(out / "tokenizer")  # a local tokenizer; the data is pre-tokenized
        liger = importlib.util.find_spec("liger_kernel") is not None
        print(f"device: {peak_flops()[0]}; liger-kernel {'installed' if liger else 'not installed'}", flush=True)
        for run in (Run("baseline", False, False), Run("liger", True, False), Run("padding-free", False, True),
                    Run("liger+padding-free", True, True)):  # fmt: skip
            result = sft_run(run, opts, tokenizer_dir, out)
            results.append(result)
            print(json.dumps(result), flush=True)
        if not opts.skip_grpo:
            result = grpo_run(opts, tokenizer_dir, out)
            results.append(result)
            print(json.dumps(result), flush=True)
    print(f"\nSFT at {opts.seq_len} tokens, {opts.batch} sequences per step:")
    for r in results:
        if "tokens_per_second" in r:
            mfu = f"{100 * r['mfu']:.1f}%" if r["mfu"] is not None else "n/a"
            print(f"  {r['run']:<20} {r['tokens_per_second']:>10.0f} tokens/s   MFU {mfu}")
        elif "skipped" in r:
            print(f"  {r['run']:<20} skipped: {r['skipped']}")
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2))
    failed = [r["run"] for r in results if r.get("losses_finite") is False]
    if failed:
        print(f"non-finite loss in {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
