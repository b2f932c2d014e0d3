"""`olympicforge generate codeforces|ioi`: reasoning traces for the cots datasets.

A run folder holds `run.json` (what was asked: model, dataset, sampling) and the
shards' `generations*.jsonl`. Reruns and array jobs resume from those files;
`olympicforge build codeforces-cots|ioi-cots --runs FOLDER` judges and publishes.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from datasets import load_dataset
from rich.console import Console

from builders.codeforces.build import judgeable_on_stdio
from builders.generation.ioi_traces import parse_years
from builders.generation.ioi_traces import work_items as ioi_work_items
from builders.generation.options import add_generation_arguments, generate_with
from builders.generation.prompts import LANGUAGES, chat, codeforces_prompt
from builders.generation.runs import WorkItem, run_file
from judge.executors import add_executor_arguments
from judge.paths import atomic_write_bytes

log = logging.getLogger(__name__)
EDITORIAL = "+editorial"


def codeforces_variants(languages: list[str], editorial: str) -> list[str]:
    """`cpp`, `python`, and with the editorial in the prompt `cpp+editorial`, `python+editorial`."""
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language(s) {unknown}: use {', '.join(LANGUAGES)}")
    plain = [] if editorial == "with" else list(languages)
    return plain + ([] if editorial == "without" else [f"{language}{EDITORIAL}" for language in languages])


def judgeable(row: dict) -> bool:
    """Traces are only worth generating where the judge can check them: stdio, not interactive."""
    return judgeable_on_stdio(row)


def codeforces_work_items(rows: list[dict], variants: list[str], generations: int,
                          prefill_think: bool) -> list[WorkItem]:  # fmt: skip
    items = []
    for row in rows:
        for variant in variants:
            language, _, editorial = variant.partition("+")
            if editorial and not row["editorial"]:
                continue
            messages = tuple(chat(codeforces_prompt(row, language, with_editorial=bool(editorial)), prefill_think))
            items += [WorkItem(row["id"], variant, sample, messages) for sample in range(generations)]
    return items


def record_run(folder: Path, manifest: dict) -> None:
    """Write `run.json`, or refuse when the folder already holds another model's or dataset's run."""
    path = folder / "run.json"
    if path.exists():
        before = json.loads(path.read_text())
        clashes = [k for k in ("kind", "model", "dataset") if before.get(k) != manifest[k]]
        if clashes:
            held = ", ".join(f"{k}={before.get(k)!r}" for k in clashes)
            raise ValueError(f"{path}: this folder holds another run ({held}); use a new --out")
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps(manifest, indent=2).encode())


def read_run(folder: Path, kind: str | tuple[str, ...]) -> dict:
    """The `run.json` of a run folder, checked to be a `kind` run (or one of several kinds)."""
    try:
        manifest = json.loads((folder / "run.json").read_text())
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{folder}: no run.json (not a run folder of `olympicforge generate` or `build codeforces-tests`)"
        ) from None
    kinds = (kind,) if isinstance(kind, str) else kind
    if manifest.get("kind") not in kinds:
        raise ValueError(f"{folder}/run.json: a {manifest.get('kind')!r} run, not a {' or '.join(kinds)} one")
    return manifest


def generate(args: argparse.Namespace, items: list[WorkItem], manifest: dict, console: Console) -> int:
    record_run(args.out, manifest)
    label = f"{manifest['kind']} shard {args.shard}/{args.num_shards}"
    out = run_file(args.out, args.shard, args.num_shards)
    stats = generate_with(args, items, out, console, label, args.shard, args.num_shards)
    return 1 if stats.errors else 0


def manifest_of(args: argparse.Namespace, kind: str, **extra) -> dict:
    return {"kind": kind, "model": args.model, "dataset": args.dataset, "generations": args.generations,
            "prefill_think": args.prefill_think, "sampling": str(args.sampling or "defaults"), **extra}  # fmt: skip


def cmd_generate_codeforces(args: argparse.Namespace) -> int:
    variants = codeforces_variants([x.strip() for x in args.languages.split(",") if x.strip()], args.editorial)
    rows = [row for row in load_dataset(args.dataset, args.config, split=args.split) if judgeable(row)]
    rows = rows[: args.limit] if args.limit else rows
    if not rows:
        raise ValueError(f"{args.dataset} ({args.config}/{args.split}): no stdio problem with examples to prompt")
    items = codeforces_work_items(rows, variants, args.generations, args.prefill_think)
    manifest = manifest_of(args, "codeforces", config=args.config, split=args.split, variants=variants)
    return generate(args, items, manifest, Console())


def cmd_generate_ioi(args: argparse.Namespace) -> int:
    years = parse_years(args.years)
    rows = [row for row in load_dataset(args.dataset, split=args.split) if int(row["year"]) in years]
    if not rows:
        raise ValueError(f"{args.dataset} ({args.split}): no subtask from the years {args.years}")
    items = ioi_work_items(rows, args.generations, args.prefill_think)
    return generate(args, items, manifest_of(args, "ioi", split=args.split, years=args.years), Console())


def add_trace_build_arguments(builds: argparse._SubParsersAction, name: str, kind: str) -> argparse.ArgumentParser:
    """The options `build codeforces-cots` and `build ioi-cots` share: runs in, a dataset out."""
    parser = builds.add_parser(name, help=f"judge `generate {kind}` runs and build {name}")
    parser.add_argument("--runs", type=Path, nargs="+", required=True, help=f"run folders of `generate {kind}`")
    parser.add_argument("--dataset", help=f"the {kind} dataset (default: the one each run names)")
    parser.add_argument("--workers", type=int, help="judge workers (default: one per core)")
    parser.add_argument("--out", type=Path, default=Path("out/hub"))
    parser.add_argument("--org", default="olympicforge")
    add_executor_arguments(parser)
    return parser


def add_parser(areas: argparse._SubParsersAction) -> None:
    area = areas.add_parser("generate", help="reasoning traces from a model, resumable and shardable")
    kinds = area.add_subparsers(dest="kind", required=True, metavar="KIND")
    codeforces = kinds.add_parser("codeforces", help="traces for codeforces-cots")
    add_generation_arguments(codeforces)
    codeforces.add_argument("--dataset", required=True, help="a codeforces dataset: local folder or Hub id")
    codeforces.add_argument("--config", default="default")
    codeforces.add_argument("--split", default="train")
    codeforces.add_argument("--languages", default="cpp,python", help="comma-separated: cpp, python")
    codeforces.add_argument("--editorial", choices=("without", "with", "both"), default="both",
                            help="prompts without the editorial, with it (where there is one), or both")  # fmt: skip
    codeforces.add_argument("--limit", type=int, help="only the first N problems (smoke runs)")
    codeforces.add_argument("--out", type=Path, required=True, help="the run folder")
    codeforces.set_defaults(handler=cmd_generate_codeforces)
    ioi = kinds.add_parser("ioi", help="traces for ioi-cots, one prompt per subtask")
    add_generation_arguments(ioi)
    ioi.add_argument("--dataset", required=True, help="an ioi dataset: local folder or Hub id")
    ioi.add_argument("--split", default="train")
    ioi.add_argument("--years", default="2020-2023", help="e.g. 2020-2023")
    ioi.add_argument("--out", type=Path, required=True, help="the run folder")
    ioi.set_defaults(handler=cmd_generate_ioi)
