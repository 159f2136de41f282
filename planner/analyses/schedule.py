"""Visit schedules: each manager's dated calendar of visits and phone contacts for the plan year.

Nothing is decided here. The calendar model (:func:`planner.model.headcount.solve_branch`) chooses
the heads (``required``: the same heads ``plan`` reports) or takes today's (``current``), plans every
tier's contacts slot by slot, and deals customers into managers' books with whole contacts per slot
(:mod:`planner.model.booking`). This module gives each contact its customer, its manager and a date,
and sums the result per role, tier, period and week for the report.

A contact's date is a working day of its slot: a manager's contacts in a slot are laid over the
slot's working days in order, by cumulative minutes, so no day holds much more than its share.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from planner.data.calendar import PlanCalendar
from planner.data.scenario import Scenario
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from planner.model.booking import RoleCalendar
    from planner.model.calendar import CalendarProblem, CalendarSolution


HeadcountChoice = Literal["required", "current"]

#: A role's utilisation above this counts as a "hot" week in the summary.
HOT_WEEK = 0.95
#: Delivered within this share of the model's plan (or one contact) counts as "as planned".
PLAN_TOLERANCE = 0.01


@dataclass(frozen=True)
class RoleSchedule:
    """One role's calendar: heads, how full its weeks are, how even its books are."""

    role: str
    managers: int
    calendar_bound: int
    hours_per_head: float
    customers: int
    scheduled_hours: float
    capacity_hours: float
    peak_utilization: float
    peak_week: str
    max_manager_utilization: float
    weeks_over_95: int
    weeks_over_capacity: int
    books_spread: float
    idle_hours_while_short: float
    weekly_utilization: tuple[float, ...] = field(repr=False, default=())


@dataclass(frozen=True)
class PeriodShort:
    """Contacts of one tier the calendar does not make in one period of its standard."""

    period: str  # "2027-Q1", "2027-03" or "2027"
    kind: str
    due: int
    scheduled: int

    @property
    def missed(self) -> int:
        """Contacts short."""
        return self.due - self.scheduled


@dataclass(frozen=True)
class TierSchedule:
    """One tier: what its standard asks for the year, what the calendar gives, where it falls short."""

    channel: str
    tier: str
    customers: int
    visit_standard: str
    call_standard: str
    required_visits: int
    scheduled_visits: int
    planned_visits: float
    required_calls: int
    scheduled_calls: int
    planned_calls: float
    quarter_met: tuple[float, ...]
    short: tuple[PeriodShort, ...] = ()

    @property
    def key(self) -> str:
        """``channel.tier``."""
        return f"{self.channel}.{self.tier}"

    @property
    def shortfall_visits(self) -> int:
        """Visits short of the standard over the year."""
        return self.required_visits - self.scheduled_visits

    @property
    def shortfall_calls(self) -> int:
        """Phone contacts short of the standard over the year."""
        return self.required_calls - self.scheduled_calls


@dataclass(frozen=True)
class WeekInfo:
    """One ISO week of the plan year (partial weeks at either end count too)."""

    week: str
    start: str
    working_days: int
    holidays: tuple[str, ...]
    hours: float
    capacity_hours: float
    utilization: float


@dataclass(frozen=True)
class ScheduleResult:
    """A year's visit calendar; ``schedule`` and ``managers`` are the tables written to CSV."""

    scenario: str
    year: int
    weeks: int
    headcount: str
    status: SolveStatus
    solver: str
    customers_scheduled: int
    roles: list[RoleSchedule]
    tiers: list[TierSchedule]
    calendar: list[WeekInfo]
    warnings: list[str] = field(default_factory=list)
    explanation: str | None = None
    schedule: Any = field(default=None, compare=False, repr=False)
    managers: Any = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        """True when a calendar was made."""
        return SolveStatus(self.status).is_ok

    def worst_weeks(self, n: int = 5) -> list[WeekInfo]:
        """The ``n`` weeks with the highest utilisation of all roles together, busiest first."""
        return sorted(self.calendar, key=lambda w: (-w.utilization, w.week))[:n]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: summaries, not the row tables."""
        return {
            "scenario": self.scenario,
            "year": self.year,
            "weeks": self.weeks,
            "headcount": self.headcount,
            "status": self.status,
            "solver": self.solver,
            "customers_scheduled": self.customers_scheduled,
            "roles": [{k: v for k, v in asdict(r).items() if k != "weekly_utilization"} for r in self.roles],
            "tiers": [
                {**asdict(t), "shortfall_visits": t.shortfall_visits, "shortfall_calls": t.shortfall_calls}
                for t in self.tiers
            ],
            "worst_weeks": [asdict(w) for w in self.worst_weeks()],
            "warnings": list(self.warnings),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Customers:
    """The customers to schedule: ids with their channel and tier (sorted by tier, then id)."""

    ids: Any  # numpy object array of str, or a pyarrow string array
    channel: Any  # numpy object array
    tier: Any  # numpy object array
    source: str  # "scenario" or the roster file

    def __len__(self) -> int:
        return len(self.ids)

    def counts(self) -> dict[tuple[str, str], int]:
        """Customers per (channel, tier): a tier's customers are contiguous (sorted by tier)."""
        starts = _tier_starts(self)
        ends = [*sorted(starts.values())[1:], len(self)]
        return {key: end - start for (key, start), end in zip(starts.items(), ends, strict=True)}


def contacts_a_year(scenario: Scenario) -> int:
    """Visits and phone contacts the scenario's standards ask in a year: the calendar's rows."""
    return sum(
        scenario.customers(channel, tier.id) * (tier.visits.per_year + tier.calls.per_year)
        for channel, tier in scenario.tiers()
    )


def synthetic_customers(scenario: Scenario) -> Customers:
    """``key.crystal-000001`` ... one id per customer the scenario counts, in policy tier order."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ids: list[Any] = []
    chans: list[str] = []
    tiers: list[str] = []
    for channel, tier in scenario.tiers():
        n = scenario.customers(channel, tier.id)
        width = max(6, len(str(n)))
        numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
        numbers = pc.utf8_lpad(numbers, width, "0")
        ids.append(pc.binary_join_element_wise(f"{channel}.{tier.id}-", numbers, ""))
        chans.extend([channel] * n)
        tiers.extend([tier.id] * n)
    return Customers(
        pa.concat_arrays(ids) if ids else pa.array([], type=pa.string()),
        np.array(chans, dtype=object),
        np.array(tiers, dtype=object),
        "scenario",
    )


def customers_from_frame(frame: pd.DataFrame, source: str) -> Customers:
    """Customers from a roster table with ``customer_id``, ``channel``, ``tier`` columns."""
    import numpy as np

    df = frame[["customer_id", "channel", "tier"]].astype(str)
    df = df.sort_values(["channel", "tier", "customer_id"], kind="mergesort")
    return Customers(
        np.asarray(df["customer_id"], dtype=object),
        np.asarray(df["channel"], dtype=object),
        np.asarray(df["tier"], dtype=object),
        source,
    )


def build_schedule(
    scenario: Scenario,
    *,
    year: int,
    headcount: HeadcountChoice = "required",
    customers: Customers | None = None,
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> ScheduleResult:
    """Make the year's calendar for ``scenario``.

    Parameters
    ----------
    scenario
        A validated scenario.
    year
        The plan year.
    headcount
        ``required``: the heads ``plan`` reports (the calendar model's); ``current``: today's,
        reporting what they cannot cover.
    customers
        Named customers; ``None`` makes synthetic ids from the scenario's counts.
    solver, time_limit
        As for every model solve.
    """
    from planner.model.headcount import solve_branch

    if customers is None:
        customers = synthetic_customers(scenario)
    counts = customers.counts()
    heads = None if headcount == "required" else {r: role.headcount for r, role in scenario.roles.items()}
    problem, sol, books = solve_branch(
        scenario, year, heads=heads, solver=solver, time_limit=time_limit, customers=counts
    )
    warnings = list(scenario.warnings)
    cal = problem.calendar
    if not sol.ok:
        return _failed(scenario, cal, headcount, sol.status, sol.solver, sol.explanation, warnings)
    if headcount == "required" and sol.calendar_bound:
        warnings.append(
            f"no headcount meets every standard in {year}'s calendar: some month or quarter has fewer "
            "working weeks than its contacts need at one a customer a week (or visits spaced apart); the "
            "calendar shows what it misses"
        )
    elif headcount == "required" and sol.mode == "max_coverage":
        warnings.append(
            "the scenario's limits do not allow every standard to be met; the calendar uses the plan's "
            "headcount within them and shows what it misses"
        )
    for r, role in scenario.roles.items():
        if role.contacts == "calls" and r in books:
            warnings.append(f"role {r} makes phone contacts only; its managers' books hold calls only")
    made = _assemble(scenario, problem, sol, books, customers, headcount, warnings)
    return made


def _failed(
    scenario: Scenario,
    cal: PlanCalendar,
    headcount: str,
    status: SolveStatus,
    solver: str,
    explanation: str | None,
    warnings: list[str],
) -> ScheduleResult:
    return ScheduleResult(
        scenario=scenario.name,
        year=cal.year,
        weeks=cal.n_weeks,
        headcount=headcount,
        status=status if status is not SolveStatus.OPTIMAL else SolveStatus.NOT_SOLVED,
        solver=solver,
        customers_scheduled=0,
        roles=[],
        tiers=[],
        calendar=[],
        warnings=warnings,
        explanation=explanation,
    )


def _tier_starts(customers: Customers) -> dict[tuple[str, str], int]:
    """Index of each tier's first customer (a tier's customers are contiguous in ``customers``)."""
    import numpy as np

    if len(customers) == 0:
        return {}
    change = np.ones(len(customers), dtype=bool)
    change[1:] = (customers.channel[1:] != customers.channel[:-1]) | (
        customers.tier[1:] != customers.tier[:-1]
    )
    starts = np.nonzero(change)[0]
    return {(str(customers.channel[i]), str(customers.tier[i])): int(i) for i in starts}


def _assemble(
    scenario: Scenario,
    problem: CalendarProblem,
    sol: CalendarSolution,
    books: dict[str, RoleCalendar],
    customers: Customers,
    headcount: str,
    warnings: list[str],
) -> ScheduleResult:
    """Rows for every role's contacts; then the summaries."""
    import numpy as np

    from planner.model.booking import slot_rows

    cal = problem.calendar
    n_w = cal.n_slots
    tier_start = _tier_starts(customers)
    scheduled = np.zeros(len(customers), dtype=bool)
    names: list[str] = []
    name_role: list[str] = []
    name_customers: list[int] = []
    loads: list[Any] = []
    parts: list[tuple[Any, ...]] = []
    roles_out: list[RoleSchedule] = []
    stream_meta: list[tuple[str, str, str, str, float]] = []  # role, channel, tier, kind, minutes
    # Where each role's share starts inside a tier's customers: roles take blocks in file order.
    # (Call-only roles hold the same customers for their calls: their blocks start again at 0.)
    offset_in_tier: dict[tuple[str, str, bool], int] = {}
    short_tiers = {k for k, c in sol.coverage.items() if c < 1 - 1e-9}
    bound = sol.heads
    for role_id in scenario.roles:
        rc = books.get(role_id)
        if rc is None:
            continue
        b = rc.books
        h = b.heads
        base = len(names)
        width = max(3, len(str(h)))
        names.extend(f"{role_id}-{m + 1:0{width}d}" for m in range(h))
        name_role.extend([role_id] * h)
        name_customers.extend(b.per_manager.sum(axis=0).tolist())
        loads.append(b.load_minutes / 60.0)
        block_offsets = []
        calls_only = scenario.roles[role_id].contacts == "calls"
        for t, key in enumerate(rc.tiers):
            okey = (key[0], key[1], calls_only)
            start = tier_start.get(key, 0) + offset_in_tier.get(okey, 0)
            offset_in_tier[okey] = offset_in_tier.get(okey, 0) + rc.customers[t]
            offs = start + np.concatenate([[0], np.cumsum(b.per_manager[t])[:-1]]).astype(np.int64)
            block_offsets.append(offs)
            scheduled[start : start + rc.customers[t]] = True
        for j, st in enumerate(rc.streams):
            sidx = len(stream_meta)
            key = rc.tiers[st.tier_index]
            stream_meta.append((role_id, key[0], key[1], st.kind, st.minutes))
            mgr, slot, pos = slot_rows(
                b.served[j], b.per_manager[st.tier_index], block_offsets[st.tier_index]
            )
            parts.append((mgr + base, slot, pos, sidx))
        cap = rc.capacity_minutes / 60.0  # one manager's hours per slot
        total_cap = cap * h
        load = b.load_minutes.sum(axis=0) / 60.0 if h else np.zeros(n_w)
        week_load, week_cap = _by_week(cal, load), _by_week(cal, total_cap)
        util = np.where(week_cap > 0, week_load / np.where(week_cap > 0, week_cap, 1), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mutil = np.where(
                cap[None, :] > 0, b.load_minutes / 60.0 / np.where(cap > 0, cap, 1)[None, :], 0.0
            )
        yearly = b.load_minutes.sum(axis=1) / 60.0
        mean = float(yearly.mean()) if h else 0.0
        serves_short = any(k in short_tiers for k in rc.tiers)
        idle = float(np.clip(total_cap - load, 0, None).sum()) if serves_short else 0.0
        peak = int(util.argmax()) if len(util) else 0
        roles_out.append(
            RoleSchedule(
                role=role_id,
                managers=h,
                calendar_bound=int(bound.get(role_id, h)),
                hours_per_head=float(cap.sum()),
                customers=int(sum(rc.customers)),
                scheduled_hours=float(yearly.sum()),
                capacity_hours=float(total_cap.sum()),
                peak_utilization=float(util.max()) if len(util) else 0.0,
                peak_week=cal.week_labels[peak],
                max_manager_utilization=float(mutil.max()) if mutil.size else 0.0,
                weeks_over_95=int((util > HOT_WEEK + 1e-9).sum()),
                weeks_over_capacity=int((mutil > 1 + 1e-9).any(axis=0).sum()),
                books_spread=float(np.abs(yearly - mean).max() / mean) if mean > 0 else 0.0,
                idle_hours_while_short=idle,
                weekly_utilization=tuple(float(v) for v in util),
            )
        )
        if idle > 0.5:
            warnings.append(
                f"{role_id}: {idle:,.0f} h of its managers' time stay free while a tier it serves is short: "
                "the spacing and period rules (and whole contacts) allow no more contacts in those slots"
            )
    for key, n in customers.counts().items():
        if key in {(c, t.id) for c, t in scenario.tiers()}:
            covered = sum(
                rc.customers[rc.tiers.index(key)]
                for r, rc in books.items()
                if key in rc.tiers and scenario.roles[r].contacts != "calls"
            )
            tier = next(t for c, t in scenario.tiers() if (c, t.id) == key)
            if covered < n and (tier.visits.per_year > 0 or tier.calls.per_year > 0):
                warnings.append(
                    f"{key[0]}.{key[1]}: {n - covered} customers have no manager "
                    "(no role with heads serves the tier)"
                )
    schedule, row_slot, row_stream = _rows(customers, cal, stream_meta, parts, names)
    managers = _managers_frame(cal, names, name_role, name_customers, loads)
    tiers_out = _tier_summaries(scenario, cal, customers, sol, stream_meta, row_slot, row_stream)
    return ScheduleResult(
        scenario=scenario.name,
        year=cal.year,
        weeks=cal.n_weeks,
        headcount=headcount,
        status=SolveStatus.OPTIMAL,
        solver=sol.solver,
        customers_scheduled=int(scheduled.sum()),
        roles=roles_out,
        tiers=tiers_out,
        calendar=_week_infos(cal, books),
        warnings=warnings,
        schedule=schedule,
        managers=managers,
    )


def _by_week(cal: PlanCalendar, per_slot: Any) -> Any:
    """Sum a per-slot array into ISO weeks."""
    import numpy as np

    out = np.zeros(cal.n_weeks)
    np.add.at(out, np.array([s.week for s in cal.slots]), np.asarray(per_slot, dtype=float))
    return out


def _rows(
    customers: Customers,
    cal: PlanCalendar,
    streams: list[tuple[str, str, str, str, float]],
    parts: list[tuple[Any, ...]],
    manager_names: list[str],
) -> tuple[pd.DataFrame, Any, Any]:
    """schedule.csv's table, sorted by manager, date, customer and kind; each contact on a working day.

    Also returns each row's slot and stream index (what the tier summaries count). Text columns are
    built in pyarrow (a small table of names taken by index), never as a million Python strings.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if parts:
        mgr = np.concatenate([p[0] for p in parts])
        slot = np.concatenate([p[1] for p in parts])
        pos = np.concatenate([p[2] for p in parts])
        sidx = np.concatenate([np.full(len(p[0]), p[3], dtype=np.int64) for p in parts])
    else:
        mgr = slot = pos = sidx = np.zeros(0, dtype=np.int64)
    kind_code = np.array([0 if s[3] == "visit" else 1 for s in streams], dtype=np.int64)
    minutes_arr = np.array([s[4] for s in streams], dtype=float)
    kc = kind_code[sidx] if len(sidx) else np.zeros(0, dtype=np.int64)
    mins = minutes_arr[sidx] if len(sidx) else np.zeros(0)
    order = np.lexsort((kc, pos, slot, mgr))
    mgr, slot, pos, sidx, mins = mgr[order], slot[order], pos[order], sidx[order], mins[order]
    # Day within the slot: by the cumulative minutes of the manager's contacts in that slot.
    day = np.zeros(len(mgr), dtype=np.int64)
    if len(mgr):
        group = np.concatenate([[True], (mgr[1:] != mgr[:-1]) | (slot[1:] != slot[:-1])])
        gid = np.cumsum(group) - 1
        cum = np.cumsum(mins)
        first = np.flatnonzero(group)
        before = cum - mins - (cum[first] - mins[first])[gid]
        total = np.bincount(gid, weights=mins)[gid]
        wd = np.array([max(s.working_days, 1) for s in cal.slots])[slot]
        frac = np.where(total > 0, before / np.where(total > 0, total, 1), 0.0)
        day = np.minimum((frac * wd + 1e-9).astype(np.int64), wd - 1)
    # Every (slot, day) as one code into a flat list of ISO dates.
    dates = _slot_dates(cal)
    first_day = np.concatenate([[0], np.cumsum([len(d) for d in dates])[:-1]]).astype(np.int64)
    flat_dates = [d for ds in dates for d in ds]
    week_of_slot = np.array([s.week for s in cal.slots], dtype=np.int64)

    def text(values: list[str], index: Any) -> pd.Series:
        taken = pa.array(values, type=pa.string()).take(pa.array(index, type=pa.int64()))
        return pd.Series(taken, dtype="str")

    ids = customers.ids if isinstance(customers.ids, pa.Array) else pa.array(customers.ids, type=pa.string())
    minutes = mins.astype(np.int64) if len(mins) and np.all(mins == np.round(mins)) else mins
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(ids.take(pa.array(pos, type=pa.int64())), dtype="str"),
            "manager_id": text(manager_names, mgr),
            "role": text([s[0] for s in streams], sidx),
            "channel": text([s[1] for s in streams], sidx),
            "tier": text([s[2] for s in streams], sidx),
            "week": text(list(cal.week_labels), week_of_slot[slot]),
            "date": text(flat_dates, first_day[slot] + day),
            "kind": text([s[3] for s in streams], sidx),
            "minutes": minutes,
        }
    )
    return frame, slot, sidx


def _slot_dates(cal: PlanCalendar) -> list[list[str]]:
    """Each slot's working dates as ISO strings (a slot with none keeps its first day)."""
    return [[d.isoformat() for d in s.working_dates] or [s.start.isoformat()] for s in cal.slots]


def _managers_frame(
    cal: PlanCalendar, names: list[str], roles: list[str], counts: list[int], loads: list[Any]
) -> pd.DataFrame:
    """managers.csv's table: one row per manager with yearly hours and hours per ISO week."""
    import numpy as np
    import pandas as pd

    per_slot = np.concatenate(loads, axis=0) if loads else np.zeros((0, cal.n_slots))
    weekly = np.zeros((per_slot.shape[0], cal.n_weeks))
    for s in cal.slots:
        weekly[:, s.week] += per_slot[:, s.index]
    df = pd.DataFrame({"manager_id": names, "role": roles, "customers": counts})
    df["yearly_hours"] = per_slot.sum(axis=1).round(2)
    weeks = pd.DataFrame(weekly.round(2), columns=list(cal.week_labels))
    return pd.concat([df, weeks], axis=1)


def _period_label(cal: PlanCalendar, per: str, index: int) -> str:
    if per == "month":
        return f"{cal.year}-{index + 1:02d}"
    if per == "quarter":
        return f"{cal.year}-Q{index + 1}"
    return str(cal.year)


def _tier_summaries(
    scenario: Scenario,
    cal: PlanCalendar,
    customers: Customers,
    sol: CalendarSolution,
    streams: list[tuple[str, str, str, str, float]],
    row_slot: Any,
    row_stream: Any,
) -> list[TierSchedule]:
    """Per tier: required (customers x standard) against the rows, per quarter and per period."""
    import numpy as np

    counts = customers.counts()
    slot_month = np.array([s.month for s in cal.slots], dtype=np.int64)
    # Rows per (stream, month) in one pass; a tier's kind sums its streams (one per role).
    per_month = np.zeros((max(len(streams), 1), 13), dtype=np.int64)
    if len(row_slot):
        np.add.at(per_month, (row_stream, slot_month[row_slot]), 1)
    out = []
    for channel, tier in scenario.tiers():
        n = counts.get((channel, tier.id), 0)
        if n == 0 and scenario.customers(channel, tier.id) == 0:
            continue
        months: dict[str, Any] = {}
        for kind in ("visit", "call"):
            mine = [i for i, st in enumerate(streams) if (st[1], st[2], st[3]) == (channel, tier.id, kind)]
            months[kind] = per_month[mine].sum(axis=0) if mine else np.zeros(13, dtype=np.int64)
        q_met = []
        for q in range(4):
            due_q, got_q = 0.0, 0
            for kind, std in (("visit", tier.visits), ("call", tier.calls)):
                per_q = {"month": 3, "quarter": 1, "year": 0.25}[std.per]
                due_q += n * std.count * per_q
                got_q += int(months[kind][3 * q + 1 : 3 * q + 4].sum())
            q_met.append(min(1.0, got_q / due_q) if due_q > 0 else 1.0)
        short = []
        for kind, std in (("visit", tier.visits), ("call", tier.calls)):
            if std.per_year == 0 or n == 0:
                continue
            n_per = {"month": 12, "quarter": 4, "year": 1}[std.per]
            for p in range(n_per):
                if std.per == "month":
                    made = int(months[kind][p + 1])
                elif std.per == "quarter":
                    made = int(months[kind][3 * p + 1 : 3 * p + 4].sum())
                else:
                    made = int(months[kind].sum())
                due = n * std.count
                if made < due:
                    short.append(PeriodShort(_period_label(cal, std.per, p), kind, due, made))
        out.append(
            TierSchedule(
                channel=channel,
                tier=tier.id,
                customers=n,
                visit_standard=tier.visits.describe(),
                call_standard=tier.calls.describe(),
                required_visits=n * tier.visits.per_year,
                scheduled_visits=int(months["visit"].sum()),
                planned_visits=sol.delivered((channel, tier.id), "visit"),
                required_calls=n * tier.calls.per_year,
                scheduled_calls=int(months["call"].sum()),
                planned_calls=sol.delivered((channel, tier.id), "call"),
                quarter_met=tuple(q_met),
                short=tuple(short),
            )
        )
    return out


def _week_infos(cal: PlanCalendar, books: dict[str, RoleCalendar]) -> list[WeekInfo]:
    """Every ISO week's working days, holidays, hours booked and capacity across all roles."""
    import numpy as np

    load = np.zeros(cal.n_slots)
    cap = np.zeros(cal.n_slots)
    for rc in books.values():
        load += rc.books.load_minutes.sum(axis=0) / 60.0
        cap += rc.capacity_minutes / 60.0 * rc.books.heads
    week_load, week_cap = _by_week(cal, load), _by_week(cal, cap)
    out = []
    for k, label in enumerate(cal.week_labels):
        slots = [s for s in cal.slots if s.week == k]
        out.append(
            WeekInfo(
                week=label,
                start=slots[0].start.isoformat(),
                working_days=sum(s.working_days for s in slots),
                holidays=tuple(dict.fromkeys(h for s in slots for h in s.holidays)),
                hours=float(week_load[k]),
                capacity_hours=float(week_cap[k]),
                utilization=float(week_load[k] / week_cap[k]) if week_cap[k] > 0 else 0.0,
            )
        )
    return out
