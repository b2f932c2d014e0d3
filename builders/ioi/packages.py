"""Find IOI task folders and read what the datasets need beyond the judge's Task:
the English statement, the contestant's starting code, and the licence.

Layouts (FORMATS.md section 1):
- IOI 2024: `<code>-CMS.zip` (the CMS export), `<code>.zip` (public: `cpp/<code>.cpp`),
  `translations/en.md`, `statements/en.pdf`;
- IOI 2025: the CMS export unpacked, `statement.pdf`, `attachments/<code>.zip`;
- IOI 2026: the CMS export (protocol 2) unpacked, `en.pdf`, `attachments/<code>.zip`;
- the task.yaml mirror: `statements: {en: ...pdf}`, `attachments`/`editor_templates`.
A Markdown statement is used when there is one; otherwise the PDF rebuilt as
Markdown (`builders/ioi/statements/pdf.py`), with a warning recorded. The statement's
constraints and subtask table are parsed for the prompts, and its scores checked
against the package's.
"""

from __future__ import annotations

import io
import logging
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from builders.ioi.statements.pdf import pdf_markdown
from builders.ioi.statements.subtasks import SubtaskRow, match_rows, parse
from judge.loaders import load_task
from judge.loaders.common import year_and_day
from judge.loaders.taskyaml import read_task_yaml
from judge.names import join_under, read_zip_member
from judge.task import PackageError, Task

log = logging.getLogger(__name__)

LICENCE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "license.txt")
LICENCE_IDS = (("cc0", "cc0-1.0"), ("cc by-sa 4.0", "cc-by-sa-4.0"), ("cc by 4.0", "cc-by-4.0"),
               ("creative commons attribution 4.0", "cc-by-4.0"), ("creative commons zero", "cc0-1.0"))  # fmt: skip
MAX_STARTING_CODE_BYTES = 4 << 20  # a contestant's template is kilobytes; more is a broken or hostile zip


@dataclass
class IoiPackage:
    """A loaded task plus what only the datasets need."""

    folder: Path
    task: Task
    statement: str
    statement_source: str  # "markdown: <file>" or "pdf: <file>"
    starting_code: str
    licence: str  # a Hub licence id, or "unknown"
    licence_source: str  # the licence file as a card may name it (`shown_path`), or why there is none
    warnings: list[str] = field(default_factory=list)
    general_constraints: list[str] = field(default_factory=list)  # the statement's Constraints section
    subtask_rows: dict[str, SubtaskRow] = field(default_factory=dict)  # subtask name -> its row of the table


def is_task_folder(path: Path) -> bool:
    return path.is_dir() and (
        (path / "problem.json").exists() or (path / "task.yaml").exists() or any(path.glob("*-CMS.zip"))
    )


def discover(roots: list[Path]) -> list[Path]:
    """Each root is a task folder, or a folder searched (recursively) for task folders."""
    found: list[Path] = []
    for root in roots:
        root = Path(root)
        if not root.exists():
            raise PackageError(f"package path {root} does not exist")
        if is_task_folder(root):
            found.append(root)
            continue
        stack = sorted(p for p in root.iterdir() if p.is_dir())
        before = len(found)
        while stack:
            folder = stack.pop(0)
            if is_task_folder(folder):
                found.append(folder)
            else:
                stack[:0] = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        if len(found) == before:
            raise PackageError(f"{root}: no task packages found (problem.json, task.yaml or *-CMS.zip)")
    return sorted(set(found))


def _cms_export(folder: Path) -> Path:
    zips = sorted(folder.glob("*-CMS.zip"))
    return zips[0] if zips else folder


def _statement(folder: Path, task: Task, yaml_data: dict | None) -> tuple[str, str, list[str]]:
    code = task.code
    markdown = [folder / "translations" / "en.md", folder / "statement.md", folder / "statement" / "en.md",
                folder / f"{code}.md"]  # fmt: skip
    pdfs = [folder / "statements" / "en.pdf", folder / "statement.pdf", folder / "en.pdf",
            folder / "statement" / f"{code}-en.pdf"]  # fmt: skip
    if yaml_data:
        english = ((yaml_data.get("statements") or {}).get("en")) or ""
        if english:
            statement = join_under(folder, str(english), str(folder / "task.yaml"), "statements.en")
            (markdown if str(english).endswith(".md") else pdfs).insert(0, statement)
    for file in markdown:
        if file.exists():
            return file.read_text(), f"markdown: {file.relative_to(folder)}", []
    for file in pdfs:
        if file.exists():
            text = pdf_markdown(file)
            if not text.strip():
                raise PackageError(f"{file}: the PDF statement has no extractable text")
            warning = f"{task.code}: statement extracted from {file.name} (PDF): layout and formulas may be imperfect"
            return text, f"pdf: {file.relative_to(folder)}", [warning]
    raise PackageError(f"{folder}: no English statement (translations/en.md, statement.md or a PDF)")


def _starting_code(folder: Path, task: Task, yaml_data: dict | None) -> tuple[str, list[str]]:
    code = task.code
    wanted = (f"cpp/{code}.cpp", f"{code}.cpp")
    if yaml_data:
        for template in yaml_data.get("editor_templates") or []:
            if not str(template).endswith(".cpp"):
                continue
            file = join_under(folder, str(template), str(folder / "task.yaml"), "editor_templates entry")
            if file.exists():
                return file.read_text(), []
    archives = [folder / f"{code}.zip", folder / "attachments" / f"{code}.zip", folder / "attachment" / f"{code}.zip"]
    for archive in archives:
        if archive.exists():
            with zipfile.ZipFile(archive) as zf:
                for info in zf.infolist():
                    if info.filename.endswith(wanted):
                        data = read_zip_member(zf, info, str(archive), MAX_STARTING_CODE_BYTES)  # links refused
                        return io.TextIOWrapper(io.BytesIO(data)).read(), []
    if task.task_type == "OutputOnly":
        return "", []
    return "", [f"{code}: no starting code found ({', '.join(wanted)} in {code}.zip or attachments/)"]


def shown_path(file: Path, root: Path) -> str:
    """`file` as a card may name it: under `root` as the user gave it (`examples/ioi/LICENSE`), or from the root
    folder's own name when it was given absolute or with `..` (`ioi/LICENSE`); never a path of the build machine.
    A file above `root` (a licence beside the years) climbs from there."""
    base, file = Path(os.path.abspath(root)), Path(os.path.abspath(file))
    shown = Path(root) if not Path(root).is_absolute() and ".." not in Path(root).parts else Path(base.name)
    while not file.is_relative_to(base) and base != base.parent:
        base = base.parent
        shown = shown.parent if len(shown.parts) > 1 else Path(base.name)
    return (shown / file.relative_to(base)).as_posix()


def _licence(folder: Path, root: Path) -> tuple[str, str]:
    for directory in (folder, *list(folder.parents)[:3]):
        for name in LICENCE_FILES:
            file = directory / name
            if file.exists():
                text = file.read_text(errors="replace").lower()
                for needle, licence in LICENCE_IDS:
                    if needle in text:
                        return licence, shown_path(file, root)
                return "other", shown_path(file, root)
    return "unknown", "no licence file found in or above the package"


def load_package(folder: Path, year: int | None = None, day: str | None = None,
                 root: Path | None = None) -> IoiPackage:  # fmt: skip
    """Load one task folder; year and day come from the path, else from the arguments. `root`: the folder the
    user named that holds it (default: the task folder), from which the card names the licence file."""
    folder = Path(folder)
    task = load_task(_cms_export(folder))
    try:
        return _with_dataset_fields(folder, task, year, day, Path(root) if root is not None else folder)
    except BaseException:
        if task.workspace is not None:  # an unpacked zip or gunzipped tests: gone now, not at exit
            task.workspace.cleanup()
        raise


def _with_dataset_fields(folder: Path, task: Task, year: int | None, day: str | None, root: Path) -> IoiPackage:
    path_year, path_day = year_and_day(folder)
    task.year = path_year or year
    task.day = path_day or day
    if task.year is None or task.day is None:
        raise PackageError(f"{folder}: year/day not in the path (like 2024/day1/<task>); pass --year and --day")
    yaml_data = read_task_yaml(folder / "task.yaml") if (folder / "task.yaml").exists() else None
    statement, source, warnings = _statement(folder, task, yaml_data)
    starting_code, more = _starting_code(folder, task, yaml_data)
    licence, licence_source = _licence(folder, root)
    constraints = parse(statement)
    rows, disagreements = match_rows(task.code, constraints.rows, task.subtasks)
    warnings = [*warnings, *more, *disagreements]
    for warning in warnings:
        log.warning("%s", warning)
    return IoiPackage(folder, task, statement, source, starting_code, licence, licence_source, warnings,
                      constraints.general, rows)  # fmt: skip
