"""Task-type parameters declared as data, in the order CMS accepts them.

Each task-type module lists its `PARAMETERS` the way CMS's
`cms/grading/tasktypes/*.py` list `ACCEPTED_PARAMETERS`: the order matters,
because a CMS export with `"protocol_version": 2` gives `task_type_params` as
a positional list in that order (`["grader", ["", ""], "comparator"]`), where
protocol 1 gives an object keyed `task_type_parameters_<Type>_<name>` (a
collection's parts as `<name>_<i>_<part>`). One decoder reads both, checks
every value against its declaration and names the file and the parameter
when one is wrong.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from judge.task import PackageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of strings. `default` None: the loader infers it (legacy packages)."""

    name: str
    choices: tuple[str, ...]
    default: str | None = None

    def parse(self, value: Any, where: str) -> str:
        if value not in self.choices:
            raise PackageError(f"{where}: parameter {self.name!r} must be one of {list(self.choices)}, not {value!r}")
        return value


@dataclass(frozen=True)
class Integer:
    name: str
    default: int
    minimum: int
    maximum: int

    def parse(self, value: Any, where: str) -> int:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if type(value) is not int or not self.minimum <= value <= self.maximum:
            bounds = f"[{self.minimum}, {self.maximum}]"
            raise PackageError(f"{where}: parameter {self.name!r} must be an integer in {bounds}, not {value!r}")
        return value


@dataclass(frozen=True)
class Text:
    name: str
    default: str = ""

    def parse(self, value: Any, where: str) -> str:
        if value is None:
            return self.default
        if not isinstance(value, str):
            raise PackageError(f"{where}: parameter {self.name!r} must be a string, not {value!r}")
        return value


@dataclass(frozen=True)
class Collection:
    """A fixed tuple of parts (CMS's ParameterTypeCollection), e.g. Batch's [input, output] files."""

    name: str
    parts: tuple[Text, ...]

    @property
    def default(self) -> tuple[str, ...]:
        return tuple(p.default for p in self.parts)

    def parse(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)) or len(value) != len(self.parts):
            names = [p.name for p in self.parts]
            raise PackageError(f"{where}: parameter {self.name!r} must be a list {names}, not {value!r}")
        return tuple(part.parse(v, f"{where}: {self.name}") for part, v in zip(self.parts, value, strict=True))


Parameter = Choice | Integer | Text | Collection


def decode(task_type: str, parameters: tuple[Parameter, ...], raw: Any, protocol_version: int,
           where: str) -> dict[str, Any]:  # fmt: skip
    """`task_type_params` of a CMS export -> {parameter name: value}, defaults filled in."""
    if isinstance(raw, str):
        if raw.strip() == "":
            raw = None
        else:
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise PackageError(f"{where}: task_type_params is not valid JSON: {exc}") from None
    if raw is None:
        raw = [] if protocol_version >= 2 else {}
    if protocol_version >= 2:
        return _positional(task_type, parameters, raw, where)
    return _keyed(task_type, parameters, raw, where)


def _positional(task_type: str, parameters: tuple[Parameter, ...], raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, list):
        raise PackageError(f"{where}: protocol 2 wants task_type_params as a list "
                           f"{[p.name for p in parameters]}, not {type(raw).__name__}")  # fmt: skip
    if len(raw) > len(parameters):
        raise PackageError(f"{where}: {task_type} takes {len(parameters)} parameters "
                           f"{[p.name for p in parameters]}, the package gives {len(raw)}: {raw!r}")  # fmt: skip
    values = {}
    for index, parameter in enumerate(parameters):
        values[parameter.name] = parameter.parse(raw[index], where) if index < len(raw) else parameter.default
    return values


def _keyed(task_type: str, parameters: tuple[Parameter, ...], raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PackageError(f"{where}: task_type_params must be an object (protocol 1) or a list (protocol 2)")
    prefix = f"task_type_parameters_{task_type}_"
    given = {key.removeprefix(prefix): value for key, value in raw.items()}
    values: dict[str, Any] = {}
    for parameter in parameters:
        if isinstance(parameter, Collection):
            parts = [f"{parameter.name}_{i}_{part.name}" for i, part in enumerate(parameter.parts)]
            if parameter.name in given:
                values[parameter.name] = parameter.parse(given.pop(parameter.name), where)
            elif any(p in given for p in parts):
                values[parameter.name] = parameter.parse([given.pop(p, None) for p in parts], where)
            else:
                values[parameter.name] = parameter.default
        elif parameter.name in given:
            values[parameter.name] = parameter.parse(given.pop(parameter.name), where)
        else:
            values[parameter.name] = parameter.default
    if given:  # protocol 1 packages carry what their own tools wrote: say so, do not refuse the package
        log.warning("%s: ignoring task_type_params %s unknown to %s", where, sorted(given), task_type)
    return values
