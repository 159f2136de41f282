"""`batch --model annual`: plan's annual-average bound for thousands of branches (issue 15).

The rows must be the figures `plan` prints in its ``annual`` column for the same file, and the
heads of a role that shares no tier must be the year's hours over a head's hours, rounded up,
worked out here from the tiers' hours `plan` reports.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from planner.analyses.branches import generate_branches, run_batch
from planner.errors import InputError

REPO = Path(__file__).resolve().parent.parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def four(tmp_path_factory) -> list[Path]:
    return generate_branches(BASELINE, 4, tmp_path_factory.mktemp("annual"), seed=5)


def test_annual_rows_are_plans_annual_column(four, tmp_path, cli):
    result = cli(
        "batch",
        str(four[0].parent / "*.yaml"),
        "--out",
        tmp_path / "a.csv",
        "--model",
        "annual",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [r["model"] for r in rows] == ["annual"] * 4
    for path, row in zip(four, rows, strict=True):
        planned = json.loads(cli("plan", path, "--format", "json").stdout)
        bound = {r["role"]: r["annual_bound"] for r in planned["roles"]}
        assert {k[len("heads.") :]: v for k, v in row.items() if k.startswith("heads.")} == bound
        assert row["total_headcount"] == sum(bound.values())
        cost = {r["role"]: r["cost_per_head"] for r in planned["roles"]}
        assert row["total_cost"] == pytest.approx(sum(bound[r] * cost[r] for r in bound))
        assert row["current_headcount"] == planned["current_total_headcount"]
        # Second method: the baseline's roles share no tier, so each role's annual heads are its tiers'
        # required hours over a head's hours, rounded up (e.g. 165,040 h / 1,200 h -> 138 at baseline).
        hours: dict[str, float] = {}
        for a in planned["allocations"]:
            tier = next(t for t in planned["tiers"] if (t["channel"], t["tier"]) == (a["channel"], a["tier"]))
            hours[a["role"]] = hours.get(a["role"], 0.0) + tier["required_hours"]
        per_head = {r["role"]: r["hours_per_head"] for r in planned["roles"]}
        assert bound == {r: math.ceil(hours.get(r, 0.0) / per_head[r] - 1e-9) for r in bound}


def test_annual_is_never_above_the_calendar(four):
    annual = run_batch(four, model="annual")
    calendar = run_batch(four, model="calendar")
    assert [r["model"] for r in calendar] == ["calendar"] * 4
    for a, c in zip(annual, calendar, strict=True):
        assert a["status"] == c["status"] == "ok"
        for key in a:
            if key.startswith("heads."):
                assert a[key] <= c[key]
        assert a["total_headcount"] <= c["total_headcount"]
        assert a["current_headcount"] == c["current_headcount"]


def test_annual_rows_are_the_same_across_workers_and_errors_keep_the_model(four, tmp_path, cli):
    missing = tmp_path / "nope.yaml"
    pattern = str(four[0].parent / "*.yaml")
    one = cli("batch", pattern, str(missing), "--out", tmp_path / "one.csv", "--model", "annual")
    two = cli(
        "batch", pattern, str(missing), "--out", tmp_path / "two.csv", "--model", "annual", "--workers", "2"
    )
    assert one.exit_code == two.exit_code == 2  # the missing file; the others are planned
    text = (tmp_path / "one.csv").read_text()
    assert text == (tmp_path / "two.csv").read_text()
    last = text.splitlines()[-1].split(",")
    header = text.splitlines()[0].split(",")
    assert last[header.index("status")] == "error" and last[header.index("model")] == "annual"
    assert "Sized by the annual-average model" in one.stdout


def test_a_bad_model_is_refused(four, tmp_path, cli):
    result = cli("batch", str(four[0]), "--out", tmp_path / "r.csv", "--model", "weekly")
    assert result.exit_code == 2
    assert "'--model'" in result.stderr and "'weekly' is not one of 'calendar', 'annual'" in result.stderr
    assert not (tmp_path / "r.csv").exists()
    result = cli("--lang", "zh", "batch", str(four[0]), "--out", tmp_path / "r.csv", "--model", "weekly")
    assert result.exit_code == 2 and "'--model'" in result.stderr and "'weekly'" in result.stderr
    with pytest.raises(InputError, match="--model"):
        run_batch(four, model="weekly")


def test_a_load_error_names_the_file_as_given(cli, tmp_path):
    # The worker reads the absolute path; the row and stderr name the file as typed (relative here).
    result = cli("batch", "tests/data/bad/wrong-type.yaml", "--out", tmp_path / "r.csv", "--model", "annual")
    assert result.exit_code == 2
    named = "Error: tests/data/bad/wrong-type.yaml:8: roles.rep.headcount: expected an integer"
    assert named in result.stderr
    assert str(REPO) not in result.stderr
    assert str(REPO) not in (tmp_path / "r.csv").read_text()
