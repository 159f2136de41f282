"""Response curves and the ``response`` objective of ``max_coverage``, against cases worked by hand.

The policy below has one channel with two tiers of 100 customers, each needing 4 visits x 120 min =
8 h a year, so 800 h a tier. ``small`` spends 500 CNY a month (revenue 100 x 500 x 12 = 600,000 CNY a
year) and ``big`` 3,000 (3,600,000 CNY a year).

At today's heads the plan reports what whole visits deliver (``schedule``'s calendar): one rep's
week of 1,000 h x its share holds whole 120-min visits and leaves minutes over, so those figures sit
a few visits below the exact optimum. The valuation is checked here on the model's fractional
allocation (``whole_contacts=False``), the optimum the books round; the rounding has tests of its own.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.analyses.objectives import compare_objectives
from planner.analyses.what_if import SweepPoint, budget_marginals, parse_vary, sweep
from planner.data.scenario import load_scenario
from planner.model.headcount import plan
from planner.model.response import ResponseCurve, curve_problem, tier_curve

REPO = Path(__file__).resolve().parent.parent.parent

TIER = """
      - id: {id}
        spend: {spend}
        typical_spend: {typical}
        visits: {{count: 4, per: year}}
        calls: {{count: 0, per: year}}
        visit_minutes: 120
        call_minutes: 0
        discount: 0.0
        churn_risk: {churn}
        response: {response}
"""


def write_case(
    tmp: Path,
    small: str,
    big: str,
    *,
    hours: float = 2500,
    headcount: int = 1,
    extra: str = "",
    typical: tuple[float, float] = (500, 3000),
    churn: tuple[float, float] = (0.2, 0.1),
    policy_extra: str = "",
) -> Path:
    """A policy with the two tiers' response points, and a scenario of one rep serving both."""
    tiers = TIER.format(id="small", spend="[0, 1000]", typical=typical[0], churn=churn[0], response=small)
    tiers += TIER.format(id="big", spend="[1000, 5000]", typical=typical[1], churn=churn[1], response=big)
    policy = f"{policy_extra}channels:\n  retail:\n    tiers:{tiers}"
    (tmp / "policy.yaml").write_text(policy, encoding="utf-8")
    scenario = textwrap.dedent(
        f"""\
        policy: policy.yaml
        customers:
          retail: {{small: 100, big: 100}}
        roles:
          rep:
            serves: [retail]
            headcount: {headcount}
            hours_per_year: {hours}
            customer_time_share: 0.4
            annual_cost: 100000
        """
    )
    path = tmp / "scenario.yaml"
    path.write_text(scenario + textwrap.dedent(extra), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the curve itself


def test_curve_interpolates_and_gives_the_next_slope():
    curve = ResponseCurve(((0.0, 0.8), (0.5, 0.9), (1.0, 0.95)))
    assert curve.kept(0.25) == pytest.approx(0.85)  # halfway up the first piece
    assert curve.kept(0.75) == pytest.approx(0.925)
    assert curve.kept(1.7) == pytest.approx(0.95)  # clipped
    assert curve.next_slope(0.0) == pytest.approx(0.2)  # 0.1 over 0.5
    assert curve.next_slope(0.5) == pytest.approx(0.1)  # at the kink: the piece to the right
    assert curve.next_slope(1.0) == 0.0
    assert curve.segments() == [(0.5, pytest.approx(0.2)), (0.5, pytest.approx(0.1))]
    assert not curve.is_linear and ResponseCurve.linear(0.1).is_linear


def test_default_curve_from_churn_shape():
    # kept = 1 - churn_risk x churn_lost: 1 - 0.0612 x 0.595 = 0.963586 at full service.
    curve = tier_curve(0.0612, None, [[0, 1.0], [0.5, 0.69625], [1, 0.595]])
    assert curve.kept(0) == pytest.approx(1 - 0.0612)
    assert curve.kept(1) == pytest.approx(1 - 0.0612 * 0.595)
    # Without points or a shape: the linear curve, 1 - churn_risk x (1 - s).
    assert tier_curve(0.1, None, None).points == ((0.0, 0.9), (1.0, 1.0))
    # A tier's own points win over the shape.
    assert tier_curve(0.1, [[0, 0.5], [1, 0.6]], [[0, 1], [1, 0]]).kept(1) == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([[0, 0.9]], "at least two points"),
        ([[0.1, 0.9], [1, 1]], "from service 0 to service 1, got 0.1 to 1"),
        ([[0, 0.9], [0.5, 0.95], [0.5, 0.97], [1, 1]], "point 2 has 0.5 after 0.5"),
        ([[0, 0.9], [1, 1.2]], "kept share of point 1 must be in [0, 1], got 1.2"),
        ([[0, 0.9], [0.5, 0.8], [1, 1]], "kept share falls between service 0 and 0.5"),
        ([[0, 0.9], [0.5, 0.91], [1, 1]], "concave: its slope rises at service 0.5"),
        ([[0, 0.9, 1], [1, 1]], "point 0 must be a pair"),
    ],
)
def test_curve_problems_are_named(points, message):
    problem = curve_problem(points)
    assert problem is not None and message in problem
    with pytest.raises(ValueError) as raised:
        ResponseCurve(tuple(tuple(p) for p in points))  # type: ignore[arg-type]
    assert str(raised.value) == problem


# ----------------------------------------------------------------------------- hand-worked optimum


def test_two_tiers_share_hours_where_the_slopes_meet(tmp_path):
    """One rep of 2,500 h x 0.4 = 1,000 h a year for 1,600 h of need.

    Curves (service -> share kept) and what an hour is worth on each piece, revenue x slope / 800 h:
      small: 0 -> 0.80, 0.5 -> 0.90, 1 -> 0.95; slopes 0.2 then 0.1 a unit of service:
             600,000 x 0.2 / 800 = 150 CNY/h for its first 400 h, 600,000 x 0.1 / 800 = 75 after.
      big:   0 -> 0.90, 0.5 -> 0.95, 1 -> 0.96; slopes 0.1 then 0.02:
             3,600,000 x 0.1 / 800 = 450 CNY/h for its first 400 h, 3,600,000 x 0.02 / 800 = 90 after.
    Best first: big's first 400 h (450), small's first 400 h (150), then big's second half (90) before
    small's (75): the last 200 h go to big. big = 600 / 800 = 75 %, small = 400 / 800 = 50 %.
    At the optimum the value of an hour is equal where a tier is inside a piece: big's slope, 90 CNY/h,
    is the rep's shadow price; small sits at its kink, between 150 (last hour) and 75 (next hour).
    Revenue kept: small 600,000 x 0.90 = 540,000; big 3,600,000 x (0.95 + 0.02 x 0.25) = 3,438,000.
    Lost against full service: small 600,000 x 0.05 = 30,000; big 3,600,000 x 0.005 = 18,000.
    """
    path = write_case(tmp_path, "[[0, 0.8], [0.5, 0.9], [1, 0.95]]", "[[0, 0.9], [0.5, 0.95], [1, 0.96]]")
    result = plan(load_scenario(path), headcount="current", whole_contacts=False)
    small, big = result.tier("retail", "small"), result.tier("retail", "big")
    assert result.mode == "max_coverage" and result.objective == "response"
    assert small.coverage == pytest.approx(0.5, abs=1e-6)
    assert big.coverage == pytest.approx(0.75, abs=1e-6)
    assert result.role("rep").shadow_price_per_hour == pytest.approx(90, rel=1e-4)
    assert big.value_of_next_hour == pytest.approx(90)
    assert small.value_of_next_hour == pytest.approx(75)
    assert small.revenue_kept == pytest.approx(540_000)
    assert big.revenue_kept == pytest.approx(3_438_000)
    assert (small.revenue_lost, big.revenue_lost) == (pytest.approx(30_000), pytest.approx(18_000))
    assert result.revenue_kept == pytest.approx(3_978_000)
    assert result.revenue_lost == pytest.approx(48_000)


def test_linear_objective_on_the_same_case_takes_the_corner(tmp_path):
    """Linear: revenue at risk per hour, small 100 x 500 x 12 x 0.2 / 800 = 150, big 100 x 3,000 x 12
    x 0.1 / 800 = 450: big in full (800 h), small the other 200 h = 25 %. Valued by the curves:
    small 600,000 x 0.85 = 510,000 (0.8 + 0.2 x 0.25), big 3,600,000 x 0.96 = 3,456,000: 3,966,000,
    12,000 less than the response objective's 3,978,000.
    """
    path = write_case(tmp_path, "[[0, 0.8], [0.5, 0.9], [1, 0.95]]", "[[0, 0.9], [0.5, 0.95], [1, 0.96]]")
    scenario = load_scenario(path)
    linear = plan(scenario, headcount="current", objective="linear", whole_contacts=False)
    assert linear.tier("retail", "big").coverage == pytest.approx(1.0)
    assert linear.tier("retail", "small").coverage == pytest.approx(0.25, abs=1e-6)
    assert linear.revenue_kept == pytest.approx(3_966_000)
    response = plan(scenario, headcount="current", whole_contacts=False)
    both = compare_objectives(scenario, response, headcount="current", whole_contacts=False)
    assert both.revenue_kept == {"response": pytest.approx(3_978_000), "linear": pytest.approx(3_966_000)}
    assert [t.tier for t in both.tiers] == ["retail.small", "retail.big"]


def test_a_tier_with_no_standard_is_neither_kept_nor_lost(tmp_path):
    """A tier with no visits needs no hours: it counts in no total (it used to count as protected)."""
    path = write_case(tmp_path, "[[0, 0.8], [1, 0.9]]", "[[0, 0.9], [1, 0.96]]")
    text = (tmp_path / "policy.yaml").read_text(encoding="utf-8")
    text = text.replace("visits: {count: 4, per: year}", "visits: {count: 0, per: year}", 1)
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    result = plan(load_scenario(path), headcount="current", whole_contacts=False)
    small = result.tier("retail", "small")
    assert small.required_hours == 0
    assert (small.revenue_kept, small.revenue_lost, small.value_of_next_hour) == (None, None, None)
    # big gets all 800 h it needs: kept 3,600,000 x 0.96; at risk covered 3,600,000 x 0.1 only.
    assert result.revenue_kept == pytest.approx(3_456_000)
    assert result.revenue_at_risk_covered == pytest.approx(360_000)


# ----------------------------------------------------------------------------- properties


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=st.integers(0, 400_000), raise_by=st.integers(1, 300_000))
def test_more_budget_never_keeps_less_revenue(tmp_path, budget, raise_by):
    """With headcount chosen under a budget (100,000 CNY a head of 1,000 h), revenue kept never falls."""

    def kept(b: int) -> float:
        path = write_case(
            tmp_path,
            "[[0, 0.8], [0.25, 0.86], [0.5, 0.9], [1, 0.95]]",
            "[[0, 0.9], [0.5, 0.95], [1, 0.96]]",
            extra=f"budget: {b}\n",
        )
        result = plan(load_scenario(path), with_current=False)
        assert result.ok
        return result.revenue_kept

    low, high = kept(budget), kept(budget + raise_by)
    assert high >= low - 1e-6 * low


slopes = st.lists(st.floats(0.05, 1.0), min_size=1, max_size=4).map(lambda xs: sorted(xs, reverse=True))


def _points(slope_list: list[float], scale: float) -> str:
    """Points of a concave curve through (0, 0.5) with these slopes (x scale) over equal pieces."""
    width = 1 / len(slope_list)
    points, kept = [[0.0, 0.5]], 0.5
    for i, m in enumerate(slope_list):
        kept += m * scale * width
        points.append([1.0 if i == len(slope_list) - 1 else (i + 1) * width, kept])
    return yaml.safe_dump(points, default_flow_style=True).strip()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=slopes, steeper=st.floats(1.05, 3.0), hours=st.floats(200, 4200))
def test_a_steeper_curve_never_gets_less_service(tmp_path, shape, steeper, hours):
    """Two tiers alike in all but the curve (same customers, spend and hours); big's slopes are
    ``steeper`` times small's. Moving an hour from small to big would gain whenever big had less."""
    flat = _points(shape, 0.1)
    steep = _points(shape, 0.1 * steeper)
    path = write_case(tmp_path, flat, steep, hours=hours, typical=(1000, 1000), churn=(0.1, 0.1))
    result = plan(load_scenario(path), headcount="current", whole_contacts=False)
    assert result.ok
    small, big = result.tier("retail", "small"), result.tier("retail", "big")
    assert big.coverage >= small.coverage - 1e-6


LINEAR = "[[0, {k0}], [1, 1]]"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    budget=st.integers(0, 300_000),
    churn=st.tuples(st.floats(0.01, 0.5), st.floats(0.01, 0.5)),
    typical=st.tuples(st.floats(100, 999), st.floats(1000, 4999)),
)
def test_linear_curves_give_todays_max_coverage(tmp_path, budget, churn, typical):
    """Curves 1 - churn_risk x (1 - s) make revenue kept = revenue x (1 - churn_risk) + revenue at risk
    x coverage: a constant plus the linear objective, so the same plan."""
    small = LINEAR.format(k0=1 - churn[0])
    big = LINEAR.format(k0=1 - churn[1])
    path = write_case(tmp_path, small, big, extra=f"budget: {budget}\n", typical=typical, churn=churn)
    scenario = load_scenario(path)
    response = plan(scenario, with_current=False)
    linear = plan(scenario, with_current=False, objective="linear")
    assert (response.objective, linear.objective) == ("response", "linear")
    assert response.total_headcount == linear.total_headcount
    assert response.total_cost == linear.total_cost
    assert response.revenue_at_risk_covered == pytest.approx(linear.revenue_at_risk_covered, rel=1e-6)
    for a, b in zip(response.tiers, linear.tiers, strict=True):
        assert a.coverage == pytest.approx(b.coverage, abs=1e-6)


def test_shipped_budget_freeze_with_linear_curves_is_todays_answer(tmp_path):
    """Every tier of the shipped policy given its linear curve reproduces the linear objective's plan
    (crystal at 46.8 %: the corner issue 17 starts from)."""
    from planner.data.policy import load_policy

    policy = load_policy(REPO / "policies/telecom-4plus1.yaml")
    overrides = {
        f"{c}.{t.id}": {"response": [[0, 1 - t.churn_risk], [1, 1]]}
        for c, ch in policy.channels.items()
        for t in ch.tiers
    }
    path = tmp_path / "linear-freeze.yaml"
    path.write_text(
        yaml.safe_dump(
            {"extends": str(REPO / "scenarios/budget-freeze.yaml"), "policy_overrides": overrides},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    curves = plan(load_scenario(path), with_current=False)
    linear = plan(
        load_scenario(REPO / "scenarios/budget-freeze.yaml"), with_current=False, objective="linear"
    )
    assert curves.objective == "response"
    assert curves.total_cost == linear.total_cost
    assert curves.revenue_at_risk_covered == pytest.approx(linear.revenue_at_risk_covered, rel=1e-6)
    crystal = curves.tier("key", "crystal").coverage
    assert crystal == pytest.approx(linear.tier("key", "crystal").coverage, abs=1e-6)
    assert round(crystal, 3) == 0.468


def test_shipped_policy_response_keeps_more_than_linear():
    """The response plan maximises revenue kept, so it never keeps less than the linear plan."""
    scenario = load_scenario(REPO / "scenarios/budget-freeze.yaml")
    result = plan(scenario, with_current=False)
    both = compare_objectives(scenario, result)
    assert both.revenue_kept["response"] >= both.revenue_kept["linear"]
    # Crystal is no longer the one tier left far short while every other key tier is met.
    assert result.tier("key", "crystal").coverage > 0.6


# ----------------------------------------------------------------------------- sweep


def test_budget_sweep_gives_marginal_revenue_per_million(tmp_path):
    path = write_case(tmp_path, "[[0, 0.8], [0.5, 0.9], [1, 0.95]]", "[[0, 0.9], [0.5, 0.95], [1, 0.96]]")
    result = sweep(path, [parse_vary("budget=0:300000:100000")])
    kept = [p.revenue_kept for p in result.points]
    # 0 heads: everything at service 0: 600,000 x 0.8 + 3,600,000 x 0.9 = 3,720,000.
    # 1 head (1,000 h): the hand-worked 3,978,000 above. 2 heads (2,000 h >= 1,600 h): all met,
    # 600,000 x 0.95 + 3,600,000 x 0.96 = 4,026,000. A third head adds nothing.
    assert kept == pytest.approx([3_720_000, 3_978_000, 4_026_000, 4_026_000])
    marginal = [p.marginal_per_million for p in result.points]
    # Per extra 1 M CNY of budget: (3,978,000 - 3,720,000) / 100,000 x 1,000,000 = 2,580,000, ...
    assert marginal[0] is None
    assert marginal[1:] == pytest.approx([2_580_000, 480_000, 0])
    assert [row["marginal_per_million"] for row in result.rows()][1:] == pytest.approx(marginal[1:])


def test_marginals_follow_the_other_parameter_and_skip_failed_points():
    def point(budget: float, n: int, kept: float, status: str = "optimal") -> SweepPoint:
        return SweepPoint(
            values={"budget": budget, "customers.x": n},
            status=status,
            mode="max_coverage",
            total_headcount=0,
            total_cost=0.0,
            revenue_at_risk_covered=0.0,
            headcount={},
            coverage={},
            coverage_at_current={},
            revenue_kept=kept,
        )

    points = [
        point(1e6, 1, 10.0),
        point(1e6, 2, 20.0),
        point(2e6, 1, 16.0),
        point(2e6, 2, 0.0, "infeasible"),
        point(3e6, 2, 50.0),
    ]
    out = budget_marginals(points, ["budget", "customers.x"])
    # customers 1: (16 - 10) / 1 M x 1 M = 6; customers 2: the failed 2 M point is skipped,
    # so 3 M is compared with 1 M: (50 - 20) / 2 M x 1 M = 15.
    assert [p.marginal_per_million for p in out] == [None, None, 6.0, None, 15.0]
    assert budget_marginals(points, ["customers.x"]) == points


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("tier_curve_text", "policy_extra", "expected"),
    [
        (
            "[[0, 0.9], [0.5, 0.91], [1, 1]]",
            "",
            "channels.retail.tiers[0].response: the curve must be concave",
        ),
        ("[[0, 0.9], [1, 1.5]]", "", "channels.retail.tiers[0].response: kept share of point 1"),
        ("[[0.2, 0.9], [1, 1]]", "", "channels.retail.tiers[0].response: the points must run"),
        (
            "null",
            "response:\n  churn_lost: [[0, 0.5], [1, 0.9]]\n",
            "response.churn_lost: 1 - churn_lost falls between service 0 and 1; "
            "churn_lost must never rise with service",
        ),
        ("null", "response:\n  churn_lots: [[0, 1], [1, 0]]\n", "response.churn_lots: unknown key"),
    ],
)
def test_bad_curves_exit_2_naming_the_key(cli, tmp_path, tier_curve_text, policy_extra, expected):
    path = write_case(tmp_path, tier_curve_text, "null", policy_extra=policy_extra)
    result = cli("plan", path)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "policy.yaml" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_bad_curve_in_a_scenario_override_names_the_scenario_key(cli, tmp_path):
    path = tmp_path / "override.yaml"
    path.write_text(
        f"extends: {REPO / 'scenarios/budget-freeze.yaml'}\n"
        "policy_overrides:\n"
        "  key.crystal:\n"
        "    response: [[0, 0.9], [0.5, 0.91], [1, 1]]\n",
        encoding="utf-8",
    )
    result = cli("plan", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}:4: policy_overrides.key.crystal.response: the curve must be concave: its slope "
        "rises at service 0.5 (0.02 before, 0.18 after)\n"
    )


def test_objective_choice_is_checked(cli):
    result = cli("plan", "--objective", "quadratic")
    assert result.exit_code == 2
    assert "'quadratic' is not one of 'response', 'linear'" in result.stderr
    with pytest.raises(ValueError, match="objective must be one of response, linear"):
        plan(load_scenario(REPO / "scenarios/baseline.yaml"), objective="quadratic")  # type: ignore[arg-type]


def test_last_slope_is_the_piece_ending_at_the_service():
    # Slopes 0.2 on [0, 0.5] and 0.1 on [0.5, 1]: at the kink 0.5 the last bit of service was on the
    # first piece (0.2), the next bit is on the second (0.1).
    curve = ResponseCurve(((0.0, 0.8), (0.5, 0.9), (1.0, 0.95)))
    assert curve.last_slope(0.5) == pytest.approx(0.2)
    assert curve.next_slope(0.5) == pytest.approx(0.1)
    assert curve.last_slope(0.75) == pytest.approx(0.1) == curve.next_slope(0.75)
    assert curve.last_slope(1.0) == pytest.approx(0.1)
    assert curve.next_slope(1.0) == 0.0
    assert curve.last_slope(0.0) == pytest.approx(0.2)
