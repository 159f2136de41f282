"""batch: a lost worker keeps the other branches, Parquet output, --dask through the CLI, clean JSON.

The core cases (results equal individual runs, one broken file, a LocalCluster) are in
tests/test_what_if.py; these cover what happens around them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from planner.analyses import branches
from planner.analyses.branches import generate_branches, run_batch
from planner.data.scenario import load_scenario
from planner.model.headcount import plan

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"
_REAL_CHUNK = branches._solve_chunk


def _dying_chunk(paths: list[str], solver: str) -> list[dict]:
    """Stands in for a solver crash: the worker process exits while planning 'crash' files."""
    if any("crash" in Path(p).name for p in paths):
        os._exit(1)
    return _REAL_CHUNK(paths, solver)


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> list[Path]:
    return generate_branches(BASELINE, 3, tmp_path_factory.mktemp("branches"), seed=11)


def test_a_dead_worker_loses_only_its_own_branch(three, tmp_path, monkeypatch):
    crash = tmp_path / "crash.yaml"
    crash.write_bytes(three[0].read_bytes())
    # Four files and two workers: one file per chunk. The stand-in plans good files normally and
    # kills its process on the crash file, which breaks the pool for whatever is still queued.
    monkeypatch.setattr(branches, "_solve_chunk", _dying_chunk)
    rows = run_batch([*three, crash], workers=2)
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "error"]
    assert rows[-1]["file"] == str(crash)
    assert rows[-1]["error"].startswith("the worker process died planning this branch")
    # Every good branch has its own plan, including any queued behind the crash and retried.
    for path, row in zip(three, rows, strict=False):
        assert row["total_headcount"] == plan(load_scenario(path)).total_headcount


def test_parquet_matches_csv(three, tmp_path, cli):
    pattern = str(three[0].parent / "*.yaml")
    assert cli("batch", pattern, "--out", tmp_path / "r.parquet").exit_code == 0
    assert cli("batch", pattern, "--out", tmp_path / "r.csv", "--workers", "2").exit_code == 0
    parquet = pd.read_parquet(tmp_path / "r.parquet")
    csv = pd.read_csv(tmp_path / "r.csv")
    assert list(parquet.columns) == list(csv.columns)
    assert list(parquet["total_headcount"]) == list(csv["total_headcount"])
    assert list(parquet["file"]) == sorted(str(p) for p in three)
    # Each branch: its own plan, by a second route.
    assert list(parquet["total_cost"]) == [plan(load_scenario(p)).total_cost for p in three]


def test_json_through_a_process_is_clean(three):
    out = subprocess.run(
        [
            *(sys.executable, "cli.py", "batch", str(three[0].parent / "*.yaml")),
            *("--format", "json", "--out", str(three[0].parent.parent / "r.csv")),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert (data["branches"], data["failed"]) == (3, 0)
    assert [r["scenario"] for r in data["rows"]] == [load_scenario(p).name for p in three]


def test_dask_through_the_cli(three, tmp_path, cli):
    from distributed import LocalCluster

    out = tmp_path / "dask.csv"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = cli("batch", str(three[0].parent / "*.yaml"), "--dask", cluster.scheduler_address)
        # --out is required: refused before any work
        assert result.exit_code == 2 and "--out" in result.stderr
        result = cli(
            "batch", str(three[0].parent / "*.yaml"), "--dask", cluster.scheduler_address, "--out", out
        )
    assert result.exit_code == 0, result.output
    local = run_batch(three, workers=1)
    assert list(pd.read_csv(out)["total_headcount"]) == [r["total_headcount"] for r in local]


def test_more_bad_input_exits_2(cli, tmp_path, three):
    a_file = tmp_path / "afile"
    a_file.write_text("")
    result = cli("batch", "scenarios/baseline.yaml", "--generate", "2", "--out", a_file)
    assert result.exit_code == 2 and "expected a directory for the branch files" in result.stderr
    result = cli("batch", "tests/data/bad/wrong-type.yaml", "--generate", "2", "--out", tmp_path / "g")
    assert result.exit_code == 2
    assert "wrong-type.yaml:8: roles.rep.headcount: expected an integer" in result.stderr
    assert not (tmp_path / "g").exists()
    result = cli("batch", str(three[0]), "--out", tmp_path / "r.csv", "--dask", "notanaddress")
    assert result.exit_code == 2
    assert "--dask: cannot reach the Dask scheduler" in result.stderr
    assert not (tmp_path / "r.csv").exists()
