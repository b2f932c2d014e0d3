"""`olympicforge codeforces ...`: tools over Codeforces pages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from builders.codeforces.parser import parse_page


def add_parser(areas: argparse._SubParsersAction) -> None:
    area = areas.add_parser("codeforces", help="Codeforces page tools")
    verbs = area.add_subparsers(dest="verb", required=True, metavar="VERB")
    parse = verbs.add_parser("parse", help="parse a saved problem or contest /problems page")
    parse.add_argument("page", type=Path)
    parse.add_argument("--json", action="store_true", help="print the problems as a JSON list")
    parse.set_defaults(handler=cmd_parse)


def cmd_parse(args: argparse.Namespace) -> int:
    if not args.page.exists():
        raise FileNotFoundError(f"page {args.page} does not exist")
    problems = parse_page(args.page.read_text(errors="replace"))
    if args.json:
        json.dump([p.to_dict() for p in problems], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    for p in problems:
        print(f"{p.index}. {p.title}: {p.time_limit:g} s, {p.memory_limit:g} MB, {p.input_mode}, "
              f"{len(p.examples)} examples{', interactive' if p.interactive else ''}")  # fmt: skip
    return 0
