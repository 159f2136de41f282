"""The ISO weeks of a year and how much working time each week holds, from China's public holidays.

A week's working days are its Monday-to-Friday days minus China's public holidays and days off, plus
the weekend days the State Council turns into working days (调休), as the ``holidays`` package's
China calendar knows them (``is_working_day``). Spring Festival and National Day weeks therefore hold
fewer working days than ordinary weeks, sometimes none.

Each ISO week belongs to the calendar month (and quarter) of its Thursday, the same rule that makes
ISO week 1 the week holding the year's first Thursday; so every ISO week of an ISO year falls in one
month of that year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.errors import InputError

#: Years the calendar accepts (the ``holidays`` package's China calendar starts in 2001).
MIN_YEAR = 2001
MAX_YEAR = 2099


@dataclass(frozen=True)
class Week:
    """One ISO week: its number, Monday, month and quarter (by its Thursday), working days and holidays."""

    week: int
    monday: dt.date
    month: int
    quarter: int
    working_days: int
    holidays: tuple[str, ...]

    @property
    def label(self) -> str:
        """``2027-W06``."""
        return f"{self.monday.isocalendar().year}-W{self.week:02d}"


@dataclass(frozen=True)
class YearCalendar:
    """The ISO weeks of ``year`` in order."""

    year: int
    weeks: tuple[Week, ...]

    @property
    def n_weeks(self) -> int:
        """52 or 53."""
        return len(self.weeks)

    @property
    def working_days(self) -> int:
        """Working days in the whole ISO year."""
        return sum(w.working_days for w in self.weeks)

    def week_share(self) -> list[float]:
        """Each week's share of the year's working days (sums to 1)."""
        total = self.working_days
        return [w.working_days / total for w in self.weeks]

    def period_index(self, per: str) -> list[int]:
        """Each week's period number (0-based) for a standard counted ``per`` month, quarter or year."""
        if per == "month":
            return [w.month - 1 for w in self.weeks]
        if per == "quarter":
            return [w.quarter - 1 for w in self.weeks]
        if per == "year":
            return [0 for _ in self.weeks]
        raise ValueError(f"unknown period {per!r}")


def iso_weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week number of 28 December is always the year's last week."""
    return dt.date(year, 12, 28).isocalendar().week


def year_calendar(year: int) -> YearCalendar:
    """The ISO weeks of ``year`` with their working days under China's public holidays.

    Raises
    ------
    InputError
        When ``year`` is outside 2001..2099.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {year}", source="--year")
    import holidays

    # ISO week 1 may start in late December and the last week may end in early January.
    cn = holidays.China(years=[year - 1, year, year + 1])
    first_monday = dt.date.fromisocalendar(year, 1, 1)
    weeks = []
    for i in range(iso_weeks_in_year(year)):
        monday = first_monday + dt.timedelta(weeks=i)
        days = [monday + dt.timedelta(days=d) for d in range(7)]
        thursday = days[3]
        working = sum(1 for d in days if cn.is_working_day(d))
        names = tuple(dict.fromkeys(str(cn[d]) for d in days if d in cn))
        weeks.append(
            Week(
                week=i + 1,
                monday=monday,
                month=thursday.month,
                quarter=(thursday.month - 1) // 3 + 1,
                working_days=working,
                holidays=names,
            )
        )
    return YearCalendar(year=year, weeks=tuple(weeks))


def default_year(today: dt.date | None = None) -> int:
    """Next calendar year (schedules are made ahead of the year they cover)."""
    return (today or dt.date.today()).year + 1
