"""The scenario's ``callcentre:`` section: the 10000 line's forecast, service target and shift templates.

A scenario may carry::

    callcentre:
      interval_minutes: 30              # 30 (48 intervals a day) or 60 (24)
      forecast: data/callcentre-forecast.csv   # day_type,start,calls; or `calls:` inline
      aht_seconds: 240
      service_level_target: 0.8         # 80 % of calls answered ...
      answer_within_seconds: 20         # ... within 20 s   (or asa_target_seconds: 30)
      max_occupancy: 0.85
      shrinkage: 0.30
      shifts:
        - {name: early, starts: ["07:00", "08:00"], paid_hours: 8, unpaid_break_minutes: 60}
      cost_per_agent_year: 48000
      paid_hours_per_agent_year: 2000
      days_open_per_year: {weekday: 250, weekend: 115}
      outbound: {enabled: true, serves: [public, mobile]}
      profiles:                         # optional: days that differ from the plain weekday/weekend
        monday: {scale: 1.2}            # the weekday curve x 1.2
        friday: {windows: [{start: "17:00", end: "22:00", scale: 1.3}]}
        holiday: {calls: [...]}         # a curve of its own (one number per interval)

Without ``profiles`` the centre plans a weekday and a weekend day, counted ``days_open_per_year``.
With them, every date of the plan year takes a day type from China's calendar
(:func:`year_day_types`): a public holiday or day off is ``holiday`` (when profiled), a working day
its weekday's name, a Saturday or Sunday its own; a date whose name has no profile keeps the plain
``weekday`` (working days, make-up working days included) or ``weekend`` (days off) curve.

:class:`CallCentreSpec` checks types and ranges when the scenario loads; :func:`load_callcentre`
then reads the forecast (inline or CSV), puts every shift start on the interval grid and refuses a
forecast with missing or duplicate intervals or an open interval no shift can cover. Every error
names the file, key path (or CSV line) and what would fix it.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from planner.errors import InputError, excerpt
from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from planner.data.policy import Policy
    from planner.data.scenario import Scenario
    from planner.data.yaml_io import Document

DayType = Literal["weekday", "weekend"]
DAY_TYPES: tuple[DayType, ...] = ("weekday", "weekend")
ProfileDay = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "holiday"]
#: Profile keys in report order; the first seven are ``date.weekday()`` 0..6.
PROFILE_DAYS: tuple[ProfileDay, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "holiday",
)
#: The plain curve (and the shift templates) each profiled day builds on: working days use the
#: weekday's, days off the weekend's.
PROFILE_BASE: dict[str, DayType] = {
    d: ("weekday" if i < 5 else "weekend") for i, d in enumerate(PROFILE_DAYS)
}
#: Largest multiplier a profile may apply (a hundredfold day is a units slip, not a forecast).
MAX_PROFILE_SCALE = 100.0
#: Refuse forecast files larger than this (a year of half-hours is ~1 MB; a day type is 2 KB).
MAX_FORECAST_BYTES = 5 * 1024 * 1024

SECTION = "callcentre"
#: Handle times below this many seconds are warned about: minutes typed for seconds (4 for 240).
MIN_PLAUSIBLE_AHT_SECONDS = 10.0
#: Refuse loads above this many Erlangs (a million agents busy at once means a units mistake).
MAX_ERLANGS = 1_000_000


class _Strict(BaseModel):
    # allow_inf_nan=False: `.inf` and `.nan` are refused by every number field.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


#: Calls offered in one interval (a million: far beyond any branch's line; a units slip otherwise).
MAX_CALLS = 1_000_000.0
#: Seconds in a day: the ceiling for handle times and answer targets.
DAY_SECONDS = 24 * 3600.0
CallCount = Annotated[float, Field(ge=0, le=MAX_CALLS)]


def _check_open_fraction(v: float, what: str) -> float:
    if not 0 < v < 1:
        raise ValueError(
            _("{what} must be a fraction strictly between 0 and 1 (e.g. 0.8), got {v:g}").format(
                what=what, v=v
            )
        )
    return v


def parse_clock(text: Any) -> int:
    """``"07:30"`` -> 450 minutes after midnight; raises ValueError with a plain message."""
    if isinstance(text, int) and not isinstance(text, bool):
        # YAML 1.1 reads an unquoted 10:30 as the base-60 integer 630.
        raise ValueError(
            _(
                "write clock times in quotes, e.g. '10:30' (unquoted, YAML reads a time as a number: {text})"
            ).format(text=text)
        )
    if not isinstance(text, str):
        raise ValueError(_("expected a clock time 'HH:MM', got {text}").format(text=excerpt(text)))
    hh, sep, mm = text.strip().partition(":")
    if not sep or not hh.isdigit() or not mm.isdigit() or len(mm) != 2:
        raise ValueError(_("expected a clock time 'HH:MM', got {text}").format(text=excerpt(text)))
    h, m = int(hh), int(mm)
    if h > 23 or m > 59:
        raise ValueError(
            _("expected a clock time between 00:00 and 23:59, got {text}").format(text=excerpt(text))
        )
    return h * 60 + m


def clock(minutes: int) -> str:
    """450 -> ``"07:30"`` (minutes after midnight, taken modulo a day)."""
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class ShiftTemplate(_Strict):
    """A kind of shift: the start times allowed, paid hours, and one unpaid break."""

    name: str | None = None
    starts: list[Any] = Field(min_length=1, max_length=24 * 60)
    paid_hours: float
    unpaid_break_minutes: float = 0
    #: Hours on duty before the break starts; default half the paid hours (on the interval grid).
    break_after_hours: float | None = Field(default=None, ge=0, le=24)
    days: list[DayType] = Field(default_factory=lambda: list(DAY_TYPES), min_length=1)

    @field_validator("starts")
    @classmethod
    def _starts(cls, v: list[Any]) -> list[Any]:
        for item in v:
            parse_clock(item)
        return v

    @field_validator("paid_hours")
    @classmethod
    def _paid(cls, v: float) -> float:
        if not 0 < v <= 24:
            raise ValueError(_("paid_hours must be in (0, 24], got {v:g}").format(v=v))
        return v

    @field_validator("unpaid_break_minutes")
    @classmethod
    def _break(cls, v: float) -> float:
        if not 0 <= v < 24 * 60:
            raise ValueError(_("unpaid_break_minutes must be in [0, 1440), got {v:g}").format(v=v))
        return v


class Outbound(_Strict):
    """Routine phone contacts the call centre may make in intervals its inbound work leaves spare."""

    enabled: bool = True
    #: Channels or ``channel.tier`` whose phone contacts the centre may make.
    serves: list[str] = Field(min_length=1)
    #: Outbound calls only in intervals starting at or after ``earliest`` and before ``latest``.
    earliest: Any = "09:00"
    latest: Any = "21:00"
    role_label: str | None = "10000号外呼"

    @field_validator("earliest", "latest")
    @classmethod
    def _clock(cls, v: Any) -> Any:
        parse_clock(v)
        return v

    @model_validator(mode="after")
    def _window(self) -> Outbound:
        if parse_clock(self.latest) <= parse_clock(self.earliest):
            raise ValueError(
                _("the calling window {earliest}-{latest} is empty: latest must be later").format(
                    earliest=self.earliest, latest=self.latest
                )
            )
        return self

    def in_window(self, start_minutes: int) -> bool:
        """Whether an interval starting at ``start_minutes`` is inside the calling window."""
        return parse_clock(self.earliest) <= start_minutes < parse_clock(self.latest)


def parse_window_end(text: Any) -> int:
    """Like :func:`parse_clock`, but ``"24:00"`` (the end of the day) is allowed: 1440."""
    if isinstance(text, str) and text.strip() == "24:00":
        return 24 * 60
    return parse_clock(text)


class ProfileWindow(_Strict):
    """Intervals from ``start`` up to ``end`` (exclusive) multiplied by ``scale``."""

    start: Any
    end: Any
    scale: float = Field(ge=0, le=MAX_PROFILE_SCALE)

    @field_validator("start")
    @classmethod
    def _start(cls, v: Any) -> Any:
        parse_clock(v)
        return v

    @field_validator("end")
    @classmethod
    def _end(cls, v: Any) -> Any:
        parse_window_end(v)
        return v

    @model_validator(mode="after")
    def _order(self) -> ProfileWindow:
        if parse_window_end(self.end) <= parse_clock(self.start):
            raise ValueError(
                _("the window {start}-{end} is empty: end must be later than start").format(
                    start=self.start, end=self.end
                )
            )
        return self


class Profile(_Strict):
    """One day type's calls: the plain curve scaled (whole day and/or windows), or a curve of its own."""

    #: Multiplies every interval of the plain curve.
    scale: float = Field(default=1.0, ge=0, le=MAX_PROFILE_SCALE)
    #: Multiply some intervals further (windows may not overlap).
    windows: list[ProfileWindow] = Field(default_factory=list, max_length=24 * 60)
    #: Calls per interval, instead of a scaled plain curve.
    calls: list[CallCount] | None = None

    @model_validator(mode="after")
    def _either(self) -> Profile:
        if self.calls is not None and ({"scale", "windows"} & self.model_fields_set):
            raise ValueError(_("give a profile either its own `calls:` or `scale:`/`windows:`, not both"))
        spans = sorted(self.windows, key=lambda w: (parse_clock(w.start), parse_window_end(w.end)))
        for first, second in itertools.pairwise(spans):
            if parse_clock(second.start) < parse_window_end(first.end):
                raise ValueError(
                    _(
                        "windows {start}-{end} and {start2}-{end2} overlap; give each interval one multiplier"
                    ).format(start=first.start, end=first.end, start2=second.start, end2=second.end)
                )
        return self


class DaysOpen(_Strict):
    """Days a year the centre opens, by day type."""

    weekday: int = Field(ge=0, le=366)
    weekend: int = Field(ge=0, le=366)


class CallCentreSpec(_Strict):
    """The ``callcentre:`` section of a scenario."""

    interval_minutes: Literal[30, 60]
    forecast: str | None = None
    calls: dict[DayType, list[CallCount]] | None = None
    aht_seconds: float = Field(le=DAY_SECONDS)
    service_level_target: float | None = None
    answer_within_seconds: float = Field(default=20, le=DAY_SECONDS)
    asa_target_seconds: float | None = Field(default=None, le=DAY_SECONDS)
    max_occupancy: float
    shrinkage: float
    shifts: list[ShiftTemplate] = Field(min_length=1, max_length=1000)
    cost_per_agent_year: float = Field(ge=0, le=100_000_000)
    paid_hours_per_agent_year: float = Field(ge=1, le=8760)
    days_open_per_year: DaysOpen
    outbound: Outbound | None = None
    #: Day types whose calls differ from the plain weekday/weekend curve (see the module docstring).
    #: Keys are checked against PROFILE_DAYS when the section is read (with a "did you mean" hint).
    profiles: dict[str, Profile] | None = None

    @field_validator("profiles")
    @classmethod
    def _some_profile(cls, v: dict[str, Profile] | None) -> dict[str, Profile] | None:
        if v is not None and not v:
            raise ValueError(
                _("give at least one profile ({profile_days}), or leave `profiles:` out").format(
                    profile_days=", ".join(PROFILE_DAYS)
                )
            )
        return v

    @field_validator("aht_seconds")
    @classmethod
    def _aht(cls, v: float) -> float:
        if not v > 0 or not math.isfinite(v):
            raise ValueError(
                _("average handle time must be a positive number of seconds, got {v:g}").format(v=v)
            )
        return v

    @field_validator("service_level_target")
    @classmethod
    def _sl(cls, v: float | None) -> float | None:
        return None if v is None else _check_open_fraction(v, "service_level_target")

    @field_validator("answer_within_seconds")
    @classmethod
    def _within(cls, v: float) -> float:
        if not v >= 0:
            raise ValueError(_("answer_within_seconds must be >= 0, got {v:g}").format(v=v))
        return v

    @field_validator("asa_target_seconds")
    @classmethod
    def _asa(cls, v: float | None) -> float | None:
        if v is not None and not v > 0:
            raise ValueError(
                _("asa_target_seconds must be a positive number of seconds, got {v:g}").format(v=v)
            )
        return v

    @field_validator("max_occupancy")
    @classmethod
    def _occ(cls, v: float) -> float:
        if not 0 < v <= 1:
            raise ValueError(_("max_occupancy must be in (0, 1] (e.g. 0.85), got {v:g}").format(v=v))
        return v

    @field_validator("shrinkage")
    @classmethod
    def _shrink(cls, v: float) -> float:
        if not 0 <= v < 1:
            raise ValueError(_("shrinkage must be in [0, 1) (e.g. 0.3 for 30 %), got {v:g}").format(v=v))
        return v

    @model_validator(mode="after")
    def _one_of(self) -> CallCentreSpec:
        if (self.service_level_target is None) == (self.asa_target_seconds is None):
            raise ValueError(
                _(
                    "give exactly one service target: service_level_target (with answer_within_seconds) or "
                    "asa_target_seconds"
                )
            )
        if (self.forecast is None) == (self.calls is None):
            raise ValueError(
                _("give the calls forecast either as `forecast: file.csv` or as `calls:`, not both")
            )
        return self


@dataclass(frozen=True)
class Shift:
    """One start of one shift template on one day type, on the interval grid."""

    template: str
    day_type: DayType
    start_minutes: int
    paid_hours: float
    unpaid_break_minutes: float
    #: Interval indexes on duty (the break excluded); a shift past midnight wraps to the day's start.
    covers: tuple[int, ...]

    @property
    def start(self) -> str:
        """``"07:30"``."""
        return clock(self.start_minutes)

    @property
    def length_hours(self) -> float:
        """Paid hours plus the unpaid break: from start to end."""
        return self.paid_hours + self.unpaid_break_minutes / 60


@dataclass(frozen=True)
class CallCentre:
    """A validated call-centre section, ready for the Erlang and shift analyses."""

    spec: CallCentreSpec
    interval_minutes: int
    #: Calls forecast per interval, by day type, interval 0 starting at 00:00.
    calls: dict[str, tuple[float, ...]]
    shifts: tuple[Shift, ...]
    forecast_source: str
    #: Calls per interval of each profiled day type (``spec.profiles``), in PROFILE_DAYS order.
    profile_calls: dict[str, tuple[float, ...]] = field(default_factory=dict)

    @property
    def profiled(self) -> bool:
        """True when the scenario gives day-of-week or holiday profiles."""
        return bool(self.profile_calls)

    @property
    def intervals_per_day(self) -> int:
        """48 or 24."""
        return 24 * 60 // self.interval_minutes

    def interval_start(self, i: int) -> str:
        """``"07:30"`` for the interval with index ``i``."""
        return clock(i * self.interval_minutes)

    def days(self, day_type: str) -> int:
        """Days a year the centre opens on ``day_type``."""
        return int(getattr(self.spec.days_open_per_year, day_type))


def _resolve_path(doc: Document, key: tuple[str | int, ...], value: str) -> Path:
    """A path in the scenario, relative to the file that set it (or to the working directory for --set)."""
    source, _unused = doc.locate(key)
    p = Path(value)
    if p.is_absolute() or source == "--set" or not Path(source).exists():
        return p
    return Path(source).parent / p


def _read_forecast(path: Path, interval_minutes: int, doc: Document) -> dict[str, tuple[float, ...]]:
    from planner.data.yaml_io import read_text_limited

    key = (SECTION, "forecast")
    if not path.exists():
        raise doc.error(key, _("forecast file not found: {path}").format(path=path))
    src = str(path)
    text = read_text_limited(path, MAX_FORECAST_BYTES, "forecast CSV file")
    # Lines starting with '#' are comments (where the numbers came from); keep line numbers right.
    rows = [
        (n, r)
        for n, r in enumerate(csv.reader(text.splitlines()), start=1)
        if any(c.strip() for c in r) and not r[0].lstrip().startswith("#")
    ]
    if not rows:
        raise InputError(_("forecast is empty; expected a header day_type,start,calls"), source=src)
    header_line, first = rows[0]
    header = [h.strip().lower() for h in first]
    need = ["day_type", "start", "calls"]
    missing = [c for c in need if c not in header]
    if missing:
        raise InputError(
            _("forecast lacks column(s) {missing}; expected a header day_type,start,calls").format(
                missing=", ".join(missing)
            ),
            source=src,
            line=header_line,
        )
    col = {c: header.index(c) for c in need}
    per_day = 24 * 60 // interval_minutes
    seen: dict[tuple[str, int], int] = {}
    calls: dict[str, list[float | None]] = {d: [None] * per_day for d in DAY_TYPES}
    for lineno, row in rows[1:]:
        if len(row) < len(header):
            raise InputError(
                _("expected {n_header} columns, got {n_row}").format(n_header=len(header), n_row=len(row)),
                source=src,
                line=lineno,
            )
        day = row[col["day_type"]].strip()
        if day not in DAY_TYPES:
            raise InputError(
                _("day_type must be weekday or weekend, got {day}").format(day=excerpt(day)),
                source=src,
                path="day_type",
                line=lineno,
            )
        try:
            minutes = parse_clock(row[col["start"]])
        except ValueError as exc:
            raise InputError(str(exc), source=src, path="start", line=lineno) from None
        if minutes % interval_minutes:
            raise InputError(
                _("start {clock} is not on the {interval_minutes}-minute interval grid").format(
                    clock=clock(minutes), interval_minutes=interval_minutes
                ),
                source=src,
                path="start",
                line=lineno,
            )
        raw = row[col["calls"]].strip()
        try:
            value = float(raw)
        except ValueError:
            raise InputError(
                _("calls must be a number, got {raw}").format(raw=excerpt(raw)),
                source=src,
                path="calls",
                line=lineno,
            ) from None
        if not math.isfinite(value) or value < 0:
            raise InputError(
                _("calls must be a number >= 0, got {raw}").format(raw=raw),
                source=src,
                path="calls",
                line=lineno,
            )
        i = minutes // interval_minutes
        if (day, i) in seen:
            raise InputError(
                _("duplicate interval {day} {clock} (also on line {seen})").format(
                    day=day, clock=clock(minutes), seen=seen[(day, i)]
                ),
                source=src,
                path="start",
                line=lineno,
            )
        seen[(day, i)] = lineno
        calls[day][i] = value
    out: dict[str, tuple[float, ...]] = {}
    for day in DAY_TYPES:
        gaps = [clock(i * interval_minutes) for i, v in enumerate(calls[day]) if v is None]
        if gaps:
            shown = ", ".join(gaps[:6]) + (f" and {len(gaps) - 6} more" if len(gaps) > 6 else "")
            raise InputError(
                _(
                    "forecast is missing {n_gaps} {day} interval(s): {shown}; give every one of the "
                    "{per_day} {interval_minutes}-minute intervals (0 calls where closed)"
                ).format(
                    n_gaps=len(gaps), day=day, shown=shown, per_day=per_day, interval_minutes=interval_minutes
                ),
                source=src,
            )
        out[day] = tuple(float(v) for v in calls[day] if v is not None)
    return out


def _inline_calls(spec: CallCentreSpec, doc: Document) -> dict[str, tuple[float, ...]]:
    assert spec.calls is not None
    per_day = 24 * 60 // spec.interval_minutes
    out: dict[str, tuple[float, ...]] = {}
    for day in DAY_TYPES:
        values = spec.calls.get(day)
        if values is None:
            raise doc.error(
                (SECTION, "calls"),
                _("missing the {day} forecast (a list of {per_day} numbers)").format(
                    day=day, per_day=per_day
                ),
            )
        if len(values) != per_day:
            raise doc.error(
                (SECTION, "calls", day),
                _("expected {per_day} intervals of {interval_minutes} minutes, got {n_values}").format(
                    per_day=per_day, interval_minutes=spec.interval_minutes, n_values=len(values)
                ),
            )
        for i, v in enumerate(values):
            if not math.isfinite(v) or v < 0:
                raise doc.error(
                    (SECTION, "calls", day, i), _("calls must be a number >= 0, got {v:g}").format(v=v)
                )
        out[day] = tuple(float(v) for v in values)
    return out


def _shifts(spec: CallCentreSpec, doc: Document) -> tuple[Shift, ...]:
    step = spec.interval_minutes
    per_day = 24 * 60 // step
    out: list[Shift] = []
    for t, template in enumerate(spec.shifts):
        path = (SECTION, "shifts", t)
        name = template.name or f"shift{t + 1}"
        paid = template.paid_hours * 60
        brk = template.unpaid_break_minutes
        if paid % step or brk % step:
            raise doc.error(
                path,
                _("paid_hours and unpaid_break_minutes must be whole {step}-minute intervals").format(
                    step=step
                ),
            )
        if paid + brk > 24 * 60:
            raise doc.error(path, _("a shift (paid hours plus break) cannot last more than 24 hours"))
        if template.break_after_hours is None:
            after: float = (int(paid) // 2) // step * step
        else:
            after = template.break_after_hours * 60
            if after % step or not 0 <= after <= paid:
                raise doc.error(
                    (*path, "break_after_hours"),
                    _(
                        "break_after_hours must be a whole number of {step}-minute intervals within the "
                        "paid hours"
                    ).format(step=step),
                )
        before, brk_n, total = int(after) // step, int(brk) // step, int(paid + brk) // step
        on_duty = [k for k in range(total) if not before <= k < before + brk_n]
        for s, start in enumerate(template.starts):
            minutes = parse_clock(start)
            if minutes % step:
                raise doc.error(
                    (*path, "starts", s),
                    _("start {start} is not on the {step}-minute interval grid").format(
                        start=start, step=step
                    ),
                )
            first = minutes // step
            covers = tuple(sorted({(first + k) % per_day for k in on_duty}))
            for day in template.days:
                out.append(Shift(name, day, minutes, template.paid_hours, brk, covers))
    return tuple(out)


def _check_cover(cc: CallCentre, doc: Document) -> None:
    """Every interval with calls must be inside some shift's working time on that day type."""
    curves: list[tuple[str, DayType, tuple[float, ...], tuple[str | int, ...]]] = [
        (day, day, cc.calls[day], (SECTION, "shifts")) for day in DAY_TYPES
    ]
    curves += [
        (name, PROFILE_BASE[name], calls, (SECTION, "profiles", name))
        for name, calls in cc.profile_calls.items()
    ]
    for day, base, calls, path in curves:
        covered: set[int] = set()
        for s in cc.shifts:
            if s.day_type == base:
                covered.update(s.covers)
        holes = [i for i, v in enumerate(calls) if v > 0 and i not in covered]
        if holes:
            shown = ", ".join(
                f"{cc.interval_start(i)}-{clock((i + 1) * cc.interval_minutes)}" for i in holes[:4]
            )
            more = f" and {len(holes) - 4} more" if len(holes) > 4 else ""
            uses = "" if day == base else f" ({day} uses the {base} shifts)"
            raise doc.error(
                path,
                _(
                    "no shift covers the open {day} interval(s) {shown}{more} (calls are forecast "
                    "there){uses}; add a start time or a shift template that works then"
                ).format(day=day, shown=shown, more=more, uses=uses),
            )


def _profile_calls(
    spec: CallCentreSpec, calls: dict[str, tuple[float, ...]], doc: Document
) -> dict[str, tuple[float, ...]]:
    """Each profile's calls per interval: its own list, or the plain curve times its multipliers.

    Multipliers are applied in exact decimal arithmetic (``100 x 1.2`` is 120, not
    120.00000000000001), so a profiled interval needs exactly the agents ``planner erlang`` gives
    for the same number of calls.
    """
    from planner.data.yaml_io import did_you_mean
    from planner.model.erlang import exact

    if not spec.profiles:
        return {}
    for name in spec.profiles:
        if name not in PROFILE_DAYS:
            raise doc.error(
                (SECTION, "profiles", name),
                _("unknown day type {name}{did_you_mean}; expected one of {profile_days}").format(
                    name=excerpt(name),
                    did_you_mean=did_you_mean(name, PROFILE_DAYS),
                    profile_days=", ".join(PROFILE_DAYS),
                ),
            )
    step = spec.interval_minutes
    per_day = 24 * 60 // step
    out: dict[str, tuple[float, ...]] = {}
    for name in PROFILE_DAYS:
        profile = spec.profiles.get(name)
        if profile is None:
            continue
        path: tuple[str | int, ...] = (SECTION, "profiles", name)
        if profile.calls is not None:
            if len(profile.calls) != per_day:
                raise doc.error(
                    (*path, "calls"),
                    _("expected {per_day} intervals of {step} minutes, got {n_calls}").format(
                        per_day=per_day, step=step, n_calls=len(profile.calls)
                    ),
                )
            out[name] = tuple(float(v) for v in profile.calls)
            continue
        factor = [exact(profile.scale)] * per_day
        for w, window in enumerate(profile.windows):
            start, end = parse_clock(window.start), parse_window_end(window.end)
            for key, minutes in (("start", start), ("end", end)):
                if minutes % step:
                    raise doc.error(
                        (*path, "windows", w, key),
                        _("{key} {value} is not on the {step}-minute interval grid").format(
                            key=key, value=clock(minutes) if minutes < 24 * 60 else "24:00", step=step
                        ),
                    )
            for i in range(start // step, end // step):
                factor[i] *= exact(window.scale)
        base = calls[PROFILE_BASE[name]]
        out[name] = tuple(float(exact(c) * f) for c, f in zip(base, factor, strict=True))
    return out


def year_day_types(year: int, profiled: Collection[str]) -> list[tuple[str, DayType, int]]:
    """The plan year's day types: ``(name, plain curve it builds on, dates in the year)``.

    Each date of ``year`` takes, in this order: ``holiday`` if profiled and the date is a day off
    that China's calendar names (a public holiday or a day off in lieu); else its own weekday's
    name if profiled, for a working Monday-Friday or a Saturday/Sunday off; else ``weekday``
    (working days: make-up working days too) or ``weekend`` (days off). Day types with no date are
    left out; the order is PROFILE_DAYS, then ``weekday``, ``weekend``.
    """
    import holidays

    from planner.data.calendar import plan_calendar

    cal = plan_calendar(year)
    working = {d for slot in cal.slots for d in slot.working_dates}
    named = holidays.China(years=[year])
    counts: dict[str, int] = {}
    day = dt.date(year, 1, 1)
    while day.year == year:
        weekday_name = PROFILE_DAYS[day.weekday()]
        is_working = day in working
        if not is_working and day in named and "holiday" in profiled:
            name = "holiday"
        elif weekday_name in profiled and is_working == (day.weekday() < 5):
            name = weekday_name
        else:
            name = "weekday" if is_working else "weekend"
        counts[name] = counts.get(name, 0) + 1
        day += dt.timedelta(days=1)
    order = [*PROFILE_DAYS, *DAY_TYPES]
    return [
        (name, name if name in DAY_TYPES else PROFILE_BASE[name], counts[name])  # type: ignore[misc]
        for name in order
        if counts.get(name)
    ]


def _check_outbound(spec: CallCentreSpec, policy: Policy, doc: Document) -> None:
    from planner.data.yaml_io import did_you_mean

    if spec.outbound is None:
        return
    for i, entry in enumerate(spec.outbound.serves):
        channel, _unused, tier = entry.partition(".")
        path = (SECTION, "outbound", "serves", i)
        if channel not in policy.channels:
            raise doc.error(
                path,
                _("unknown channel {channel}{did_you_mean}").format(
                    channel=excerpt(channel), did_you_mean=did_you_mean(channel, policy.channels)
                ),
            )
        if tier and not policy.has_tier(channel, tier):
            ids = [t.id for t in policy.channels[channel].tiers]
            raise doc.error(
                path,
                _("unknown tier {entry}{did_you_mean}").format(
                    entry=excerpt(entry), did_you_mean=did_you_mean(tier, ids)
                ),
            )


def callcentre_from_spec(spec: CallCentreSpec, doc: Document, policy: Policy | None = None) -> CallCentre:
    """Read the forecast, lay the shifts on the grid and run the cross-checks (see module docstring)."""
    if spec.forecast is not None:
        path = _resolve_path(doc, (SECTION, "forecast"), spec.forecast)
        calls = _read_forecast(path, spec.interval_minutes, doc)
        source = str(path)
    else:
        calls = _inline_calls(spec, doc)
        source = doc.source
    peak = max(max(v) for v in calls.values()) * spec.aht_seconds / (spec.interval_minutes * 60)
    if peak > MAX_ERLANGS:
        raise InputError(
            _(
                "the forecast's busiest interval is {peak:,.0f} Erlangs, more than {max_erlangs:,}; check "
                "the units (calls per interval, aht_seconds in seconds)"
            ).format(peak=peak, max_erlangs=MAX_ERLANGS),
            source=source,
        )
    profile_calls = _profile_calls(spec, calls, doc)
    for name, curve in profile_calls.items():
        busiest = max(curve, default=0.0) * spec.aht_seconds / (spec.interval_minutes * 60)
        if busiest > MAX_ERLANGS:
            raise doc.error(
                (SECTION, "profiles", name),
                _(
                    "the {name} profile's busiest interval is {busiest:,.0f} Erlangs, more than "
                    "{max_erlangs:,}; check the multipliers and units"
                ).format(name=name, busiest=busiest, max_erlangs=MAX_ERLANGS),
            )
    cc = CallCentre(spec, spec.interval_minutes, calls, _shifts(spec, doc), source, profile_calls)
    _check_cover(cc, doc)
    if policy is not None:
        _check_outbound(spec, policy, doc)
    return cc


def load_callcentre(scenario: Scenario) -> CallCentre:
    """The scenario's call centre, validated; InputError when the scenario has no ``callcentre:``."""
    from planner.data.yaml_io import Document

    spec = scenario.spec.callcentre
    doc = scenario.document or Document(data={}, source=scenario.name)
    if spec is None:
        raise InputError(
            _(
                "this scenario has no `callcentre:` section (see the README, planner callcentre); try "
                "scenarios/baseline.yaml"
            ),
            source=doc.source,
        )
    return callcentre_from_spec(spec, doc, scenario.policy)


def check_range(
    value: float, low: float, high: float, option: str, what: str, *, low_open: bool, high_open: bool
) -> None:
    """Refuse a command-line number outside its interval, naming the option (for ``planner erlang``)."""
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if below or above or not math.isfinite(value):
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        bound = "inf" if math.isinf(high) else f"{high:g}"
        raise InputError(
            _("{what} must be in {lo}{low:g}, {bound}{hi}, got {value:g}").format(
                what=what, lo=lo, low=low, bound=bound, hi=hi, value=value
            ),
            source=option,
        )


@dataclass(frozen=True)
class ErlangQuery:
    """One interval for ``planner erlang``, checked."""

    calls: float
    interval_minutes: float
    aht_seconds: float
    target: float | None
    answer_within_seconds: float
    asa_target_seconds: float | None
    shrinkage: float
    max_occupancy: float
    #: Values that are allowed but implausible (printed on stderr).
    warnings: tuple[str, ...] = ()


def aht_warning(aht_seconds: float, option: str) -> list[str]:
    """A warning when a handle time looks like minutes typed for seconds."""
    if aht_seconds < MIN_PLAUSIBLE_AHT_SECONDS:
        return [
            _(
                "{option} {aht:g} s is under {least:g} s; handle times are in seconds (did you mean "
                "{seconds:g} s, i.e. {aht:g} minutes?)"
            ).format(
                option=option, aht=aht_seconds, least=MIN_PLAUSIBLE_AHT_SECONDS, seconds=aht_seconds * 60
            )
        ]
    return []


def erlang_query(
    calls: float,
    interval_minutes: float,
    aht_seconds: float,
    target: float | None,
    answer_within_seconds: float,
    asa_target_seconds: float | None,
    shrinkage: float,
    max_occupancy: float,
) -> ErlangQuery:
    """Check ``planner erlang``'s options; InputError (exit 2) naming the option for anything out of range."""
    inf = math.inf
    check_range(calls, 0, inf, "--calls", "calls per interval", low_open=False, high_open=True)
    check_range(
        interval_minutes, 0, 24 * 60, "--interval-minutes", "the interval", low_open=True, high_open=False
    )
    check_range(aht_seconds, 0, inf, "--aht", "average handle time (s)", low_open=True, high_open=True)
    if (target is None) == (asa_target_seconds is None):
        raise InputError(
            _(
                "give exactly one service target: --target (fraction answered within --answer-within "
                "seconds) or --asa-target (seconds)"
            ),
            source="planner erlang",
        )
    if target is not None:
        check_range(target, 0, 1, "--target", "the service-level target", low_open=True, high_open=True)
    if asa_target_seconds is not None:
        check_range(
            asa_target_seconds, 0, inf, "--asa-target", "the ASA target (s)", low_open=True, high_open=True
        )
    check_range(
        answer_within_seconds, 0, inf, "--answer-within", "answer-within (s)", low_open=False, high_open=True
    )
    erlangs = calls * aht_seconds / (interval_minutes * 60)
    if erlangs > MAX_ERLANGS:
        raise InputError(
            _(
                "{calls:g} calls x {aht_seconds:g} s in {interval_minutes:g} minutes is {erlangs:,.0f} "
                "Erlangs, more than {max_erlangs:,}; check the units (--aht is seconds, --interval-minutes "
                "minutes)"
            ).format(
                calls=calls,
                aht_seconds=aht_seconds,
                interval_minutes=interval_minutes,
                erlangs=erlangs,
                max_erlangs=MAX_ERLANGS,
            ),
            source="--calls",
        )
    check_range(shrinkage, 0, 1, "--shrinkage", "shrinkage", low_open=False, high_open=True)
    check_range(max_occupancy, 0, 1, "--max-occupancy", "max occupancy", low_open=True, high_open=False)
    return ErlangQuery(
        calls,
        interval_minutes,
        aht_seconds,
        target,
        answer_within_seconds,
        asa_target_seconds,
        shrinkage,
        max_occupancy,
        tuple(aht_warning(aht_seconds, "--aht")),
    )
