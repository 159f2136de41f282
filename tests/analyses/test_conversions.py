"""Month-based settings converted to quarters and years: wastage by service, caps, requirements in heads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from planner.analyses.hiring import _required_heads, _wastage, hiring_plan
from planner.data.hiring import HiringRole, Wastage
from planner.data.scenario import load_scenario
from planner.model.hiring import HiringProblem, RoleInput, solve_hiring


def test_wastage_per_period() -> None:
    """(hire_loss, first, tenured, first-year periods) for 25 % / 10 % a year."""
    role = HiringRole(wastage=Wastage(newcomers=0.25, others=0.10, per="year"))
    assert _wastage(role, 12) == pytest.approx((0.25, 0.25, 0.10, 0))
    q_new, q_old = 1 - 0.75**0.25, 1 - 0.9**0.25
    assert _wastage(role, 3) == pytest.approx((q_new, q_new, q_old, 3))
    # Rates per month in a yearly plan: the first month at the newcomers' rate, 11 at the others'.
    monthly = HiringRole(wastage=Wastage(newcomers=0.05, others=0.01, per="month"))
    assert _wastage(monthly, 12) == pytest.approx((1 - 0.95 * 0.99**11, 1 - 0.99**12, 1 - 0.99**12, 0))
    # The older monthly attrition: nothing lost in the month of arrival, 12 months at the first-year rate.
    legacy = HiringRole.model_validate({"attrition": {"first_year": 0.02, "tenured": 0.01}})
    assert _wastage(legacy, 3) == pytest.approx((0, 1 - 0.98**3, 1 - 0.99**3, 4))


@pytest.mark.parametrize(("step", "periods"), [(1, 12), (3, 4), (12, 1)])
def test_a_cohort_loses_exactly_the_newcomers_rate_in_its_first_year(step: int, periods: int) -> None:
    """LP mode: 1,000 hires in period 1 (required then, free to shrink after), newcomers 25 % a year,
    nobody else leaving: 750 are left after a year, whatever the period (1000 x 0.75)."""
    hire_loss, first, tenured, window = _wastage(HiringRole(wastage=Wastage(newcomers=0.25)), step)
    need = (1000 * (1 - hire_loss),) + (0.0,) * (periods - 1)
    role = RoleInput(
        "r", 0, 1.0, 0.0, 0.0, 0, (), first, tenured, window, None, None, (),
        hire_loss=hire_loss, cohort_survival=True, required_heads=need,
    )  # fmt: skip
    sol = solve_hiring(HiringProblem(periods, (), {}, {}, (role,), integer=False))
    assert sol.ok
    assert sol.roles[0].hires[0] == pytest.approx(1000)
    assert sol.roles[0].headcount[-1] == pytest.approx(750)


def test_required_heads_repeat_or_average(tiny: Callable[..., Path]) -> None:
    """Yearly entries repeat in each month; monthly entries average over a quarter."""
    extra = """
hiring:
  penalty_per_hour: 0
  requirements: {period: year, heads: {rep: [12, 24]}}
"""
    sc = load_scenario(tiny(small=100, extra=extra))
    assert sc.spec.hiring is not None
    assert _required_heads(sc, sc.spec.hiring, "rep", 14, 1) == (12.0,) * 12 + (24.0, 24.0)
    monthly = load_scenario(
        tiny(
            small=100,
            extra=extra.replace("year, heads: {rep: [12, 24]}", "month, heads: {rep: [1, 2, 6, 4]}"),
        )
    )
    assert monthly.spec.hiring is not None
    assert _required_heads(monthly, monthly.spec.hiring, "rep", 1, 3) == (3.0,)
    assert _required_heads(monthly, monthly.spec.hiring, "nobody", 1, 3) is None


def test_yearly_hiring_cap_per_quarter(tiny: Callable[..., Path]) -> None:
    """max_hires_per_year 8 is 2 a quarter: 4 quarters add at most 8 to a requirement of 100 heads."""
    extra = """
hiring:
  penalty_per_hour: 0
  period: quarter
  horizon: 4
  mode: lp
  requirements: {period: quarter, heads: {rep: [100, 100, 100, 100]}}
  roles:
    rep: {max_hires_per_year: 8}
"""
    result = hiring_plan(load_scenario(tiny(small=100, extra=extra)))
    assert result.status == "infeasible"  # 1 rep today; 1 + 2 a quarter never reaches 100
    roomy = hiring_plan(
        load_scenario(tiny(small=100, extra=extra.replace("100, 100, 100, 100", "3, 5, 7, 9")))
    )
    assert roomy.ok
    assert [p.hires for p in roomy.rows("rep")] == pytest.approx([2, 2, 2, 2])
