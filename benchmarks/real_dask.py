"""A real dask.distributed cluster for the batch benchmark and test: `dask scheduler` and `dask worker`
processes on ephemeral ports, always ended (by process group) when the block exits.

    with real_dask(workers=2) as cluster:
        run_batch(files, dask_address=cluster.address)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Cluster:
    """The scheduler's address and the process ids started (scheduler first)."""

    address: str
    pids: list[int] = field(default_factory=list)


def _dask_command(*args: str) -> list[str]:
    """``dask ARGS`` with this interpreter's environment (the `dask` script beside it)."""
    script = Path(sys.executable).parent / "dask"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "dask", *args]


def _stop(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """End ``process`` and its children (its own process group): SIGTERM, then SIGKILL."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(grace)


@contextmanager
def real_dask(workers: int = 2, timeout: float = 90.0, cwd: Path | None = None) -> Iterator[Cluster]:
    """Start a scheduler and ``workers`` single-threaded workers; yield the scheduler's address."""
    from distributed import Client

    tmp = Path(tempfile.mkdtemp(prefix="planner-dask-"))
    scheduler_file = tmp / "scheduler.json"
    processes: list[subprocess.Popen[bytes]] = []
    logs = []
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def start(args: list[str], name: str) -> None:
        log = open(tmp / f"{name}.log", "wb")  # noqa: SIM115 (closed below)
        logs.append(log)
        processes.append(
            subprocess.Popen(
                args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )

    try:
        start(
            _dask_command(
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ),
            "scheduler",
        )
        deadline = time.monotonic() + timeout
        address = None
        while address is None:
            if processes[0].poll() is not None:
                raise RuntimeError(f"dask scheduler exited: {(tmp / 'scheduler.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("dask scheduler did not start in time")
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        for i in range(workers):
            start(
                _dask_command(
                    "worker",
                    address,
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--local-directory",
                    str(tmp / f"w{i}"),
                ),
                f"worker{i}",
            )
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
        yield Cluster(address, [p.pid for p in processes])
    finally:
        for process in reversed(processes):  # workers first, then the scheduler
            _stop(process)
        for log in logs:
            log.close()
        shutil.rmtree(tmp, ignore_errors=True)
