"""``planner branch`` through the CLI: the pack's files, the summary, bad input (exit 2, nothing written)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]


def test_branch_writes_the_pack_with_the_schedule(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    result = cli("branch", "scenarios/baseline.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".planner-manifest.json",
        "branch.json",
        "branch.xlsx",
        "managers.csv",
        "report.html",
        "schedule.csv",
    ]
    data = json.loads((out / "branch.json").read_text(encoding="utf-8"))
    assert data["statuses"] == {
        "plan": "optimal",
        "schedule": "optimal",
        "callcentre": "optimal",
        "hiring": None,
    }
    assert data["totals"]["heads_required"] == pytest.approx(212 + 165.86)
    assert data["schedule"]["customers_scheduled"] > 0
    # The one-screen summary: totals with the call centre, worst gaps, the files written.
    assert "377.9" in result.output and "165.9" in result.output
    assert "key.crystal" in result.output
    assert "report.html, branch.xlsx, branch.json, schedule.csv, managers.csv" in result.output
    assert len(result.output.splitlines()) <= 30


def test_branch_is_deterministic_and_rewrites_its_own_set(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    args = ("branch", "scenarios/baseline.yaml", "--no-schedule", "--out", out)
    assert cli(*args).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "schedule.csv" not in first
    assert cli(*args, "--lang", "zh").exit_code == 0
    assert cli(*args).exit_code == 0
    again = {p.name: p.read_bytes() for p in out.iterdir()}
    assert again == first


def test_missing_scenario_exits_2_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    result = cli("branch", tmp_path / "nope.yaml", "--out", out)
    assert result.exit_code == 2
    assert "nope.yaml" in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left either


def test_bad_roster_exits_2_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "customers.csv"
    roster.write_text("name,colour\nx,blue\n", encoding="utf-8")
    out = tmp_path / "pack"
    result = cli("branch", "scenarios/baseline.yaml", "--roster", roster, "--out", out)
    assert result.exit_code == 2
    assert "customers.csv" in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["customers.csv"]


def test_out_being_a_file_exits_2_and_leaves_it(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.write_text("mine", encoding="utf-8")
    result = cli("branch", "scenarios/baseline.yaml", "--out", out)
    assert result.exit_code == 2
    assert "is a file" in result.output and "--out" in result.output
    assert out.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_missing_remedy_exits_2(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    result = cli("branch", "scenarios/baseline.yaml", "--remedy", tmp_path / "r.yaml", "--out", out)
    assert result.exit_code == 2
    assert "r.yaml" in result.output and "remedy" in result.output
    assert not out.exists()


def test_excel_without_schedule_exits_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("branch", "scenarios/baseline.yaml", "--no-schedule", "--excel", "--out", tmp_path / "p")
    assert result.exit_code == 2
    assert "--excel" in result.output


def test_branch_is_listed_in_help(cli: Cli) -> None:
    result = cli("--help")
    assert "branch" in result.output
    result = cli("branch", "--help")
    for option in ("--roster", "--out", "--lang", "--headcount", "--year", "--remedy", "--excel"):
        assert option in result.output


def test_headcount_current_labels_the_plan_as_today(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    result = cli("branch", "--headcount", "current", "--no-schedule", "--out", out)
    assert result.exit_code == 0, result.output
    assert "planned at today's heads" in result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Heads at today&#x27;s headcount" in html and "Heads needed" not in html
    data = json.loads((out / "branch.json").read_text(encoding="utf-8"))
    assert data["headcount"] == "current"
    assert data["totals"]["managers_required"] == data["totals"]["managers_today"] == 176


def test_a_remedy_the_scenario_names_is_the_packs_remedy(cli: Cli, tmp_path: Path) -> None:
    # `remedy:` in the scenario (a path relative to that file) does what `--remedy` does.
    repo = Path(__file__).resolve().parents[2]
    named = tmp_path / "named.yaml"
    named.write_text(
        f"extends: {repo / 'scenarios' / 'baseline.yaml'}\nname: named\nremedy: remedy.yaml\n",
        encoding="utf-8",
    )
    (tmp_path / "remedy.yaml").write_text(
        f"extends: {repo / 'scenarios' / 'unified-centre.yaml'}\n", encoding="utf-8"
    )
    by_key, by_flag = tmp_path / "by-key", tmp_path / "by-flag"
    result = cli("branch", named, "--out", by_key, "--no-schedule")
    assert result.exit_code == 0, result.output
    result = cli(
        "branch", named, "--out", by_flag, "--no-schedule", "--remedy", "scenarios/unified-centre.yaml"
    )
    assert result.exit_code == 0, result.output
    key = json.loads((by_key / "branch.json").read_text(encoding="utf-8"))
    flag = json.loads((by_flag / "branch.json").read_text(encoding="utf-8"))
    assert key["boundary"]["remedy"] is not None
    assert key["boundary"]["remedy"] == flag["boundary"]["remedy"]
    # A named remedy that is not there: exit 2 naming the scenario, the key and the missing file.
    (tmp_path / "remedy.yaml").unlink()
    result = cli("branch", named, "--out", tmp_path / "none", "--no-schedule")
    assert result.exit_code == 2
    assert "named.yaml" in result.output and "remedy" in result.output and "not found" in result.output
    assert not (tmp_path / "none").exists()


def test_a_branch_with_nothing_to_schedule_says_so(cli: Cli, tmp_path: Path) -> None:
    # williams-manpower counts no customers (it is a hiring case): schedule refuses, naming the file,
    # in either language; the pack says how to make it without a calendar, and does with that option.
    path = "scenarios/williams-manpower.yaml"
    why = (
        "nothing to schedule: no customer of the scenario (or the roster) has a tier whose standard asks "
        "for a visit or a call"
    )
    result: Any = cli("schedule", path, "--out", tmp_path / "cal")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {path}: {why}"
    assert not (tmp_path / "cal").exists()
    zh: Any = cli("schedule", path, "--lang", "zh")
    assert zh.exit_code == 2 and "没有可排的日程" in zh.stderr
    pack: Any = cli("branch", path, "--out", tmp_path / "pack")
    assert pack.exit_code == 2
    assert pack.stderr.splitlines()[-1] == (
        f"Error: {path}: {why}; --no-schedule makes the pack without a calendar"
    )
    assert not (tmp_path / "pack").exists()
    made: Any = cli("branch", path, "--out", tmp_path / "pack", "--no-schedule")
    assert made.exit_code == 0, made.output
    assert (tmp_path / "pack" / "branch.json").exists()


def test_customers_of_no_tier_count_as_none() -> None:
    # The calendar's customer table with no rows at all (what a scenario without customers makes):
    # no tier, no count (it used to raise on zip's strictness).
    from planner.analyses.schedule import synthetic_customers
    from planner.data.scenario import load_scenario

    repo = Path(__file__).resolve().parents[2]
    customers = synthetic_customers(load_scenario(repo / "scenarios" / "williams-manpower.yaml"))
    assert len(customers) == 0
    assert customers.counts() == {}
