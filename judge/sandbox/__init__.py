"""Run one untrusted process under limits (cgroup v2 / v1 / rlimits, namespaces)."""

from judge.sandbox.sandbox import (
    Bind,
    RunLimits,
    RunResult,
    RunStatus,
    Sandbox,
    SandboxError,
    SandboxInfo,
    default_sandbox,
)

__all__ = [
    "Bind",
    "RunLimits",
    "RunResult",
    "RunStatus",
    "Sandbox",
    "SandboxError",
    "SandboxInfo",
    "default_sandbox",
]
