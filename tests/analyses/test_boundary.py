"""The boundary analysis (chicken head vs phoenix tail): pairs, inversions, remedy; values worked by hand."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.analyses.boundary import (
    BoundaryPair,
    _near,
    _price,
    _price_inversion,
    analyse_boundaries,
    boundary_pairs,
    compare_remedy,
    severity_level,
)
from planner.data.policy import Tier
from planner.data.scenario import load_scenario
from planner.errors import InputError
from planner.model.headcount import plan

REPO = Path(__file__).resolve().parent.parent.parent
DATA = REPO / "tests" / "data" / "boundary"


def _load(name: str):
    return load_scenario(DATA / f"{name}.yaml")


def _kinds(boundary) -> list[tuple[str, str]]:
    return [(i.kind, i.metric) for i in boundary.inversions]


# ----------------------------------------------------------------------------- small policies


def test_clean_policy_has_no_inversion() -> None:
    """s2 / b1: b1 gets 8 visits, 12 calls, 10 h against 4, 12, 6, and 8 % discount against 5 %."""
    report = analyse_boundaries(_load("clean"))
    # The line the policy lists (small.s2 / big.b1) and the lines within each channel, highest first.
    assert [(b.lower, b.upper) for b in report.boundaries] == [
        ("big.b1", "big.b2"),
        ("small.s2", "big.b1"),
        ("small.s1", "small.s2"),
    ]
    b = report.boundary("small.s2", "big.b1")
    assert b.spend == 1000 and b.meeting == "meet"
    assert b.inversions == []
    assert b.verdict == "service sound on paper and in delivery; price sound"
    # designed by hand: s2 = 4 x 60 + 12 x 10 = 360 min = 6 h; b1 = 8 x 60 + 12 x 10 = 600 min = 10 h
    assert (b.designed.lower.visits_per_year, b.designed.lower.contacts_per_year) == (4, 12)
    assert b.designed.lower.hours_per_year == pytest.approx(6.0)
    assert (b.designed.upper.visits_per_year, b.designed.upper.contacts_per_year) == (8, 12)
    assert b.designed.upper.hours_per_year == pytest.approx(10.0)
    # per 10,000 CNY of monthly spend: 6 h / 0.1 = 60 at the line; mid-band s2 (750): 6 / 0.075 = 80
    assert b.designed.lower.hours_per_10k_at_boundary == pytest.approx(60.0)
    assert b.designed.lower.hours_per_10k_mid == pytest.approx(80.0)
    # b1 mid-band 3000: 10 / 0.3 = 33.3 (fewer hours per yuan higher up: context, not an inversion)
    assert b.designed.upper.hours_per_10k_mid == pytest.approx(100 / 3)
    assert b.delivered.upper.coverage == 1.0
    # price: 1000 x 0.95 = 950 below, 1000 x 0.92 = 920 above
    assert b.price.price_just_below == pytest.approx(950)
    assert b.price.price_just_above == pytest.approx(920)
    assert b.price.step == pytest.approx(-30)


def test_discount_inversion_only() -> None:
    """b1's discount 0 % against s2's 5 %: 1,000 CNY costs 1,000 above the line against 950 below."""
    b = analyse_boundaries(_load("discount")).boundary("small.s2", "big.b1")
    assert _kinds(b) == [("price", "net_monthly_price")]
    inv = b.inversions[0]
    assert inv.lower_value == pytest.approx(950)
    assert inv.upper_value == pytest.approx(1000)
    # severity (1000 - 950) / 950 = 0.0526 -> medium (5 % <= gap < 20 %)
    assert inv.severity == pytest.approx(50 / 950)
    assert inv.level == "medium"
    assert inv.message.startswith("1,000 CNY a month costs 1,000 as big.b1 (0% discount) against 950")
    assert b.verdict == "service sound on paper and in delivery; price inverted"


def test_sound_on_paper_inverted_in_delivery() -> None:
    """One big_rep (2000 h x 0.5 = 1000 h) for b2's 800 h and b1's 1000 h: b2 (worth more an hour) first.

    On the annual average b1 gets 1000 - 800 = 200 h of 1000 -> coverage 0.2. In the 2027 calendar
    b2's monthly 66.67 h do not fit February (1000 x 16 / 248 = 64.52 h), so the model's fractional
    allocation gives b2 800 - 2.15 h and b1 the rest: 202.15 h -> coverage 0.20215. "In practice" is
    what the rep's whole contacts deliver (``plan --headcount current``, ``schedule``'s calendar): a
    little less, within 1 % of b1's 1,000 h. The inversions are worked from those whole contacts:
    v visits and c calls a customer a year against s2's 4 and 12; hours v x 1 + c x 10 / 60 against 6.
    """
    feb_short = 800 / 12 - 1000 * 16 / 248
    cov = (200 + feb_short) / 1000
    sc = _load("understaffed")
    model = plan(sc, headcount="current", whole_contacts=False).tier("big", "b1")
    assert model.coverage == pytest.approx(cov)
    today = plan(sc, headcount="current").tier("big", "b1")
    assert cov - 0.01 <= today.coverage <= cov
    v, c = today.delivered_visits / 100, today.delivered_calls / 100
    assert v == int(v * 100) / 100 and c == int(c * 100) / 100  # whole contacts over 100 customers
    hours = v + c * 10 / 60
    assert today.coverage == pytest.approx(hours / 10)
    b = analyse_boundaries(sc).boundary("small.s2", "big.b1")
    assert _kinds(b) == [
        ("delivered", "visits_per_year"),
        ("delivered", "contacts_per_year"),
        ("delivered", "hours_per_year"),
    ]
    assert b.delivered.upper.coverage == pytest.approx(today.coverage)
    visits, calls, hours_inv = b.inversions
    assert (visits.lower_value, visits.upper_value) == pytest.approx((4.0, v))
    assert visits.severity == pytest.approx((4 - v) / 4)
    assert (calls.lower_value, calls.upper_value) == pytest.approx((12.0, c))
    assert calls.severity == pytest.approx((12 - c) / 12)
    assert (hours_inv.lower_value, hours_inv.upper_value) == pytest.approx((6.0, hours))
    assert hours_inv.severity == pytest.approx((6 - hours) / 6)
    assert all(i.level == "high" for i in b.inversions)
    assert visits.message.startswith(
        f"big.b1 customers get {v / 4:.2f} visits a quarter in practice against 1.00"
    )
    assert f"today's headcount delivers {today.coverage:.1%} of its standard" in visits.message
    assert calls.message.startswith(f"big.b1 customers get {c / 12:.2f} phone contacts a month in practice")
    # 100 customers over 1,000 h x coverage / 1000 h a head managers
    assert b.delivered.upper.customers_per_manager == pytest.approx(100 / today.coverage)
    assert b.verdict.startswith(
        f"sound on paper, inverted in delivery (understaffed: big.b1 gets {today.coverage:.1%}"
    )


def test_inverted_on_paper_is_reported_on_paper_and_in_practice() -> None:
    """b1 promised 1 visit a year: 1 h + 2 h calls = 3 h against s2's 4 visits and 6 h."""
    b = analyse_boundaries(_load("paper")).boundary("small.s2", "big.b1")
    assert _kinds(b) == [
        ("designed", "visits_per_year"),
        ("designed", "hours_per_year"),
        ("delivered", "visits_per_year"),
        ("delivered", "hours_per_year"),
    ]
    assert b.inversions[0].severity == pytest.approx(0.75)  # (4 - 1) / 4
    assert b.inversions[1].severity == pytest.approx(0.5)  # (6 - 3) / 6
    assert (
        b.inversions[0].message
        == "on paper big.b1 customers get 1.00 visits a year against 4.00 for small.s2"
    )
    assert "its full standard, which itself gives less" in b.inversions[2].message
    assert b.verdict == "service inverted on paper and in delivery; price sound"


@pytest.mark.parametrize(
    ("name", "spend", "meeting", "price_below"),
    [
        ("gap", 1000, "gap", 950),  # s2 ends at 900, b1 starts at 1,000: judged at 1,000 x 0.95
        ("overlap", 800, "overlap", 760),  # b1 starts at 800 inside s2: judged at 800 x 0.95
    ],
)
def test_gap_and_overlap_are_boundaries_too(
    name: str, spend: float, meeting: str, price_below: float
) -> None:
    pairs = boundary_pairs(_load(name).policy)
    across = [(p.lower, p.upper, p.spend, p.meeting) for p in pairs if p.lower[0] != p.upper[0]]
    assert across == [("small.s2", "big.b1", spend, meeting)]
    b = analyse_boundaries(_load(name)).boundary("small.s2", "big.b1")
    assert b.price.price_just_below == pytest.approx(price_below)
    assert b.inversions == []


def test_one_channel_has_no_boundary() -> None:
    assert analyse_boundaries(_load("remedy-other-tiers")).boundaries == []


def test_remedy_on_small_policy() -> None:
    """Back to two big_reps: delivered inversions 3 -> 0, headcount 2 -> 3, cost 200,000 -> 300,000."""
    cmp = compare_remedy(_load("understaffed"), _load("remedy-staffed"))
    assert (cmp.before.headcount, cmp.after.headcount) == (2, 3)
    assert (cmp.before.annual_cost, cmp.after.annual_cost) == (200_000, 300_000)
    # b1: what the rep's whole contacts deliver, the boundary report's own figure (a little under the
    # model's 0.20215: test_sound_on_paper_inverted_in_delivery works both out)
    feb_short = 800 / 12 - 1000 * 16 / 248
    assert cmp.before.coverage["small.s2"] == 1.0
    b1 = analyse_boundaries(_load("understaffed")).boundary("small.s2", "big.b1").delivered.upper
    assert cmp.before.coverage["big.b1"] == pytest.approx(b1.coverage)
    assert (200 + feb_short) / 1000 - 0.01 <= b1.coverage <= (200 + feb_short) / 1000
    assert cmp.after.coverage["small.s2"] == 1.0 and cmp.after.coverage["big.b1"] == 1.0
    # Both name the same required base as plan: the heads every standard needs in the calendar.
    assert cmp.before.required_headcount == cmp.after.required_headcount
    assert len(cmp.before.inversions) == 3 and cmp.after.inversions == []
    assert len(cmp.removed()) == 3


def test_remedy_with_other_tiers_is_refused() -> None:
    with pytest.raises(InputError, match=r"different tiers .*only in the remedy: only\.t1"):
        compare_remedy(_load("clean"), _load("remedy-other-tiers"))


# ----------------------------------------------------------------------------- the shipped case


@pytest.fixture(scope="module")
def baseline_report():
    """The shipped baseline with the unified-centre remedy (one LP each)."""
    before = load_scenario(REPO / "scenarios" / "baseline.yaml")
    after = load_scenario(REPO / "scenarios" / "unified-centre.yaml")
    return analyse_boundaries(before, remedy=after)


def test_shipped_policy_boundaries() -> None:
    """Ranked by bottom tier: mobile [0,30) < public [0,60) < commercial [0,300) < key [3000,10000).

    mobile.site [100, inf) skips public.basic [0, 60) (wholly below) and overlaps commercial.D from 100;
    public.premium [150, inf) overlaps commercial.D from 150; commercial.A meets key.crystal at 3,000.
    """
    policy = load_scenario(REPO / "scenarios" / "baseline.yaml").policy
    pairs = [
        (p.lower, p.upper, p.spend, p.meeting) for p in boundary_pairs(policy) if p.lower[:3] != p.upper[:3]
    ]
    # Lines a customer can cross: the ladder's (commercial -> key at 3,000) across channels.
    assert pairs == [("commercial.A", "key.crystal", 3000, "meet")]
    within = [(p.lower, p.upper) for p in boundary_pairs(policy) if p.lower[:3] == p.upper[:3]]
    assert len(within) == 5 + 3 + 2 + 2  # adjacent tiers of key (6), commercial (4), public (3), mobile (3)
    every = [
        (p.lower, p.upper, p.spend, p.meeting, p.crossable) for p in boundary_pairs(policy, all_lines=True)
    ]
    assert ("public.premium", "commercial.D", 150, "overlap", False) in every
    assert ("mobile.site", "commercial.D", 100, "overlap", False) in every


def test_baseline_reproduces_the_case_study(baseline_report) -> None:
    """Key capacity 110 x 2000 x 0.6 = 132,000 h, shared by the response curves: the model gives
    silver..diamond in full, bronze 75 %, crystal 35,360 of its 3,200 x 18 = 57,600 h
    (tests/model/test_headcount.py::test_baseline_reproduces_the_brief works it out). "In practice" is
    what the key managers' whole contacts deliver (``plan --headcount current``, the schedule): crystal
    v visits and c calls a customer, a little under the model's 61.4 %.
    """
    b = baseline_report.boundary("commercial.A", "key.crystal")
    today = plan(load_scenario(REPO / "scenarios" / "baseline.yaml"), headcount="current")
    crystal = today.tier("key", "crystal")
    v, c = crystal.delivered_visits / 3200, crystal.delivered_calls / 3200
    cov = (v * 120 + c * 10) / 60 / 18
    assert crystal.coverage == pytest.approx(cov)
    assert 0.59 <= cov <= 35_360 / 57_600
    # Whole contacts leave minutes over in some manager-weeks: under 1 % of the 132,000 h.
    key_hours = sum(
        today.tier("key", t).delivered_hours
        for t in ("crystal", "bronze", "silver", "gold", "platinum", "diamond")
    )
    assert 0.99 * 132_000 <= key_hours <= 132_000
    up = b.delivered.upper
    assert (up.coverage, up.visits_per_year, up.contacts_per_year) == pytest.approx((cov, v, c))
    assert up.hours_per_year == pytest.approx(18 * cov)
    assert b.delivered.lower.coverage == 1.0  # commercial needs 58,167 h of 48 x 1,300 = 62,400
    # on paper sound: crystal 8 visits, 12 calls, 18 h against A's 4, 12, 8
    d = b.designed
    assert (d.upper.visits_per_year, d.upper.contacts_per_year, d.upper.hours_per_year) == (8, 12, 18)
    assert (d.lower.visits_per_year, d.lower.contacts_per_year, d.lower.hours_per_year) == (4, 12, 8)
    assert not any(i.kind == "designed" for i in b.inversions)
    delivered = {i.metric: i for i in b.inversions if i.kind == "delivered"}
    # v = 4.78 visits a year against A's 4 and 18 x 0.601 = 10.8 h against 8 h: not inverted; only the
    # phone contacts are: c = 7.58 against 12, severity (12 - c) / 12 = 0.37 (high).
    assert v > 4 and 18 * cov > 8 and c < 12
    assert set(delivered) == {"contacts_per_year"}
    assert delivered["contacts_per_year"].upper_value == pytest.approx(c)
    assert delivered["contacts_per_year"].severity == pytest.approx((12 - c) / 12)
    assert delivered["contacts_per_year"].level == "high"
    assert delivered["contacts_per_year"].message.startswith(
        f"key.crystal customers get {c / 12:.2f} phone contacts a month in practice against 1.00 for "
        "commercial.A"
    )
    # price: 3,000 x 0.88 = 2,640 below against 3,000 x 0.90 = 2,700 above; (2700 - 2640) / 2640 = 0.0227
    price = next(i for i in b.inversions if i.kind == "price")
    assert (price.lower_value, price.upper_value) == pytest.approx((2640, 2700))
    assert price.severity == pytest.approx(60 / 2640)
    # customers per manager: 3,200 / (crystal's hours / 1,200 h a head)
    assert up.customers_per_manager == pytest.approx(3200 / (57_600 * cov / 1200))
    assert b.verdict.startswith("sound on paper, inverted in delivery")


def test_unified_centre_removes_the_crystal_inversions(baseline_report) -> None:
    """Unified team 43 x 2000 x 0.75 x 1.1 = 70,950 h >= A 12,000 + crystal 57,600 = 69,600 h: both 100 %.

    Headcount 90 + 36 + 15 + 3 + 43 = 187 (before 110 + 48 + 15 + 3 = 176); cost 10.8 M + 3.24 M
    + 0.9 M + 0.15 M + 4.73 M = 19.82 M (before 13.2 M + 4.32 M + 0.9 M + 0.15 M = 18.57 M).
    """
    remedy = baseline_report.remedy
    assert remedy is not None
    assert (remedy.before.headcount, remedy.after.headcount) == (176, 187)
    assert remedy.before.annual_cost == pytest.approx(18_570_000)
    assert remedy.after.annual_cost == pytest.approx(19_820_000)
    before = plan(load_scenario(REPO / "scenarios" / "baseline.yaml"), headcount="current")
    assert remedy.before.coverage["key.crystal"] == pytest.approx(before.tier("key", "crystal").coverage)
    # In the 2027 calendar the 43 unified managers' 70,950 h cover 69,600 h of standards in a year but not
    # every month's share, in whole contacts: crystal gets 98.6 %, A+ all of its standard.
    assert remedy.after.coverage["key.crystal"] > 0.98
    assert remedy.after.coverage["commercial.A"] == 1.0
    crystal = "commercial.A / key.crystal"
    # Left at the line: crystal's calls at 99.1 % of 1 a month against A's 1.00, low severity.
    left = [i for i in remedy.after.inversions if i.boundary == crystal]
    assert [(i.kind, i.metric, i.level) for i in left] in ([], [("delivered", "contacts_per_year", "low")])
    removed = {(i.kind, i.metric) for i in remedy.removed()}
    assert ("price", "net_monthly_price") in removed
    assert removed <= {("delivered", "contacts_per_year"), ("price", "net_monthly_price")}
    # What is left lies within the key channel (bronze, served by the key managers alone, against
    # crystal, now served by the unified team).
    assert {i.boundary for i in remedy.after.inversions} <= {"key.crystal / key.bronze", crystal}


def test_public_against_commercial_by_hand(baseline_report) -> None:
    """public.premium: 1 x 30 min + 2 x 5 min = 0.667 h, 5 % off; commercial.D: 2 x 10 min = 0.333 h, 0 %."""
    before = load_scenario(REPO / "scenarios" / "baseline.yaml")
    b = analyse_boundaries(before, all_lines=True).boundary("public.premium", "commercial.D")
    assert not b.crossable
    designed = {i.metric: i.severity for i in b.inversions if i.kind == "designed"}
    assert designed == pytest.approx({"visits_per_year": 1.0, "hours_per_year": 0.5})
    price = next(i for i in b.inversions if i.kind == "price")
    assert (price.lower_value, price.upper_value) == pytest.approx((142.5, 150))  # 150 x 0.95, 150 x 1


def test_json_shape(baseline_report) -> None:
    data = baseline_report.to_dict()
    assert list(data) == ["boundaries", "remedy", "warnings"]
    first = next(b for b in data["boundaries"] if b["inversions"])
    assert (first["lower"], first["upper"], first["crossable"]) == ("commercial.A", "key.crystal", True)
    assert {"designed", "delivered", "price", "inversions", "near"} <= set(first)
    assert {"kind", "metric", "lower_value", "upper_value", "severity"} <= set(first["inversions"][0])
    assert set(data["remedy"]) == {"before", "after"}


# ----------------------------------------------------------------------------- roster near the line


def test_near_the_line_from_a_roster() -> None:
    """Window 2,700-3,300 around 3,000. In: A 2,750 and 2,999 (5,749 CNY); crystal 3,000 and 3,300 (6,300).

    Out: A 2,600, crystal 3,400, and a public customer at 2,800 (not a boundary tier). A's 12 % beats
    crystal's 10 %, so all 4 would pay less just below the line; crystal's pay 6,300 x 0.02 = 126 more.
    """
    import pandas as pd

    policy = load_scenario(REPO / "scenarios" / "baseline.yaml").policy
    pair = next(p for p in boundary_pairs(policy) if p.upper == "key.crystal")
    rows = [
        ("c1", "commercial", "A", 2750.0),
        ("c2", "commercial", "A", 2600.0),
        ("c3", "commercial", "A", 2999.0),
        ("k1", "key", "crystal", 3000.0),
        ("k2", "key", "crystal", 3300.0),
        ("k3", "key", "crystal", 3400.0),
        ("p1", "public", "premium", 2800.0),
    ]
    roster = SimpleNamespace(
        accepted=pd.DataFrame(rows, columns=["customer_id", "channel", "tier", "monthly_spend"])
    )
    near = _near(pair, roster)  # type: ignore[arg-type]
    assert (near.window_low, near.window_high) == pytest.approx((2700, 3300))
    assert (near.lower.customers, near.lower.monthly_revenue) == (2, 5749)
    assert (near.upper.customers, near.upper.monthly_revenue) == (2, 6300)
    assert near.pay_less_below == 4
    assert near.overpay_per_month == pytest.approx(126)


# ----------------------------------------------------------------------------- properties


def _tier(tid: str, low: float, high: float | None, discount: float) -> Tier:
    return Tier.model_validate(
        {
            "id": tid,
            "spend": [low, high],
            "typical_spend": None if high is not None else low * 2,
            "visits": {"count": 1, "per": "year"},
            "calls": {"count": 1, "per": "year"},
            "visit_minutes": 60.0,
            "call_minutes": 10.0,
            "discount": discount,
            "churn_risk": 0.1,
        }
    )


discounts = st.integers(min_value=0, max_value=99).map(lambda n: n / 100)


@settings(max_examples=60, deadline=None)
@given(d_low=discounts, d_up=discounts, spend=st.integers(min_value=1, max_value=100_000))
def test_price_inversion_iff_smaller_discount_above(d_low: float, d_up: float, spend: int) -> None:
    """Inverted exactly when the upper discount is smaller; severity (d_low - d_up) / (1 - d_low)."""
    pair = BoundaryPair(
        "a",
        _tier("t", 0, float(spend), d_low),
        "b",
        _tier("u", float(spend), None, d_up),
        float(spend),
        "meet",
    )
    price = _price(pair)
    found = _price_inversion(pair, price, "x")
    assert bool(found) == (d_up < d_low)
    if found:
        assert found[0].severity == pytest.approx((d_low - d_up) / (1 - d_low))
        assert found[0].upper_value > found[0].lower_value


@given(st.floats(min_value=0, max_value=10, allow_nan=False))
def test_severity_words(x: float) -> None:
    word = severity_level(x)
    assert word == ("low" if x < 0.05 else "medium" if x < 0.2 else "high")
