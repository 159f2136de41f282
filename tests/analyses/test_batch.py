"""batch: a lost worker keeps the other branches, Parquet output, --dask through the CLI, clean JSON.

The core cases (results equal individual runs, one broken file, a LocalCluster) are in
tests/analyses/test_what_if.py; these cover what happens around them.
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

REPO = Path(__file__).resolve().parent.parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"
_REAL_CHUNK = branches._solve_chunk


def _dying_chunk(paths: list[str], solver: str, sets: list[str], **options: str) -> list[dict]:
    """Stands in for a solver crash: the worker process exits while planning 'crash' files."""
    if any("crash" in Path(p).name for p in paths):
        os._exit(1)
    return _REAL_CHUNK(paths, solver, sets, **options)


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


def test_set_applies_to_every_branch_and_matches_plan(three, tmp_path, cli):
    sets = ("customers.key.crystal=2000", "roles.key_manager.headcount=100")
    out = tmp_path / "set.csv"
    args = [a for s in sets for a in ("--set", s)]
    result = cli("batch", str(three[0].parent / "*.yaml"), "--out", out, "--workers", "2", *args)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    singles = [plan(load_scenario(p, list(sets))) for p in three]
    assert list(frame["total_headcount"]) == [s.total_headcount for s in singles]
    assert list(frame["current_headcount"]) == [s.current_total_headcount for s in singles]
    # Both overrides reach every branch (not only the first chunk or the first worker).
    assert all(s.role("key_manager").current_headcount == 100 for s in singles)


def test_set_a_key_only_some_branches_have(tmp_path, cli):
    # unified-centre.yaml has a unified_manager role; baseline.yaml does not: only baseline fails.
    out = tmp_path / "r.csv"
    result = cli(
        "batch",
        "scenarios/baseline.yaml",
        "scenarios/unified-centre.yaml",
        "--set",
        "roles.unified_manager.headcount=50",
        "--out",
        out,
    )
    assert result.exit_code == 2
    frame = pd.read_csv(out)
    assert list(frame["status"]) == ["error", "ok"]
    assert "unified_manager" in frame["error"][0]
    single = plan(load_scenario("scenarios/unified-centre.yaml", ["roles.unified_manager.headcount=50"]))
    assert frame["current_headcount"][1] == single.current_total_headcount
    assert "Error: scenarios/baseline.yaml: --set" in result.stderr
    assert "1 of 2 branches failed" in result.stderr


def test_malformed_set_is_refused_before_any_work(three, tmp_path, cli):
    out = tmp_path / "r.csv"
    result = cli("batch", str(three[0]), "--set", "customers.key.crystal", "--out", out)
    assert result.exit_code == 2 and "--set: expected PATH=VALUE" in result.stderr
    assert not out.exists()


def test_generate_applies_set_to_the_base(tmp_path, cli):
    result = cli(
        "batch", "scenarios/baseline.yaml", "--generate", "2", "--set", "name=north", "--out", tmp_path / "g"
    )
    assert result.exit_code == 0, result.output
    assert [load_scenario(p).name for p in sorted((tmp_path / "g").glob("*.yaml"))] == [
        "north-branch-0001",
        "north-branch-0002",
    ]


def test_error_lines_name_the_file_once(tmp_path, cli):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes((REPO / "tests" / "data" / "bad" / "wrong-type.yaml").read_bytes())
    result = cli("batch", str(bad), "--out", tmp_path / "r.csv")
    assert result.exit_code == 2
    assert f"Error: {bad}:8: roles.rep.headcount" in result.stderr
    assert f"{bad}: {bad}" not in result.stderr


def test_results_are_byte_identical_across_workers(three, tmp_path, cli):
    pattern = str(three[0].parent / "*.yaml")
    assert cli("batch", pattern, "--out", tmp_path / "one.csv").exit_code == 0
    assert cli("batch", pattern, "--out", tmp_path / "two.csv", "--workers", "2").exit_code == 0
    text = (tmp_path / "one.csv").read_text()
    assert text == (tmp_path / "two.csv").read_text()
    # Floats carry the JSON output's six decimals, not binary noise such as ...79999998.
    assert "9999999" not in text and "0000001" not in text


def test_a_bad_results_path_is_refused_before_any_work(three, tmp_path, cli, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("planned branches before checking --out")

    monkeypatch.setattr(branches, "run_batch", no_work)
    result = cli("batch", str(three[0]), "--out", tmp_path / "r.txt")
    assert result.exit_code == 2 and "--out: expected a .csv or .parquet file, got 'r.txt'" in result.stderr
    (tmp_path / "d.csv").mkdir()
    result = cli("batch", str(three[0]), "--out", tmp_path / "d.csv")
    assert result.exit_code == 2 and "is a directory" in result.stderr
