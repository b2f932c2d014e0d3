"""The model's test-synthesis traces as `codeforces-cots` configs, each row saying
whether its program was used in a validated suite, or why not.

Configs, as the anchor names them: `test_input_generator` (generators) and
`checker_interactor` (the answer's kind and its checker); and ours,
`input_validator` (validators). They need a validated run (`--validate`): the
fates come from its `synth.jsonl`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from datasets import Features, List, Value

from builders.codeforces.synth.answers import answer_kind
from builders.codeforces.synth.command import RECORDS
from builders.generation.extract import extract_code
from builders.generation.ioi_traces import MESSAGE
from builders.generation.runs import read_generations, sft_messages
from judge.paths import read_appended_jsonl

CONFIG_OF_ROLE = {"generator": "test_input_generator", "checker": "checker_interactor", "validator": "input_validator"}
USAGE = {"completion_tokens": Value("int64"), "prompt_tokens": Value("int64"), "total_tokens": Value("int64")}


def trace_features(problem_features: dict) -> Features:
    return Features({
        **problem_features, "prompt": Value("string"), "generation": Value("string"),
        "finish_reason": Value("string"), "api_metadata": USAGE, "messages": List(MESSAGE),
        "role": Value("string"), "code": Value("string"), "kind": Value("string"), "used": Value("bool"),
        "refusal": Value("string"), "suite_published": Value("bool"),
    })  # fmt: skip


DESCRIPTIONS = {
    "role": "generator, validator or checker: what the model was asked to write",
    "code": "the answer's last Python block (empty when none)",
    "kind": "checker_interactor only: the model's call on the output (single, multiple, interactive)",
    "used": "the program passed validation and made (or checked) tests of the suite",
    "refusal": "why the program was not used (empty when used)",
    "suite_published": "the problem's suite met the quality threshold and was published",
}


def trace_rows(run: Path, problems: dict[str, dict], problem_columns: Callable[[dict], dict]) -> list[dict]:
    """One row per generation of a validated `build codeforces-tests` run, `_config` set;
    `problem_columns` gives the problem's columns as the other cots configs carry them."""
    if not (run / RECORDS).exists():
        raise ValueError(f"{run}: no {RECORDS}; run `build codeforces-tests --validate --out {run}` first")
    records = {r["problem"]: r for r in read_appended_jsonl(run / RECORDS)}
    rows = []
    for generation in read_generations(run):
        if generation["finish_reason"] == "error" or generation["problem"] not in records:
            continue
        if generation["problem"] not in problems:
            raise ValueError(f"{run}: generation {generation['key']!r} names a problem the dataset does not have")
        record, role = records[generation["problem"]], generation["variant"]
        report = record["report"]
        code, _ = extract_code(generation["generation"], "python")
        problem = problem_columns(problems[generation["problem"]])
        used = bool(report["used"].get(generation["key"]))
        rows.append({
            **problem, "prompt": generation["messages"][0]["content"], "generation": generation["generation"],
            "finish_reason": generation["finish_reason"], "api_metadata": generation["usage"],
            "messages": sft_messages(generation), "role": role, "code": code,
            "kind": answer_kind(generation["generation"]) if role == "checker" else None, "used": used,
            "refusal": "" if used else report["refused"].get(generation["key"], "not needed"),
            "suite_published": bool(record["written"]), "_config": CONFIG_OF_ROLE[role],
        })  # fmt: skip
    return rows
