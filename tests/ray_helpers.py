"""A real local Ray cluster for the tests: a head started by `ray start` (2 CPUs), this
process connected to it as the commands connect (`--ray-address HOST:PORT`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RAY_CPUS = 2


@dataclass
class RayCluster:
    address: str
    temp: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


def start_cluster():
    """Yields a RayCluster; the head and everything it started are stopped afterwards."""
    import ray

    port = free_port()
    temp = Path(tempfile.mkdtemp(prefix="ofray-", dir="/tmp"))  # short: Ray's socket paths have a length limit
    os.environ["RAY_AUTH_MODE"] = "disabled"  # hermetic: no token from the machine's ~/.ray
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray_cli = Path(sys.executable).parent / "ray"
    log = (temp / "head.log").open("w")
    # the nodes import what they run, as a real cluster's nodes do from their install: this checkout and its tests
    tests = Path(__file__).resolve().parent
    paths = [str(tests.parent), str(tests), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    head = subprocess.Popen([str(ray_cli), "start", "--head", "--port", str(port), "--num-cpus", str(RAY_CPUS),
                             "--include-dashboard", "false", "--temp-dir", str(temp), "--disable-usage-stats",
                             "--block"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)  # fmt: skip
    address = f"{node_ip()}:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                ray.init(address=address, namespace="olympicforge", log_to_driver=False)
                break
            except (ConnectionError, RuntimeError):
                if head.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the test Ray head did not start: {(temp / 'head.log').read_text()[-2000:]}"
                    ) from None
                time.sleep(1)
        yield RayCluster(address, temp)
    finally:
        ray.shutdown()
        if head.poll() is None:
            os.killpg(head.pid, signal.SIGTERM)
            try:
                head.wait(timeout=5)  # `ray start --block` often waits out SIGTERM: do not wait long
            except subprocess.TimeoutExpired:
                os.killpg(head.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(temp, ignore_errors=True)


def node_ip() -> str:
    """The address `ray start` binds its head to (the node's, not loopback)."""
    from ray.util import get_node_ip_address

    return get_node_ip_address()


def normalized(record: dict) -> dict:
    """A judged record without what depends on the machine's load (times, memory, their messages)."""
    record = json.loads(json.dumps(record))
    for subtask in record.get("subtasks", []):
        for test in subtask.get("tests", []):
            for key in ("time", "wall_time", "memory"):
                test.pop(key, None)
            if test.get("verdict") in ("TLE", "WTLE", "MLE"):
                test.pop("message", None)
    return record


def die_on_negative(state, item: int) -> int:
    """Work whose process dies, as on a node failure, on a negative item."""
    if item < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return 2 * item
