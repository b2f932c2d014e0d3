"""The `olympicforge` command: one console script, a subcommand per area.

Only dispatch lives here; each area owns its own parser and handlers. An area's module is imported,
and its `add_parser` run, only when its command is chosen: `olympicforge judge ...` does not pay for
`datasets`, `huggingface_hub` or `pyarrow`, which the build commands import.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from olympicforge import __version__

# (command, the module whose add_parser(subparsers) registers it, the help `--help` lists it with)
AREAS = (
    ("judge", "judge.cli", "compile and judge submissions"),
    ("build", None, "build Hub datasets into out/hub"),
    ("codeforces", "builders.codeforces.cli", "Codeforces page tools"),
    ("push", "builders.hub.push", "publish built datasets to the Hugging Face Hub"),
    ("generate", "builders.generation.generate", "reasoning traces from a model, resumable and shardable"),
    ("filter", "builders.generation.pass_rate", "filter a dataset by what a model does on it"),
    ("eval", "builders.generation.ioi_eval", "benchmarks"),
    ("demo", "olympicforge.demo", "judge the bundled examples and build datasets from them (no network)"),
)
BUILDS = (
    ("ioi", "builders.ioi.build", "build ioi, ioi-test-cases and ioi-sample-solutions from packages"),
    ("codeforces", "builders.codeforces.build", "build the codeforces dataset (API + pages, cached)"),
    ("codeforces-cots", "builders.codeforces.cots", "judge `generate codeforces` runs and build codeforces-cots"),
    ("codeforces-tests", "builders.codeforces.synth.command", "synthesize test suites with a model (then --validate)"),
    ("ioi-cots", "builders.ioi.cots", "judge `generate ioi` runs and build ioi-cots"),
)


class UsageError(Exception):
    """Bad input from the user: printed as one clear line, exit code 2."""


class LazySubParsers(argparse._SubParsersAction):
    """Subcommands whose parsers their modules build only when chosen.

    `add_lazy` registers a placeholder carrying the command's help, so the parent's `--help` lists
    every command without importing any; choosing one imports its module and lets its `add_parser`
    build the real parser in the placeholder's place, before argparse parses the rest with it.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, str] = {}

    def add_lazy(self, name: str, module: str, help: str) -> None:
        self.add_parser(name, help=help)
        self.lazy[name] = module

    def load(self, name: str) -> None:
        module = self.lazy.pop(name, None)
        if module is None:
            return
        order = list(self._name_parser_map)
        place = next(i for i, choice in enumerate(self._choices_actions) if choice.dest == name)
        del self._choices_actions[place], self._name_parser_map[name]
        importlib.import_module(module).add_parser(self)
        if name not in self._name_parser_map:
            raise RuntimeError(f"{module}.add_parser did not register the command {name!r}")
        # the real parser takes the placeholder's place, in the help and in the choices alike
        self._choices_actions.insert(place, self._choices_actions.pop())
        parsers = dict(self._name_parser_map)
        self._name_parser_map.clear()
        self._name_parser_map.update((n, parsers[n]) for n in [*order, *(n for n in parsers if n not in order)])

    def load_all(self) -> None:
        for name in list(self.lazy):
            self.load(name)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        self.load(values[0])
        super().__call__(parser, namespace, values, option_string)


def build_parser(load_all: bool = False) -> argparse.ArgumentParser:
    """The whole command tree; `load_all` builds every command's parser now rather than when chosen."""
    parser = argparse.ArgumentParser(prog="olympicforge", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"olympicforge {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    areas = parser.add_subparsers(dest="area", required=True, metavar="COMMAND", action=LazySubParsers)
    for name, module, help in AREAS:
        if module is not None:
            areas.add_lazy(name, module, help)
            continue
        build = areas.add_parser(name, help=help)
        builds = build.add_subparsers(dest="dataset", required=True, metavar="DATASET", action=LazySubParsers)
        for dataset, dataset_module, dataset_help in BUILDS:
            builds.add_lazy(dataset, dataset_module, dataset_help)
        if load_all:
            builds.load_all()
    if load_all:
        areas.load_all()
    return parser


def user_errors() -> tuple[type[Exception], ...]:
    """The errors printed as one line. An error class of a module not imported cannot have been raised."""
    errors = [UsageError, FileNotFoundError, ValueError, ConnectionError]
    for module, name in (("builders.codeforces.fetch", "FetchError"), ("builders.hub.push", "PushError"),
                         ("judge.executors.ray_cluster", "ExecutorError")):
        if module in sys.modules:
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from rich.console import Console
    from rich.logging import RichHandler

    level = logging.WARNING - 10 * min(args.verbose, 2)
    # logs go to stderr: stdout carries only results (and with --json, only JSON)
    handler = RichHandler(show_path=False, console=Console(stderr=True))
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler])
    try:
        return int(args.handler(args) or 0)
    except user_errors() as exc:  # evaluated when an exception is being matched
        print(f"olympicforge: error: {exc}", file=sys.stderr)
        return 2
