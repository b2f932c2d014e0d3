"""Write a dataset in the Hugging Face Hub layout, memory-bounded and atomically.

    out/hub/<dataset>/README.md
    out/hub/<dataset>/data/<config>/<split>-NNNNN-of-NNNNN.parquet
    out/hub/<dataset>/.card-source.json   (not uploaded: the card for any org, see `push --org`)

Rows are streamed in small batches to parquet shards of bounded size (test
cases can be tens of MB each), with the typed features declared up front and
stored in the parquet schema the way `datasets` reads them back. Everything is
written into a staging folder and swapped into place at the end, so a crash
never leaves a half-written dataset, and the same rows always give the same
bytes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

log = logging.getLogger(__name__)

DEFAULT_SHARD_BYTES = 256 << 20  # uncompressed Arrow bytes per parquet shard
BATCH_BYTES = 32 << 20  # flush a row group at this many bytes of pending rows
BATCH_ROWS = 1000
CARD_SOURCE = ".card-source.json"  # {"org": the build's --org, "card": the card with cards.card.ORG_MARK for it}


@dataclass
class SplitStats:
    num_examples: int = 0
    num_bytes: int = 0  # Arrow (uncompressed) bytes, as the Hub's dataset_info counts them
    files: list[str] = field(default_factory=list)  # relative to the dataset root
    parquet_bytes: int = 0


def _approx_size(value) -> int:
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(_approx_size(v) for v in value) + 8
    if isinstance(value, dict):
        return sum(_approx_size(v) for v in value.values()) + 8
    return 8


class ShardedParquetWriter:
    """Streams the rows of one split into size-bounded parquet shards."""

    def __init__(self, root: Path, config: str, split: str, features: Features, max_shard_bytes: int) -> None:
        self.root, self.config, self.split = root, config, split
        self.features = features
        self.schema = features.arrow_schema.with_metadata(
            {"huggingface": json.dumps({"info": {"features": features.to_dict()}})}
        )
        self.max_shard_bytes = max_shard_bytes
        self.batch_bytes = min(BATCH_BYTES, max_shard_bytes)  # a batch never overfills a shard by much
        self.directory = root / "data" / config
        self.directory.mkdir(parents=True, exist_ok=True)
        self.stats = SplitStats()
        self._pending: list[dict] = []
        self._pending_bytes = 0
        self._writer: pq.ParquetWriter | None = None
        self._shard_bytes = 0
        self._shards: list[Path] = []

    def write(self, row: dict) -> None:
        missing = set(self.features) - set(row)
        if missing:
            raise ValueError(f"{self.config}/{self.split}: row {self.stats.num_examples} lacks {sorted(missing)}")
        self._pending.append(self.features.encode_example(row))
        self._pending_bytes += _approx_size(row)
        if self._pending_bytes >= self.batch_bytes or len(self._pending) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        table = pa.Table.from_pylist(self._pending, schema=self.schema)
        self._pending, self._pending_bytes = [], 0
        if self._writer is not None and self._shard_bytes + table.nbytes > self.max_shard_bytes:
            self._writer.close()
            self._writer = None
        if self._writer is None:
            path = self.directory / f".{self.split}-{len(self._shards):05d}.parquet"
            self._shards.append(path)
            self._writer = pq.ParquetWriter(path, self.schema)
            self._shard_bytes = 0
        self._writer.write_table(table)
        self._shard_bytes += table.nbytes
        self.stats.num_examples += table.num_rows
        self.stats.num_bytes += table.nbytes

    def close(self) -> SplitStats:
        self._flush()
        if self._writer is not None:
            self._writer.close()
        total = len(self._shards)  # an empty split writes no file: `datasets` cannot read 0-row shards
        for index, path in enumerate(self._shards):
            final = self.directory / f"{self.split}-{index:05d}-of-{total:05d}.parquet"
            os.replace(path, final)
            self.stats.files.append(str(final.relative_to(self.root)))
            self.stats.parquet_bytes += final.stat().st_size
        return self.stats

    def __enter__(self) -> ShardedParquetWriter:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()
        elif self._writer is not None:
            self._writer.close()


class HubLayout:
    """One dataset being built in a staging folder, swapped into `out_root/name` by `commit`."""

    def __init__(self, out_root: Path, name: str, max_shard_bytes: int = DEFAULT_SHARD_BYTES) -> None:
        self.out_root, self.name = Path(out_root), name
        self.final = self.out_root / name
        self.staging = self.out_root / f".staging-{name}-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        self.max_shard_bytes = max_shard_bytes
        self.features: dict[str, Features] = {}
        self.stats: dict[str, dict[str, SplitStats]] = {}

    def split(self, config: str, split: str, features: Features) -> ShardedParquetWriter:
        known = self.features.setdefault(config, features)
        if known != features:
            raise ValueError(f"{self.name}/{config}: every split of a config must share its features")
        writer = ShardedParquetWriter(self.staging, config, split, features, self.max_shard_bytes)
        self.stats.setdefault(config, {})[split] = writer.stats
        return writer

    def drop_empty(self) -> list[str]:
        """Forget splits (and configs) that got no rows, so the card lists only what exists."""
        dropped = []
        for config in list(self.stats):
            for split in [s for s, stats in self.stats[config].items() if stats.num_examples == 0]:
                del self.stats[config][split]
                dropped.append(f"{config}/{split}")
            if not self.stats[config]:
                del self.stats[config]
                self.features.pop(config, None)
        return dropped

    def commit(self, card: str, source: str | None = None, org: str | None = None) -> Path:
        """Write the card (and its source for other orgs) and atomically replace any previous build."""
        (self.staging / "README.md").write_text(card)
        if source is not None:
            (self.staging / CARD_SOURCE).write_text(json.dumps({"org": org, "card": source}))
        old = self.out_root / f".old-{self.name}-{os.getpid()}"
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.staging, self.final)
        if old.exists():
            shutil.rmtree(old)
        log.info("wrote %s", self.final)
        return self.final

    @property
    def total_rows(self) -> int:
        return sum(s.num_examples for splits in self.stats.values() for s in splits.values())

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> HubLayout:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        """Leaving on an error (or a kill signal raised as an exception) drops the staging folder."""
        if kind is not None and self.staging.exists():
            self.abort()


def publish(layout: HubLayout, spec) -> Path:
    """Drop empty splits, render the card from what was written, and swap the dataset in."""
    from cards.card import render_card_source, with_org

    dropped = layout.drop_empty()
    if dropped:
        log.info("%s: no rows for %s (left out of the card)", layout.name, ", ".join(dropped))
    source = render_card_source(spec, layout.features, layout.stats)
    org = spec.context.get("org")
    if org is None:
        return layout.commit(source)
    return layout.commit(with_org(source, org), source, org)


def prepare_out(out_root: Path) -> Path:
    """Create the output root and clean up what killed builds left in it."""
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_root)
    return out_root


def remove_stale_staging(out_root: Path) -> None:
    """Clean up after killed builds: staging folders were never published and go;
    a previous build set aside just before a crash is put back if nothing replaced it."""
    out_root = Path(out_root)
    for stale in out_root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for old in out_root.glob(".old-*"):
        name = old.name.removeprefix(".old-").rsplit("-", 1)[0]
        if not (out_root / name).exists():
            os.replace(old, out_root / name)
        else:
            shutil.rmtree(old, ignore_errors=True)
