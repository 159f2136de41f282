"""The shipped table of China's working days is the ``holidays`` package's answer, read fast.

planner/data/china_calendar.json (scripts/china_calendar.py) holds 2020-2035. It is used only while
the installed package's China sources hash to the key stored in it; then every year must equal what
the package computes now. A missing, broken or foreign table is ignored and the package answers.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from planner.data import calendar
from planner.data.calendar import CHINA_TABLE, china_sources_key, china_year, plan_calendar


@pytest.fixture
def fresh():
    """Forget the cached table and calendars before and after (each test reads its own)."""
    calendar._china_table.cache_clear()
    plan_calendar.cache_clear()
    yield
    calendar._china_table.cache_clear()
    plan_calendar.cache_clear()


def _shipped() -> dict:
    return json.loads(CHINA_TABLE.read_text(encoding="utf-8"))


def test_the_table_covers_2020_to_2035_and_matches_the_installed_package(fresh):
    table = _shipped()
    assert sorted(table["years"]) == [str(y) for y in range(2020, 2036)]
    if table["sources"] != china_sources_key():
        pytest.skip(
            "the installed holidays package differs from the table's: the package answers (next test)"
        )
    assert calendar._china_table() == table["years"]
    for year, entry in table["years"].items():
        assert entry == china_year(int(year)), year


def test_plan_calendar_is_the_same_with_and_without_the_table(fresh):
    years = (2020, 2025, 2027, 2035, 2036)  # 2036 is outside the table: the package's answer either way
    with_table = {y: plan_calendar(y) for y in years}
    plan_calendar.cache_clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(calendar, "_china_table", lambda: {})
        assert {y: plan_calendar(y) for y in years} == with_table


def test_2025_by_the_state_councils_notice(fresh):
    # 国务院办公厅关于2025年部分节假日安排的通知 (November 2024): make-up working days Sun 26 Jan,
    # Sat 8 Feb, Sun 27 Apr, Sun 28 Sep, Sat 11 Oct; Spring Festival off 28 Jan - 4 Feb.
    cal = plan_calendar(2025)
    working = {d for s in cal.slots for d in s.working_dates}
    for day in ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"):
        assert dt.date.fromisoformat(day) in working, day
    for day in ("2025-01-28", "2025-01-29", "2025-02-03", "2025-02-04", "2025-10-01", "2025-10-08"):
        assert dt.date.fromisoformat(day) not in working, day
    # 2025: 365 days, 104 of them Saturdays and Sundays; 18 weekdays off (1 Jan; 28-31 Jan, 3-4 Feb;
    # 4 Apr; 1, 2, 5 May; 2 Jun; 1-3 and 6-8 Oct); 5 make-up days -> 248 working days.
    assert cal.working_days == 365 - 104 - 18 + 5 == 248


def test_a_foreign_or_broken_table_is_ignored(fresh, tmp_path):
    foreign = _shipped()
    foreign["sources"] = "0" * 64
    # A table made from other sources, saying 2027 has no working day at all, must not be read.
    foreign["years"]["2027"]["weekday_off"] = [
        (dt.date(2027, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(365)
    ]
    path = tmp_path / "china_calendar.json"
    path.write_text(json.dumps(foreign), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(calendar, "CHINA_TABLE", path)
        assert calendar._china_table() == {}
        assert plan_calendar(2027).working_days > 240
        for text in ("{not json", "[]", '{"sources": null}'):
            path.write_text(text, encoding="utf-8")
            calendar._china_table.cache_clear()
            assert calendar._china_table() == {}
        path.unlink()
        calendar._china_table.cache_clear()
        assert calendar._china_table() == {}


def test_without_the_holidays_sources_the_key_is_none(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert china_sources_key() is None
