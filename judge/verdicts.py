"""Verdicts, as the IOI and Codeforces name them, plus the judge's own failure,
and the result of one test that every task type reports."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass

from judge.sandbox import RunStatus


class Verdict(enum.StrEnum):
    AC = "AC"  # accepted
    PA = "PA"  # partially accepted (0 < outcome < 1)
    WA = "WA"  # wrong answer
    TLE = "TLE"  # CPU time limit
    WTLE = "WTLE"  # wall time limit (sleeping, blocked, stopped)
    MLE = "MLE"
    RE = "RE"  # runtime error: non-zero exit or a signal
    OLE = "OLE"  # output limit
    CE = "CE"  # compilation error
    PV = "PV"  # protocol violation (interactive tasks)
    JE = "JE"  # judge error: the judge's fault, never scored as the submission's 0
    SKIPPED = "SKIPPED"  # not run (early stop inside a failed subtask)


RUN_STATUS_VERDICT = {
    RunStatus.RUNTIME_ERROR: Verdict.RE,
    RunStatus.TIME_LIMIT: Verdict.TLE,
    RunStatus.WALL_LIMIT: Verdict.WTLE,
    RunStatus.MEMORY_LIMIT: Verdict.MLE,
    RunStatus.OUTPUT_LIMIT: Verdict.OLE,
    RunStatus.SANDBOX_ERROR: Verdict.JE,
}


PROTOCOL_VIOLATION = "protocol violation"  # how CMS managers and checkers begin their message for one


def is_protocol_violation(message: str) -> bool:
    return message.strip().lower().startswith(PROTOCOL_VIOLATION)


def verdict_for_outcome(outcome: float, message: str = "") -> Verdict:
    """AC/PA/WA from a checker's or manager's outcome; a 0 whose message is CMS's
    "Protocol Violation" is PV (the program broke the task's protocol)."""
    if outcome <= 0.0 and is_protocol_violation(message):
        return Verdict.PV
    if outcome >= 1.0:
        return Verdict.AC
    return Verdict.PA if outcome > 0.0 else Verdict.WA


@dataclass
class TestResult:
    __test__ = False  # not a pytest class

    name: str
    verdict: Verdict
    outcome: float  # in [0, 1]
    time: float  # CPU seconds
    wall_time: float
    memory: int  # bytes
    message: str = ""
    exit_code: int | None = None
    signal: int | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["verdict"] = str(self.verdict)
        return data


def judge_error(name: str, message: str) -> TestResult:
    return TestResult(name, Verdict.JE, 0.0, 0.0, 0.0, 0, message)
