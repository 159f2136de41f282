"""batch ends every child on SIGTERM and SIGINT; --dask at a wrong service fails fast, in words."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def group_members(pgid: int, leader: subprocess.Popen) -> list[int]:
    """Live processes of a process group (the leader counts until it has exited)."""
    out = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out if int(p) != leader.pid or leader.poll() is None]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many")
    subprocess.run(
        [
            sys.executable,
            "cli.py",
            "batch",
            "scenarios/baseline.yaml",
            "--generate",
            "600",
            "--out",
            str(folder / "g"),
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_workers_fork_server_and_resource_tracker(many, sig):
    # Its own session: the group holds batch, its 2 workers, the fork server and the resource tracker.
    proc = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "cli.py"),
            "batch",
            str(many / "g" / "*.yaml"),
            "--workers",
            "2",
            "--out",
            str(many / "r.csv"),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(group_members(proc.pid, proc)) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(group_members(proc.pid, proc)) >= 5, "the pool never started"
        time.sleep(0.5)  # the workers are planning
        proc.send_signal(sig)
        sent = time.monotonic()
        while group_members(proc.pid, proc) and time.monotonic() - sent < 10:
            time.sleep(0.05)
        left = group_members(proc.pid, proc)
        assert left == [], f"still running {time.monotonic() - sent:.1f} s after the signal: {left}"
        assert time.monotonic() - sent < 5
        # Interrupted, not finished: 600 branches take 6 s or more with 2 workers (bench_batch.py).
        assert proc.wait(5) == (143 if sig == signal.SIGTERM else 1)
        assert b"Traceback" not in proc.stderr.read()
        assert not (many / "r.csv").exists()
    finally:
        for pid in group_members(proc.pid, proc):
            subprocess.run(["kill", "-9", str(pid)], check=False)


def serve(reply: bytes | None) -> tuple[str, threading.Event]:
    """A local TCP service that accepts and then says nothing (``reply`` None) or ``reply``."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()
    held = []

    def run() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            held.append(conn)
            if reply is not None:
                conn.sendall(reply)
        for c in held:
            c.close()
        server.close()

    threading.Thread(target=run, daemon=True).start()
    return f"tcp://127.0.0.1:{server.getsockname()[1]}", stop


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (None, "accepted the connection but gave no Dask handshake within 1 s"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi" + b"\xff" * 64, "is not a Dask scheduler"),
        (b"\x01" + b"\x00" * 7 + b"\x05" + b"\x00" * 7 + b"hello", "is not a Dask scheduler"),
    ],
)
def test_dask_at_a_service_that_is_not_dask(cli, monkeypatch, reply, expected):
    from planner.analyses import branches

    monkeypatch.setattr(branches, "DASK_HANDSHAKE_SECONDS", 1.0)
    address, stop = serve(reply)
    try:
        start = time.monotonic()
        result = cli("batch", "scenarios/baseline.yaml", "--out", "/nonexistent/r.csv", "--dask", address)
        took = time.monotonic() - start
    finally:
        stop.set()
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: --dask: {address} ")
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert took < 5
