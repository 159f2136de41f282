"""hire's requirement in heads comes from plan's calendar model, through each role's packing efficiency.

The ``tiny`` fixture (tests/conftest.py): tier ``small`` needs 4 visits x 2 h = 8 h a customer a year
(a standard per year), ``big`` 2 visits x 1 h a quarter = 8 h a year (a standard per quarter); the
role ``rep`` gives 2000 h x 0.4 = 800 h a head a year. 2027's working days (plan calendar, China):
months 20, 16, 23, 21, 19, 21, 22, 22, 21, 18, 22, 23 = 248; quarters 59, 61, 65, 63.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.analyses.hiring import calendar_efficiency, hiring_plan
from planner.data.scenario import load_scenario
from planner.model.headcount import plan

REPO = Path(__file__).resolve().parents[2]
WILLIAMS = REPO / "scenarios" / "williams-manpower.yaml"

#: A year of months of 2027 and no growth: the requirement is the plan year's.
STATIC = """
hiring:
  start: "2027-01"
  penalty_per_hour: 1000
"""

TWO_ROLES = """
rep:
  serves: [retail]
  headcount: 1
  hours_per_year: 2000
  customer_time_share: 0.4
  annual_cost: 100000
spare:
  serves: [retail]
  headcount: 0
  hours_per_year: 2000
  customer_time_share: 0.4
  annual_cost: 200000
"""


def test_hand_worked_efficiency_and_monthly_heads(tiny: Callable[..., Path]) -> None:
    """100 small + 60 big customers: 800 + 480 = 1,280 h a year.

    plan: 1,280 / 800 = 1.6 heads, so 2 (the calendar needs no more: plan says 2). Efficiency
    e = 1,280 / (2 x 800) = 0.8. Month m (working days d_m, its quarter's D_q) needs
    800 x d_m / 248 h of small (a yearly standard spread by working days) + 120 x d_m / D_q h of big
    (120 h a quarter); a head gives 800 / 12 x 0.8 x (d_m x 12 / 248) = 640 x d_m / 248 h in it. So
    heads_m = 800 / 640 + 120 x 248 / (640 x D_q) = 1.25 + 46.5 / D_q: 2.0381 in Q1 (59 days),
    2.0123 in Q2 (61), 1.9654 in Q3 (65), 1.9881 in Q4 (63): the short quarter needs the most.
    Over the year: 1,280 / (800 x 0.8) = 2 heads, plan's.
    """
    path = tiny(small=100, big=60, extra=STATIC)
    sc = load_scenario(path)
    planned = plan(sc, with_current=False)
    assert planned.role("rep").required_headcount == 2
    result = hiring_plan(sc, horizon=12)
    e = result.role_efficiency("rep")
    assert e is not None
    assert (e.efficiency, e.plan_heads, e.year) == (pytest.approx(0.8), 2, 2027)
    assert e.hours == pytest.approx(1280)
    quarter_days = [59, 61, 65, 63]
    expected = [1.25 + 46.5 / quarter_days[m // 3] for m in range(12)]
    assert [p.required_heads for p in result.rows("rep")] == pytest.approx(expected, rel=1e-9)
    assert not any(p.heads_given for p in result.rows("rep"))
    # A head's deliverable hours are 0.8 of its hours: effective hours = heads x 640 x d_m / 248.
    days = [20, 16, 23, 21, 19, 21, 22, 22, 21, 18, 22, 23]
    rows = result.rows("rep")
    assert rows[1].effective_hours == pytest.approx(rows[1].effective_heads * 640 * days[1] / 248)
    year = hiring_plan(sc, horizon=1, period="year")
    assert year.rows("rep")[0].required_heads == pytest.approx(2.0, rel=1e-12)


def test_efficiency_none_keeps_a_heads_hours(tiny: Callable[..., Path]) -> None:
    """``efficiency: none``: the requirement is 1,280 / 800 = 1.6 heads over the year."""
    sc = load_scenario(tiny(small=100, big=60, extra=STATIC + "  efficiency: none\n"))
    result = hiring_plan(sc, horizon=1, period="year")
    e = result.role_efficiency("rep")
    assert e is not None and e.efficiency == 1.0 and e.plan_heads is None
    assert result.rows("rep")[0].required_heads == pytest.approx(1.6)
    assert result.efficiency_basis == "none"


def test_role_with_no_hours_has_efficiency_one(tiny: Callable[..., Path]) -> None:
    """``spare`` costs twice ``rep`` for the same hours: plan gives it no heads and no hours, so its
    efficiency is 1 and its requirement 0 heads (no division by zero); ``rep`` takes all 800 h of
    100 small customers (whole 2-hour visits in a 16.1-hour week: plan needs 2 heads, e = 0.5)."""
    sc = load_scenario(tiny(small=100, roles=TWO_ROLES, extra=STATIC))
    result = hiring_plan(sc, horizon=1, period="year")
    spare = result.role_efficiency("spare")
    assert spare is not None
    assert (spare.efficiency, spare.hours, spare.plan_heads) == (1.0, 0.0, 0)
    assert result.rows("spare")[0].required_heads == 0
    rep = result.role_efficiency("rep")
    assert rep is not None and rep.plan_heads == 2 and rep.efficiency == pytest.approx(0.5)
    assert result.rows("rep")[0].required_heads == pytest.approx(2.0)


def test_empty_branch(tiny: Callable[..., Path]) -> None:
    """No customers: every role's efficiency is 1 and it needs 0 heads."""
    sc = load_scenario(tiny(small=0, big=0, extra=STATIC))
    result = hiring_plan(sc, horizon=3)
    assert result.ok
    assert result.role_efficiency("rep").efficiency == 1.0  # type: ignore[union-attr]
    assert [p.required_heads for p in result.rows("rep")] == [0, 0, 0]


def test_given_heads_override() -> None:
    """Williams' levels carry their requirement in heads (hiring.requirements.heads): shown as given."""
    sc = load_scenario(WILLIAMS)
    req = sc.spec.hiring.requirements  # type: ignore[union-attr]
    assert req is not None
    result = hiring_plan(sc, mode="lp")
    for role, values in req.heads.items():
        rows = result.rows(role)
        assert all(p.heads_given for p in rows)
        assert [p.required_heads for p in rows] == values[: len(rows)]


def test_limits_are_lifted_for_the_requirement(tiny: Callable[..., Path]) -> None:
    """A budget of one head keeps plan at 1 head for 1,280 h; the requirement is still 2 heads."""
    sc = load_scenario(tiny(small=100, big=60, extra="budget: 100000\n" + STATIC))
    assert plan(sc, with_current=False).mode == "max_coverage"
    result = hiring_plan(sc, horizon=1, period="year")
    assert result.role_efficiency("rep").plan_heads == 2  # type: ignore[union-attr]
    assert result.rows("rep")[0].required_heads == pytest.approx(2.0)
    assert any("keep plan short of the standards" in w for w in result.warnings)


def test_a_plan_at_hand_is_used_not_solved_again(
    tiny: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sc = load_scenario(tiny(small=100, big=60, extra=STATIC))
    planned = plan(sc)
    solved = calendar_efficiency(sc, 2027)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("plan solved again")

    monkeypatch.setattr("planner.model.headcount.plan", refuse)
    given = calendar_efficiency(sc, 2027, planned=planned)
    assert given.roles == solved.roles and given.shares == solved.shares
    with pytest.raises(AssertionError, match="solved again"):  # another year's plan is not used
        calendar_efficiency(sc, 2028, planned=planned)


def test_table_json_and_workbook_show_the_requirement_in_heads(
    cli: Callable[..., object], tiny: Callable[..., Path], tmp_path: Path
) -> None:
    path = tiny(small=100, big=60, extra=STATIC)
    table = cli("hire", path, "--period", "year", "--horizon", "1")
    out = table.output  # type: ignore[attr-defined]
    assert "required heads" in out
    assert "a rep delivers 80.0% of its hours in 2027 (plan: 2)" in out
    data = json.loads(cli("hire", path, "--period", "year", "--horizon", "1", "--format", "json").stdout)  # type: ignore[attr-defined]
    assert data["periods"][0]["required_heads"] == pytest.approx(2.0)
    assert data["periods"][0]["heads_given"] is False
    assert data["efficiency"][0]["plan_heads"] == 2
    book = tmp_path / "hire.xlsx"
    cli("hire", path, "--period", "year", "--horizon", "1", "--out", book)
    wb = load_workbook(book)
    header, first = list(wb["rep"].iter_rows(values_only=True))[:2]
    assert first[header.index("required heads")] == pytest.approx(2.0)
    summary = list(wb["Summary"].iter_rows(values_only=True))
    roles_header = next(r for r in summary if r and r[0] == "role")
    rep = next(r for r in summary if r and r[0] == "rep")
    assert rep[roles_header.index("efficiency")] == pytest.approx(0.8)
    assert rep[roles_header.index("plan heads")] == 2
    zh = cli("--lang", "zh", "hire", path, "--period", "year", "--horizon", "1")
    assert "需要人数" in zh.output  # type: ignore[attr-defined]
