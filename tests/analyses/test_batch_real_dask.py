"""`batch --dask` against a real `dask scheduler` and two `dask worker` processes (not a LocalCluster),
started on ephemeral ports and always stopped: the same results file as the local pool, byte for byte."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from planner.analyses.branches import generate_branches

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

from real_dask import real_dask  # noqa: E402

pytest.importorskip("distributed")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


def test_real_scheduler_and_two_workers_give_the_local_rows(cli, tmp_path):
    files = generate_branches(REPO / "scenarios" / "baseline.yaml", 2, tmp_path / "branches", seed=3)
    pattern = str(tmp_path / "branches" / "*.yaml")
    local = cli("batch", pattern, files[0].parent / "missing.yaml", "--out", tmp_path / "local.csv")
    assert local.exit_code == 2, local.stderr  # the missing file: a failed row in both runs
    with real_dask(workers=2, cwd=REPO) as cluster:
        assert len(cluster.pids) == 3
        remote = cli(
            "batch",
            pattern,
            files[0].parent / "missing.yaml",
            "--out",
            tmp_path / "dask.csv",
            "--dask",
            cluster.address,
        )
    assert remote.exit_code == 2, remote.stderr
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    assert "2 planned" in remote.stderr
    assert not any(_alive(pid) for pid in cluster.pids)
