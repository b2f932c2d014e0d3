"""The olympicforge judge: compile, sandbox, run, check and score submissions.

Depends on nothing else in the repository; builders and recipes use it.
"""

from judge.checkers import CheckResult, ExternalChecker, FloatDiff, TokenDiff, WhiteDiff, comparator, load_checker
from judge.compile import CompileOptions, Compiler, CompileResult, Executable, Language, SourceFile
from judge.evaluate import SubmissionResult, judge_submission
from judge.sandbox import RunLimits, RunResult, RunStatus, Sandbox, SandboxError, default_sandbox
from judge.tasktypes.batch import BatchIO, run_batch_test
from judge.testset import TestCase, discover_tests
from judge.verdicts import TestResult, Verdict

__all__ = [
    "BatchIO", "CheckResult", "CompileOptions", "CompileResult", "Compiler", "Executable", "ExternalChecker",
    "FloatDiff", "Language", "RunLimits", "RunResult", "RunStatus", "Sandbox", "SandboxError", "SourceFile",
    "SubmissionResult", "TestCase", "TestResult", "TokenDiff", "Verdict", "WhiteDiff", "comparator",
    "default_sandbox", "discover_tests", "judge_submission", "load_checker", "run_batch_test",
]  # fmt: skip
