"""A plan year's working calendar: China's holidays and make-up days, split into slots by dates.

The plan year is the calendar year, 1 January to 31 December. It is cut into **slots**: the part of
one ISO week that falls in one calendar month. A week that straddles two months (or two quarters)
gives each its own slot with its own working days, so every month, quarter and the year hold exactly
their own working days and a standard counted "per quarter" is met in the quarter's own dates. The
first and last slots may be partial ISO weeks (2027 starts on a Friday, in ISO week 2026-W53).

A slot's working days are its Monday-to-Friday days minus China's public holidays and days off,
plus the weekend days the State Council turns into working days (调休), as the ``holidays``
package's China calendar knows them (``is_working_day``). Spacing rules ("no two visits of one
customer within g weeks") count ISO weeks: the slots of one week count as the same week.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from planner.errors import InputError
from planner.i18n import _

#: Years the calendar accepts (the ``holidays`` package's China calendar starts in 2001).
MIN_YEAR = 2001
MAX_YEAR = 2099
#: Weeks in a year, for spacing rules: 365.25 / 7.
WEEKS_PER_YEAR = 365.25 / 7

PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Slot:
    """The days of one ISO week inside one calendar month."""

    index: int
    week: int  # 0-based index of the ISO week in PlanCalendar.week_labels
    week_label: str  # "2027-W13"
    start: dt.date
    end: dt.date  # inclusive
    month: int
    working_dates: tuple[dt.date, ...]
    holidays: tuple[str, ...]

    @property
    def quarter(self) -> int:
        """1..4."""
        return (self.month - 1) // 3 + 1

    @property
    def working_days(self) -> int:
        """Working days in the slot."""
        return len(self.working_dates)

    @property
    def label(self) -> str:
        """``2027-W13 (03-29..03-31)``."""
        return f"{self.week_label} ({self.start:%m-%d}..{self.end:%m-%d})"


@dataclass(frozen=True)
class PlanCalendar:
    """The slots of one plan year, in date order."""

    year: int
    slots: tuple[Slot, ...]
    week_labels: tuple[str, ...]

    @property
    def n_slots(self) -> int:
        """Number of slots (about 64)."""
        return len(self.slots)

    @property
    def n_weeks(self) -> int:
        """ISO weeks touched by the year, partial ones included (53 or 54)."""
        return len(self.week_labels)

    @property
    def working_days(self) -> int:
        """Working days in the year."""
        return sum(s.working_days for s in self.slots)

    def slot_share(self) -> list[float]:
        """Each slot's share of the year's working days (sums to 1)."""
        total = self.working_days
        return [s.working_days / total for s in self.slots]

    def period_index(self, per: str) -> list[int]:
        """Each slot's period number (0-based) for a standard counted per month, quarter or year."""
        if per == "month":
            return [s.month - 1 for s in self.slots]
        if per == "quarter":
            return [s.quarter - 1 for s in self.slots]
        if per == "year":
            return [0 for _unused in self.slots]
        raise ValueError(_("unknown period {per!r}").format(per=per))

    def period_slots(self, per: str) -> list[list[int]]:
        """The slot indices of each period, in order."""
        out: dict[int, list[int]] = {}
        for i, p in enumerate(self.period_index(per)):
            out.setdefault(p, []).append(i)
        return [out[p] for p in sorted(out)]

    def period_working_days(self, per: str) -> list[int]:
        """Working days of each period."""
        return [sum(self.slots[i].working_days for i in idx) for idx in self.period_slots(per)]

    def windows(self, gap: int) -> list[tuple[int, int]]:
        """Slot ranges ``[start, end)`` covering each run of ``gap`` consecutive ISO weeks.

        ``gap`` 1 gives each week's slots (the one-contact-a-week limit); below 1, none.
        """
        if gap < 1:
            return []
        first = [0] * self.n_weeks
        last = [0] * self.n_weeks
        seen: set[int] = set()
        for s in self.slots:
            if s.week not in seen:
                first[s.week] = s.index
                seen.add(s.week)
            last[s.week] = s.index + 1
        g = min(gap, self.n_weeks)
        return [(first[a], last[a + g - 1]) for a in range(self.n_weeks - g + 1)]


def min_gap_weeks(per_year: int) -> int:
    """Fewest weeks between one customer's consecutive visits: half the even interval, rounded up.

    The even interval is ``WEEKS_PER_YEAR / per_year``; 2 visits a quarter (8 a year) gives 6.5 weeks,
    so consecutive visits sit at least ceil(3.26) = 4 weeks apart. Never below 1.
    """
    if per_year <= 0:
        return 0
    return max(1, math.ceil(WEEKS_PER_YEAR / per_year / 2 - 1e-9))


def check_year(year: int, source: str = "--year") -> None:
    """Refuse a year outside 2001..2099."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(
            _("year must be between {min_year} and {max_year}, got {year}").format(
                min_year=MIN_YEAR, max_year=MAX_YEAR, year=year
            ),
            source=source,
        )


#: China's working days for the years most plans cover, as the ``holidays`` package computes them,
#: written by ``scripts/china_calendar.py``. Reading it takes about a millisecond against about 0.1 s
#: to import the package and compute a year. It is used only while the package's China sources
#: (:data:`CHINA_SOURCES`) are byte for byte those it was made from; otherwise, or for another year,
#: the package itself answers.
CHINA_TABLE = Path(__file__).with_name("china_calendar.json")
#: The files of the ``holidays`` package that decide China's calendar (hashed into the table's key).
CHINA_SOURCES = (
    "holiday_base.py",
    "observed_holiday_base.py",
    "countries/china.py",
    "calendars/chinese.py",
    "groups/chinese.py",
)


def china_sources_key() -> str | None:
    """SHA-256 of the installed ``holidays`` package's China sources (None when not found)."""
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).parent
    digest = hashlib.sha256()
    for name in CHINA_SOURCES:
        try:
            digest.update(name.encode() + b"\0" + (root / name).read_bytes())
        except OSError:
            return None
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _china_table() -> dict[str, Any]:
    """The shipped table's years, or nothing when it is missing, broken or made from other sources."""
    import json

    try:
        data = json.loads(CHINA_TABLE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("sources") != china_sources_key():
        return {}
    years = data.get("years")
    return years if isinstance(years, dict) else {}


def china_year(year: int) -> dict[str, Any]:
    """One year of China's calendar as the table stores it, computed by the ``holidays`` package.

    ``holidays``: each holiday date of the year and its name(s); ``weekend_working``: the Saturdays
    and Sundays that are working days (make-up days); ``weekday_off``: the Monday-Friday days that
    are not working days. The package is asked about the years around it too, as a lunar holiday
    near New Year may belong to either.
    """
    import holidays

    cn = holidays.China(years=[year - 1, year, year + 1])
    day, out_holidays, weekend, off = dt.date(year, 1, 1), {}, [], []
    while day.year == year:
        if day in cn:
            out_holidays[day.isoformat()] = str(cn[day])
        working = cn.is_working_day(day)
        if day.weekday() >= 5 and working:
            weekend.append(day.isoformat())
        elif day.weekday() < 5 and not working:
            off.append(day.isoformat())
        day += dt.timedelta(days=1)
    return {"holidays": out_holidays, "weekend_working": weekend, "weekday_off": off}


def _china_days(year: int) -> tuple[Callable[[dt.date], bool], dict[dt.date, str]]:
    """Whether a day of ``year`` is a working day, and the year's holiday names by date."""
    entry = _china_table().get(str(year)) or china_year(year)
    weekend = {dt.date.fromisoformat(d) for d in entry["weekend_working"]}
    off = {dt.date.fromisoformat(d) for d in entry["weekday_off"]}
    names = {dt.date.fromisoformat(d): n for d, n in entry["holidays"].items()}

    def is_working(day: dt.date) -> bool:
        return day in weekend if day.weekday() >= 5 else day not in off

    return is_working, names


@lru_cache(maxsize=8)
def plan_calendar(year: int) -> PlanCalendar:
    """The slots of ``year`` with their working days under China's public holidays.

    Raises
    ------
    InputError
        When ``year`` is outside 2001..2099.
    """
    check_year(year)
    is_working, names_of = _china_days(year)
    day = dt.date(year, 1, 1)
    end_of_year = dt.date(year, 12, 31)
    slots: list[Slot] = []
    labels: list[str] = []
    while day <= end_of_year:
        iso = day.isocalendar()
        label = f"{iso.year}-W{iso.week:02d}"
        if not labels or labels[-1] != label:
            labels.append(label)
        # The slot runs to the end of the ISO week or of the month, whichever comes first.
        sunday = day + dt.timedelta(days=7 - iso.weekday)
        next_month = dt.date(year + (day.month == 12), day.month % 12 + 1, 1)
        end = min(sunday, next_month - dt.timedelta(days=1))
        days = [day + dt.timedelta(days=d) for d in range((end - day).days + 1)]
        working = tuple(d for d in days if is_working(d))
        names = tuple(dict.fromkeys(names_of[d] for d in days if d in names_of))
        slots.append(
            Slot(
                index=len(slots),
                week=len(labels) - 1,
                week_label=label,
                start=day,
                end=end,
                month=day.month,
                working_dates=working,
                holidays=names,
            )
        )
        day = end + dt.timedelta(days=1)
    return PlanCalendar(year=year, slots=tuple(slots), week_labels=tuple(labels))


def default_year(today: dt.date | None = None) -> int:
    """Next calendar year (plans are made ahead of the year they cover)."""
    return (today or dt.date.today()).year + 1
