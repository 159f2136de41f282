"""compare and sweep say what each plan warns of, as plan does: on stderr and in the JSON.

The premise is read from the shipped baseline: district_manager serves the mobile channel alone, so
with no mobile customers it has nothing to serve, the warning plan gives
(`role 'district_manager' serves no tier that has customers`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml
from conftest import REPO

WARNING = "role 'district_manager' serves no tier that has customers"
NO_MOBILE = ["--set", "customers.mobile.worker=0", "--set", "customers.mobile.payphone=0"]


def test_the_premise():
    roles = yaml.safe_load((REPO / "scenarios" / "baseline.yaml").read_text(encoding="utf-8"))["roles"]
    assert roles["district_manager"]["serves"] == ["mobile"]
    assert all(
        "mobile" not in s for r, spec in roles.items() if r != "district_manager" for s in spec["serves"]
    )


def test_sweep_names_the_points_a_warning_comes_from(cli: Callable[..., Any]) -> None:
    args = ["sweep", "scenarios/baseline.yaml", "--vary", "customers.mobile.site=0,5000", *NO_MOBILE]
    table = cli(*args)
    assert table.exit_code == 0
    assert table.stderr.splitlines() == [f"Warning: {WARNING} (at 1 of 2 points)"]
    doc = json.loads(cli(*args, "--format", "json").stdout)
    assert [p["warnings"] for p in doc["points"]] == [[WARNING], []]
    # Where every point gives it, no count.
    every = cli(
        "sweep",
        "scenarios/baseline.yaml",
        "--vary",
        "customers.key.crystal=3000,3100",
        *NO_MOBILE,
        "--set",
        "customers.mobile.site=0",
    )
    assert every.stderr.splitlines() == [f"Warning: {WARNING}"]


def test_compare_names_the_scenario_a_warning_comes_from(cli: Callable[..., Any]) -> None:
    args = ["compare", "scenarios/baseline.yaml", "scenarios/unified-centre.yaml", *NO_MOBILE]
    args += ["--set", "customers.mobile.site=0"]
    table = cli(*args)
    assert table.exit_code == 0
    assert table.stderr.splitlines() == [
        f"Warning: baseline: {WARNING}",
        f"Warning: unified-centre: {WARNING}",
    ]
    doc = json.loads(cli(*args, "--format", "json").stdout)
    assert [s["warnings"] for s in doc["scenarios"]] == [[WARNING], [WARNING]]
    # Without the cut, no warning at all.
    assert cli("compare", "scenarios/baseline.yaml", "scenarios/unified-centre.yaml").stderr == ""


def test_batch_keeps_each_branchs_warnings_in_its_row(cli: Callable[..., Any], tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        cli("batch", str(REPO / "scenarios" / "baseline.yaml"), "--generate", "2", "--out", "b").exit_code
        == 0
    )
    first = tmp_path / "b" / "branch-0001.yaml"
    doc = yaml.safe_load(first.read_text(encoding="utf-8"))
    doc["customers"]["mobile"] = {"site": 0, "worker": 0, "payphone": 0}  # district_manager: nothing left
    first.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = cli("batch", "b/*.yaml", "--model", "annual", "--out", "r.csv", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "Warning: 1 of 2 branches have warnings (the warnings column of r.csv)"
    ]
    rows = json.loads(result.stdout)["rows"]
    assert [r["warnings"] for r in rows] == [WARNING, None]
    import csv

    with open(tmp_path / "r.csv", encoding="utf-8", newline="") as f:
        assert [r["warnings"] for r in csv.DictReader(f)] == [WARNING, ""]
