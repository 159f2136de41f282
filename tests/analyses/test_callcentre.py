"""planner callcentre: staffing per interval, the shift plan, FTE and cost, outbound work, bad input."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.analyses.callcentre import OUTBOUND_ROLE, analyse_callcentre, compare_outbound
from planner.data.scenario import load_scenario
from planner.model.erlang import Target, offered_load, required_agents, with_shrinkage

REPO = Path(__file__).resolve().parent.parent.parent
DATA = Path(__file__).resolve().parent.parent / "data" / "callcentre"
SMALL = DATA / "scenario.yaml"


@pytest.fixture(scope="module")
def small():
    """The small hourly centre of tests/data/callcentre/scenario.yaml, analysed once (with outbound)."""
    sc = load_scenario(SMALL)
    return sc, analyse_callcentre(sc)


def test_requirement_per_interval_is_erlang_c_after_shrinkage(small):
    sc, res = small
    spec = sc.spec.callcentre
    t = Target("service_level", 0.8, 20)
    for i in res.intervals:
        a = offered_load(i.calls, 3600, 180)  # AHT 180 s in an hour: calls / 20 Erlangs
        assert i.erlangs == pytest.approx(i.calls / 20)
        need = required_agents(a, 180, t, max_occupancy=0.9)
        assert i.agents_erlang == need.agents
        assert i.agents_required == with_shrinkage(need.agents, spec.shrinkage)
    # 10:00 on a weekday: 120 calls = 6 Erlangs; 9 agents give 80 %+ in 20 s (8 give 73.6 %);
    # ceil(9 / 0.8) = 12 on shift.
    ten = next(i for i in res.intervals if i.day_type == "weekday" and i.start == "10:00")
    assert (ten.agents_erlang, ten.agents_required) == (9, 12)


def test_shift_plan_covers_every_interval_at_least_cost(small):
    _, res = small
    for day in ("weekday", "weekend"):
        rows = [i for i in res.intervals if i.day_type == day]
        assert all(i.agents_scheduled >= i.agents_required for i in rows)
        assert all(i.under == 0 and i.over == i.agents_scheduled - i.agents_required for i in rows)
        assert all(i.service_level >= 0.8 for i in rows if i.calls > 0)
        # Brute force over the three 6-hour templates (early 08-14, mid 11-17, late 14-20).
        req = [i.agents_required for i in rows]
        top = max(req)
        best = min(
            6 * (e + m + late)
            for e, m, late in itertools.product(range(top + 1), repeat=3)
            if all(
                (e if 8 <= h < 14 else 0) + (m if 11 <= h < 17 else 0) + (late if 14 <= h < 20 else 0)
                >= req[h]
                for h in range(24)
            )
        )
        day_result = next(d for d in res.days if d.day_type == day)
        assert day_result.paid_agent_hours == best
        assert sum(s.agents * s.paid_hours for s in res.shifts if s.day_type == day) == best


def test_fte_and_cost(small):
    _, res = small
    wk, we = (next(d for d in res.days if d.day_type == k).paid_agent_hours for k in ("weekday", "weekend"))
    # 250 weekdays and 100 weekend days a year; 1,500 paid hours an FTE; 50,000 CNY an FTE.
    assert res.fte == pytest.approx((wk * 250 + we * 100) / 1500)
    assert res.annual_cost == pytest.approx(res.fte * 50000)


def test_csv_forecast_gives_the_same_answer_as_inline_calls(small):
    _, inline = small
    csv = analyse_callcentre(load_scenario(DATA / "forecast-ok.yaml"), with_outbound=False)
    assert [(i.calls, i.agents_required) for i in csv.intervals] == [
        (i.calls, i.agents_required) for i in inline.intervals
    ]


def test_outbound_hours_are_the_spare_time_in_the_window(small):
    _, res = small
    spare = {
        d: sum(i.spare_agent_hours for i in res.intervals if i.day_type == d) for d in ("weekday", "weekend")
    }
    assert res.outbound_hours_available == pytest.approx(spare["weekday"] * 250 + spare["weekend"] * 100)
    # spare = (scheduled x (1 - shrinkage) - agents Erlang C needs) x 1 h, never negative
    for i in res.intervals:
        assert i.spare_agent_hours == pytest.approx(max(0.0, i.agents_scheduled * 0.8 - i.agents_erlang))


@pytest.mark.parametrize("small_customers", [0, 300, 600, 6000, 60000])
def test_outbound_absorption_never_exceeds_idle_agent_time(small, small_customers):
    _, res = small
    sc2 = load_scenario(SMALL, [f"customers.retail.small={small_customers}"])
    plan, out = compare_outbound(sc2, res)
    assert plan.ok
    # The calls-only outbound role takes at most the spare hours and at most the phone work, month by
    # month in the 2027 calendar: each month's calls (a twelfth of the year's, 1 a month) against the
    # spare hours spread over the year's 248 working days (the month's working days from the holidays
    # package, computed here).
    import datetime as dt

    import holidays

    cn = holidays.China(years=[2027])
    days = [dt.date(2027, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    wd = [sum(1 for d in days if d.month == m and cn.is_working_day(d)) for m in range(1, 13)]
    phone_hours = small_customers * 12 * 10 / 60
    available = res.outbound_hours_available
    expected = sum(min(phone_hours / 12, available * w / sum(wd)) for w in wd)
    assert out.absorbed_hours <= available + 1e-6
    assert out.absorbed_hours == pytest.approx(expected, rel=1e-8, abs=1e-6)
    role = next(r for r in plan.roles if r.role == OUTBOUND_ROLE)
    assert role.capacity_hours == pytest.approx(res.outbound_hours_available)
    assert role.required_headcount == 0 and role.annual_cost == 0


def test_freed_field_heads(small):
    _, res = small
    out = res.outbound
    assert out is not None
    # Without outbound the rep carries 600 x 2 h + 100 x 4 h = 1,600 h at 1,000 h a head: 2 heads.
    # The centre has more than 1,200 spare hours, so it makes every phone contact and the rep keeps
    # the 400 h of visits: 1 head. One head freed, 100,000 CNY.
    assert res.outbound_hours_available > 1200
    assert out.freed_heads == {"rep": 1}
    assert (out.freed_total, out.cost_saving) == (1, 100000)
    assert res.outbound_hours_absorbed == pytest.approx(1200)


def test_plan_command_reports_freed_heads(cli):
    res = cli("plan", str(SMALL))
    assert res.exit_code == 0, res.output
    assert "Field heads freed: 1 (1 rep)" in res.output
    res = cli("plan", str(SMALL), "--format", "json")
    data = json.loads(res.output)
    assert data["callcentre_outbound"]["freed_total"] == 1
    assert data["total_headcount"] == 1
    # Switched off, the plan is the plain one (2 reps) and has no outbound key.
    res = cli("plan", str(SMALL), "--set", "callcentre.outbound.enabled=false", "--format", "json")
    data = json.loads(res.output)
    assert "callcentre_outbound" not in data and data["total_headcount"] == 2


def test_fixed_hours_role_in_the_core_model(tiny):
    """A role with fixed_hours gives exactly those hours, whatever its headcount, and is used first."""
    from planner.model.headcount import plan

    roles = """
      rep:
        serves: [retail]
        headcount: 1
        hours_per_year: 2000
        customer_time_share: 0.4
        annual_cost: 100000
      helper:
        serves: [retail]
        headcount: 0
        hours_per_year: 2000
        customer_time_share: 1.0
        annual_cost: 0
        fixed_hours: 500
    """
    sc = load_scenario(tiny(small=100, roles=roles))
    result = plan(sc)
    # 100 small customers x 8 h = 800 h; the helper gives 500, so 300 h at 800 h a rep: 1 rep.
    helper = next(r for r in result.roles if r.role == "helper")
    rep = next(r for r in result.roles if r.role == "rep")
    assert (helper.capacity_hours, helper.assigned_hours, helper.required_headcount) == (500, 500, 0)
    assert (rep.required_headcount, rep.assigned_hours) == (1, pytest.approx(300))
    assert result.tiers[0].coverage == 1.0


def test_callcentre_json_through_a_real_process():
    out = subprocess.run(
        [sys.executable, "cli.py", "callcentre", str(SMALL), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert {"intervals", "shifts", "fte", "annual_cost", "outbound_hours_absorbed"} <= set(data)
    first = data["intervals"][0]
    assert {"day_type", "start", "calls", "agents_required", "agents_scheduled", "service_level"} <= set(
        first
    )
    assert {"asa_seconds", "occupancy"} <= set(first)
    assert len(data["intervals"]) == 48  # 24 hours x 2 day types
    assert {"day_type", "start", "length_hours", "agents"} <= set(data["shifts"][0])
    assert data["outbound_hours_absorbed"] == pytest.approx(1200)


def test_baseline_table_renders(cli):
    res = cli("callcentre", "scenarios/baseline.yaml")
    assert res.exit_code == 0, res.output
    for text in ("Weekday: agents on shift", "Shift plan", "Totals", "FTE", "█", "not enabled"):
        assert text in res.output


def test_same_input_same_bytes(cli):
    a = cli("callcentre", str(SMALL), "--format", "json").output
    assert a == cli("callcentre", str(SMALL), "--format", "json").output


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "bad-aht-zero",
            "callcentre.aht_seconds: average handle time must be a positive number of seconds, got 0",
        ),
        (
            "bad-aht-negative",
            "callcentre.aht_seconds: average handle time must be a positive number of seconds",
        ),
        (
            "bad-target-one",
            "callcentre.service_level_target: service_level_target must be a fraction strictly",
        ),
        (
            "bad-target-zero",
            "service_level_target must be a fraction strictly between 0 and 1 (e.g. 0.8), got 0",
        ),
        (
            "bad-occupancy-high",
            "callcentre.max_occupancy: max_occupancy must be in (0, 1] (e.g. 0.85), got 1.2",
        ),
        ("bad-occupancy-zero", "max_occupancy must be in (0, 1] (e.g. 0.85), got 0"),
        ("bad-shrinkage-one", "callcentre.shrinkage: shrinkage must be in [0, 1) (e.g. 0.3 for 30 %), got 1"),
        ("bad-shrinkage-negative", "shrinkage must be in [0, 1) (e.g. 0.3 for 30 %), got -0.1"),
        ("bad-two-targets", "give exactly one service target"),
        ("bad-forecast-missing", "forecast-missing.csv: forecast is missing 1 weekday interval(s): 13:00"),
        (
            "bad-forecast-duplicate",
            "forecast-duplicate.csv:7: start: duplicate interval weekday 03:00 (also on line 5)",
        ),
        ("bad-forecast-not-found", "callcentre.forecast: forecast file not found"),
        ("bad-calls-short", "callcentre.calls.weekday: expected 24 intervals of 60 minutes, got 23"),
        (
            "bad-shifts-gap",
            "no shift covers the open weekday interval(s) 17:00-18:00, 18:00-19:00, 19:00-20:00",
        ),
        ("bad-shift-unquoted", "write clock times in quotes"),
        ("bad-outbound-tier", "callcentre.outbound.serves[0]: unknown tier 'retail.tiny'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(cli, name, message):
    res = cli("callcentre", str(DATA / f"{name}.yaml"), "--format", "json")
    assert res.exit_code == 2
    assert res.output.startswith("Error: ")
    assert message in res.output
    assert "Traceback" not in res.output


def test_scenario_without_callcentre_section(cli, tiny):
    res = cli("callcentre", str(tiny()))
    assert res.exit_code == 2
    assert "no `callcentre:` section" in res.output


def test_on_grid_and_time_checks(cli):
    res = cli("callcentre", str(SMALL), "--set", "callcentre.shifts.0.starts.0=08:30")
    assert res.exit_code == 2 and "not on the 60-minute interval grid" in res.output
    res = cli("callcentre", str(SMALL), "--set", "callcentre.interval_minutes=30")
    assert res.exit_code == 2 and "expected 48 intervals of 30 minutes, got 24" in res.output


open_hours = st.lists(st.integers(0, 150), min_size=12, max_size=12)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(weekday=open_hours, weekend=open_hours, customers=st.integers(0, 20000))
def test_any_forecast_is_covered_and_outbound_stays_within_spare_time(weekday, weekend, customers):
    """Random calls in the open hours 08-20: every interval covered, targets met, outbound <= spare."""
    days = {"weekday": weekday, "weekend": weekend}
    sets = [f"callcentre.calls.{d}=[{', '.join(map(str, [0] * 8 + v + [0] * 4))}]" for d, v in days.items()]
    sc = load_scenario(SMALL, [*sets, f"customers.retail.small={customers}"])
    res = analyse_callcentre(sc)
    assert res.ok
    for i in res.intervals:
        assert i.agents_scheduled >= i.agents_required and i.under == 0
        if i.calls > 0:
            assert i.service_level >= 0.8 and i.occupancy <= 0.9 + 1e-12
    assert res.outbound is not None
    assert 0 <= res.outbound_hours_absorbed <= res.outbound_hours_available + 1e-6
    assert res.outbound_hours_absorbed <= customers * 2 + 1e-6  # 12 calls x 10 min a customer
