"""The `olympicforge` command: one console script, a subcommand per area.

Only dispatch lives here; each area owns its own parser and handlers.
"""

from __future__ import annotations

import argparse
import logging
import sys

from rich.console import Console
from rich.logging import RichHandler

from builders.codeforces.fetch import FetchError
from builders.hub.push import PushError
from olympicforge import __version__


class UsageError(Exception):
    """Bad input from the user: printed as one clear line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    from builders.codeforces import build as codeforces_build
    from builders.codeforces import cli as codeforces_cli
    from builders.codeforces import cots as codeforces_cots
    from builders.codeforces.synth import command as codeforces_tests
    from builders.generation import generate, ioi_eval, pass_rate
    from builders.hub import push as hub_push
    from builders.ioi import build as ioi_build
    from builders.ioi import cots as ioi_cots
    from judge import cli as judge_cli
    from olympicforge import demo

    parser = argparse.ArgumentParser(prog="olympicforge", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"olympicforge {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    areas = parser.add_subparsers(dest="area", required=True, metavar="COMMAND")
    judge_cli.add_parser(areas)
    build = areas.add_parser("build", help="build Hub datasets into out/hub")
    builds = build.add_subparsers(dest="dataset", required=True, metavar="DATASET")
    ioi_build.add_parser(builds)
    codeforces_build.add_parser(builds)
    codeforces_cots.add_parser(builds)
    codeforces_tests.add_parser(builds)
    ioi_cots.add_parser(builds)
    codeforces_cli.add_parser(areas)
    hub_push.add_parser(areas)
    generate.add_parser(areas)
    pass_rate.add_parser(areas)
    ioi_eval.add_parser(areas)
    demo.add_parser(areas)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    # logs go to stderr: stdout carries only results (and with --json, only JSON)
    handler = RichHandler(show_path=False, console=Console(stderr=True))
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler])
    try:
        return int(args.handler(args) or 0)
    except (UsageError, FileNotFoundError, ValueError, FetchError, PushError, ConnectionError) as exc:
        print(f"olympicforge: error: {exc}", file=sys.stderr)
        return 2
