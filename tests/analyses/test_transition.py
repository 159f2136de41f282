"""The shipped unified-centre-transition scenario: the centre staffed month by month from zero."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.analyses.hiring import HiringResult, hiring_plan
from planner.data.scenario import load_scenario
from planner.report.hiring import write_workbook

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def transition() -> HiringResult:
    """The scenario over its own horizon (18 months)."""
    result = hiring_plan(load_scenario(REPO / "scenarios" / "unified-centre-transition.yaml"))
    assert result.ok, result.status
    return result


def test_centre_is_staffed_by_moves_and_retraining_within_their_caps(transition: HiringResult) -> None:
    """Key managers move across (at most 4 a month), commercial managers are retrained (at most 3 a
    month and at most 34 % of the centre's staff in the month they arrive)."""
    assert transition.horizon == 18 and transition.period_unit == "month"
    centre = {p.period: p.headcount for p in transition.rows("unified_manager")}
    kinds = {t.kind for t in transition.transfers}
    assert kinds == {"transfer", "retrain"}
    for t in transition.transfers:
        if t.kind == "retrain":
            assert t.count <= 3
            assert t.count <= 0.34 * centre[t.effective] + 1e-9
        else:
            assert t.count <= 4
    rows = transition.rows("unified_manager")
    assert rows[0].headcount == 0  # nobody can arrive in month 1: every lead time is 1 month or more
    assert rows[-1].headcount >= 20  # the centre exists at the end
    assert sum(p.transfers_in for p in rows) == sum(t.count for t in transition.transfers)


def test_balance_and_training_cap(transition: HiringResult) -> None:
    """Every role balances each month; the centre never has more than 12 people in ramp-up.

    Centre ramp-ups: hires 3 months, key managers 1, retrained commercial managers 2.
    """
    scenario = load_scenario(REPO / "scenarios" / "unified-centre-transition.yaml")
    for role, spec in scenario.roles.items():
        before = spec.headcount
        for p in transition.rows(role):
            assert p.headcount == before + p.hires + p.transfers_in - p.transfers_out - p.leavers - p.layoffs
            before = p.headcount
    ramp = {"transfer": 1, "retrain": 2}
    labels = transition.labels
    rows = transition.rows("unified_manager")
    for t in range(len(labels)):
        hires = sum(rows[k].hires for k in range(max(0, t - 2), t + 1))
        moved = sum(
            x.count for x in transition.transfers if 0 <= t - labels.index(x.effective) < ramp[x.kind]
        )
        assert hires + moved <= 12


def test_workbook_for_hr(transition: HiringResult, tmp_path: Path) -> None:
    out = write_workbook(transition, tmp_path / "transition.xlsx")
    wb = load_workbook(out)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["mode"] == "integer"
    assert summary["objective"] == "min_cost"
    assert "unified_manager" in wb.sheetnames
    kinds = [
        row[5]
        for row in wb["Summary"].iter_rows(values_only=True)
        if row and row[0] == "commercial_manager" and row[1] == "unified_manager"
    ]
    assert kinds and set(kinds) == {"retrain"}
