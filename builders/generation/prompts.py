"""Prompts in our own words, as editable jinja2 templates (builders/generation/templates)."""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, StrictUndefined

SAMPLES = re.compile(r"sample|example", re.IGNORECASE)  # a 0-point subtask named so is judged on the examples
LANGUAGES = {"cpp": ("C++17", "cpp"), "python": ("Python 3", "python")}
_environment = Environment(loader=PackageLoader("builders.generation", "templates"), undefined=StrictUndefined,
                           keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)  # fmt: skip


def codeforces_prompt(row: dict, language: str, with_editorial: bool = False) -> str:
    """A Codeforces problem (the `codeforces` row fields) as a prompt in C++17 or Python 3."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use {', '.join(LANGUAGES)}")
    name, fence = LANGUAGES[language]
    return _environment.get_template("codeforces.md.j2").render(
        row=row, language_name=name, fence=fence, with_editorial=with_editorial
    )


TEST_ROLES = ("generator", "validator", "checker")  # what a model writes to synthesize a test suite


def codeforces_test_prompt(row: dict, role: str) -> str:
    """A Codeforces problem as a request for one piece of a test suite: an input generator,
    an input validator, or the answer's kind (single / multiple / interactive) with a checker."""
    if role not in TEST_ROLES:
        raise ValueError(f"unknown test-synthesis role {role!r}: use {', '.join(TEST_ROLES)}")
    # the shared statement template asks whether to show the editorial: these prompts never do
    return _environment.get_template(f"codeforces_{role}.md.j2").render(row=row, with_editorial=False)


def ioi_prompt(task, statement: str, subtask: str, points: int, starting_code: str,
               general: list[str] | None = None, row=None) -> str:  # fmt: skip
    """One IOI subtask as a prompt: statement, the subtask with its constraints, limits, starting code,
    what to submit. `general` are the statement's constraints, `row` the subtask's row of its subtask table
    (a `SubtaskRow`); without a row the prompt points to the statement's subtask list instead."""
    return _environment.get_template("ioi.md.j2").render(
        task=task, statement=statement.strip(), subtask=subtask, points=points,
        memory_mb=task.memory_limit // 2**20, starting_code=starting_code.strip(),
        output_only=str(task.task_type) == "OutputOnly", general=general or [], row=row,
        samples=points == 0 and (row.examples_only if row is not None else bool(SAMPLES.search(subtask))),
    )  # fmt: skip


def chat(prompt: str, prefill_think: bool = False) -> list[dict]:
    """Chat messages for a prompt; with `prefill_think` the answer starts inside `<think>`."""
    messages = [{"role": "user", "content": prompt}]
    if prefill_think:
        messages.append({"role": "assistant", "content": "<think>\n"})
    return messages
