"""The hiring plan, checked against figures worked out by hand on tiny scenarios.

The ``tiny`` fixture (tests/conftest.py): one channel ``retail`` whose two tiers each need 8 h a
customer a year; the role ``rep`` gives 2000 h x 0.4 = 800 h a head a year, i.e. 66.667 h a month,
and costs 100,000 CNY a year (8,333.33 a month). 100 small customers = 800 h a year = one head.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.analyses.hiring import (
    HiringResult,
    _period_ramp,
    build_problem,
    hiring_plan,
    monthly_customers,
    period_labels,
)
from planner.data.hiring import Growth, HiringSpec
from planner.data.scenario import load_scenario
from planner.model.headcount import plan
from planner.model.hiring import Flows, RoleInput, simulate_leavers

REPO = Path(__file__).resolve().parent.parent.parent
MONTH_H = 800 / 12  # one rep's hours a month


def _plan(path: Path, horizon: int = 6, period: str = "month") -> HiringResult:
    result = hiring_plan(load_scenario(path), horizon=horizon, period=period)  # type: ignore[arg-type]
    assert result.ok, result.status
    return result


def _hiring(body: str) -> str:
    # Even months (a twelfth of the year each): the hand-worked figures below; the calendar's months
    # are tested in tests/test_consistency.py::test_hire_requirement_is_the_plans_work. And a head
    # delivers all its hours (``efficiency: none``): these tests are about hires, ramp-up, caps and
    # leavers, and a one-rep branch packs badly into plan's calendar (it needs 2 heads for 800 h);
    # the calendar efficiency is tested in tests/analyses/test_efficiency.py.
    lines = body.strip("\n").splitlines()
    if not any(line.startswith("months:") for line in lines):
        lines.append("months: even")
    if not any(line.startswith("efficiency:") for line in lines):
        lines.append("efficiency: none")
    return "hiring:\n" + "\n".join("  " + line for line in lines) + "\n"


def test_no_growth_no_attrition_no_hires(tiny: Callable[..., Path]) -> None:
    """100 customers need exactly the one rep there is: nothing to do for 12 months."""
    result = _plan(tiny(small=100, extra=_hiring("penalty_per_hour: 1000")), horizon=12)
    assert result.total_hires == 0
    rows = result.rows("rep")
    assert [p.headcount for p in rows] == [1] * 12
    assert all(p.leavers == p.transfers_in == p.transfers_out == 0 for p in rows)
    assert all(p.coverage == 1.0 for p in rows)
    assert result.total_cost == pytest.approx(100_000)  # one salary for a year


GROWTH = """
penalty_per_hour: 500
growth: {months: 1, added: {retail: {small: 100}}}
roles:
  rep: {ramp: [0.5, 0.75], lead_time_months: LEAD}
"""


def test_ramp_up_exact_by_hand(tiny: Callable[..., Path]) -> None:
    """+100 customers in month 1 double the need to 133.33 h a month; one hire starts at once.

    The hire gives 0.5, then 0.75, then 1 x 66.667 h: effective hours 100, 116.667, 133.333.
    Hiring one costs 6 x 8,333 = 50,000 + 50 h x 500 of gaps = 75,000; two cost 100,000 and none
    400 h x 500 = 200,000, so exactly one hire is the optimum.
    """
    result = _plan(tiny(small=100, extra=_hiring(GROWTH.replace("LEAD", "0"))), horizon=6)
    rows = result.rows("rep")
    assert [p.hires_decided for p in rows] == [1, 0, 0, 0, 0, 0]
    assert [p.hires for p in rows] == [1, 0, 0, 0, 0, 0]
    assert [p.headcount for p in rows] == [2] * 6
    expected = [1.5 * MONTH_H, 1.75 * MONTH_H] + [2 * MONTH_H] * 4
    assert [p.effective_hours for p in rows] == pytest.approx(expected)
    assert [p.required_hours for p in rows] == pytest.approx([2 * MONTH_H] * 6)
    assert [p.coverage for p in rows] == pytest.approx([0.75, 0.875, 1, 1, 1, 1])
    assert result.shortfall_hours == pytest.approx(50)
    assert result.total_cost == pytest.approx(6 * 2 * 100_000 / 12)


def test_hire_never_counts_before_its_lead_time(tiny: Callable[..., Path]) -> None:
    """With a 2-month lead time the hire decided in month 1 starts in month 3, ramping from there.

    One hire: 4 salaries (33,333) + (66.67 x 2 + 33.33 + 16.67) h x 500 = 125,000; two save only
    50 h (25,000) for 33,333 more; none cost 200,000.
    """
    result = _plan(tiny(small=100, extra=_hiring(GROWTH.replace("LEAD", "2"))), horizon=6)
    rows = result.rows("rep")
    assert [p.hires_decided for p in rows] == [1, 0, 0, 0, 0, 0]
    assert [p.hires for p in rows] == [0, 0, 1, 0, 0, 0]
    assert [p.headcount for p in rows] == [1, 1, 2, 2, 2, 2]
    expected = [MONTH_H, MONTH_H, 1.5 * MONTH_H, 1.75 * MONTH_H, 2 * MONTH_H, 2 * MONTH_H]
    assert [p.effective_hours for p in rows] == pytest.approx(expected)
    assert [p.coverage for p in rows] == pytest.approx([0.5, 0.5, 0.75, 0.875, 1, 1])


def test_quarters_convert_months(tiny: Callable[..., Path]) -> None:
    """Quarterly: lead 2 months -> 1 quarter, ramp [0.5, 0.75] -> mean of (0.5, 0.75, 1) = 0.75.

    A rep gives 200 h a quarter; 200 customers need 400. Hire decided in Q1 starts in Q2 at 0.75:
    effective 200, 350, 400, 400.
    """
    result = _plan(tiny(small=100, extra=_hiring(GROWTH.replace("LEAD", "2"))), horizon=4, period="quarter")
    rows = result.rows("rep")
    assert [p.period for p in rows] == ["Q1", "Q2", "Q3", "Q4"]
    assert [p.hires for p in rows] == [0, 1, 0, 0]
    assert [p.effective_hours for p in rows] == pytest.approx([200, 350, 400, 400])
    assert [p.required_hours for p in rows] == pytest.approx([400] * 4)


def test_binding_cap_shows_as_a_gap(tiny: Callable[..., Path]) -> None:
    """+300 customers need 4 reps from month 1; at most 1 hire a month gives 2, 3, 4 heads.

    Coverage is then 2/4, 3/4, 4/4: a gap the plan reports, not an infeasible model.
    """
    extra = _hiring("""
penalty_per_hour: 1000
growth: {months: 1, added: {retail: {small: 300}}}
roles:
  rep: {max_hires_per_month: 1}
""")
    result = _plan(tiny(small=100, extra=extra), horizon=3)
    rows = result.rows("rep")
    assert [p.hires for p in rows] == [1, 1, 1]
    assert [p.coverage for p in rows] == pytest.approx([0.5, 0.75, 1.0])
    totals = result.role("rep")
    assert totals.worst_period == "M1"
    assert totals.worst_coverage == pytest.approx(0.5)
    assert result.shortfall_hours == pytest.approx((2 + 1) * MONTH_H)


def test_training_capacity_limits_people_in_ramp_up(tiny: Callable[..., Path]) -> None:
    """Training capacity 1 with a 2-month ramp: a second newcomer only once the first is through."""
    extra = _hiring("""
penalty_per_hour: 1000
growth: {months: 1, added: {retail: {small: 200}}}
roles:
  rep: {ramp: [0.5, 0.5], training_capacity: 1}
""")
    result = _plan(tiny(small=100, extra=extra), horizon=6)
    assert [p.hires for p in result.rows("rep")] == [1, 0, 1, 0, 0, 0]


@pytest.mark.parametrize(
    ("period", "ramp", "capacity", "expected"),
    [
        # A year: a 3-month ramp takes a quarter of it, so 1 training place trains 1 / (3/12) = 4
        # newcomers a year (one at a time); counted as a whole year each, it trained 1.
        ("year", "[0.5, 0.5, 0.5]", 1, [4, 4]),
        # A quarter: a 2-month ramp takes 2/3 of it, so 2 places train 2 / (2/3) = 3 a quarter
        # (counted whole, 2); nobody is still ramping up in the next quarter.
        ("quarter", "[0.5, 0.5]", 2, [3, 3, 3, 3]),
    ],
)
def test_training_capacity_counts_the_share_of_a_long_period_spent_ramping_up(
    tiny: Callable[..., Path], period: str, ramp: str, capacity: int, expected: list[int]
) -> None:
    """2,000 more small customers need 20 more reps (8 h each x 2,000 / 800 h a rep): the training cap
    binds every period, and the hires are the places times the periods a place turns over in."""
    extra = _hiring(f"""
penalty_per_hour: 1000
growth: {{months: 1, added: {{retail: {{small: 2000}}}}}}
roles:
  rep: {{ramp: {ramp}, training_capacity: {capacity}}}
""")
    result = _plan(tiny(small=100, extra=extra), horizon=len(expected), period=period)
    assert [p.hires for p in result.rows("rep")] == expected


def test_layoffs_only_when_allowed(tiny: Callable[..., Path]) -> None:
    """3 reps for 100 customers: kept by default, cut to 1 when layoffs are allowed (and free)."""
    roles = """
      rep:
        serves: [retail]
        headcount: 3
        hours_per_year: 2000
        customer_time_share: 0.4
        annual_cost: 100000
    """
    kept = _plan(tiny(small=100, roles=roles, extra=_hiring("penalty_per_hour: 1000")), horizon=3)
    assert [p.headcount for p in kept.rows("rep")] == [3, 3, 3]
    cut = _plan(
        tiny(small=100, roles=roles, extra=_hiring("penalty_per_hour: 1000\nlayoffs: true")), horizon=3
    )
    assert [p.layoffs for p in cut.rows("rep")] == [2, 0, 0]
    assert [p.headcount for p in cut.rows("rep")] == [1, 1, 1]


TWO_ROLES = """
  rep:
    serves: [retail]
    headcount: HEADS
    hours_per_year: 2000
    customer_time_share: 0.4
    annual_cost: 100000
  senior:
    serves: [retail.big]
    headcount: 1
    hours_per_year: 2000
    customer_time_share: 0.4
    annual_cost: 150000
"""


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    heads=st.integers(0, 6),
    small=st.integers(0, 600),
    big=st.integers(0, 300),
    added=st.integers(0, 400),
    first=st.sampled_from([0.0, 0.03, 0.1]),
    tenured=st.sampled_from([0.0, 0.01, 0.05]),
    lead=st.integers(0, 3),
    cap=st.sampled_from([None, 1, 2]),
    move_lead=st.integers(0, 2),
    layoffs=st.booleans(),
)
def test_headcount_balance_every_period(
    tiny: Callable[..., Path],
    heads: int,
    small: int,
    big: int,
    added: int,
    first: float,
    tenured: float,
    lead: int,
    cap: int | None,
    move_lead: int,
    layoffs: bool,
) -> None:
    """headcount_t = headcount_{t-1} + hires - leavers + transfers in - out - layoffs, in every period."""
    cap_line = "" if cap is None else f", max_hires_per_month: {cap}"
    extra = _hiring(f"""
penalty_per_hour: 400
layoffs: {str(layoffs).lower()}
growth: {{months: 4, phasing: front_loaded, added: {{retail: {{big: {added}}}}}}}
churn: {{retail: 0.1}}
roles:
  rep: {{attrition: {{first_year: {first}, tenured: {tenured}}}, lead_time_months: {lead},
        ramp: [0.5]{cap_line}}}
  senior: {{attrition: {{first_year: {first}, tenured: {tenured}}}, lead_time_months: {lead + 1}}}
transfers:
  - {{from_role: rep, to_role: senior, lead_time_months: {move_lead}, max_per_month: 1}}
""")
    path = tiny(small=small, big=big, roles=TWO_ROLES.replace("HEADS", str(heads)), extra=extra)
    result = _plan(path, horizon=8)
    initial = {"rep": heads, "senior": 1}
    for role in ("rep", "senior"):
        rows = result.rows(role)
        before = initial[role]
        for p in rows:
            assert p.headcount == before + p.hires - p.leavers + p.transfers_in - p.transfers_out - p.layoffs
            assert min(p.headcount, p.hires, p.leavers, p.transfers_in, p.transfers_out, p.layoffs) >= 0
            assert 0 <= p.coverage <= 1
            before = p.headcount
        if cap is not None and role == "rep":
            assert all(p.hires_decided <= cap for p in rows)
        if not layoffs:
            assert all(p.layoffs == 0 for p in rows)
    rep, senior = result.rows("rep"), result.rows("senior")
    assert [p.transfers_out for p in rep] == [p.transfers_in for p in senior]
    assert result.total_hires == sum(p.hires for p in result.periods)
    # Leavers are the rates applied to the plan's own headcount: cumulatively within one person.
    scenario = load_scenario(path)
    spec = scenario.spec.hiring
    assert spec is not None
    assert not [w for w in result.warnings if "leavers" in w]
    problem, _ = build_problem(scenario, spec, 8, "month")
    for role in problem.roles:
        rows = result.rows(role.id)
        flows = Flows(
            [p.hires for p in rows],
            [p.transfers_in for p in rows],
            [p.transfers_out for p in rows],
            [p.layoffs for p in rows],
        )
        own = list(itertools.accumulate(simulate_leavers(role, flows)))
        used = list(itertools.accumulate(p.leavers for p in rows))
        assert all(abs(u - o) <= 1 for u, o in zip(used, own, strict=True))


def test_leavers_by_hand() -> None:
    """100 tenured at 1 % a month: expected 1, 1.99, 2.97 cumulative -> 1 leaver a month.

    3 people at 10 %: 0.3, 0.6 (rounds to 1), 0.8 -> leavers 0, 1, 0: a small role still loses someone.
    """

    def role(initial: int, rate: float) -> RoleInput:
        return RoleInput("r", initial, 1.0, 1.0, 0.0, 0, (), rate, rate, 12, None, None, ())

    none = Flows([0] * 3, [0] * 3, [0] * 3, [0] * 3)
    assert simulate_leavers(role(100, 0.01), none) == [1, 1, 1]
    assert simulate_leavers(role(3, 0.1), none) == [0, 1, 0]
    # First-year rate: 10 hires in month 1 at 20 % first-year, none tenured -> 0, 2 (10 x 0.2), 2.
    fresh = RoleInput("r", 0, 1.0, 1.0, 0.0, 0, (), 0.2, 0.0, 12, None, None, ())
    assert simulate_leavers(fresh, Flows([10, 0, 0], [0] * 3, [0] * 3, [0] * 3)) == [0, 2, 2]


def test_growth_phasing_and_churn(tiny: Callable[..., Path]) -> None:
    """Front-loaded over 12 months: 12/78 of the growth in month 1. Churn 6.12 % a year compounds monthly."""
    assert Growth(months=12, phasing="front_loaded").shares()[0] == pytest.approx(12 / 78)
    assert sum(Growth(months=12, phasing="front_loaded").shares()) == pytest.approx(1)
    sc = load_scenario(tiny(small=1000, extra=_hiring("penalty_per_hour: 1\nchurn: {retail: 0.0612}")))
    spec = sc.spec.hiring
    assert isinstance(spec, HiringSpec)
    months = monthly_customers(sc, spec, 12)
    assert months[("retail", "small")][11] == pytest.approx(1000 * (1 - 0.0612))


def test_net_growth_ends_at_the_scenario_counts() -> None:
    """key-growth-2006 (base end, net): the year-end counts are the scenario's customers exactly."""
    sc = load_scenario(REPO / "scenarios" / "key-growth-2006.yaml")
    spec = sc.spec.hiring
    assert spec is not None
    months = monthly_customers(sc, spec, 12)
    for tier, n in sc.spec.customers["key"].items():
        assert months[("key", tier)][11] == pytest.approx(n)
    assert months[("key", "crystal")][0] == pytest.approx(4200 - 1000 + 1000 / 12)


def test_labels_and_ramp_conversion() -> None:
    assert period_labels("2006-11", "month", 3) == ["2006-11", "2006-12", "2007-01"]
    assert period_labels("2006-01", "quarter", 5)[-1] == "2007-Q1"
    assert period_labels(None, "quarter", 2) == ["Q1", "Q2"]
    assert _period_ramp([0.5, 0.5, 0.5], 3) == (0.5,)
    assert _period_ramp([0.2, 0.4, 0.6, 0.8], 3) == pytest.approx((0.4, (0.8 + 1 + 1) / 3))
    assert _period_ramp([0.5, 1.0], 1) == (0.5,)


@pytest.fixture(scope="module")
def key_growth() -> HiringResult:
    """The shipped key-growth-2006 scenario over its 12 months."""
    return hiring_plan(load_scenario(REPO / "scenarios" / "key-growth-2006.yaml"), horizon=12)


def test_key_growth_hires_key_managers_ahead_of_growth(key_growth: HiringResult) -> None:
    """The +1,500 accounts arrive evenly through 2006; key-manager hiring starts in January.

    Hires decided in the first half-year outnumber those decided in the second, and the key
    managers on staff in December exceed January's by more than the hires that started.
    """
    assert key_growth.ok
    rows = key_growth.rows("key_manager")
    assert key_growth.role("key_manager").first_hire_decided == "2006-01"
    early = sum(p.hires_decided for p in rows[:6])
    late = sum(p.hires_decided for p in rows[6:])
    assert early > late
    assert rows[-1].headcount - 110 > 30
    # Demand grows through the year, and the plan's December capacity is above January's need.
    assert rows[-1].required_hours > rows[0].required_hours
    assert rows[-1].effective_hours > rows[0].required_hours


def test_key_growth_required_hours_are_the_core_models(key_growth: HiringResult) -> None:
    """One model: December's key-tier hours are plan()'s required hours for the year-end customers,
    as the calendar spreads them: a monthly standard in full, a quarterly one by December's share of
    Q4's working days (computed here from the holidays package)."""
    import datetime as dt

    import holidays

    cn = holidays.China(years=[2006])

    def wd(month: int) -> int:
        d, n = dt.date(2006, month, 1), 0
        while d.month == month:
            n += cn.is_working_day(d)
            d += dt.timedelta(days=1)
        return n

    dec_share = wd(12) / (wd(10) + wd(11) + wd(12))
    sc = load_scenario(REPO / "scenarios" / "key-growth-2006.yaml")
    core = plan(sc, with_current=False)
    for t in core.tiers:
        if t.channel != "key":
            continue
        tier = sc.policy.tier("key", t.tier)
        per_customer = 0.0
        for std, minutes in ((tier.visits, tier.visit_minutes), (tier.calls, tier.call_minutes)):
            share = {"month": 1.0, "quarter": dec_share}[std.per]
            per_customer += std.count * minutes / 60 * share
        dec = next(x for x in key_growth.tiers if x.tier == f"key.{t.tier}" and x.period == "2006-12")
        assert dec.customers == t.customers
        assert dec.required_hours == pytest.approx(t.customers * per_customer)


def test_key_growth_is_deterministic(key_growth: HiringResult) -> None:
    again = hiring_plan(load_scenario(REPO / "scenarios" / "key-growth-2006.yaml"), horizon=12)
    assert again.to_dict() == key_growth.to_dict()
    assert math.isclose(again.total_cost, key_growth.total_cost)


def test_migration_moves_customers_between_tiers(tiny: Callable[..., Path]) -> None:
    """12 % a year from small to big, no churn: after 12 months 1000 x 0.88 = 880 small, 120 big."""
    move = "{from_tier: retail.small, to_tier: retail.big, yearly_rate: 0.12}"
    extra = _hiring(f"penalty_per_hour: 1\nmigration:\n  - {move}")
    sc = load_scenario(tiny(small=1000, extra=extra))
    assert sc.spec.hiring is not None
    months = monthly_customers(sc, sc.spec.hiring, 12)
    assert months[("retail", "small")][11] == pytest.approx(880)
    assert months[("retail", "big")][11] == pytest.approx(120)


def test_calls_only_role_cannot_cover_visits(tiny: Callable[..., Path]) -> None:
    """The tiny tiers need visits only, so a calls-only role delivers nothing (as in the core model).

    Five idle phone agents do not cover the 66.67 h a month of 100 small customers: one rep is hired.
    """
    roles = """
      rep:
        serves: [retail]
        headcount: 0
        hours_per_year: 2000
        customer_time_share: 0.4
        annual_cost: 100000
      phone:
        serves: [retail]
        contacts: calls
        headcount: 5
        hours_per_year: 2000
        customer_time_share: 0.4
        annual_cost: 50000
    """
    result = _plan(tiny(small=100, roles=roles, extra=_hiring("penalty_per_hour: 1000")), horizon=3)
    assert [p.hires for p in result.rows("rep")] == [1, 0, 0]
    assert all(p.delivered_hours == 0 for p in result.rows("phone"))
    assert [p.coverage for p in result.rows("rep")] == [1.0, 1.0, 1.0]


def test_chart_groups_long_horizons_and_table_shows_layoffs(tiny: Callable[..., Path]) -> None:
    """120 months do not fit 100 columns: the chart groups them; a plan with layoffs shows the column."""
    from rich.console import Console

    from planner.report.hiring import chart, render_hiring

    roles = """
      rep:
        serves: [retail]
        headcount: 3
        hours_per_year: 2000
        customer_time_share: 0.4
        annual_cost: 100000
    """
    extra = _hiring("penalty_per_hour: 1000\nlayoffs: true")
    result = _plan(tiny(small=100, roles=roles, extra=extra), horizon=120)
    text = chart(result.rows("rep"), width=100).plain
    assert "3 periods a column" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    console = Console(width=120, record=True)
    render_hiring(result, console)
    out = console.export_text()
    assert result.rows("rep")[0].layoffs == 2
    assert any(line.startswith("┃") and "layoffs" in line for line in out.splitlines())
    assert "Totals: 0 hires" in out


def test_shared_tier_hours_are_allocated_not_assigned(tiny: Callable[..., Path]) -> None:
    """rep serves both tiers, senior only `big`: 100 small (66.67 h/month) + 150 big (100 h/month).

    One rep and one senior give 133.33 h; the 33.33 h gap is closed by one more rep (cheaper than a
    senior), and the senior's hours all go to `big` while the reps cover small plus the rest of big.
    """
    roles = TWO_ROLES.replace("HEADS", "1")
    result = _plan(tiny(small=100, big=150, roles=roles, extra=_hiring("penalty_per_hour: 1000")), horizon=2)
    assert [p.hires for p in result.rows("rep")] == [1, 0]
    assert [p.hires for p in result.rows("senior")] == [0, 0]
    senior = result.rows("senior")[0]
    assert senior.delivered_hours == pytest.approx(MONTH_H)
    big = next(t for t in result.tiers if t.tier == "retail.big" and t.period == "M1")
    assert big.required_hours == pytest.approx(100)
    assert big.delivered_hours == pytest.approx(100)
    assert sum(p.delivered_hours for p in result.periods if p.period == "M1") == pytest.approx(100 + MONTH_H)
