"""IOI generations, from prompts to judged rows: shared by `eval ioi` (the 2024
benchmark and `ioi-2024-model-solutions`) and the `ioi-cots` builder (2020-2023).

Prompts are the `ioi` dataset's per-subtask `problem` column; every generation is
judged on the task's official tests (all subtasks, so a trace aimed at one subtask
still says what it scores elsewhere), resuming from `results.jsonl`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from pathlib import Path

from datasets import Features, List, Value, load_dataset

from builders.generation.extract import extract_code
from builders.generation.prompts import chat
from builders.generation.runs import WorkItem, read_generations, sft_messages
from judge.batcheval import SubmissionJob, evaluate_many
from judge.executors import Executor
from judge.loaders.rows import task_from_rows
from judge.paths import read_appended_jsonl

MESSAGE = {"role": Value("string"), "content": Value("string")}
IOI_TRACE_FEATURES = Features({
    "year": Value("int64"), "day": Value("string"), "problem_id": Value("string"), "problem_name": Value("string"),
    "target_subtask": Value("string"), "prompt": Value("string"), "generation": Value("string"),
    "code": Value("string"), "uuid": Value("string"), "messages": List(MESSAGE),
    "metadata": {"usage": {"completion_tokens": Value("int64"), "prompt_tokens": Value("int64"),
                           "total_tokens": Value("int64")}},
    "finish_reason": Value("string"), "code_compiles": Value("bool"), "target_subtask_score": Value("float64"),
    "target_subtask_status": Value("string"), "all_subtasks_points": Value("float64"),
    "all_subtasks_results": List({
        "subtask": Value("string"), "points": Value("float64"), "score": Value("float64"),
        "weighted_score": Value("float64"), "status": Value("string"),
        "tests": List({"name": Value("string"), "verdict": Value("string"), "time": Value("float64"),
                       "memory": Value("int64")}),
    }),
})  # fmt: skip
IOI_TRACE_DESCRIPTIONS = {
    "target_subtask": "the subtask the prompt asked for", "prompt": "the user prompt",
    "generation": "the model's whole answer", "code": "the last C++ block of the answer (empty when none)",
    "messages": "prompt + answer as chat messages, ready for SFT", "metadata": "token usage reported by the server",
    "code_compiles": "whether the code compiled with the official grader",
    "target_subtask_score": "score in [0, 1] on the target subtask", "all_subtasks_points": "points on the task",
    "all_subtasks_results": "per subtask: points, score, weighted score, status and per-test verdicts",
}  # fmt: skip


def parse_years(text: str) -> set[int]:
    """`2024`, `2020-2023` or a comma-separated mix of both (`2024,2026`)."""
    years: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        low, _, high = part.partition("-")
        try:
            years.update(range(int(low), int(high or low) + 1))
        except ValueError:
            raise ValueError(f"--years wants A-B or A (e.g. 2020-2023, or 2024,2026), not {text!r}") from None
    return years


# what judging needs of an `ioi` row, and of an `ioi-test-cases` row (the anchor's datasets have them too)
IOI_COLUMNS = ("year", "day", "id", "name", "subtask", "score", "problem", "test_names", "grader_files")
TEST_COLUMNS = ("problem_id", "test_name", "test_input", "test_output")


def _configs(dataset: str) -> list[str]:
    """The dataset's config names; [] when they cannot be read (loading it then says why)."""
    from datasets import get_dataset_config_names

    try:
        return list(get_dataset_config_names(dataset))
    except Exception:  # unreachable, missing or unreadable: left to load_dataset's own error
        return []


def _columns(dataset: str, config: str | None) -> list[str] | None:
    """The columns of the dataset's first split, from one streamed row: nothing is downloaded whole to find
    out that it is the wrong dataset. None when they cannot be read (loading it then says why)."""
    try:
        part = next(iter(load_dataset(dataset, config, streaming=True).values()))
        return list(part.column_names or next(iter(part)))
    except Exception:  # unreachable, empty or unreadable: left to load_dataset's own error
        return None


def _guess(configs: list[str], columns: list[str] = ()) -> str:
    if configs and all(c.isdigit() for c in configs) or "test_input" in columns:
        return " (it looks like an ioi-test-cases dataset: pass that with --tests)"
    if "contest_id" in columns or {"verifiable", "verifiable-prompts"} & set(configs):
        return " (it looks like a codeforces dataset)"
    return ""


def _check_ioi(dataset: str, configs: list[str], columns: list[str] | None = None) -> None:
    """One line naming what an ioi dataset has and this one lacks."""
    expected = f"an ioi dataset has a `default` config with the columns {', '.join(IOI_COLUMNS)}"
    if configs and "default" not in configs:
        raise ValueError(f"{dataset}: not an ioi dataset: its configs are {', '.join(configs)}; {expected}"
                         f"{_guess(configs)}")  # fmt: skip
    missing = [c for c in IOI_COLUMNS if c not in columns] if columns is not None else []
    if missing:
        raise ValueError(f"{dataset}: not an ioi dataset: no column {', '.join(missing)}; {expected}"
                         f"{_guess(configs, columns or [])}")  # fmt: skip


def _load(dataset: str, *args, **kwargs):
    try:
        return load_dataset(dataset, *args, **kwargs)
    except ValueError as exc:  # an unknown split or config: say which dataset
        raise ValueError(f"{dataset}: {str(exc).splitlines()[0]}") from None


def load_ioi(dataset: str, split: str | None, tests: str | None,
             years: set[int] | None = None) -> tuple[list[dict], dict[str, list[dict]]]:  # fmt: skip
    """(ioi rows, {year: test rows}) from a local folder or a Hub id; tests found beside it. Without a
    split, every split is read and `years` picks the rows (each newer year has a split of its own).
    A dataset of another kind (codeforces, ioi-test-cases) is refused in one line that says what was expected."""
    configs = _configs(dataset)
    _check_ioi(dataset, configs)
    config = "default" if configs else None
    _check_ioi(dataset, configs, _columns(dataset, config))
    parts = [_load(dataset, config, split=split)] if split else list(_load(dataset, config).values())
    for part in parts:
        _check_ioi(dataset, configs, part.column_names)
    rows = [row for part in parts for row in part]
    if years:
        rows = [row for row in rows if int(row["year"]) in years]
    if not rows:
        what = f"split {split!r}" if split else "the dataset"
        wanted = f" from the years {', '.join(map(str, sorted(years)))}" if years else ""
        raise ValueError(f"{dataset}: {what} has no subtask{wanted}")
    source = tests or (str(Path(dataset).parent / "ioi-test-cases") if Path(dataset).exists() else
                       dataset.rsplit("/", 1)[0] + "/ioi-test-cases")  # fmt: skip
    years = sorted({str(r["year"]) for r in rows})
    return rows, {year: load_tests(source, year, named=tests is not None) for year in years}


def load_tests(source: str, year: str, named: bool = True) -> list[dict]:
    """The test rows of one IOI year, from an ioi-test-cases dataset (one config per year)."""
    where = "--tests" if named else "the ioi-test-cases dataset beside the ioi one (else pass --tests)"
    configs = _configs(source)
    expected = f"an ioi-test-cases dataset has one config per year with the columns {', '.join(TEST_COLUMNS)}"
    if configs and year not in configs:
        raise ValueError(f"{source} ({where}): no config {year} for the IOI {year} tasks (configs: "
                         f"{', '.join(configs)}); {expected}")  # fmt: skip
    part = _load(source, year, split="train")
    missing = [c for c in TEST_COLUMNS if c not in part.column_names]
    if missing:
        raise ValueError(f"{source} ({where}): not an ioi-test-cases dataset: no column {', '.join(missing)}; "
                         f"{expected}")  # fmt: skip
    return list(part)


def problem_key(row: dict) -> str:
    return f"{row['year']}/{row['id']}"


def work_items(rows: list[dict], generations: int, prefill_think: bool) -> list[WorkItem]:
    """One item per (problem, subtask, sample)."""
    return [WorkItem(problem_key(row), row["subtask"], sample, tuple(chat(row["problem"], prefill_think)))
            for row in rows for sample in range(generations)]  # fmt: skip


def judge_generations(rows: list[dict], tests: dict[str, list[dict]], run: Path, run_name: str,
                      workers: int | None = None, executor: Executor | None = None) -> list[dict]:  # fmt: skip
    """Judge every successful generation of the run folder (on `executor`, default a local pool of
    `workers`); results resume from `run/results.jsonl` and come back in the generations' order."""
    by_problem: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_problem[problem_key(row)].append(row)
    tasks = [task_from_rows(group, [t for t in tests[str(group[0]["year"])] if t["problem_id"] == group[0]["id"]])
             for group in by_problem.values()]  # fmt: skip
    jobs = []
    for record in read_generations(run):
        if record["finish_reason"] == "error" or record["problem"] not in by_problem:
            continue
        code, _ = extract_code(record["generation"], "cpp")
        first = by_problem[record["problem"]][0]
        extra = {"generation_length": len(record["generation"]), "problem_name": first["name"], "day": first["day"],
                 "prompt": record["messages"][0]["content"], "generation": record["generation"], "code": code,
                 "messages": sft_messages(record), "finish_reason": record["finish_reason"],
                 "metadata": {"usage": record["usage"]},
                 "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run_name}|{record['key']}"))}  # fmt: skip
        jobs.append(SubmissionJob(record["key"], record["problem"], code, target_subtask=record["variant"],
                                  extra=extra))  # fmt: skip
    evaluate_many(tasks, jobs, run / "results.jsonl", workers=workers, executor=executor)
    judged = {r["id"]: r for r in read_appended_jsonl(run / "results.jsonl")}
    return [judged[job.id] for job in jobs if job.id in judged]


def trace_row(result: dict) -> dict:
    """A judged result as a row of `ioi-cots` / `ioi-2024-model-solutions`."""
    year, problem_id = result["problem"].split("/", 1)
    subtasks = [{"subtask": s["name"], "points": s["points"], "score": s["score"],
                 "weighted_score": s["weighted_score"], "status": s["status"],
                 "tests": [{"name": t["name"], "verdict": t["verdict"], "time": t["time"], "memory": t["memory"]}
                           for t in s["tests"]]} for s in result["subtasks"]]  # fmt: skip
    return {"year": int(year), "day": str(result["day"]), "problem_id": problem_id,
            "problem_name": result["problem_name"], "target_subtask": result["target_subtask"],
            "prompt": result["prompt"], "generation": result["generation"], "code": result["code"],
            "uuid": result["uuid"], "messages": result["messages"], "metadata": result["metadata"],
            "finish_reason": result["finish_reason"], "code_compiles": result["code_compiles"],
            "target_subtask_score": result["target_subtask_score"],
            "target_subtask_status": result["target_subtask_status"], "all_subtasks_points": result["score"],
            "all_subtasks_results": subtasks}  # fmt: skip
