"""Start-up: the command tree is built without the libraries of the commands not run.

Not timed (speed goals live in `make bench`, section cli_startup): these check which modules
start-up imports, which is what makes `olympicforge judge ...` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

import pytest

from olympicforge import cli

from conftest import REPO

# libraries that only the build, push, generate and eval commands need
HEAVY = ("datasets", "pyarrow", "pandas", "numpy", "huggingface_hub", "transformers", "torch", "trl", "jinja2",
         "bs4", "lxml", "pypdf", "matplotlib", "ray", "httpx", "builders")  # fmt: skip


def imported_after(code: str) -> list[str]:
    """The HEAVY modules a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_building_the_parser_imports_no_area_library():
    assert imported_after("import olympicforge.cli as c; c.build_parser()") == []


@pytest.mark.parametrize("argv", [["--help"], ["judge", "task", "--help"], ["judge", "run", "--help"],
                                  ["judge", "run", "--source", "missing.cpp", "--tests", "missing"]])  # fmt: skip
def test_judge_commands_import_no_build_library(argv):
    # a judge call that runs (here: fails on a missing file) imports no more than its --help
    code = f"import olympicforge.cli as c\ntry:\n    c.main({argv!r})\nexcept SystemExit:\n    pass"
    assert imported_after(code) == []


def commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """Every command of the tree under `parser` (as built so far), with the help its parent lists it with."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            assert list(helps) == list(action._name_parser_map)
            for name, sub in action._name_parser_map.items():
                found[prefix + (name,)] = helps[name]
                found |= commands(sub, prefix + (name,))
    return found


def unloaded(parser: argparse.ArgumentParser) -> list[str]:
    """The commands under `parser` whose modules have not built them yet."""
    left = []
    for action in parser._actions:
        if isinstance(action, cli.LazySubParsers):
            left += list(action.lazy)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action._name_parser_map.values():
                left += unloaded(sub)
    return left


def test_the_lazy_tree_lists_what_the_modules_register():
    lazy, full = cli.build_parser(), cli.build_parser(load_all=True)
    assert unloaded(full) == [] and len(unloaded(lazy)) == len(cli.AREAS) - 1 + len(cli.BUILDS)
    listed, registered = commands(lazy), commands(full)
    # `olympicforge --help` and `olympicforge build --help` list each command with the help its module gives
    assert listed == {name: help for name, help in registered.items() if len(name) == 1 or name[0] == "build"}
    assert ("judge", "task") in registered and ("generate", "ioi") in registered


def test_a_chosen_command_is_built_in_place(capsys):
    parser = cli.build_parser()
    args = parser.parse_args(["-v", "build", "ioi", "--packages", "p"])
    assert (args.area, args.verbose) == ("build", 1)
    assert args.handler is sys.modules["builders.ioi.build"].cmd_build_ioi
    assert unloaded(parser) == [name for name, module, _ in cli.AREAS if module] + [
        name for name, _, _ in cli.BUILDS if name != "ioi"]  # fmt: skip
    build = parser._subparsers._group_actions[0]._name_parser_map["build"]
    with pytest.raises(SystemExit):
        build.parse_args(["--help"])
    rows = [line for line in capsys.readouterr().out.splitlines() if re.match(r"    \S", line)]  # not wrapped ones
    listing = [row.split()[0] for row in rows]
    assert listing == [name for name, _, _ in cli.BUILDS]  # the one built keeps its place in the help
