"""A small `codeforces` dataset written in the published layout, for generation tests."""

from __future__ import annotations

from pathlib import Path

from builders.codeforces.build import FEATURES
from builders.hub.writer import HubLayout

SUM_STATEMENT = "Given two integers a and b with absolute values up to two billion, print their sum."
REVERSE_STATEMENT = (
    "A line of lowercase words is written on the blackboard by the teacher. Print the words of that line in "
    "reverse order, separated by single spaces."
)  # fmt: skip


def problem(cid: int, index: str, title: str, description: str, examples, **fields) -> dict:
    row = {name: None for name in FEATURES}
    row |= {"id": f"{cid}/{index}", "aliases": [], "contest_id": str(cid), "contest_name": f"Round {cid}",
            "contest_type": "CF", "contest_start": 1_600_000_000, "contest_start_year": 2020, "index": index,
            "time_limit": 1.0, "memory_limit": 256.0, "title": title, "description": description,
            "input_format": "The input is one line.", "output_format": "Print one line.", "interaction_format": "",
            "note": "", "examples": [{"input": i, "output": o} for i, o in examples], "editorial": "",
            "rating": 800, "tags": ["implementation"], "solutions": [], "testset_size": None, "official_tests": [],
            "official_tests_complete": False, "input_mode": "stdio", "executable": True}  # fmt: skip
    return row | fields


def write_codeforces_dataset(out: Path, rows: list[dict] | None = None) -> Path:
    """1000/A (sum, with editorial and official tests), 1000/B (reverse words), 1000/C (interactive);
    or the given `rows` (made with `problem`)."""
    rows = rows or [
        problem(1000, "A", "Sum of Two", SUM_STATEMENT, [("1 2\n", "3\n")], editorial="Add them in 64 bits.",
                official_tests=[{"input": "5 7\n", "output": "12\n"},
                                {"input": "1500000000 1500000000\n", "output": "3000000000\n"}],
                official_tests_complete=True),
        problem(1000, "B", "Reverse Words", REVERSE_STATEMENT, [("a b c\n", "c b a\n"), ("x\n", "x\n")]),
        problem(1000, "C", "Guess", "Guess the number.", [("", "")], interaction_format="Ask queries."),
    ]  # fmt: skip
    with HubLayout(out, "codeforces") as layout:
        with layout.split("default", "train", FEATURES) as writer:
            for row in rows:
                writer.write(row)
        layout.commit("---\n---\n")
    return out / "codeforces"
