"""``planner hire`` through the command line: tables, JSON, the workbook, and every bad input (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent.parent
DATA = Path("tests/data/hiring")

# efficiency: none: these tests are about the command's outputs, with the hand-worked coverage of a
# head that delivers all its hours (a one-rep branch packs into plan's calendar at 50 %: see
# tests/analyses/test_efficiency.py).
GROWTH = """
hiring:
  start: "2006-01"
  penalty_per_hour: 1000
  efficiency: none
  growth: {months: 1, added: {retail: {small: 300}}}
  roles:
    rep: {max_hires_per_month: 1}
"""


@pytest.fixture
def capped(tiny: Callable[..., Path]) -> Path:
    """Tiny scenario: 400 customers need 4 reps from month 1, 1 there, at most 1 hire a month."""
    return tiny(small=100, extra=GROWTH)


def test_table_shows_periods_worst_period_chart_and_totals(cli: Callable[..., object], capped: Path) -> None:
    result = cli("hire", capped, "--horizon", "3")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.output  # type: ignore[attr-defined]
    assert "Hiring plan: " in out
    assert "2006-01" in out and "2006-03" in out
    assert "worst period 2006-01: 50.0% covered" in out
    assert "█ effective" in out and "▒ required" in out
    assert "Totals: 3 hires" in out


def test_json_through_a_real_process_is_clean(capped: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "cli.py", "hire", str(capped), "--horizon", "3", "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["total_hires"] == 3
    first = data["periods"][0]
    for key in (
        "period",
        "role",
        "headcount",
        "hires",
        "leavers",
        "transfers_in",
        "transfers_out",
        "effective_hours",
        "required_hours",
        "coverage",
    ):
        assert key in first
    assert [p["coverage"] for p in data["periods"]] == [0.5, 0.75, 1.0]
    # 3 months: salaries of 2 + 3 + 4 reps at 8,333.33 a month; no hiring cost.
    assert data["total_cost"] == pytest.approx(9 * 100_000 / 12, abs=1e-3)


def test_workbook_summary_and_role_sheets(cli: Callable[..., object], capped: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = cli("hire", capped, "--horizon", "3", "--out", out, "--format", "json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    json.loads(result.output)  # type: ignore[attr-defined]
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "rep", "Customers"]
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["total hires"] == 3
    rows = list(wb["rep"].iter_rows(values_only=True))
    assert rows[0][:5] == ("period", "headcount", "hires decided", "hires starting", "leavers")
    assert [r[1] for r in rows[1:]] == [2, 3, 4]
    # Same input, byte-identical file.
    again = tmp_path / "again.xlsx"
    cli("hire", capped, "--horizon", "3", "--out", again)
    assert again.read_bytes() == out.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_quarter_and_set(cli: Callable[..., object], capped: Path) -> None:
    result = cli(
        "hire",
        capped,
        "--period",
        "quarter",
        "--horizon",
        "2",
        "--set",
        "hiring.penalty_per_hour=0",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    data = json.loads(result.output)  # type: ignore[attr-defined]
    assert [p["period"] for p in data["periods"]] == ["2006-Q1", "2006-Q2"]
    assert data["total_hires"] == 0  # a free gap: hiring never pays


BAD_FILES = [
    ("no-hiring.yaml", "hiring: the scenario has no `hiring:` section"),
    ("unknown-role.yaml", "unknown role 'key_manger' (did you mean 'key_manager'?)"),
    (
        "unknown-tier.yaml",
        "hiring.growth.added.key.cristal: unknown tier 'cristal' (did you mean 'crystal'?)",
    ),
    ("unknown-key.yaml", "unknown key 'lead_time' (did you mean 'lead_time_months'?)"),
    ("missing-penalty.yaml", "hiring.penalty_per_hour: required key is missing"),
    ("negative-penalty.yaml", "hiring.penalty_per_hour: expected a value greater than or equal to 0"),
    ("phasing-length.yaml", "phasing lists 3 monthly shares but the growth window is 12 months"),
    ("phasing-sum.yaml", "phasing shares add up to 1.1; they must add up to 1"),
    ("bad-ramp.yaml", "ramp[1] is 1.5; productivity in a month of tenure must be in [0, 1]"),
    ("bad-attrition.yaml", "hiring.roles.key_manager.attrition.first_year: expected a value less than 1"),
    ("bad-churn.yaml", "hiring.churn.key.crystal: expected a yearly churn rate in [0, 1), got 1.5"),
    ("transfer-same-role.yaml", "transfers[0].to_role: a transfer must move staff to a different role"),
    ("transfer-unknown-role.yaml", "unknown role 'commercial_manger' (did you mean 'commercial_manager'?)"),
    ("migration-unknown-tier.yaml", "migration[0].to_tier: unknown tier 'key.cristal'"),
    ("base-end-too-many.yaml", "500 customers are added to key.diamond, which has only 40"),
    ("bad-start.yaml", "start '2006-13': the month must be 01 to 12"),
    ("string-lead.yaml", "lead_time_months: expected an integer, got 'two'"),
]


@pytest.mark.parametrize(("name", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_input_files_exit_2(cli: Callable[..., object], name: str, message: str) -> None:
    result = cli("hire", DATA / name, "--horizon", "2")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert err.startswith(f"Error: {DATA / name}")
    assert message in err
    assert "Traceback" not in err


def test_error_names_the_line(cli: Callable[..., object]) -> None:
    result = cli("hire", DATA / "unknown-tier.yaml")
    assert f"{DATA / 'unknown-tier.yaml'}:7:" in result.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--horizon", "0"], "Invalid value for '--horizon'"),
        (["--horizon", "500"], "Invalid value for '--horizon'"),
        (["--period", "week"], "Invalid value for '--period'"),
        (["--out", "plan.csv"], "--out: expected an .xlsx file name, got 'plan.csv'"),
        (
            ["--set", "hiring.roles.rep={max_hires_per_month: 1, lead_time_months: -1}"],
            "expected a value greater than or equal to 0",
        ),
        (["--set", "hiring.roles.rep.lead_time_months=-1"], "relative value -1 needs a current number"),
        (["--set", "hiring.nope=1"], "hiring.nope: unknown key 'nope'"),
        (["--set", "hiring.efficiency=hours"], "hiring.efficiency: expected one of 'calendar' or 'none'"),
        (["--solver", "gurobi"], "Invalid value for '--solver'"),
    ],
)
def test_bad_options_exit_2(cli: Callable[..., object], capped: Path, args: list[str], message: str) -> None:
    result = cli("hire", capped, *args)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert message in result.stderr  # type: ignore[attr-defined]
    assert not (REPO / "plan.csv").exists()


def test_missing_scenario_file(cli: Callable[..., object]) -> None:
    result = cli("hire", "scenarios/nope.yaml")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "scenarios/nope.yaml: file not found" in result.stderr  # type: ignore[attr-defined]


def test_validate_catches_hiring_names(cli: Callable[..., object]) -> None:
    """`planner validate` checks the hiring: section's role and tier names as well."""
    result = cli("validate", DATA / "unknown-role.yaml")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "unknown role 'key_manger'" in result.output + result.stderr  # type: ignore[attr-defined]


def test_a_solver_that_stops_exits_2_through_the_group(
    cli: Callable[..., object], capped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command raises a SolverError; the group alone prints it and exits 2 (nothing written).
    from types import SimpleNamespace

    from planner.analyses import hiring
    from planner.model.solver import SolveStatus

    stopped = SimpleNamespace(ok=False, status=SolveStatus.NOT_SOLVED, warnings=[])
    monkeypatch.setattr(hiring, "hiring_plan", lambda *a, **k: stopped)
    result = cli("hire", str(capped), "--format", "json")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert result.stderr.strip() == f"Error: {capped}: no hiring plan; the solver stopped (not_solved)"  # type: ignore[attr-defined]
