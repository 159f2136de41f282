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
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from planner.data.calendar import PlanCalendar
from planner.data.managers import Manager
from planner.data.scenario import Scenario
from planner.i18n import _
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from planner.data.managers import Book, Moves
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
class DayShort:
    """Contacts of one tier the day plan has no room for: a slot's minutes hold them, its whole days not."""

    channel: str
    tier: str
    kind: str
    contacts: int
    hours: float

    @property
    def key(self) -> str:
        """``channel.tier``."""
        return f"{self.channel}.{self.tier}"


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
    #: Each manager's minutes a working day (his yearly customer minutes over the year's working days).
    day_minutes: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    #: A dated calendar's contacts that whole days cannot hold (net of the minutes-only rounding).
    day_short: list[DayShort] = field(default_factory=list)

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
            # Only a dated calendar short of room in its days has the key (other documents unchanged).
            **(
                {"day_plan_short": [{**asdict(d), "key": d.key} for d in self.day_short]}
                if self.day_short
                else {}
            ),
        }


@dataclass(frozen=True)
class Customers:
    """The customers to schedule: ids with their channel and tier (sorted by tier, then id)."""

    ids: Any  # numpy object array of str, or a pyarrow string array
    channel: Any  # numpy object array
    tier: Any  # numpy object array
    source: str  # "scenario" or the roster file
    #: A roster's portfolios: each customer's manager (index into ``managers``, -1 for none) and
    #: district; customers sorted by tier, then role (scenario order), manager, id.
    manager: Any = None
    managers: tuple[Manager, ...] = ()
    district: Any = None  # numpy int array: index into ``districts``, or None
    districts: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        """True when the customers keep named managers (a roster's ``manager_id``)."""
        return self.manager is not None

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def tier_starts(self) -> dict[tuple[str, str], int]:
        """Index of each tier's first customer (computed once: a million-row comparison)."""
        return _tier_starts(self)

    def counts(self) -> dict[tuple[str, str], int]:
        """Customers per (channel, tier): a tier's customers are contiguous (sorted by tier)."""
        starts = self.tier_starts
        ends = [*sorted(starts.values())[1:], len(self)] if starts else []
        return {key: end - start for (key, start), end in zip(starts.items(), ends, strict=True)}


@dataclass(frozen=True)
class ManagerDay:
    """One day of a manager's plan: its contacts and minutes against his daily minutes."""

    date: str
    contacts: int
    visits: int
    minutes: float
    districts: tuple[str, ...]


@dataclass(frozen=True)
class ManagerPlan:
    """One manager's contacts in one ISO week, on one day, or over the year."""

    manager: str
    role: str
    period: str  # "2027-W12", "2027-03-16" or the year
    day_minutes: float
    days: list[ManagerDay]
    rows: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""
        return {
            "manager": self.manager,
            "role": self.role,
            "period": self.period,
            "day_minutes": self.day_minutes,
            "days": [asdict(d) for d in self.days],
            "contacts": self.rows,
        }


def manager_plan(
    result: ScheduleResult, manager: str, *, week: str | None = None, date: str | None = None
) -> ManagerPlan:
    """One manager's rows of the calendar, in one week or on one day (else the whole year).

    Raises
    ------
    InputError
        When ``manager`` is not one of the calendar's managers (the message names close ids).
    """
    from planner.data.yaml_io import did_you_mean
    from planner.errors import InputError

    frame = result.schedule
    known = result.managers["manager_id"].tolist()
    if manager not in known:
        raise InputError(
            _(
                "manager {manager} has no calendar{hint}; the calendar's managers run {first} .. {last} ({n})"
            ).format(
                manager=repr(manager),
                hint=did_you_mean(manager, known),
                first=known[0],
                last=known[-1],
                n=len(known),
            )
            if known
            else _("manager {manager} has no calendar: it has no managers").format(manager=repr(manager)),
            source="--manager",
        )
    info = result.managers.loc[result.managers["manager_id"] == manager].iloc[0]
    mine = frame.loc[frame["manager_id"] == manager]
    if week is not None:
        mine = mine.loc[mine["week"] == week]
    if date is not None:
        mine = mine.loc[mine["date"] == date]
    wanted = ("date", "customer_id", "channel", "tier", "district", "kind", "minutes")
    cols = [c for c in wanted if c in frame]
    rows = [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in zip(cols, r, strict=True)}
        for r in mine[cols].itertuples(index=False, name=None)
    ]
    days = []
    for day, group in mine.groupby("date", sort=True):
        visits = group.loc[group["kind"] == "visit"]
        dists = visits["district"].tolist() if "district" in group else []
        days.append(
            ManagerDay(
                date=str(day),
                contacts=len(group),
                visits=len(visits),
                minutes=float(group["minutes"].sum()),
                districts=tuple(dict.fromkeys(str(d) for d in dists)),
            )
        )
    return ManagerPlan(
        manager=manager,
        role=str(info["role"]),
        period=week or date or str(result.year),
        day_minutes=float(result.day_minutes.get(manager, 0.0)),
        days=days,
        rows=rows,
    )


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


def customers_from_book(book: Book, scenario: Scenario, moves: Moves | None = None) -> Customers:
    """The roster's customers keeping their managers (after ``moves``); unassigned ones dealt by load.

    A customer without a manager goes to a manager of the first role (scenario order) that visits
    his tier and has managers in the roster: the lightest books by yearly hours first (the same
    water filling that deals synthetic books, starting from each manager's hours today). A tier no
    such role serves keeps its customers unassigned; the model's own managers then serve them when
    no roster manager has the role.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from planner.model.booking import deal_books
    from planner.model.workload import tier_hours_per_customer

    managers = list(book.managers)
    manager = book.manager.astype(np.int64).copy()
    if moves is not None:
        managers = managers + [Manager(m, r, None) for m, r in moves.new_managers]
        manager[moves.customer] = moves.to
    roles = list(scenario.roles)
    m_role = np.array([roles.index(m.role) for m in managers] + [-1], dtype=np.int64)
    hours = np.array([tier_hours_per_customer(scenario.policy.tier(*k)) for k in book.tiers])
    # Unassigned customers, per tier, to the lightest managers of the role that visits the tier.
    free = manager < 0
    if free.any():
        load = np.bincount(manager[~free], weights=hours[book.tier[~free]], minlength=len(managers))
        for t in np.unique(book.tier[free]).tolist():
            role = next(
                (
                    r
                    for r in roles
                    if book.tiers[t] in scenario.served_tiers(r)
                    and scenario.roles[r].contacts != "calls"
                    and any(m.role == r for m in managers)
                ),
                None,
            )
            if role is None:
                continue
            mine = np.array([i for i, m in enumerate(managers) if m.role == role], dtype=np.int64)
            who = np.flatnonzero(free & (book.tier == t))
            who = who[np.argsort(book.customer_id.iloc[who].to_numpy(dtype=object), kind="stable")]
            start = np.asarray(load[mine], dtype=np.float64)
            give, _ = deal_books([len(who)], [float(hours[t])], len(mine), start)
            manager[who] = np.repeat(mine, give[0])
            load[mine] += give[0] * hours[t]
    # Sort: tier (channel, tier names), role, manager, id: each manager's customers of a tier in one
    # block, blocks in role then manager order (what the booking's offsets assume).
    keys = np.array([f"{c}\x00{t}" for c, t in book.tiers], dtype=object)
    tier_rank = np.argsort(np.argsort(keys, kind="stable"), kind="stable")
    role_of = np.where(manager >= 0, m_role[manager], len(roles))
    ids = pa.array(book.customer_id, type=pa.string())
    table = pa.table(
        {
            "t": pa.array(tier_rank[book.tier]),
            "r": pa.array(role_of),
            "m": pa.array(np.where(manager >= 0, manager, len(managers))),
            "id": ids,
        }
    )
    order = pc.sort_indices(table, sort_keys=[(c, "ascending") for c in ("t", "r", "m", "id")]).to_numpy()
    channel = np.array([c for c, _ in book.tiers], dtype=object)
    tier = np.array([t for _, t in book.tiers], dtype=object)
    return Customers(
        ids.take(pa.array(order)),
        channel[book.tier[order]],
        tier[book.tier[order]],
        book.source,
        manager=manager[order],
        managers=tuple(managers),
        district=book.district[order].astype(np.int64),
        districts=tuple(book.districts),
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
    if customers.named:
        problem, sol, books = _solve_named(scenario, year, heads, customers, counts, solver, time_limit)
    else:
        problem, sol, books = solve_branch(
            scenario, year, heads=heads, solver=solver, time_limit=time_limit, customers=counts
        )
    warnings = list(scenario.warnings)
    cal = problem.calendar
    if not sol.ok:
        return _failed(scenario, cal, headcount, sol.status, sol.solver, sol.explanation, warnings)
    if customers.named:
        staffed = sorted({m.role for m in customers.managers}, key=list(scenario.roles).index)
        warnings.append(
            _(
                "the roster names its managers: {managers} keep their customers; "
                "--headcount {headcount} applies to the other roles only"
            ).format(
                managers=", ".join(f"{r} {sum(m.role == r for m in customers.managers)}" for r in staffed),
                headcount=headcount,
            )
        )
    elif headcount == "required" and sol.calendar_bound:
        warnings.append(
            _(
                "no headcount meets every standard in {year}'s calendar: some month or quarter has fewer "
                "working weeks than its contacts need at one a customer a week (or visits spaced apart); the "
                "calendar shows what it misses"
            ).format(year=year)
        )
    elif headcount == "required" and sol.mode == "max_coverage":
        warnings.append(
            _(
                "the scenario's limits do not allow every standard to be met; the calendar uses the plan's "
                "headcount within them and shows what it misses"
            )
        )
    from planner.model.booking import booked_solution, rounding_gaps, undecided_warnings

    if headcount == "current":
        for g in rounding_gaps(problem, sol, booked_solution(problem, sol, books)):
            words = (
                _(
                    "{tier}: whole contacts give {hours} h less than the model's fractional allocation "
                    "({delivered} against {model} h): whole visits leave minutes over in some "
                    "manager-weeks, and the spacing and period rules decide which contacts fit them"
                )
                if g.difference < 0
                else _(
                    "{tier}: whole contacts give {hours} h more than the model's fractional allocation "
                    "({delivered} against {model} h): minutes other tiers' whole visits leave over"
                )
            )
            warnings.append(
                words.format(
                    tier=g.tier,
                    hours=f"{abs(g.difference):,.0f}",
                    delivered=f"{g.delivered_hours:,.0f}",
                    model=f"{g.model_hours:,.0f}",
                )
            )
    warnings.extend(undecided_warnings(books, solver, time_limit))
    for r, role in scenario.roles.items():
        if role.contacts == "calls" and r in books:
            warnings.append(
                _("role {role} makes phone contacts only; its managers' books hold calls only").format(role=r)
            )
    made = _assemble(scenario, problem, sol, books, customers, headcount, warnings)
    return made


def _solve_named(
    scenario: Scenario,
    year: int,
    heads: dict[str, int] | None,
    customers: Customers,
    counts: dict[tuple[str, str], int],
    solver: str,
    time_limit: float,
) -> tuple[CalendarProblem, CalendarSolution, dict[str, RoleCalendar]]:
    """The calendar with a roster's managers: each role with named managers has exactly those heads
    and books; other roles have the model's heads (``required``) or today's (``current``)."""
    import numpy as np

    from planner.model.booking import book_branch
    from planner.model.calendar import solve_calendar
    from planner.model.headcount import calendar_problem

    named = _named_books(scenario, customers)
    unstaffed = [
        r
        for r in scenario.roles
        if r not in named and any(counts.get(k, 0) for k in scenario.served_tiers(r))
    ]
    if heads is None and not unstaffed:  # every role with customers is staffed by the roster
        heads = {r: role.headcount for r, role in scenario.roles.items()}
    if heads is None:  # the model's heads for the roles the roster does not staff
        chosen = calendar_problem(scenario, year, solver=solver, time_limit=time_limit, customers=counts)
        first = solve_calendar(chosen)
        if not first.ok:
            return chosen, first, {}
        heads = {r: int(first.heads.get(r, role.headcount)) for r, role in scenario.roles.items()}
    fixed = {**heads, **{r: int(pm[next(iter(pm))].shape[0]) for r, pm in named.items() if pm}}
    problem = calendar_problem(
        scenario, year, heads=fixed, solver=solver, time_limit=time_limit, customers=counts
    )
    sol = solve_calendar(problem)
    if not sol.ok:
        return problem, sol, {}
    given = {r: {k: np.asarray(v, dtype=np.int64) for k, v in pm.items()} for r, pm in named.items()}
    books = book_branch(
        problem, sol, {t.key: t.customers for t in problem.tiers}, full=False, given=given, days=True
    )
    return problem, sol, books


def _named_books(scenario: Scenario, customers: Customers) -> dict[str, dict[tuple[str, str], Any]]:
    """Per role with named managers: customers of each tier per manager (managers in roster order)."""
    import numpy as np

    out: dict[str, dict[tuple[str, str], Any]] = {}
    mgr = customers.manager
    roles = {m.role for m in customers.managers}
    starts = customers.tier_starts
    ends = dict(zip(starts, [*sorted(starts.values())[1:], len(customers)], strict=True))
    for role in scenario.roles:
        if role not in roles or scenario.roles[role].contacts == "calls":
            continue
        mine = [i for i, m in enumerate(customers.managers) if m.role == role]
        col = {m: j for j, m in enumerate(mine)}
        books: dict[tuple[str, str], Any] = {}
        for key in scenario.served_tiers(role):
            per = np.zeros(len(mine), dtype=np.int64)
            if key in starts:
                held = mgr[starts[key] : ends[key]]
                held = held[held >= 0]
                for m, n in zip(*np.unique(held, return_counts=True), strict=True):
                    if int(m) in col:
                        per[col[int(m)]] = int(n)
            books[key] = per
        out[role] = books
    return out


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
    tier_start = customers.tier_starts
    scheduled = np.zeros(len(customers), dtype=bool)
    names: list[str] = []
    name_role: list[str] = []
    name_customers: list[int] = []
    day_minutes: list[float] = []
    loads: list[Any] = []
    parts: list[tuple[Any, ...]] = []
    roles_out: list[RoleSchedule] = []
    stream_meta: list[tuple[str, str, str, str, float]] = []  # role, channel, tier, kind, minutes
    # Where each role's share starts inside a tier's customers: roles take blocks in file order.
    # (Call-only roles hold the same customers for their calls: their blocks start again at 0.)
    offset_in_tier: dict[tuple[str, str, bool], int] = {}
    short_tiers = {k for k, c in sol.coverage.items() if c < 1 - 1e-9}
    bound = sol.heads
    # Named managers' customers come first in each tier (customers_from_book's order): their roles
    # take their blocks first.
    staffed = {m.role for m in customers.managers} if customers.named else set()
    for role_id in [r for r in scenario.roles if r in staffed] + [
        r for r in scenario.roles if r not in staffed
    ]:
        rc = books.get(role_id)
        if rc is None:
            continue
        b = rc.books
        h = b.heads
        base = len(names)
        width = max(3, len(str(h)))
        own = [m.id for m in customers.managers if m.role == role_id] if customers.named else []
        if own and len(own) == h and scenario.roles[role_id].contacts != "calls":
            names.extend(own)
        else:
            names.extend(f"{role_id}-{m + 1:0{width}d}" for m in range(h))
        name_role.extend([role_id] * h)
        name_customers.extend(b.per_manager.sum(axis=0).tolist())
        day_minutes.extend([float(rc.capacity_minutes.sum()) / max(cal.working_days, 1)] * h)
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
                _(
                    "{role}: {hours} h of its managers' time stay free while a tier it serves is short: "
                    "the spacing and period rules (and whole contacts) allow no more contacts in those slots"
                ).format(role=role_id, hours=f"{idle:,.0f}")
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
                    _("{tier}: {n} customers have no manager (no role with heads serves the tier)").format(
                        tier=f"{key[0]}.{key[1]}", n=n - covered
                    )
                )
    overfull: list[float] = []
    schedule, row_slot, row_stream = _rows(
        customers, cal, stream_meta, parts, names, day_minutes if customers.named else None, overfull
    )
    if overfull and overfull[0]:
        warnings.append(
            _(
                "{n} manager-days hold more than the manager's daily hours (by up to "
                "{minutes} min): the week's minutes fit, but its whole visits do not pack into "
                "its days"
            ).format(n=f"{int(overfull[0]):,}", minutes=f"{overfull[1]:,.0f}")
        )
    if overfull and overfull[2]:
        warnings.append(
            _("{n} contacts are longer than their manager's day: each takes a day of its own").format(
                n=f"{int(overfull[2]):,}"
            )
        )
    day_short = _day_short(books)
    if day_short:
        warnings.append(
            _(
                "no room in the day plan for {n} contacts "
                "({hours} h) the slots' minutes would hold: whole contacts "
                "do not pack into the managers' days (the tier with the least value per hour gives way "
                "first): {tiers}"
            ).format(
                n=f"{sum(d.contacts for d in day_short):,}",
                hours=f"{sum(d.hours for d in day_short):,.1f}",
                tiers="; ".join(_day_short_words(d) for d in day_short),
            )
        )
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
        day_minutes=dict(zip(names, day_minutes, strict=True)),
        day_short=day_short,
    )


def _day_short_words(d: DayShort) -> str:
    """``key n visits (h h)`` of one tier the day plan has no room for, in the active language."""
    text = _("{tier} {n} visits ({hours} h)") if d.kind == "visit" else _("{tier} {n} calls ({hours} h)")
    return text.format(tier=d.key, n=f"{d.contacts:,}", hours=f"{d.hours:,.1f}")


def _day_short(books: dict[str, RoleCalendar]) -> list[DayShort]:
    """Per tier and kind, contacts the day plan costs (booking's ``day_lost``), where it costs any."""
    lost: dict[tuple[str, str, str], list[float]] = {}
    for rc in books.values():
        if rc.books.day_lost is None:
            continue
        for st, n in zip(rc.streams, rc.books.day_lost.tolist(), strict=True):
            key = rc.tiers[st.tier_index]
            acc = lost.setdefault((key[0], key[1], st.kind), [0, 0.0])
            acc[0] += n
            acc[1] += n * st.minutes / 60.0
    return [DayShort(c, t, k, int(n), float(h)) for (c, t, k), (n, h) in sorted(lost.items()) if n > 0]


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
    day_minutes: Any = None,
    overfull: list[float] | None = None,
) -> tuple[pd.DataFrame, Any, Any]:
    """schedule.csv's table, sorted by manager, date, customer and kind; each contact on a working day.

    With ``day_minutes`` (each manager's minutes a working day) a manager's contacts of a slot are
    packed into its days (:func:`_pack_days`): visits first, one district's together, then phone
    contacts in the room left; without it they are spread over the slot's days by cumulative
    minutes (:func:`_spread_days`). Also returns each row's slot and stream index (what the tier
    summaries count). Text columns are built in pyarrow (a small table of names taken by index),
    never as a million Python strings.
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
    if day_minutes is None:
        order = np.lexsort((kc, pos, slot, mgr))
        mgr, slot, pos, sidx, mins = mgr[order], slot[order], pos[order], sidx[order], mins[order]
        day = _spread_days(cal, mgr, slot, mins)
    else:
        dist = customers.district[pos] if customers.district is not None else np.zeros(len(pos), np.int64)
        order = np.lexsort((pos, dist, kc, slot, mgr))
        mgr, slot, pos, sidx, mins = mgr[order], slot[order], pos[order], sidx[order], mins[order]
        day = _pack_days(cal, mgr, slot, mins, kc[order], np.asarray(day_minutes, dtype=float), overfull)
        again = np.lexsort((kc[order], pos, day, slot, mgr))
        mgr, slot, pos, sidx, mins = mgr[again], slot[again], pos[again], sidx[again], mins[again]
        day = day[again]
    # Every (slot, day) as one code into a flat list of ISO dates.
    dates = _slot_dates(cal)
    first_day = np.concatenate([[0], np.cumsum([len(d) for d in dates])[:-1]]).astype(np.int64)
    flat_dates = [d for ds in dates for d in ds]
    week_of_slot = np.array([s.week for s in cal.slots], dtype=np.int64)

    def text(values: list[str], index: Any) -> pd.Series:
        taken = pa.array(values, type=pa.string()).take(pa.array(index, type=pa.int64()))
        return pd.Series(taken.to_pandas(), dtype="str")

    ids = customers.ids if isinstance(customers.ids, pa.Array) else pa.array(customers.ids, type=pa.string())
    minutes = mins.astype(np.int64) if len(mins) and np.all(mins == np.round(mins)) else mins
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(ids.take(pa.array(pos, type=pa.int64())).to_pandas(), dtype="str"),
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
    if customers.district is not None and customers.districts:
        frame["district"] = text(list(customers.districts), customers.district[pos])
    return frame, slot, sidx


def _groups(mgr: Any, slot: Any) -> tuple[Any, Any]:
    """Rows sorted by manager and slot: each row's group number and each group's first row."""
    import numpy as np

    start = np.concatenate([[True], (mgr[1:] != mgr[:-1]) | (slot[1:] != slot[:-1])])
    return np.cumsum(start) - 1, np.flatnonzero(start)


def _spread_days(cal: PlanCalendar, mgr: Any, slot: Any, mins: Any) -> Any:
    """Day within the slot by the cumulative minutes of the manager's contacts in that slot."""
    import numpy as np

    day = np.zeros(len(mgr), dtype=np.int64)
    if len(mgr):
        gid, first = _groups(mgr, slot)
        cum = np.cumsum(mins)
        before = cum - mins - (cum[first] - mins[first])[gid]
        total = np.bincount(gid, weights=mins)[gid]
        wd = np.array([max(s.working_days, 1) for s in cal.slots])[slot]
        frac = np.where(total > 0, before / np.where(total > 0, total, 1), 0.0)
        day = np.minimum((frac * wd + 1e-9).astype(np.int64), wd - 1)
    return day


def _next_fit(gid: Any, first: Any, mins: Any, room: Any, days: Any, *, force: bool) -> Any:
    """Items in order into their group's days, each day taking items while they fit its ``room``.

    ``room[g, k]`` is day ``k``'s free minutes in group ``g``, ``days[g]`` the group's days. With
    ``force`` (every day still empty) an item longer than a day still takes a day of its own.
    Returns each item's day, -1 where the group's days ran out. Vectorised over groups: one pass
    per day of the longest slot.
    """
    import numpy as np

    n = len(mins)
    day = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return day
    cum = np.cumsum(mins)
    before = cum - mins
    # Start of the current day in each group, as cumulative minutes.
    start = before[first].copy()
    pending = np.ones(n, dtype=bool)
    for k in range(room.shape[1]):
        open_ = days > k
        fits = pending & open_[gid] & (cum - start[gid] <= room[gid, k] + 1e-6)
        # The first pending item of a group with an empty day takes it even when too long.
        idx = np.flatnonzero(pending)
        if len(idx) == 0:
            break
        firsts = idx[np.concatenate([[True], gid[idx[1:]] != gid[idx[:-1]]])]
        if force:
            fits[firsts[open_[gid[firsts]]]] = True
        # Only a prefix of each group's pending items goes today: stop at the first that does not fit.
        breaks = pending & ~fits
        stop = np.full(len(start), np.inf)
        np.minimum.at(stop, gid[breaks], before[breaks])
        fits &= before < stop[gid]
        day[fits] = k
        pending &= ~fits
        nxt = np.full(len(start), np.inf)
        np.minimum.at(nxt, gid[pending], before[pending])
        start = np.where(np.isfinite(nxt), nxt, start)
    return day


def _pack_days(
    cal: PlanCalendar,
    mgr: Any,
    slot: Any,
    mins: Any,
    kind: Any,
    day_minutes: Any,
    overfull: list[float] | None = None,
) -> Any:
    """Each contact's day in its slot: a manager's day within his daily minutes where they allow.

    Rows come sorted by manager, slot, kind (visits first), district, customer. Visits are laid
    day by day in that order, so one district's visits share a day as far as the day holds them;
    phone contacts then fill the room the visits leave, day by day. A slot whose contacts do not
    all fit that way is packed again, longest contacts first, each into the first day with room
    (:func:`_first_fit_days`, the packing the booking's day plan checks with
    :func:`planner.model.booking.days_fit`, so a booked slot fits). A contact longer than a day
    takes a day of its own. What still does not fit (a booking without a day plan) goes to the
    slot's days with the most room left; ``overfull`` then gets the number of days over, the
    largest excess in minutes and the number of days holding one contact longer than a day.
    """
    import numpy as np

    if len(mgr) == 0:
        return np.zeros(0, dtype=np.int64)
    gid, first = _groups(mgr, slot)
    wd = np.array([s.working_days for s in cal.slots], dtype=np.int64)
    days = np.maximum(wd[slot[first]], 1)
    width = int(days.max())
    cap = day_minutes[mgr[first]]
    room = np.repeat(cap[:, None], width, axis=1)
    day = np.full(len(mgr), -1, dtype=np.int64)
    for is_call in (0, 1):
        sel = np.flatnonzero(kind == is_call)
        if len(sel) == 0:
            continue
        g = gid[sel]
        starts = np.concatenate([[True], g[1:] != g[:-1]])
        sub_g = np.cumsum(starts) - 1
        groups = g[starts]
        placed = _next_fit(
            sub_g, np.flatnonzero(starts), mins[sel], room[groups], days[groups], force=is_call == 0
        )
        day[sel] = placed
        ok = placed >= 0
        np.add.at(room, (g[ok], placed[ok]), -mins[sel][ok])
    bad = np.zeros(len(first), dtype=bool)
    bad[gid[day < 0]] = True
    if bad.any():  # pack those slots again, longest first
        rows = np.flatnonzero(bad[gid])
        rows = rows[np.lexsort((np.arange(len(rows)), -mins[rows], gid[rows]))]
        day[rows] = _first_fit_days(gid[rows], mins[rows], cap, days)
        room[bad] = cap[bad, None]
        ok = rows[day[rows] >= 0]
        np.add.at(room, (gid[ok], day[ok]), -mins[ok])
    for i in np.flatnonzero(day < 0).tolist():  # the slot's days are full
        g = int(gid[i])
        k = int(np.argmax(room[g, : days[g]]))
        day[i] = k
        room[g, k] -= mins[i]
    # A day holding one contact longer than the day is not over: that contact needs a day of its own.
    alone = np.zeros(room.shape, dtype=np.int64)
    np.add.at(alone, (gid, day), 1)
    long_day = np.zeros(room.shape, dtype=bool)
    too_long = mins > cap[gid] + 1e-6
    long_day[gid[too_long], day[too_long]] = True
    long_day &= alone == 1
    over = (room < -1e-6) & ~long_day
    if (over.any() or long_day.any()) and overfull is not None:
        overfull.extend(
            [int(over.sum()), float(-room[over].min()) if over.any() else 0.0, int(long_day.sum())]
        )
    return day


def _first_fit_days(gid: Any, mins: Any, cap: Any, days: Any) -> Any:
    """First fit decreasing into each group's days: rows sorted by group, longest first.

    Equal contacts fill day 1, then day 2, ... (first fit); a contact longer than ``cap[g]`` takes
    an empty day of its own. The same packing as :func:`planner.model.booking.pack_day_counts`,
    vectorised over groups: one pass per size rank and day. Returns each row's day, -1 where the
    group's days are full.
    """
    import numpy as np

    n = len(gid)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.concatenate([[True], (gid[1:] != gid[:-1]) | (mins[1:] != mins[:-1])])
    bfirst = np.flatnonzero(start)
    b_of_row = np.cumsum(start) - 1
    b_gid, b_m = gid[bfirst], mins[bfirst]
    b_cnt = np.diff(np.append(bfirst, n))
    g_start = np.concatenate([[True], b_gid[1:] != b_gid[:-1]])
    b_rank = np.arange(len(bfirst)) - np.flatnonzero(g_start)[np.cumsum(g_start) - 1]
    width = int(days.max())
    load = np.zeros((len(days), width))
    q = np.zeros((len(bfirst), width), dtype=np.int64)
    rem = b_cnt.astype(np.int64).copy()
    for r in range(int(b_rank.max()) + 1):
        sel = np.flatnonzero(b_rank == r)
        g, m = b_gid[sel], b_m[sel]
        long = m > cap[g] + 1e-6
        for k in range(width):
            open_ = (days[g] > k) & (rem[sel] > 0)
            free = cap[g] - load[g, k]
            with np.errstate(divide="ignore", invalid="ignore"):
                fit = np.where(m > 0, np.floor((free + 1e-6) / np.where(m > 0, m, 1)), rem[sel])
            take = np.where(long, (load[g, k] == 0).astype(np.int64), np.clip(fit, 0, None).astype(np.int64))
            take = np.where(open_, np.minimum(take, rem[sel]), 0)
            q[sel, k] = take
            rem[sel] -= take
            load[g, k] = np.where(long & (take > 0), np.inf, load[g, k] + take * m)
    cq = np.cumsum(q, axis=1)
    within = np.arange(n) - bfirst[b_of_row]
    day = (cq[b_of_row] <= within[:, None]).sum(axis=1).astype(np.int64)
    return np.where(day < days[gid], day, -1)


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
