"""compare, sweep and batch: each point, branch and scenario equals an individual plan."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from planner.analyses.branches import generate_branches, run_batch, solve_branch
from planner.analyses.what_if import compare, parse_vary, sweep
from planner.data.scenario import load_scenario
from planner.errors import InputError
from planner.model.headcount import plan

REPO = Path(__file__).resolve().parent.parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"
UNIFIED = REPO / "scenarios" / "unified-centre.yaml"
BAD = REPO / "tests" / "data" / "bad" / "wrong-type.yaml"


def test_compare_with_itself_shows_no_differences(cli):
    result = compare([load_scenario(BASELINE), load_scenario(BASELINE)])
    assert result.differences == []
    out = cli("compare", "scenarios/baseline.yaml", "scenarios/baseline.yaml").stdout
    assert "baseline: no differences from baseline." in out


def test_compare_reports_the_remedy_by_hand():
    # The linear objective: hours go where revenue at risk per hour is highest (a corner).
    result = compare([load_scenario(BASELINE), load_scenario(UNIFIED)], objective="linear")
    diffs = {d.metric: (d.base, d.value) for d in result.differences}
    # Key managers on the annual average: baseline 165,040 h / 1,200 -> 138; the remedy keeps 107,440 h
    # -> 90. compare shows plan's calendar figures, at least those.
    before, after = (s.roles["key_manager"] for s in result.scenarios)
    assert (before["annual_bound"], after["annual_bound"]) == (138, 90)
    key = diffs["roles.key_manager.required_headcount"]
    assert key[0] >= 138 and key[1] >= 90
    # A role only the remedy has differs from "absent".
    assert diffs["roles.unified_manager.required_headcount"][0] is None
    # Crystal at today's heads: 24,560 / 57,600 before on the annual average (the calendar's whole
    # contacts give a little less); nearly all of its standard after (98 %: whole contacts in the
    # calendar's months). Each is what plan --headcount current says for its scenario.
    base, after_cov = diffs["tiers.key.crystal.coverage_at_current"]
    assert 24_560 / 57_600 - 0.02 <= base <= 24_560 / 57_600 + 1e-9 and after_cov > 0.98
    for sc, cov in ((BASELINE, base), (UNIFIED, after_cov)):
        alone = plan(load_scenario(sc), headcount="current", objective="linear")
        assert alone.tier("key", "crystal").coverage == pytest.approx(cov)
    # The remedy removes the price inversion at the key-account line (one team, one discount policy).
    assert result.scenarios[1].inversions["price"] < result.scenarios[0].inversions["price"]


def test_compare_json_through_a_process_is_clean():
    out = subprocess.run(
        [
            sys.executable,
            "cli.py",
            "compare",
            "scenarios/baseline.yaml",
            "scenarios/unified-centre.yaml",
            "--format",
            "json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert [s["scenario"] for s in data["scenarios"]] == ["baseline", "unified-centre"]
    first = data["differences"][0]
    assert first["delta"] == first["value"] - first["base"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("customers.key.crystal=1000:2000:500", [1000, 1500, 2000]),
        ("customers.key.crystal=1000:2100:500", [1000, 1500, 2000]),
        ("budget=0.5:1.0:0.25", [0.5, 0.75, 1.0]),
        ("roles.key_manager.headcount=100,110,130", [100, 110, 130]),
    ],
)
def test_parse_vary(text, values):
    assert parse_vary(text).values == values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customers.key.crystal", "expected PATH=START:STOP:STEP or PATH=A,B,C"),
        ("customers.key.crystal=1:10:0", "step must be positive"),
        ("customers.key.crystal=10:1:1", "stop 1 is below start 10"),
        ("customers.key.crystal=1:100000:1", "100,000 points; the limit is 10,000"),
        ("customers.key.crystal=1:x:1", "'x' is not a number"),
        ("customers.key.crystal=1,,2", "expected comma-separated values"),
    ],
)
def test_bad_vary_is_refused(cli, text, expected):
    with pytest.raises(InputError) as err:
        parse_vary(text)
    assert expected in str(err.value)
    result = cli("sweep", "scenarios/baseline.yaml", "--vary", text)
    assert result.exit_code == 2 and expected in result.stderr


def test_sweep_with_an_unknown_path_or_bad_value_exits_2(cli):
    result = cli("sweep", "scenarios/baseline.yaml", "--vary", "customers.key.crystl=1,2")
    assert result.exit_code == 2
    assert "unknown tier 'crystl'" in result.stderr and "--vary customers.key.crystl=1" in result.stderr
    result = cli("sweep", "scenarios/baseline.yaml", "--vary", "customers.key.crystal=-5,5")
    assert result.exit_code == 2 and "expected a count >= 0, got -5" in result.stderr


def test_sweep_points_equal_individual_plans():
    varies = [
        parse_vary("customers.key.crystal=1000:3000:1000"),
        parse_vary("roles.key_manager.headcount=100,130"),
    ]
    result = sweep(BASELINE, varies)
    assert len(result.points) == 6
    for point in result.points[::2]:
        sets = [f"{k}={v}" for k, v in point.values.items()]
        single = plan(load_scenario(BASELINE, sets))
        assert point.total_headcount == single.total_headcount
        assert point.total_cost == single.total_cost
        assert point.coverage_at_current == {
            t.key: t.coverage_at_current for t in single.tiers if t.required_hours > 0
        }
    # By hand, the annual average: ceil((crystal x 18 + 107,440) / 1,200): 105, 120, 135; the calendar's
    # heads (plan's, checked equal above) are at least those.
    heads = [p.headcount["key_manager"] for p in result.points[::2]]
    assert all(h >= b for h, b in zip(heads, [105, 120, 135], strict=True))


def test_sweep_writes_csv_and_charts(cli, tmp_path):
    out = tmp_path / "sweep"
    result = cli(
        "sweep", "scenarios/baseline.yaml", "--vary", "customers.key.crystal=1000,3000", "--out", out
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out / "sweep.csv")
    assert list(frame["customers.key.crystal"]) == [1000, 3000]
    expected = [
        plan(load_scenario(BASELINE, [f"customers.key.crystal={n}"]), with_current=False)
        .role("key_manager")
        .required_headcount
        for n in (1000, 3000)
    ]
    assert list(frame["heads.key_manager"]) == expected  # plan's, annual average 105 and 135
    for name in ("headcount.png", "cost.png", "coverage.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Total headcount" in result.stdout


def test_batch_equals_individual_runs_and_keeps_good_rows(tmp_path):
    files = generate_branches(BASELINE, 4, tmp_path / "branches", seed=5)
    bad = tmp_path / "branches" / "zz-broken.yaml"
    shutil.copy(BAD, bad)
    rows = run_batch([*files, bad], workers=2)
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "ok", "error"]
    assert "roles.rep.headcount: expected an integer, got 'ten'" in rows[-1]["error"]
    for path, row in zip(files, rows, strict=False):
        single = plan(load_scenario(path))
        assert row["total_headcount"] == single.total_headcount
        assert row["total_cost"] == single.total_cost
        assert row["heads.key_manager"] == single.role("key_manager").required_headcount
    assert run_batch(files, workers=1) == rows[: len(files)]
    one = [solve_branch(str(f.resolve())) for f in files]
    assert [r["total_cost"] for r in one] == [r["total_cost"] for r in rows[:4]]


def test_batch_cli_writes_results_and_exits_2_on_a_bad_branch(cli, tmp_path):
    branches = tmp_path / "b"
    assert cli("batch", "scenarios/baseline.yaml", "--generate", "3", "--out", branches).exit_code == 0
    shutil.copy(BAD, branches / "zz.yaml")
    out = tmp_path / "results.csv"
    result = cli("batch", str(branches / "*.yaml"), "--out", out)
    assert result.exit_code == 2
    assert "zz.yaml" in result.stderr and "expected an integer" in result.stderr
    frame = pd.read_csv(out)
    assert list(frame["status"]) == ["ok", "ok", "ok", "error"]
    assert "3 planned, 1 failed" in " ".join(result.stdout.split())


def test_generate_is_deterministic(tmp_path):
    a = generate_branches(BASELINE, 3, tmp_path / "a", seed=9)
    b = generate_branches(BASELINE, 3, tmp_path / "b", seed=9)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert load_scenario(a[0]).policy.has_tier("key", "crystal")


def test_batch_bad_arguments(cli, tmp_path):
    result = cli("batch", str(tmp_path / "*.yaml"), "--out", tmp_path / "r.csv")
    assert result.exit_code == 2 and "no scenario files match" in result.stderr
    result = cli("batch", str(BAD), "--out", tmp_path / "r.txt")
    assert result.exit_code == 2 and "expected a .csv or .parquet file" in result.stderr
    result = cli("batch", "scenarios/baseline.yaml", "--workers", "0", "--out", tmp_path / "r.csv")
    assert result.exit_code == 2 and "--workers >= 1" in result.stderr
    result = cli("batch", "scenarios/baseline.yaml", "--generate", "0", "--out", tmp_path / "g")
    assert result.exit_code == 2 and "positive number of branches" in result.stderr


def test_batch_on_a_local_dask_cluster(tmp_path):
    from distributed import LocalCluster

    files = generate_branches(BASELINE, 3, tmp_path / "branches", seed=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        rows = run_batch(files, dask_address=cluster.scheduler_address)
    local = run_batch(files, workers=1)
    assert rows == local


def test_unreachable_dask_scheduler_is_an_input_error(tmp_path, monkeypatch):
    from planner.analyses import branches

    monkeypatch.setattr(branches, "DASK_CONNECT_TIMEOUT", "1s")  # the default 10 s, for a test
    files = generate_branches(BASELINE, 1, tmp_path / "branches", seed=2)
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        run_batch(files, dask_address="tcp://127.0.0.1:1")
