"""A dated calendar's days: every manager-day within the manager's daily minutes.

The booking rounds the model's plan into whole contacts per slot (an ISO week inside a month) within
the slot's minutes; with a day plan it also keeps each slot's contacts packable into its working
days (:func:`planner.model.booking.days_fit`), and the packing lays them out
(:func:`planner.analyses.schedule._pack_days`). The old packing (minutes only) overfilled days
when whole visits did not bin-pack: 180-minute visits into 480-minute days leave 120 minutes a day
that no visit uses.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.analyses.schedule import _pack_days, _slot_dates, build_schedule, customers_from_book
from planner.data.calendar import PlanCalendar, min_gap_weeks, plan_calendar
from planner.model.booking import BookStream, greedy_book, slot_rows

REPO = Path(__file__).resolve().parent.parent.parent
YEAR = 2027
CN = holidays.China(years=[YEAR])


def _holiday_fortnight() -> PlanCalendar:
    """2027-W14 (Qingming: Monday 5 April off, 6-9 April working) and 2027-W15 (12-16 April) alone.

    A two-slot calendar, both slots in April: one month, so one period of a monthly standard.
    """
    cal = plan_calendar(YEAR)
    w14 = next(s for s in cal.slots if s.week_label == "2027-W14")
    w15 = next(s for s in cal.slots if s.week_label == "2027-W15")
    slots = (dataclasses.replace(w14, index=0, week=0), dataclasses.replace(w15, index=1, week=1))
    return PlanCalendar(YEAR, slots, ("2027-W14", "2027-W15"))


def _dated(cal: PlanCalendar, plan: np.ndarray, day_minutes: float) -> tuple[list[tuple[int, str]], list]:
    """The booked visits as (customer, date) pairs by customer, and _pack_days's over-full report."""
    mgr, slot, pos = slot_rows(plan[0][None, :], np.array([10]), np.array([0]))
    mins = np.full(len(mgr), 180.0)
    over: list = []
    day = _pack_days(cal, mgr, slot, mins, np.zeros(len(mgr), int), np.array([day_minutes]), over)
    dates = _slot_dates(cal)
    return sorted((int(p), dates[s][d]) for p, s, d in zip(pos, slot, day, strict=True)), over


def test_holiday_week_by_hand():
    """One manager, ten customers, one 180-minute visit a month, 480-minute days, all planned in W14.

    W14 has 4 working days (5 April is Qingming): 4 x 480 = 1,920 minutes, and its 10 visits take
    10 x 180 = 1,800, so the minutes-only rounding books all 10 there. But a day holds
    floor(480 / 180) = 2 visits (360 min; the 120 left hold no visit), so W14's days hold 8.
    Old: visits 1-8 go 2 a day to 6, 7, 8, 9 April; the 9th and 10th go to the days with the most
    room, 6 and 7 April (120 free each): those days hold 540 > 480 minutes, 60 over.
    New: the day plan lets W14 take 8; the cumulative target (10 by W14) catches up the 2 left in
    W15, the same month, on its first working day (12 April: 360 min). The window rule (one visit a
    customer in any min_gap_weeks(12) = 3 weeks, here both weeks) holds: 10 visits, 10 customers.
    Customers by rank: ranks 0-7 in W14 are customers 0-7, ranks 8-9 in W15 customers 8-9.
    """
    cal = _holiday_fortnight()
    assert [s.working_days for s in cal.slots] == [4, 5]
    assert [d.isoformat() for d in cal.slots[0].working_dates] == [
        "2027-04-06",
        "2027-04-07",
        "2027-04-08",
        "2027-04-09",
    ]
    gap = min_gap_weeks(12)
    assert gap == 3
    visits = BookStream(
        0, 0, "visit", 1, 180.0, gap, 1.0, 1.0, np.array([1.0, 0.0]), cal.period_slots("month")
    )
    cap = np.array([4 * 480.0, 5 * 480.0])

    old = greedy_book([visits], (10,), cap, cal, full=False)
    assert old is not None and old.tolist() == [[10, 0]]
    dated, over = _dated(cal, old, 480.0)
    per_day = pd.Series([d for _, d in dated]).value_counts().sort_index().to_dict()
    assert per_day == {"2027-04-06": 3, "2027-04-07": 3, "2027-04-08": 2, "2027-04-09": 2}
    assert over == [2, 60.0, 0]  # two days over, by 60 minutes at most, no single overlong visit

    new = greedy_book([visits], (10,), cap, cal, full=False, day_minutes=480.0)
    assert new is not None and new.tolist() == [[8, 2]]
    dated, over = _dated(cal, new, 480.0)
    assert over == []
    assert dated == [
        (0, "2027-04-06"),
        (1, "2027-04-06"),
        (2, "2027-04-07"),
        (3, "2027-04-07"),
        (4, "2027-04-08"),
        (5, "2027-04-08"),
        (6, "2027-04-09"),
        (7, "2027-04-09"),
        (8, "2027-04-12"),
        (9, "2027-04-12"),
    ]


def test_repack_longest_first_by_hand():
    """Visits in district order 200, 300, 180, 280 minutes into two 480-minute days.

    Next fit in that order: day 1 takes 200 (300 more would make 500), day 2 takes 300 + 180 = 480,
    and 280 finds no day. Packed again longest first, each into the first day with room:
    300 -> day 1, 280 -> day 2 (580 on day 1), 200 -> day 2 (480), 180 -> day 1 (480). Both full.
    """
    cal = plan_calendar(YEAR)
    two = next(s.index for s in cal.slots if s.working_days == 2)
    mins = np.array([200.0, 300.0, 180.0, 280.0])
    over: list = []
    day = _pack_days(
        cal, np.zeros(4, np.int64), np.full(4, two), mins, np.zeros(4, int), np.array([480.0]), over
    )
    assert day.tolist() == [1, 0, 0, 1]
    assert over == []


def test_contact_longer_than_a_day_gets_its_own():
    """A 600-minute visit and two of 120 in two 480-minute days: the long one alone, reported."""
    cal = plan_calendar(YEAR)
    two = next(s.index for s in cal.slots if s.working_days == 2)
    mins = np.array([120.0, 600.0, 120.0])
    over: list = []
    day = _pack_days(
        cal, np.zeros(3, np.int64), np.full(3, two), mins, np.zeros(3, int), np.array([480.0]), over
    )
    # Next fit: 120 on day 1, 600 starts day 2 (alone, longer than a day), 120 finds no room: packed
    # again longest first, 600 takes day 1 alone and both 120s share day 2 (240).
    assert day.tolist() == [1, 0, 1]
    assert over == [0, 0.0, 1]


# A small branch for the property: key customers of three tiers, named managers, a few districts.
SCENARIO = """name: days-property
policy: {policy}
customers:
  key: {{crystal: 1, silver: 1, gold: 1}}
roles:
  key_manager:
    serves: [key]
    headcount: 1
    hours_per_year: {hours}
    customer_time_share: 1.0
    annual_cost: 120000
"""
TIERS = ("crystal", "silver", "gold", "diamond")
PERIOD = {"crystal": "quarter", "silver": "quarter", "gold": "month", "diamond": "month"}


@settings(derandomize=True, max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    books=st.lists(
        st.lists(st.integers(0, 8), min_size=len(TIERS), max_size=len(TIERS)).filter(lambda b: sum(b) > 0),
        min_size=1,
        max_size=3,
    ),
    # Days of 169, 218, 290, 363 and 480 minutes; a diamond visit (240) is longer than the first two.
    hours=st.sampled_from([700, 900, 1200, 1500, 1984]),
    districts=st.integers(1, 3),
)
def test_no_day_over_its_minutes(tmp_path_factory, books, hours, districts):
    """Random small rosters: no dated day over its manager's minutes, each date a working day of its
    standard's period; per customer never more contacts in a period than the standard, and one
    customer's visits at least the standard's spacing apart (ISO weeks)."""
    from planner.data.managers import build_book
    from planner.data.roster import Layout, read_roster
    from planner.data.scenario import load_scenario

    tmp = tmp_path_factory.mktemp("days")
    rows = ["customer_id,channel,tier,monthly_spend,district,manager_id"]
    for m, book in enumerate(books):
        for t, n in zip(TIERS, book, strict=True):
            for i in range(n):
                rows.append(f"C{m}{t[0]}{i},key,{t},1000,D{i % districts},KM-{m}")
    (tmp / "customers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = tmp / "scenario.yaml"
    path.write_text(
        SCENARIO.format(policy=REPO / "policies" / "telecom-4plus1.yaml", hours=hours), encoding="utf-8"
    )
    scenario = load_scenario(path)
    read = read_roster(tmp / "customers.csv", scenario.policy, None, Layout())
    scenario = scenario.with_customers(read.counts())
    customers = customers_from_book(build_book(read, scenario, None), scenario)
    result = build_schedule(scenario, year=YEAR, customers=customers)
    assert result.ok
    frame = result.schedule
    # Minutes a day: the manager's yearly customer minutes over 2027's 248 working days.
    day = hours * 60 / 248
    assert all(abs(v - day) < 1e-6 for v in result.day_minutes.values())
    per_day = frame.groupby(["manager_id", "date"])["minutes"].agg(["sum", "size", "max"])
    over = per_day[per_day["sum"] > day + 1e-6]
    # A day over its minutes holds one contact longer than the day, nothing else.
    assert ((over["size"] == 1) & (over["max"] > day)).all(), over
    assert not any("hold more than the manager's daily hours" in w for w in result.warnings)
    dates = pd.to_datetime(frame["date"])
    assert all(CN.is_working_day(d.date()) for d in dates.drop_duplicates())
    iso = dates.dt.isocalendar()
    assert (iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2) == frame["week"]).all()
    policy = scenario.policy
    for (tier, kind), group in frame.groupby(["tier", "kind"]):
        std = policy.tier("key", tier).visits if kind == "visit" else policy.tier("key", tier).calls
        when = pd.to_datetime(group["date"])
        period = (
            when.dt.month if std.per == "month" else (when.dt.month - 1) // 3 if std.per == "quarter" else 0
        )
        per_period = group.assign(p=period).groupby(["customer_id", "p"]).size()
        assert per_period.max() <= std.count
        if kind == "visit":
            weeks = (when - pd.Timestamp("2026-12-28")).dt.days // 7  # ISO weeks from 2026-W53's Monday
            gap = min_gap_weeks(std.per_year)
            spaced = (
                group.assign(w=weeks).sort_values(["customer_id", "w"]).groupby("customer_id")["w"].diff()
            )
            assert (spaced.dropna() >= gap).all()


def _roster_schedule(scenario_path: Path, roster: Path):
    """build_schedule on a roster naming managers, as `planner schedule --roster` reads it."""
    from planner.data.managers import build_book
    from planner.data.roster import Layout, read_roster
    from planner.data.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    read = read_roster(roster, scenario.policy, None, Layout())
    scenario = scenario.with_customers(read.counts())
    customers = customers_from_book(build_book(read, scenario, None), scenario)
    return build_schedule(scenario, year=YEAR, customers=customers)


@pytest.mark.parametrize("case", ["tiny", "travel"])
def test_same_calendar_where_no_day_was_over(tmp_path, monkeypatch, case):
    """Where the minutes-only booking put no day over, the day plan changes no byte of the calendar.

    tiny: tests/data/schedule/named.yaml (its dates are worked by hand in test_schedule_portfolios).
    travel: the portfolio fixture: a commercial manager's day is 100 h x 60 / 248 = 24 minutes, so
    each 90-minute visit (120 from North to South) is longer than a day and takes one alone; the
    minutes-only booking counted those days as over, now they are reported as such.
    """
    import planner.model.booking as booking

    if case == "tiny":
        scenario = REPO / "tests" / "data" / "schedule" / "named.yaml"
        roster = scenario.with_suffix(".csv")
    else:
        scenario = REPO / "tests" / "data" / "portfolio" / "travel.yaml"
        roster = REPO / "tests" / "data" / "portfolio" / "travel.csv"
    new = _roster_schedule(scenario, roster)
    plain = booking.book_branch

    def minutes_only(*args, **kwargs):
        return plain(*args, **{**kwargs, "days": False})

    monkeypatch.setattr(booking, "book_branch", minutes_only)
    old = _roster_schedule(scenario, roster)
    assert not any("hold more than the manager's daily hours" in w for w in new.warnings)
    pd.testing.assert_frame_equal(new.schedule, old.schedule)
    pd.testing.assert_frame_equal(new.managers, old.managers)
    assert new.day_short == []
    longer = [w for w in new.warnings if "longer than their manager's day" in w]
    assert longer == ([] if case == "tiny" else [longer[0]])


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.dictionaries(
        st.sampled_from([10.0, 15.0, 20.0, 120.0, 150.0, 180.0, 240.0, 600.0]), st.integers(1, 9)
    ),
    days=st.integers(1, 5),
    day_minutes=st.sampled_from([290.0, 480.0]),
)
def test_the_schedules_day_packing_is_the_bookings(sizes, days, day_minutes):
    # The booking checks a slot with booking.pack_day_counts and the schedule lays it out with the
    # vectorised _first_fit_days: they must be one packing, or a slot the booking passed would not fit.
    from planner.analyses.schedule import _first_fit_days
    from planner.model.booking import pack_day_counts

    ordered = sorted(sizes.items(), reverse=True)  # longest first, as both take them
    expected = pack_day_counts(ordered, days, day_minutes)
    mins = np.array([m for m, c in ordered for _ in range(c)])
    got = _first_fit_days(
        np.zeros(len(mins), dtype=np.int64), mins, np.array([day_minutes]), np.array([days])
    )
    if expected is None:
        assert (got < 0).any()
        return
    assert (got >= 0).all()
    for (m, _c), per_day in zip(ordered, expected, strict=True):
        assert [int(((mins == m) & (got == k)).sum()) for k in range(days)] == per_day
