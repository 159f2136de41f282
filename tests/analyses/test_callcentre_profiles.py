"""Call-centre profiles by day of week and for holidays: calls, day counts, agents, the peak day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.analyses.callcentre import analyse_callcentre
from planner.data.callcentre import year_day_types
from planner.data.scenario import load_scenario

DATA = Path(__file__).resolve().parent.parent / "data" / "callcentre"
PROFILES = DATA / "profiles.yaml"
# scenario.yaml's weekday calls per hour (interval 0 = 00:00).
WEEKDAY = [0, 0, 0, 0, 0, 0, 0, 0, 40, 80, 120, 100, 60, 80, 100, 120, 80, 60, 40, 20, 0, 0, 0, 0]
HOLIDAY = [0, 0, 0, 0, 0, 0, 0, 0, 10, 20, 30, 30, 20, 20, 20, 20, 10, 10, 0, 0, 0, 0, 0, 0]


@pytest.fixture(scope="module")
def profiled():
    """tests/data/callcentre/profiles.yaml analysed once (plan year 2027)."""
    return analyse_callcentre(load_scenario(PROFILES))


def _day(res, name):
    return [i for i in res.intervals if i.day_type == name]


def test_day_counts_of_2027():
    # 2027 starts on a Friday and has 365 days: 52 Mondays, 53 Fridays. China's calendar (the
    # `holidays` package) gives 19 dates off: Jan 1; Feb 5-10; Apr 5; May 1-4; Jun 9; Sep 15; Oct 1-5.
    # Of these, Mondays: Feb 8, Apr 5, May 3, Oct 4 -> 52 - 4 = 48 Mondays; Fridays: Jan 1, Feb 5,
    # Oct 1 -> 53 - 3 = 50. Mon-Fri dates: 52 x 5 + 1 = 261, 13 of them off -> 248 working days,
    # 248 - 48 - 50 = 150 other working days; the rest, 365 - 248 - 19 = 98, are Saturdays and
    # Sundays off that are not holidays.
    got = year_day_types(2027, {"monday", "friday", "holiday"})
    assert got == [
        ("monday", "weekday", 48),
        ("friday", "weekday", 50),
        ("holiday", "weekend", 19),
        ("weekday", "weekday", 150),
        ("weekend", "weekend", 98),
    ]
    # Without a holiday profile, holidays are weekend days (as days_open_per_year counts them).
    assert year_day_types(2027, {"monday"})[-1] == ("weekend", "weekend", 98 + 19)
    assert sum(n for *_, n in year_day_types(2028, {"saturday", "holiday"})) == 366


def test_make_up_working_days_keep_the_plain_weekday_curve():
    # 2025's make-up working days (调休), per the China calendar: Sun Jan 26, Sat Feb 8, Sun Apr 27,
    # Sun Sep 28, Sat Oct 11. With all seven weekdays profiled, only those 5 dates are left as plain
    # `weekday`; with `holiday` profiled too, nothing is plain `weekend`.
    every_day = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    got = dict((name, n) for name, _, n in year_day_types(2025, every_day | {"holiday"}))
    assert got["weekday"] == 5 and "weekend" not in got
    assert sum(got.values()) == 365


def test_profiled_calls(profiled):
    mon = [i.calls for i in _day(profiled, "monday")]
    assert mon == [c * 6 / 5 for c in WEEKDAY]  # every product is a whole number: exact
    fri = [i.calls for i in _day(profiled, "friday")]
    assert fri == [c * 2 if 17 <= h < 20 else c for h, c in enumerate(WEEKDAY)]
    assert [i.calls for i in _day(profiled, "holiday")] == HOLIDAY
    assert [i.calls for i in _day(profiled, "weekday")] == WEEKDAY


def test_monday_agents_match_planner_erlang(profiled, cli):
    """Monday x 1.2: every hour's agents equal `planner erlang` for that many calls (a second path)."""
    for h, i in enumerate(_day(profiled, "monday")):
        calls = WEEKDAY[h] * 12 // 10
        if not calls:
            assert i.agents_required == 0
            continue
        out = cli(
            "erlang", "--calls", calls, "--interval-minutes", 60, "--aht", 180, "--target", 0.8,
            "--answer-within", 20, "--max-occupancy", 0.9, "--shrinkage", 0.2, "--format", "json",
        )  # fmt: skip
        want = json.loads(out.output)
        assert (i.agents_erlang, i.agents_required) == (want["agents"], want["agents_with_shrinkage"])
    # 10:00: 144 calls x 180 s / 3600 s = 7.2 Erlangs; the plain weekday's 6 Erlangs needed 9.
    ten = _day(profiled, "monday")[10]
    assert ten.erlangs == pytest.approx(7.2) and ten.agents_erlang >= 9


def test_every_day_type_is_covered_and_costed(profiled):
    res = profiled
    assert res.ok and res.profiles is not None
    assert [d.day_type for d in res.days] == ["monday", "friday", "holiday", "weekday", "weekend"]
    for d in res.days:
        rows = _day(res, d.day_type)
        assert all(i.agents_scheduled >= i.agents_required for i in rows)
        assert d.paid_agent_hours == sum(
            s.paid_hours * s.agents for s in res.shifts if s.day_type == d.day_type
        )
    assert res.fte == pytest.approx(sum(d.paid_agent_hours * d.days_per_year for d in res.days) / 1500)
    assert res.annual_cost == pytest.approx(res.fte * 50000)


def test_peak_day_and_summary(profiled):
    prof = profiled.profiles
    assert prof.year == 2027
    peaks = {d.day_type: d.agents_on_shift_peak for d in prof.day_types}
    # Monday's busiest hours (144 calls at 10:00 and 15:00) need 13 on shift; every other day type's
    # requirement peaks at 12 or less (the weekday's 120 calls; Friday's doubled 17:00 is 120 too).
    mon_req = max(i.agents_required for i in _day(profiled, "monday"))
    others = max(i.agents_required for i in profiled.intervals if i.day_type != "monday")
    assert mon_req > others
    assert prof.peak_day == "monday" and peaks["monday"] == max(peaks.values())
    mon = next(d for d in prof.day_types if d.day_type == "monday")
    assert mon.profile == "weekday x 1.2" and mon.base == "weekday" and mon.days_per_year == 48
    assert mon.agents == sum(s.agents for s in profiled.shifts if s.day_type == "monday")
    hol = next(d for d in prof.day_types if d.day_type == "holiday")
    assert (hol.profile, hol.base) == ("own curve", "weekend")


def test_year_changes_the_counts_only_with_profiles():
    sc = load_scenario(PROFILES)
    a, b = analyse_callcentre(sc, year=2027), analyse_callcentre(sc, year=2028)
    assert sum(d.days_per_year for d in a.days) == 365
    assert sum(d.days_per_year for d in b.days) == 366
    plain = load_scenario(DATA / "scenario.yaml")
    # The call centre itself (outbound aside: the field plan it feeds has its own calendar).
    assert analyse_callcentre(plain, year=2027, with_outbound=False) == analyse_callcentre(
        plain, year=2030, with_outbound=False
    )


def test_analyses_build_no_solver_model():
    """The shift programme lives in planner/model/shifts.py; the analysis only builds its problem."""
    import planner.analyses.callcentre as mod

    source = Path(mod.__file__).read_text(encoding="utf-8")
    assert "pulp" not in source and "solve_shifts(" in source


@settings(max_examples=10, deadline=None, derandomize=True)
@given(scale=st.sampled_from([0, 0.5, 0.95, 1, 1.05, 1.2, 2.5]))
def test_a_busier_monday_never_needs_fewer_agents(scale):
    """Monday x scale against the plain weekday, interval by interval."""
    sc = load_scenario(PROFILES, [f"callcentre.profiles.monday.scale={scale}"])
    res = analyse_callcentre(sc, with_outbound=False)
    mon, plain = _day(res, "monday"), _day(res, "weekday")
    for m, p in zip(mon, plain, strict=True):
        # More calls never need fewer agents (Erlang C is monotone), fewer never need more.
        if scale >= 1:
            assert m.agents_required >= p.agents_required
        if scale <= 1:
            assert m.agents_required <= p.agents_required
    if scale == 1:
        assert [m.agents_scheduled for m in mon] == [p.agents_scheduled for p in plain]
