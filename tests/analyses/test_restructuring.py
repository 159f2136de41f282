"""Restructuring: retraining between roles, redundancy, wastage by service; hand-worked and as properties."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner.analyses.hiring import HiringResult, hiring_plan
from planner.data.scenario import load_scenario
from planner.model.hiring import HiringProblem, RoleInput, TransferInput, solve_hiring

ROLES = """
  junior:
    serves: [retail]
    headcount: JUNIORS
    hours_per_year: 2000
    customer_time_share: 0.4
    annual_cost: 0
  senior:
    serves: [retail]
    headcount: 0
    hours_per_year: 2000
    customer_time_share: 0.4
    annual_cost: 0
"""


def _plan(path: Path, **kwargs: object) -> HiringResult:
    result = hiring_plan(load_scenario(path), **kwargs)  # type: ignore[arg-type]
    assert result.ok, result.status
    return result


def test_retraining_beats_hiring_and_redundancy_up_to_its_cap(tiny: Callable[..., Path]) -> None:
    """10 juniors, 5 needed; 0 seniors, 5 needed. Juniors cannot be overmanned (max 0).

    Per surplus junior: retrain 300, or hire a senior (1,000) and make the junior redundant (500).
    Uncapped: retrain 5 -> 1,500. Capped at 3 a month: retrain 3 (900), hire 2 seniors (2,000),
    make 2 juniors redundant (1,000) = 3,900, all in month 1 (seniors are needed from month 1).
    """
    hiring = """
hiring:
  penalty_per_hour: 0
  layoffs: true
  requirements: {period: month, heads: {junior: [5, 5], senior: [5, 5]}}
  roles:
    junior: {redundancy_cost: 500, overmanning: {max: 0}}
    senior: {cost_per_hire: 1000}
  transfers:
    - {from_role: junior, to_role: senior, kind: retrain, cost: 300CAP}
"""
    roles = ROLES.replace("JUNIORS", "10")
    free = _plan(tiny(roles=roles, extra=hiring.replace("CAP", "")), horizon=2)
    assert free.total_cost == pytest.approx(1_500)
    assert [p.transfers_out for p in free.rows("junior")] == [5, 0]
    assert free.redundancies == 0 and free.total_hires == 0
    capped = _plan(tiny(roles=roles, extra=hiring.replace("CAP", ", max_per_month: 3")), horizon=2)
    assert capped.total_cost == pytest.approx(3_900)
    assert [p.transfers_out for p in capped.rows("junior")] == [3, 0]
    assert [p.layoffs for p in capped.rows("junior")] == [2, 0]
    assert [p.hires for p in capped.rows("senior")] == [2, 0]
    assert [p.headcount for p in capped.rows("senior")] == [5, 5]
    assert capped.transfers[0].kind == "retrain"


def test_retrained_staff_leave_at_the_target_rate_in_their_first_year(tiny: Callable[..., Path]) -> None:
    """One year, LP mode. Juniors: 100, 10 % a year leave, 40 needed; seniors: 0, 45 needed, 10 %.

    Juniors: 100 - 10 leavers - r retrained - w redundant = 40, so r + w = 50. Seniors: the r
    retrained lose 10 % in the year they arrive (they count as long-serving): 0.9 r = 45, r = 50,
    w = 0. Cost 50 x 100 = 5,000 (hiring a senior costs 1,000 and newcomers lose 30 %).
    """
    hiring = """
hiring:
  penalty_per_hour: 0
  layoffs: true
  period: year
  horizon: 1
  mode: lp
  requirements: {period: year, heads: {junior: [40], senior: [45]}}
  roles:
    junior: {wastage: {newcomers: 0.3, others: 0.1}, redundancy_cost: 500, overmanning: {max: 0}}
    senior: {wastage: {newcomers: 0.3, others: 0.1}, cost_per_hire: 1000, overmanning: {max: 0}}
  transfers:
    - {from_role: junior, to_role: senior, kind: retrain, cost: 100}
"""
    result = _plan(tiny(roles=ROLES.replace("JUNIORS", "100"), extra=hiring))
    junior, senior = result.rows("junior")[0], result.rows("senior")[0]
    assert junior.leavers == pytest.approx(10)
    assert junior.transfers_out == pytest.approx(50)
    assert senior.leavers == pytest.approx(5)
    assert senior.headcount == pytest.approx(45)
    assert result.redundancies == pytest.approx(0)
    assert result.total_cost == pytest.approx(5_000)


def test_monthly_wastage_spreads_a_yearly_rate(tiny: Callable[..., Path]) -> None:
    """'others: 0.12 a year' over 12 months: 1 - 0.88 ** (1/12) a month, so 100 become 88 in LP mode."""
    hiring = """
hiring:
  penalty_per_hour: 0
  mode: lp
  roles:
    junior: {wastage: {others: 0.12}}
"""
    result = _plan(tiny(roles=ROLES.replace("JUNIORS", "100"), extra=hiring), horizon=12)
    assert result.rows("junior")[-1].headcount == pytest.approx(88)


@settings(max_examples=25, deadline=None)
@given(
    integer=st.booleans(),
    periods=st.integers(1, 5),
    initial=st.lists(st.integers(0, 40), min_size=2, max_size=2),
    required=st.lists(st.integers(0, 50), min_size=5, max_size=5),
    tenured=st.sampled_from([0.0, 0.05, 0.2]),
    hire_loss=st.sampled_from([0.0, 0.1, 0.25]),
    first=st.sampled_from([0.0, 0.1]),
    loss=st.sampled_from([0.0, 0.05, 0.5]),
    lead=st.integers(0, 2),
    share=st.sampled_from([None, 0.25]),
    layoffs=st.booleans(),
)
def test_stock_flow_balance(
    integer: bool,
    periods: int,
    initial: list[int],
    required: list[int],
    tenured: float,
    hire_loss: float,
    first: float,
    loss: float,
    lead: int,
    share: float | None,
    layoffs: bool,
) -> None:
    """heads_t = heads_{t-1} + hires + moves in - moves out - leavers - redundancies, every role and period.

    In LP mode the leavers are also exactly the expected leavers: tenured x last period's heads +
    (first - tenured) x hires of the previous first-year periods + hire_loss x this period's hires +
    loss x people moved in this period.
    """
    # A first-year rate below the tenured one makes the LP's expected leavers of a young workforce
    # negative (tenured x heads + (first - tenured) x recent hires); newcomers leave at least as often.
    assume(first >= tenured)

    def role(rid: str, heads: int, need: tuple[float, ...]) -> RoleInput:
        return RoleInput(
            rid, heads, 100.0, 10.0, 50.0, 0, (), first, tenured, 1, None, None, (),
            hire_loss=hire_loss, redundancy_cost=20.0, required_heads=need,
        )  # fmt: skip

    a = role("a", initial[0], tuple(float(x) for x in required[:periods]))
    b = role("b", initial[1], tuple(float(x) for x in reversed(required[-periods:])))
    moves = (
        TransferInput("a", "b", lead, None, 5.0, (), loss=loss, max_share_of_target=share, kind="retrain"),
        TransferInput("b", "a", 0, 3.0, 0.0, (), loss=0.5, kind="downgrade"),
    )
    problem = HiringProblem(periods, (), {}, {}, (a, b), moves, layoffs=layoffs, integer=integer)
    sol = solve_hiring(problem)
    assert sol.ok, sol.status
    tol = 1e-6
    moved_in = {"a": [0.0] * periods, "b": [0.0] * periods}
    for tr, ts in zip(moves, sol.transfers, strict=True):
        for t, n in enumerate(ts.moved):
            moved_in[tr.target][t] += tr.loss * n
    for rs, r in zip(sol.roles, (a, b), strict=True):
        before = float(r.initial)
        for t in range(periods):
            flow = rs.hires[t] + rs.transfers_in[t] - rs.transfers_out[t] - rs.leavers[t] - rs.layoffs[t]
            assert rs.headcount[t] == pytest.approx(before + flow, abs=tol)
            assert min(rs.headcount[t], rs.hires[t], rs.leavers[t], rs.layoffs[t]) >= -tol
            assert rs.headcount[t] >= (r.required_heads or ())[t] - tol  # overmanning is free here
            if not layoffs:
                assert rs.layoffs[t] == 0
            if integer:
                assert float(rs.headcount[t]).is_integer() and float(rs.leavers[t]).is_integer()
            else:
                recent = rs.hires[t - 1] if t >= 1 else 0.0
                expected = (
                    tenured * before
                    + (first - tenured) * recent
                    + hire_loss * rs.hires[t]
                    + moved_in[r.id][t]
                )
                assert rs.leavers[t] == pytest.approx(expected, abs=1e-5)
            before = rs.headcount[t]
    out = sol.transfers[0]
    heads_b = sol.roles[1].headcount
    for t in range(periods):
        if share is not None and out.moved[t]:
            assert out.moved[t] <= share * heads_b[t] + tol
    assert sol.roles[0].transfers_out == pytest.approx(sol.transfers[0].moved)
