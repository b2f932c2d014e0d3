"""Benchmark statements to decontaminate against, from files or datasets.

A spec is one of:
- a text, Markdown or PDF file;
- a folder: every .txt, .md and .pdf file under it;
- a dataset, local folder or Hub id, with the column after `#` and optionally a
  config after `:` and a split after `@`: `out/hub/ioi#problem`,
  `livecodebench/code_generation_lite:release_v5@test#question_content`.
"""

from __future__ import annotations

from pathlib import Path

from datasets import DatasetDict, load_dataset

from builders.ioi.statements.pdf import pdf_markdown

TEXT_SUFFIXES = {".txt", ".md"}


def file_text(path: Path) -> str:
    """A benchmark file's text; a PDF is read as the `ioi` statements are (`builders/ioi/statements/pdf.py`), so
    its n-grams are those of the same statement in our datasets: exponents `10^15`, no page headers."""
    if path.suffix.lower() == ".pdf":
        return pdf_markdown(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return path.read_text(errors="replace")
    raise ValueError(f"{path}: a benchmark file must be .txt, .md or .pdf")


def dataset_texts(spec: str) -> list[str]:
    source, _, column = spec.rpartition("#")
    source, _, split = source.partition("@")
    name, _, config = source.partition(":")
    try:
        loaded = load_dataset(name, config or None, split=split or None)
    except (ConnectionError, FileNotFoundError, ValueError) as exc:
        raise ValueError(f"benchmark {spec!r}: cannot load dataset {name!r}: {exc}") from None
    parts = list(loaded.values()) if isinstance(loaded, DatasetDict) else [loaded]
    texts = []
    for part in parts:
        if column not in part.column_names:
            raise ValueError(f"benchmark {spec!r}: no column {column!r} (columns: {', '.join(part.column_names)})")
        texts += [str(value) for value in part[column] if value]
    return texts


def benchmark_texts(specs: list[str]) -> list[str]:
    """Every statement the specs name; a spec that names nothing is an error, not an empty benchmark."""
    texts: list[str] = []
    for spec in specs:
        path = Path(spec)
        if "#" in spec and not path.exists():
            found = dataset_texts(spec)
        elif path.is_file():
            found = [file_text(path)]
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES | {".pdf"})
            found = [file_text(p) for p in files]
        else:
            raise FileNotFoundError(f"benchmark {spec!r}: no such file or folder (a dataset needs #column)")
        if not any(text.strip() for text in found):
            raise ValueError(f"benchmark {spec!r}: no text found")
        texts += found
    return texts
