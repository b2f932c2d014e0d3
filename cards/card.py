"""Dataset cards: YAML front matter from the built files, a body from a template.

The front matter's `configs` and `dataset_info` come from what was actually
written (features, rows and bytes per split), through `datasets`' own YAML
conversion, so they cannot drift from the parquet files. The Hub's validator
only works online, so `validate_card` checks the YAML locally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from datasets import Features, Value
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData
from jinja2 import Environment, PackageLoader, StrictUndefined

# Licence ids and task categories the Hub accepts (the ones these datasets may use).
KNOWN_LICENSES = {"apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0", "cc-by-nc-4.0", "odc-by", "other",
                  "unknown"}  # fmt: skip
KNOWN_TASK_CATEGORIES = {"text-generation", "question-answering", "text2text-generation", "text-classification",
                         "reinforcement-learning"}  # fmt: skip
SIZE_CATEGORIES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                   (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M")]  # fmt: skip
# Stands for the Hub org in a card's source (`render_card_source`): the build fills in its --org, `push --org` its own.
ORG_MARK = "\ue000org\ue000"
# A path of the build machine: absolute (`/home/...`, `C:\...`) or in a home folder (`~/...`); not a URL's path.
LOCAL_PATH = re.compile(r"(?<![\w.:/~\\-])/[\w.@+-]+/[\w.@+/-]*|(?<!\w)[A-Za-z]:\\[\w.\\-]+|(?<![\w./~])~/[\w./-]+")
REQUIRED_KEYS = ("license", "pretty_name", "task_categories", "tags", "size_categories", "language", "configs",
                 "dataset_info")  # fmt: skip


class CardError(ValueError):
    """The card's YAML would be rejected by the Hub (or mislead users)."""


@dataclass
class CardSpec:
    """What a builder says about its dataset; the statistics come in `context`."""

    name: str
    pretty_name: str
    license: str
    template: str  # file name in cards/templates
    task_categories: list[str] = field(default_factory=lambda: ["text-generation"])
    tags: list[str] = field(default_factory=lambda: ["code", "competitive-programming"])
    language: list[str] = field(default_factory=lambda: ["en"])
    descriptions: dict[str, str] = field(default_factory=dict)  # column -> meaning
    context: dict = field(default_factory=dict)


def size_category(rows: int) -> str:
    return next((label for limit, label in SIZE_CATEGORIES if rows < limit), "n>100M")


def feature_type(feature) -> str:
    """A short human name for a feature type, for the column table."""
    if isinstance(feature, Value):
        return feature.dtype
    if isinstance(feature, dict):
        return "{" + ", ".join(f"{k}: {feature_type(v)}" for k, v in feature.items()) + "}"
    inner = getattr(feature, "feature", None)
    if inner is not None:
        return f"list[{feature_type(inner)}]"
    return type(feature).__name__


def card_data(spec: CardSpec, features: dict[str, Features], stats: dict[str, dict]) -> DatasetCardData:
    """Front matter from what was written: configs, data_files, dataset_info."""
    total_rows = sum(s.num_examples for splits in stats.values() for s in splits.values())
    data = DatasetCardData(
        license=spec.license, pretty_name=spec.pretty_name, task_categories=spec.task_categories, tags=spec.tags,
        language=spec.language, size_categories=[size_category(total_rows)],
    )  # fmt: skip
    data["configs"] = [
        {"config_name": config, "data_files": [{"split": split, "path": f"data/{config}/{split}-*"}
                                               for split in sorted(splits)]}
        for config, splits in sorted(stats.items())
    ]  # fmt: skip
    infos = DatasetInfosDict()
    for config, splits in sorted(stats.items()):
        split_dict = SplitDict()
        for split, s in sorted(splits.items()):
            split_dict.add(SplitInfo(name=split, num_bytes=s.num_bytes, num_examples=s.num_examples))
        infos[config] = DatasetInfo(
            features=features[config], splits=split_dict,
            download_size=sum(s.parquet_bytes for s in splits.values()),
            dataset_size=sum(s.num_bytes for s in splits.values()),
        )  # fmt: skip
    infos.to_dataset_card_data(data)
    return data


_environment = Environment(loader=PackageLoader("cards", "templates"), undefined=StrictUndefined,
                           keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)  # fmt: skip


def render_card_source(spec: CardSpec, features: dict[str, Features], stats: dict[str, dict]) -> str:
    """The card with `ORG_MARK` wherever the template names the Hub org (`{{ org }}`): `with_org` fills it in, so
    `push --org` can publish the card for another org exactly as a build with that org would have rendered it."""
    data = card_data(spec, features, stats)
    columns = {config: [(name, feature_type(f), spec.descriptions.get(name, "")) for name, f in feats.items()]
               for config, feats in features.items()}  # fmt: skip
    rows = {config: {split: s.num_examples for split, s in splits.items()} for config, splits in stats.items()}
    context = {**spec.context, "org": ORG_MARK} if "org" in spec.context else spec.context
    body = _environment.get_template(spec.template).render(
        spec=spec, columns=columns, rows=rows, configs=sorted(stats), **context
    )
    text = f"---\n{data.to_yaml()}\n---\n\n{body}"
    validate_card(text)
    return text


def with_org(source: str, org: str) -> str:
    return source.replace(ORG_MARK, org)


def render_card(spec: CardSpec, features: dict[str, Features], stats: dict[str, dict]) -> str:
    return with_org(render_card_source(spec, features, stats), spec.context.get("org", ""))


def shown_source(spec: str) -> str:
    """A file, folder or dataset (`DATASET[:config][@split][#column]`) as a card names it: a Hub id as given, a
    local path by its last part (`out/hub/ioi#problem` -> `ioi#problem`), never by a path of the build machine."""
    if Path(spec).exists():
        return Path(spec).name
    head, hash_, column = spec.rpartition("#") if "#" in spec else (spec, "", "")
    name, rest = head, ""
    for mark in ("@", ":"):
        if mark in name:
            name, found, tail = name.partition(mark)
            rest = found + tail + rest
    return (Path(name).name if Path(name).exists() else name) + rest + hash_ + column


def local_paths(text: str) -> list[str]:
    """The build machine's paths a card names (it must name none: they mean nothing on the Hub)."""
    return [match.group(0) for match in LOCAL_PATH.finditer(text)]


def front_matter(text: str) -> dict:
    if not text.startswith("---\n"):
        raise CardError("the card does not start with YAML front matter")
    end = text.find("\n---", 4)
    if end < 0:
        raise CardError("the card's YAML front matter is not closed")
    try:
        data = yaml.safe_load(text[4:end])
    except yaml.YAMLError as exc:
        raise CardError(f"the card's YAML does not parse: {exc}") from None
    if not isinstance(data, dict):
        raise CardError("the card's YAML front matter is not a mapping")
    return data


def validate_card(text: str) -> dict:
    """Check the card's YAML the way the Hub would, offline. Returns the metadata."""
    data = front_matter(text)
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise CardError(f"card YAML lacks {missing}")
    if data["license"] not in KNOWN_LICENSES:
        raise CardError(f"unknown licence id {data['license']!r}")
    unknown = [c for c in data["task_categories"] if c not in KNOWN_TASK_CATEGORIES]
    if unknown:
        raise CardError(f"unknown task categories {unknown}")
    if any(s not in {label for _, label in SIZE_CATEGORIES} | {"n>100M"} for s in data["size_categories"]):
        raise CardError(f"bad size_categories {data['size_categories']}")
    infos = data["dataset_info"] if isinstance(data["dataset_info"], list) else [data["dataset_info"]]
    info_names = {info.get("config_name", "default") for info in infos}
    for config in data["configs"]:
        if "config_name" not in config or "data_files" not in config:
            raise CardError(f"config entry {config} needs config_name and data_files")
        if config["config_name"] not in info_names:
            raise CardError(f"config {config['config_name']} has no dataset_info")
        for files in config["data_files"]:
            if "split" not in files or "path" not in files:
                raise CardError(f"data_files entry {files} needs split and path")
    for info in infos:
        if "features" not in info or "splits" not in info:
            raise CardError(f"dataset_info of {info.get('config_name')} needs features and splits")
    return data
