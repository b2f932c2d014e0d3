"""Build small task packages inside tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "ioi"
FINDPAIR = EXAMPLES / "2024" / "day1" / "findpair"
GUESS = EXAMPLES / "2024" / "day1" / "guess"
RELAY = EXAMPLES / "2024" / "day2" / "relay"
MAXSUB = EXAMPLES / "2021" / "day1" / "ioi2021-maxsub"
BITS = EXAMPLES / "2021" / "day1" / "ioi2021-bits"
BALANCE = EXAMPLES / "2026" / "day1" / "balance"
CMS_EXAMPLES = [FINDPAIR, GUESS, RELAY]
YAML_EXAMPLES = [MAXSUB, BITS]


def make_cms_package(
    root: Path,
    *,
    code: str = "task",
    task_type: str = "Batch",
    params: dict | list | None = None,
    protocol_version: int | None = None,
    score_type: str | None = None,
    time_limit: float = 1.0,
    memory_mb: int = 256,
    graders: dict[str, str] | None = None,
    checker: dict[str, str] | None = None,
    tests: dict[str, tuple[str, str]] | None = None,
    subtasks: dict[str, tuple] | None = None,
    solutions: dict[str, str] | None = None,
) -> Path:
    """A CMS export as the IOI archives lay it out. `params` is protocol 1's keyed object or
    protocol 2's positional list; a subtask is (score, tests) or (score, tests, extra keys),
    e.g. {"threshold": 0.5} or {"output_only": True}."""
    root.mkdir(parents=True, exist_ok=True)
    meta = {"code": code, "name": code.title(), "time_limit": time_limit, "memory_limit": memory_mb << 20,
            "score_precision": 2, "task_type": task_type}  # fmt: skip
    if protocol_version is None:  # IOI 2024/2025: an object inside a JSON string
        meta["task_type_params"] = json.dumps(params or {})
    else:  # IOI 2026: a positional list, as it is
        meta["protocol_version"] = protocol_version
        meta["task_type_params"] = params if params is not None else []
    if score_type is not None:
        meta["score_type"] = score_type
    (root / "problem.json").write_text(json.dumps(meta))
    for folder, files in (("graders", graders), ("checker", checker), ("solutions", solutions)):
        for name, text in (files or {}).items():
            (root / folder / name).parent.mkdir(parents=True, exist_ok=True)
            (root / folder / name).write_text(text)
    tests = tests or {"1": ("1\n", "1\n")}
    (root / "tests").mkdir(exist_ok=True)
    for name, (given, answer) in tests.items():
        (root / "tests" / f"{name}.in").write_text(given)
        (root / "tests" / f"{name}.out").write_text(answer)
    (root / "subtasks").mkdir(exist_ok=True)
    for name, (score, names, *extra) in (subtasks or {"01-all": (100, list(tests))}).items():
        data = {"score": score, "testcases": names, **(extra[0] if extra else {})}
        (root / "subtasks" / f"{name}.json").write_text(json.dumps(data))
    return root


def example_answer(body: dict) -> str:
    """A fake model's answer to an IOI prompt: full marks on findpair and balance, the wasteful
    (half-marks) solution on guess, nonsense elsewhere."""
    prompt = body["messages"][0]["content"]
    if "Balance Point" in prompt:
        code = (BALANCE / "solutions" / "model_solution" / "prefix_sums.cpp").read_text()
    elif "Find a Pair" in prompt:
        code = (FINDPAIR / "solutions" / "model_solution" / "hashing.cpp").read_text()
    elif "Guess the Number" in prompt:
        code = (GUESS / "solutions" / "partially_correct" / "wasteful.cpp").read_text()
    else:
        return "I do not know."
    subtask = re.search(r"Solve subtask `([^`]+)`", prompt).group(1)
    return f"<think>\nsubtask {subtask}\n</think>\n```cpp\n{code}```\n"
