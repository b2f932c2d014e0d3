"""`olympicforge push`: publish built datasets (out/hub/<name>) to the Hugging Face Hub.

A dataset is validated before anything of it is uploaded: parquet files
readable, the card's YAML valid, its `dataset_info` features and row counts
matching the files, every `data_files` glob resolving, no stray data file.
The upload sends only files whose content changed and deletes files the new
build no longer has, in one commit that also carries the card. The card is
the one rendered for `--org` (from the source the build recorded), so its
snippets and cross-references name the org it is pushed to, whatever org the
build was run with. A warning that retries repeat is printed once.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyarrow.parquet as pq
from datasets import Features
from datasets.info import DatasetInfosDict
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, DatasetCardData, HfApi, get_token
from huggingface_hub.errors import HfHubHTTPError, HFValidationError
from huggingface_hub.utils import validate_repo_id
from rich.console import Console
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from builders.hub.writer import CARD_SOURCE
from cards.card import CardError, local_paths, validate_card, with_org

log = logging.getLogger(__name__)
ALL_DATASETS = ("codeforces", "codeforces-cots", "ioi", "ioi-test-cases", "ioi-sample-solutions", "ioi-cots",
                "ioi-2024-model-solutions")  # fmt: skip
YEARLY_MODEL_SOLUTIONS = "ioi-*-model-solutions"  # `eval ioi` writes one per year evaluated (ioi-2026-...)
RETRY_SECONDS = 1.0  # backoff multiplier for network errors and 5xx answers
ORG_RULES = ("letters, digits, '-', '_' and '.', not starting or ending with '-' or '.', no '--' or '..', "
             "at most 96 characters")  # fmt: skip
# what makes one retry's warning differ from the last: huggingface_hub's "Retrying in 2s [Retry 2/5]."
RETRY_DETAILS = re.compile(r"[\d.]+s(?: before retry)? \[Retry \d+/\d+\]")


class PushError(RuntimeError):
    """Publishing cannot go ahead: names the dataset and what is wrong."""


@dataclass
class LocalFile:
    path: str  # relative to the dataset folder, "/"-separated
    size: int
    sha256: str
    git_sha1: str  # the blob id git (and the Hub, for non-LFS files) gives this content


@dataclass
class Plan:
    repo_id: str
    revision: str
    add: list[LocalFile] = field(default_factory=list)
    replace: list[LocalFile] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    remote_known: bool = True
    contents: dict[str, bytes] = field(default_factory=dict)  # files uploaded from memory, not from the folder

    @property
    def empty(self) -> bool:
        return not (self.add or self.replace or self.delete)

    def message(self) -> str:
        parts = [f"{len(self.add)} added", f"{len(self.replace)} replaced", f"{len(self.delete)} deleted"]
        changed = sorted({Path(f.path).parent.name for f in self.add + self.replace if f.path.startswith("data/")})
        configs = f" (configs: {', '.join(changed)})" if changed else ""
        return f"Update {self.repo_id.split('/')[-1]}: " + ", ".join(parts) + configs


def check_org(org: str) -> None:
    """The Hub's rules for a user or organisation name (huggingface_hub's own check, ASCII only), one line if not."""
    try:
        if "/" in org or not org.isascii():
            raise HFValidationError(org)
        validate_repo_id(org)
    except HFValidationError:
        raise PushError(f"--org {org!r}: not a Hub user or organisation name ({ORG_RULES})") from None


def _local_file(relative: str, size: int, chunks) -> LocalFile:
    sha256, git = hashlib.sha256(), hashlib.sha1(b"blob %d\0" % size)
    for chunk in chunks:
        sha256.update(chunk)
        git.update(chunk)
    return LocalFile(relative, size, sha256.hexdigest(), git.hexdigest())


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def describe(folder: Path, contents: dict[str, bytes] | None = None) -> list[LocalFile]:
    """Every file with its content ids, hashed in chunks: test suites run to gigabytes. `contents` replaces
    what some files hold on disk (the card rewritten for the org it is pushed to)."""
    contents = contents or {}
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        relative = path.relative_to(folder).as_posix()
        if relative in contents:
            files.append(_local_file(relative, len(contents[relative]), [contents[relative]]))
        else:
            files.append(_local_file(relative, path.stat().st_size, _chunks(path)))
    return files


def card_for_org(folder: Path, org: str) -> tuple[str, str | None]:
    """The card to publish under `org`, and why it cannot be (one line) or None.

    The build recorded its card's source (`CARD_SOURCE`: the card with a mark where the template names the org),
    so the card for `org` is exactly what a build with `--org ORG` would have rendered: every snippet and
    cross-reference names `org`, and nothing else changes (a benchmark on another org's dataset keeps its name)."""
    card = (folder / "README.md").read_text()
    try:
        recorded = json.loads((folder / CARD_SOURCE).read_text())
        built_for, source = recorded["org"], recorded["card"]
    except FileNotFoundError:  # built before cards kept their source, or without an org
        others = sorted({found for found in re.findall(r'load_dataset\("([^"/]+)/', card) if found != org})
        if others:
            return card, (f"{folder.name}/README.md names the org {others[0]!r} and cannot be rewritten for --org "
                          f"{org!r} (built before cards kept their source): rebuild it")  # fmt: skip
        return card, None
    except (ValueError, KeyError, TypeError) as exc:
        return card, f"{folder / CARD_SOURCE}: unreadable ({exc}); rebuild the dataset"
    if with_org(source, built_for) != card:  # edited by hand since the build
        if built_for == org:
            return card, None
        return card, (f"{folder.name}/README.md was edited after the build (for org {built_for!r}), so it "
                      f"cannot be rewritten for --org {org!r}: rebuild with --org {org}, or push with --org "
                      f"{built_for}")  # fmt: skip
    return with_org(source, org), None


def _check_files(folder: Path, relatives: list[str], info, problems: list[str]) -> tuple[int, int]:
    """Rows and bytes of parquet files, noting unreadable ones and feature mismatches."""
    rows = size = 0
    for relative in relatives:
        try:
            metadata, schema = pq.read_metadata(folder / relative), pq.read_schema(folder / relative)
        except Exception as exc:  # any unreadable parquet stops the push
            problems.append(f"{folder.name}/{relative}: unreadable parquet: {exc}")
            continue
        rows += metadata.num_rows
        size += (folder / relative).stat().st_size
        if Features.from_arrow_schema(schema) != info.features:
            problems.append(f"{folder.name}/{relative}: features differ from the card's dataset_info")
    return rows, size


def validate(folder: Path, org: str | None = None) -> list[str]:
    """Everything wrong with a built dataset folder (empty list: ready to publish), with its card as it would
    be published under `org` (default: as built)."""
    card = folder / "README.md"
    if not card.exists():
        return [f"{folder}: no README.md card"]
    problems: list[str] = []
    text = card.read_text()
    if org is not None:
        text, problem = card_for_org(folder, org)
        problems += [problem] if problem else []
    try:
        meta = validate_card(text)
    except CardError as exc:
        return [f"{card}: {exc}"]
    paths = local_paths(text)
    if paths:
        problems.append(f"{card}: names {paths[0]!r}, a path of the build machine (it means nothing on the Hub)")
    infos = DatasetInfosDict.from_dataset_card_data(DatasetCardData(**meta))
    files = [f.path for f in describe(folder) if f.path.startswith("data/")]
    claimed: set[str] = set()
    for config in meta["configs"]:
        name, info = config["config_name"], infos.get(config["config_name"])
        if info is None:
            problems.append(f"{folder.name}/{name}: no dataset_info")
            continue
        config_bytes = 0
        for entry in config["data_files"]:
            where = f"{folder.name}/{name}/{entry['split']}"
            matched = [f for f in files if fnmatch.fnmatch(f, entry["path"])]
            if not matched:
                problems.append(f"{where}: data_files {entry['path']!r} match no file")
                continue
            claimed.update(matched)
            rows, size = _check_files(folder, matched, info, problems)
            config_bytes += size
            expected = info.splits[entry["split"]].num_examples if entry["split"] in (info.splits or {}) else None
            if expected != rows:
                problems.append(f"{where}: card says {expected} rows, files hold {rows}")
        if info.download_size is not None and info.download_size != config_bytes:
            problems.append(f"{folder.name}/{name}: card says {info.download_size} bytes, files hold {config_bytes}")
    problems += [f"{folder.name}/{stray}: a data file no config refers to" for stray in sorted(set(files) - claimed)]
    return problems


def remote_listing(api: HfApi, repo_id: str, revision: str) -> dict[str, str] | None:
    """path -> content id (sha256 for LFS files, git blob id otherwise); None if the repo does not exist."""
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    try:
        entries = api.list_repo_tree(repo_id, recursive=True, expand=True, revision=revision, repo_type="dataset")
        return {e.path: (e.lfs.sha256 if getattr(e, "lfs", None) else e.blob_id)
                for e in entries if hasattr(e, "blob_id")}  # fmt: skip
    except (RepositoryNotFoundError, RevisionNotFoundError):
        return None


def make_plan(folder: Path, repo_id: str, revision: str, remote: dict[str, str] | None,
              contents: dict[str, bytes] | None = None) -> Plan:  # fmt: skip
    plan = Plan(repo_id, revision, remote_known=remote is not None, contents=dict(contents or {}))
    remote = remote or {}
    local = describe(folder, plan.contents)
    for file in local:
        if file.path not in remote:
            plan.add.append(file)
        elif remote[file.path] in (file.sha256, file.git_sha1):
            plan.unchanged.append(file.path)
        else:
            plan.replace.append(file)
    keep = {f.path for f in local}
    plan.delete = sorted(p for p in remote if p not in keep and p != ".gitattributes")
    return plan


class _Transient(Exception):
    pass


class _Once(logging.Filter):
    """Lets the first of identical warnings through and counts the others. A record passes each handler's
    filters: its verdict is kept on it, so a record shown by two handlers counts once."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter = Counter()
        self.last: dict[tuple, str] = {}  # the latest of each: how far the retries went

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        if not hasattr(record, "_olympicforge_once"):
            message = record.getMessage()
            key = (record.name, record.levelno, RETRY_DETAILS.sub("", message))
            self.counts[key] += 1
            self.last[key] = message
            record._olympicforge_once = self.counts[key] == 1
        return record._olympicforge_once


@contextmanager
def warnings_once() -> Iterator[None]:
    """Within: a warning identical to an earlier one (retries repeat theirs) is not printed again; on the way
    out, each repeated one is printed once more with its count. huggingface_hub's own stderr handler stands
    aside while another handler (the CLI's) prints its records, so they do not show twice either."""
    once = _Once()
    hub_logger = logging.getLogger("huggingface_hub")
    own = list(hub_logger.handlers) if logging.getLogger().handlers and hub_logger.propagate else []
    for handler in own:
        hub_logger.removeHandler(handler)
    handlers = [*logging.getLogger().handlers, *hub_logger.handlers, *log.handlers]
    for handler in handlers:
        handler.addFilter(once)
    try:
        yield
    finally:
        for key, count in list(once.counts.items()):
            if count > 1:
                log.warning("%s (%d times in all)", once.last[key], count)
        for handler in handlers:
            handler.removeFilter(once)
        for handler in own:
            hub_logger.addHandler(handler)


def push_dataset(api: HfApi, folder: Path, plan: Plan, private: bool, tag: str | None) -> str | None:
    """Create the repo if needed and apply the plan in one commit (retried on network errors)."""

    @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=RETRY_SECONDS, max=30),
           retry=retry_if_exception_type(_Transient), reraise=True)  # fmt: skip
    def attempt():
        try:
            api.create_repo(plan.repo_id, repo_type="dataset", private=private, exist_ok=True)
            if plan.empty:
                return None
            operations = [CommitOperationAdd(f.path, plan.contents[f.path] if f.path in plan.contents
                                             else str(folder / f.path)) for f in plan.add + plan.replace]  # fmt: skip
            operations += [CommitOperationDelete(path) for path in plan.delete]
            info = api.create_commit(plan.repo_id, operations, commit_message=plan.message(), repo_type="dataset",
                                     revision=plan.revision)  # fmt: skip
            return info.oid
        except (httpx.TransportError, httpx.TimeoutException, ConnectionError) as exc:
            log.warning("network error pushing %s: %s (retrying)", plan.repo_id, exc)
            raise _Transient(str(exc)) from exc
        except HfHubHTTPError as exc:  # a commit is atomic on the Hub: retrying after a 5xx is safe
            status = exc.response.status_code if exc.response is not None else None
            if status == 429 or (status or 0) >= 500:
                log.warning("the Hub answered %s pushing %s (retrying)", status, plan.repo_id)
                raise _Transient(str(exc)) from exc
            raise

    commit = attempt()
    if tag:
        api.create_tag(plan.repo_id, tag=tag, revision=plan.revision, repo_type="dataset", exist_ok=True)
    return commit


def add_parser(areas: argparse._SubParsersAction) -> None:
    push = areas.add_parser("push", help="publish built datasets to the Hugging Face Hub")
    push.add_argument("--org", required=True)
    push.add_argument("--datasets", help=f"comma-separated names (default: those of {', '.join(ALL_DATASETS)} "
                      "built under --out)")  # fmt: skip
    push.add_argument("--out", type=Path, default=Path("out/hub"), help="where the built datasets are")
    push.add_argument("--private", action="store_true")
    push.add_argument("--revision", default="main")
    push.add_argument("--tag")
    push.add_argument("--dry-run", action="store_true", help="print the plan; write nothing")
    push.add_argument("--offline", action="store_true", help="with --dry-run: plan from the local build alone")
    push.set_defaults(handler=cmd_push)


def cmd_push(args: argparse.Namespace) -> int:
    from judge.cli import wide_console

    console = wide_console()
    check_org(args.org)
    if args.datasets:
        names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    else:
        names = [name for name in ALL_DATASETS if (args.out / name).is_dir()]
        names += sorted(p.name for p in args.out.glob(YEARLY_MODEL_SOLUTIONS) if p.is_dir() and p.name not in names)
        skipped = [name for name in ALL_DATASETS if name not in names]
        if not names:
            raise PushError(f"{args.out}: no dataset built there (known: {', '.join(ALL_DATASETS)})")
        if skipped:
            console.print(f"not built, so not pushed: {', '.join(skipped)}")
    if args.offline and not args.dry_run:
        raise PushError("--offline only makes sense with --dry-run")
    token = os.environ.get("HF_TOKEN") or get_token()
    if not token and not args.dry_run:
        raise PushError("no Hugging Face token: set HF_TOKEN or run `hf auth login` (nothing was pushed)")
    api = HfApi(token=token)
    with warnings_once():
        failures = push_all(api, names, args, console)
    return 1 if failures else 0


def push_all(api: HfApi, names: list[str], args: argparse.Namespace, console: Console) -> int:
    """Validate, plan and (without --dry-run) push each dataset; the number that failed validation."""
    failures = 0
    unreachable = False
    for name in names:
        folder = args.out / name
        if not folder.is_dir():
            console.print(f"[red]{name}: not built ({folder} is missing); run the builder first[/]")
            failures += 1
            continue
        problems = validate(folder, args.org)
        if problems:
            failures += 1
            console.print(f"[red]{name}: not pushed, validation failed:[/]")
            for problem in problems:
                console.print(f"  - {problem}", markup=False)
            continue
        card, _ = card_for_org(folder, args.org)
        contents = {"README.md": card.encode()} if card != (folder / "README.md").read_text() else {}
        repo_id = f"{args.org}/{name}"
        remote = None
        if not args.offline and not unreachable:
            try:
                remote = remote_listing(api, repo_id, args.revision)
            except Exception as exc:  # any network failure (the client may use its own HTTP library)
                if not args.dry_run:
                    raise PushError(f"{repo_id}: cannot list the remote repo: {exc}") from exc
                console.print(f"[yellow]{repo_id}: the Hub is not reachable ({type(exc).__name__}); "
                              "planning from the local builds alone[/]")  # fmt: skip
                unreachable = True
        plan = make_plan(folder, repo_id, args.revision, remote, contents)
        print_plan(plan, console)
        if contents:
            console.print(f"  README.md: the card as rendered for --org {args.org}", markup=False)
        if args.dry_run:
            continue
        commit = push_dataset(api, folder, plan, args.private, args.tag)
        console.print(f"{repo_id}: " + (f"commit {commit}" if commit else "already up to date"))
    return failures


def print_plan(plan: Plan, console: Console) -> None:
    where = "" if plan.remote_known else " (new repo, or remote not consulted)"
    console.print(f"[bold]{plan.repo_id}[/] @ {plan.revision}{where}: {plan.message()}")
    for label, files in (("add", plan.add), ("replace", plan.replace)):
        for f in files:
            console.print(f"  {label:8} {f.path} ({f.size} bytes)")
    for path in plan.delete:
        console.print(f"  delete   {path}")
