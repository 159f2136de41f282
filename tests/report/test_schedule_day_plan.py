"""The schedule report's "No room in the day plan" table and JSON key (planner/report/schedule.py)."""

from __future__ import annotations

from io import StringIO

from planner.analyses.schedule import DayShort, ScheduleResult
from planner.model.solver import SolveStatus
from planner.report.schedule import render_schedule
from planner.report.terminal import SafeConsole


def _result(day_short: list[DayShort]) -> ScheduleResult:
    return ScheduleResult(
        scenario="s",
        year=2027,
        weeks=53,
        headcount="required",
        status=SolveStatus.OPTIMAL,
        solver="highs",
        customers_scheduled=0,
        roles=[],
        tiers=[],
        calendar=[],
        day_short=day_short,
    )


def _text(result: ScheduleResult) -> str:
    console = SafeConsole(width=120, file=StringIO(), highlight=False, soft_wrap=False, color_system=None)
    with console.capture() as captured:
        render_schedule(result, console)
    return captured.get()


def test_day_plan_table_and_json():
    # 955 crystal visits of 120 min = 1,910 h; 17 B calls of 10 min = 2.83 h, shown as 3.
    short = [
        DayShort("key", "crystal", "visit", 955, 1910.0),
        DayShort("commercial", "B", "call", 17, 17 / 6),
    ]
    text = _text(_result(short))
    assert "No room in the day plan" in text
    lines = [line.split() for line in text.splitlines()]
    assert ["│", "key.crystal", "│", "visits", "│", "955", "│", "1,910", "│"] in lines
    assert ["│", "commercial.B", "│", "calls", "│", "17", "│", "3", "│"] in lines
    doc = _result(short).to_dict()
    assert doc["day_plan_short"][0] == {
        "channel": "key",
        "tier": "crystal",
        "kind": "visit",
        "contacts": 955,
        "hours": 1910.0,
        "key": "key.crystal",
    }


def test_no_day_plan_key_without_a_shortfall():
    """A calendar whose days hold every contact: no table, and the JSON document as before."""
    result = _result([])
    assert "No room in the day plan" not in _text(result)
    assert "day_plan_short" not in result.to_dict()
