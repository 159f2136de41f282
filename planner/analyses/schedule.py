"""Visit schedules: a week-by-week calendar per manager and customer that meets every tier's standard.

How it is made
--------------
1. **Headcount** comes from the one headcount model, :func:`planner.model.headcount.plan`
   (``required``: the plan's headcount; ``current``: today's). Its ``allocations`` say which role
   serves which tier; a tier served by several roles has its customers split in proportion.
2. **Aggregate plan** (one linear program through :func:`planner.model.solver.solve`). Per stream
   (a role's visits or calls to one tier) and ISO week, how many contacts (continuous). Each tier's
   standard holds in every period it names (ISO weeks belong to the month of their Thursday), no
   run of ``gap`` weeks holds more contacts than the stream has customers (this is what lets every
   customer's visits sit at least half the even interval apart, see :mod:`.schedule_assign`), and
   each role's hours in a week stay within ``u_r`` x its capacity that week (heads x hours a head
   spread over the year's working days, China's holidays removed). The objective minimises the
   peak-week utilisation ``sum_r u_r``; with today's headcount ``u_r <= 1`` and the contacts that do
   not fit are "missed", weighted by the tier's revenue at risk per required hour (the core
   model's priority), first.
3. **Books and weeks** (:mod:`.schedule_assign`): customers dealt to named managers with balanced
   yearly hours, each manager's share of the plan rounded to whole contacts, contacts numbered to
   customers. With ``required`` headcount a role whose peak week exceeds its capacity, or whose
   whole visits leave one manager over in some week, gets more heads (reported beside the plan's
   figure); with ``current`` headcount such contacts are reported missed instead.

No variable per customer-week exists anywhere: the LP has streams x weeks variables and the rest
is integer arithmetic on arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from planner.data.calendar import YearCalendar, year_calendar
from planner.data.scenario import Scenario
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus, solve

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


HeadcountChoice = Literal["required", "current"]

#: A role's aggregate utilisation above this counts as a "hot" week in the summary.
HOT_WEEK = 0.95
#: Missed contacts outweigh peak utilisation by this factor in the fixed-headcount objective.
MISS_WEIGHT = 1_000.0
#: Floor on a tier's miss priority, so tiers worth nothing at risk are still served when possible.
MIN_PRIORITY = 1e-3
#: How many times a role may gain heads while its managers' weeks do not fit.
MAX_GROW_ROUNDS = 200


def min_gap_weeks(weeks_in_year: int, per_year: int) -> int:
    """Fewest weeks between a customer's consecutive contacts: half the even interval, rounded up.

    ``weeks_in_year / per_year`` is the even interval; 2 visits a quarter in a 52-week year gives
    6.5 weeks, so consecutive visits sit at least ceil(3.25) = 4 weeks apart. Never below 1 (no two
    contacts of one kind for one customer in the same week).
    """
    if per_year <= 0:
        return 0
    return max(1, math.ceil(weeks_in_year / per_year / 2 - 1e-9))


@dataclass(frozen=True)
class RoleSchedule:
    """One role's calendar: heads used, how full its weeks are, how even its books are."""

    role: str
    plan_headcount: int
    managers: int
    hours_per_head: float
    customers: int
    scheduled_hours: float
    capacity_hours: float
    peak_utilization: float
    peak_week: int
    max_manager_utilization: float
    weeks_over_95: int
    weeks_over_capacity: int
    books_spread: float
    weekly_utilization: tuple[float, ...]


@dataclass(frozen=True)
class MissedWeek:
    """Contacts of one tier that no manager can make in one week (fixed headcount only)."""

    week: int
    visits: int
    calls: int


@dataclass(frozen=True)
class TierSchedule:
    """One tier: what its standard asks for the year, what the calendar gives, and where it falls short."""

    channel: str
    tier: str
    customers: int
    visit_standard: str
    call_standard: str
    required_visits: int
    scheduled_visits: int
    required_calls: int
    scheduled_calls: int
    shortfall_visits: int
    shortfall_calls: int
    quarter_met: tuple[float, ...]
    missed: tuple[MissedWeek, ...] = ()

    @property
    def key(self) -> str:
        """``channel.tier``."""
        return f"{self.channel}.{self.tier}"


@dataclass(frozen=True)
class WeekInfo:
    """One ISO week of the calendar."""

    week: int
    monday: str
    month: int
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
    status: str
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
        return self.status == SolveStatus.OPTIMAL.value

    def worst_weeks(self, n: int = 5) -> list[WeekInfo]:
        """The ``n`` weeks with the highest utilisation of all roles together, busiest first."""
        return sorted(self.calendar, key=lambda w: (-w.utilization, w.week))[:n]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: the keys the issue names plus the detail behind them."""
        from dataclasses import asdict

        return {
            "scenario": self.scenario,
            "year": self.year,
            "weeks": self.weeks,
            "headcount": self.headcount,
            "status": self.status,
            "customers_scheduled": self.customers_scheduled,
            "roles": [{k: v for k, v in asdict(r).items() if k != "weekly_utilization"} for r in self.roles],
            "tiers": [asdict(t) for t in self.tiers],
            "worst_weeks": [asdict(w) for w in self.worst_weeks()],
            "warnings": list(self.warnings),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Customers:
    """The customers to schedule: ids with their channel and tier (sorted by tier, then id)."""

    ids: Any  # numpy object array of str
    channel: Any  # numpy object array
    tier: Any  # numpy object array
    source: str  # "scenario" or the roster file

    def __len__(self) -> int:
        return len(self.ids)


def synthetic_customers(scenario: Scenario) -> Customers:
    """``key.crystal-000001`` ... one id per customer the scenario counts, in policy tier order."""
    import numpy as np

    ids: list[str] = []
    chans: list[str] = []
    tiers: list[str] = []
    for channel, tier in scenario.tiers():
        n = scenario.customers(channel, tier.id)
        width = max(6, len(str(n)))
        ids.extend(f"{channel}.{tier.id}-{i:0{width}d}" for i in range(1, n + 1))
        chans.extend([channel] * n)
        tiers.extend([tier.id] * n)
    return Customers(
        np.array(ids, dtype=object), np.array(chans, dtype=object), np.array(tiers, dtype=object), "scenario"
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


@dataclass
class _Stream:
    role: str
    channel: str
    tier: str
    kind: str
    customers: int
    count: int
    per: str
    per_year: int
    minutes: float
    gap: int
    priority: float


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
        A validated scenario (with a roster, its customer counts should be the roster's).
    year
        ISO year to schedule.
    headcount
        ``required``: the headcount plan's (raised where the calendar needs it, with a warning);
        ``current``: today's, reporting what it cannot cover.
    customers
        Named customers; ``None`` makes synthetic ids from the scenario's counts.
    solver, time_limit
        As for every model solve.
    """
    from planner.model.headcount import plan

    cal = year_calendar(year)
    if customers is None:
        customers = synthetic_customers(scenario)
    result = plan(scenario, headcount="optimal" if headcount == "required" else "current", solver=solver)
    warnings = list(result.warnings)
    if not result.ok:
        return _failed(scenario, cal, headcount, result.status, result.solver, result.explanation, warnings)
    heads = {r.role: r.required_headcount for r in result.roles}
    # A plan that cannot meet every standard within the scenario's limits keeps its headcount here
    # too: adding heads would break the limits, so the calendar shows the gap instead.
    basis = "current" if headcount == "current" or result.mode == "max_coverage" else "required"
    if headcount == "required" and basis == "current":
        warnings.append(
            "the headcount plan cannot meet every standard within the scenario's limits; the calendar "
            "keeps the plan's headcount and shows what it misses"
        )
    streams, split = _streams(scenario, cal, customers, result, heads, warnings)
    lp = _solve_aggregate(scenario, cal, streams, heads, basis, solver, time_limit)
    if lp is None or not lp[0].is_ok:
        status = lp[0] if lp is not None else SolveStatus.NOT_SOLVED
        why = "the weekly plan has no solution: the spacing and period rules cannot hold together"
        return _failed(scenario, cal, headcount, status.value, solver, why, warnings)
    _status, solver_used, full, served, peaks = lp
    made = _assemble(
        scenario,
        cal,
        customers,
        streams,
        split,
        heads,
        full,
        served,
        peaks,
        basis,
        solver_used,
        warnings,
        solver,
        time_limit,
    )
    if made.ok:
        made.warnings.extend(_limit_warnings(scenario, made.roles))
    return replace(made, headcount=headcount)


def _limit_warnings(scenario: Scenario, roles: list[RoleSchedule]) -> list[str]:
    """Say which of the scenario's limits the calendar's headcount goes past."""
    out = []
    spec = scenario.spec
    for r in roles:
        cap = scenario.roles[r.role].max_headcount
        if cap is not None and r.managers > cap:
            out.append(f"{r.role}: {r.managers} managers exceed its max_headcount of {cap}")
    total = sum(r.managers for r in roles)
    cost = sum(r.managers * scenario.roles[r.role].annual_cost for r in roles)
    if spec.max_total_headcount is not None and total > spec.max_total_headcount:
        out.append(f"the calendar's {total} managers exceed max_total_headcount {spec.max_total_headcount}")
    if spec.budget is not None and cost > spec.budget:
        out.append(
            f"the calendar's managers cost {cost:,.0f} CNY a year, over the budget of {spec.budget:,.0f}"
        )
    return out


def _failed(
    scenario: Scenario,
    cal: YearCalendar,
    headcount: str,
    status: str,
    solver: str,
    explanation: str | None,
    warnings: list[str],
) -> ScheduleResult:
    return ScheduleResult(
        scenario=scenario.name,
        year=cal.year,
        weeks=cal.n_weeks,
        headcount=headcount,
        status=status if status != SolveStatus.OPTIMAL.value else SolveStatus.NOT_SOLVED.value,
        solver=solver,
        customers_scheduled=0,
        roles=[],
        tiers=[],
        calendar=[],
        warnings=warnings,
        explanation=explanation,
    )


def _streams(
    scenario: Scenario,
    cal: YearCalendar,
    customers: Customers,
    result: Any,
    heads: dict[str, int],
    warnings: list[str],
) -> tuple[list[_Stream], dict[tuple[str, str], dict[str, int]]]:
    """Streams per (role, tier, kind) and each tier's customers split among the roles serving it."""
    from collections import Counter

    from planner.model.workload import tier_required_hours, tier_revenue_at_risk

    counts = Counter(zip(customers.channel.tolist(), customers.tier.tolist(), strict=True))
    alloc: dict[tuple[str, str], dict[str, float]] = {}
    for a in result.allocations:
        alloc.setdefault((a.channel, a.tier), {})[a.role] = a.hours
    visiting = [r for r, role in scenario.roles.items() if role.contacts == "all"]
    for r, role in scenario.roles.items():
        if role.contacts != "all":
            warnings.append(
                f"role {r} makes phone contacts only; the calendar gives customers to visiting roles"
            )
    priority: dict[tuple[str, str], float] = {}
    for channel, tier in scenario.tiers():
        n = counts.get((channel, tier.id), 0)
        need = tier_required_hours(tier, n)
        priority[(channel, tier.id)] = tier_revenue_at_risk(tier, n) / need if need > 0 else 0.0
    top = max(priority.values(), default=0.0) or 1.0
    split: dict[tuple[str, str], dict[str, int]] = {}
    streams: list[_Stream] = []
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        n = counts.get(key, 0)
        if n == 0:
            continue
        serving = [r for r in visiting if key in scenario.served_tiers(r) and heads.get(r, 0) > 0]
        if not serving:
            warnings.append(
                f"{channel}.{tier.id}: {n} customers but no manager serves the tier "
                "(its roles have no heads or make calls only)"
            )
            continue
        hours = alloc.get(key, {})
        shares = {r: hours.get(r, 0.0) for r in serving}
        if sum(shares.values()) <= 0:
            shares = {r: float(heads[r]) for r in serving}
        split[key] = _largest_remainder(n, shares)
        for r in serving:
            n_r = split[key][r]
            if n_r == 0:
                continue
            for kind, std, minutes in (
                ("visit", tier.visits, tier.visit_minutes),
                ("call", tier.calls, tier.call_minutes),
            ):
                if std.count == 0:
                    continue
                gap = min_gap_weeks(cal.n_weeks, std.per_year) if kind == "visit" else 0
                streams.append(
                    _Stream(
                        role=r,
                        channel=channel,
                        tier=tier.id,
                        kind=kind,
                        customers=n_r,
                        count=std.count,
                        per=std.per,
                        per_year=std.per_year,
                        minutes=float(minutes),
                        gap=gap,
                        priority=priority[key] / top + MIN_PRIORITY,
                    )
                )
    return streams, split


def _largest_remainder(n: int, shares: dict[str, float]) -> dict[str, int]:
    """Split ``n`` customers in proportion to ``shares`` (largest remainder; ties in given order)."""
    total = sum(shares.values())
    exact = {r: n * s / total for r, s in shares.items()}
    out = {r: math.floor(v) for r, v in exact.items()}
    left = n - sum(out.values())
    order = sorted(shares, key=lambda r: (-(exact[r] - out[r]), list(shares).index(r)))
    for r in order[:left]:
        out[r] += 1
    return out


def _capacity_hours(scenario: Scenario, cal: YearCalendar, role: str) -> list[float]:
    """One manager's customer hours in each week: the role's yearly hours spread over working days."""
    from planner.model.workload import role_hours_per_head

    hph = role_hours_per_head(scenario.roles[role])
    return [hph * s for s in cal.week_share()]


def _solve_aggregate(
    scenario: Scenario,
    cal: YearCalendar,
    streams: list[_Stream],
    heads: dict[str, int],
    headcount: str,
    solver: str,
    time_limit: float,
) -> tuple[SolveStatus, str, list[list[float]], list[list[float]], dict[str, float]] | None:
    """The aggregate LP; returns (status, solver, due per stream-week, scheduled per stream-week, peaks)."""
    import pulp

    n_w = cal.n_weeks
    fixed = headcount == "current"
    prob = pulp.LpProblem("schedule", pulp.LpMinimize)
    x = [[pulp.LpVariable(f"x_{s}_{w}", lowBound=0) for w in range(n_w)] for s in range(len(streams))]
    miss: list[list[Any]] = []
    if fixed:
        miss = [[pulp.LpVariable(f"m_{s}_{w}", lowBound=0) for w in range(n_w)] for s in range(len(streams))]
    roles = [r for r in scenario.roles if any(st.role == r for st in streams)]
    u = {r: pulp.LpVariable(f"u_{i}", lowBound=0, upBound=1 if fixed else None) for i, r in enumerate(roles)}
    for s, st in enumerate(streams):
        due = [x[s][w] + miss[s][w] if fixed else x[s][w] for w in range(n_w)]
        periods: dict[int, list[int]] = {}
        for w, p in enumerate(cal.period_index(st.per)):
            periods.setdefault(p, []).append(w)
        for p, weeks in sorted(periods.items()):
            prob += pulp.lpSum(due[w] for w in weeks) == st.customers * st.count, f"std_{s}_{p}"
        g = min(st.gap, n_w)
        if g >= 1:
            for a in range(n_w - g + 1):
                prob += pulp.lpSum(due[a : a + g]) <= st.customers, f"gap_{s}_{a}"
    for i, r in enumerate(roles):
        cap = _capacity_hours(scenario, cal, r)
        mine = [s for s, st in enumerate(streams) if st.role == r]
        for w in range(n_w):
            load = pulp.lpSum(streams[s].minutes / 60.0 * x[s][w] for s in mine)
            prob += load - heads[r] * cap[w] * u[r] <= 0, f"cap_{i}_{w}"
    objective = pulp.lpSum(u.values())
    if fixed:
        objective += MISS_WEIGHT * pulp.lpSum(
            st.priority * st.minutes / 60.0 * pulp.lpSum(miss[s]) for s, st in enumerate(streams)
        )
    prob.setObjective(objective)
    if not streams:
        return SolveStatus.OPTIMAL, "none", [], [], {}
    outcome = solve(prob, solver, time_limit)
    if not outcome.status.is_ok:
        return outcome.status, outcome.solver, [], [], {}
    served = [[max(0.0, v.value() or 0.0) for v in row] for row in x]
    if fixed:
        due = [
            [s_v + max(0.0, m.value() or 0.0) for s_v, m in zip(served[s], miss[s], strict=True)]
            for s in range(len(streams))
        ]
    else:
        due = [list(row) for row in served]
    peaks = {r: float(u[r].value() or 0.0) for r in roles}
    return outcome.status, outcome.solver, due, served, peaks


def _assemble(
    scenario: Scenario,
    cal: YearCalendar,
    customers: Customers,
    streams: list[_Stream],
    split: dict[tuple[str, str], dict[str, int]],
    plan_heads: dict[str, int],
    full: list[list[float]],
    served: list[list[float]],
    peaks: dict[str, float],
    headcount: str,
    solver_used: str,
    warnings: list[str],
    solver: str,
    time_limit: float,
) -> ScheduleResult:
    """Books, weeks and rows for every role; then the summaries."""
    import numpy as np

    from planner.analyses.schedule_assign import (
        StreamPlan,
        deal_books,
        round_role,
        slot_rows,
    )
    from planner.model.workload import role_hours_per_head, tier_hours_per_customer

    n_w = cal.n_weeks
    tier_keys = [(c, t.id) for c, t in scenario.tiers()]
    tier_obj = {(c, t.id): t for c, t in scenario.tiers()}
    # Where each tier's customers sit in the sorted customer arrays.
    tier_start = _tier_starts(customers)
    manager_of = np.full(len(customers), -1, dtype=np.int64)
    manager_names: list[str] = []
    manager_role: list[str] = []
    manager_counts: list[int] = []
    manager_load: list[Any] = []
    parts: list[tuple[Any, ...]] = []
    roles_out: list[RoleSchedule] = []
    due_total: dict[tuple[str, str, str], Any] = {}
    got_total: dict[tuple[str, str, str], Any] = {}
    for role_id in scenario.roles:
        role_tiers = [k for k in tier_keys if role_id in split.get(k, {})]
        if not role_tiers:
            continue
        counts = [split[k][role_id] for k in role_tiers]
        hours = [tier_hours_per_customer(tier_obj[k]) for k in role_tiers]
        hph = role_hours_per_head(scenario.roles[role_id])
        cap_min = np.array(_capacity_hours(scenario, cal, role_id)) * 60.0
        mine = [s for s, st in enumerate(streams) if st.role == role_id]
        plans = [
            StreamPlan(
                index=s,
                tier_index=role_tiers.index((streams[s].channel, streams[s].tier)),
                kind=streams[s].kind,
                customers=streams[s].customers,
                count=streams[s].count,
                minutes=streams[s].minutes,
                gap=streams[s].gap,
                priority=streams[s].priority,
                full=np.array(full[s]),
                served=np.array(served[s]),
            )
            for s in mine
        ]
        periods = [_period_weeks(cal, streams[sp.index].per) for sp in plans]
        h = plan_heads[role_id]
        if headcount == "required":
            h = max(h, math.ceil(h * peaks.get(role_id, 0.0) - 1e-6))
        cache: dict[tuple[int, ...], Any] = {}
        fixed = headcount == "current"
        for _ in range(MAX_GROW_ROUNDS):
            per_manager, _load = deal_books(counts, hours, h)
            rounding = round_role(
                plans,
                per_manager,
                cap_min,
                periods,
                fixed=fixed,
                solver=solver,
                time_limit=time_limit,
                cache=cache,
            )
            if fixed or rounding.feasible:
                break
            h += 1
        if not rounding.feasible:
            return _failed(
                scenario,
                cal,
                headcount,
                SolveStatus.INFEASIBLE.value,
                solver_used,
                f"{role_id}: no whole-visit calendar fits even {h} managers",
                warnings,
            )
        if h > plan_heads[role_id]:
            warnings.append(
                f"{role_id}: the calendar needs {h} managers, {h - plan_heads[role_id]} more than the "
                f"headcount plan's {plan_heads[role_id]} (holiday weeks hold less time and visits come whole)"
            )
        base = len(manager_names)
        width = max(3, len(str(h)))
        manager_names.extend(f"{role_id}-{m + 1:0{width}d}" for m in range(h))
        manager_role.extend([role_id] * h)
        manager_counts.extend(per_manager.sum(axis=0).tolist())
        manager_load.append(rounding.load_minutes / 60.0)
        # Books: contiguous blocks of each tier's (role share of) customers.
        offsets_by_tier = []
        role_offset_in_tier = _role_offsets(split, role_id, role_tiers, scenario)
        for t, key in enumerate(role_tiers):
            start = tier_start[key] + role_offset_in_tier[key]
            offs = start + np.concatenate([[0], np.cumsum(per_manager[t])[:-1]]).astype(np.int64)
            offsets_by_tier.append(offs)
            owner = np.repeat(np.arange(h) + base, per_manager[t])
            manager_of[start : start + len(owner)] = owner
        for j, sp in enumerate(plans):
            st = streams[sp.index]
            mgr, week, pos = slot_rows(
                rounding.slots[j],
                rounding.served[j],
                per_manager[sp.tier_index],
                offsets_by_tier[sp.tier_index],
            )
            parts.append((mgr + base, week, pos, sp.index))
            tk = (st.channel, st.tier, st.kind)
            due_total[tk] = due_total.get(tk, 0) + rounding.slots[j].sum(axis=0)
            got_total[tk] = got_total.get(tk, 0) + rounding.served[j].sum(axis=0)
        util = rounding.load_minutes.sum(axis=0) / (h * cap_min)
        util = np.where(cap_min > 0, util, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mutil = np.where(cap_min[None, :] > 0, rounding.load_minutes / cap_min[None, :], 0.0)
        yearly = rounding.load_minutes.sum(axis=1) / 60.0
        mean = float(yearly.mean()) if h else 0.0
        roles_out.append(
            RoleSchedule(
                role=role_id,
                plan_headcount=plan_heads[role_id],
                managers=h,
                hours_per_head=hph,
                customers=int(sum(counts)),
                scheduled_hours=float(yearly.sum()),
                capacity_hours=h * hph,
                peak_utilization=float(util.max()) if n_w else 0.0,
                peak_week=int(util.argmax()) + 1 if n_w else 0,
                max_manager_utilization=float(mutil.max()) if mutil.size else 0.0,
                weeks_over_95=int((util > HOT_WEEK + 1e-9).sum()),
                weeks_over_capacity=int((mutil > 1 + 1e-9).any(axis=0).sum()),
                books_spread=float(np.abs(yearly - mean).max() / mean) if mean > 0 else 0.0,
                weekly_utilization=tuple(float(v) for v in util),
            )
        )
    schedule = _rows(customers, streams, parts, manager_names, cal)
    managers = _managers_frame(manager_names, manager_role, manager_counts, manager_load, n_w)
    tiers_out = _tier_summaries(scenario, cal, customers, streams, due_total, got_total, schedule)
    calendar = _week_infos(scenario, cal, roles_out)
    return ScheduleResult(
        scenario=scenario.name,
        year=cal.year,
        weeks=n_w,
        headcount=headcount,
        status=SolveStatus.OPTIMAL.value,
        solver=solver_used,
        customers_scheduled=int((manager_of >= 0).sum()),
        roles=roles_out,
        tiers=tiers_out,
        calendar=calendar,
        warnings=warnings,
        schedule=schedule,
        managers=managers,
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


def _period_weeks(cal: YearCalendar, per: str) -> list[list[int]]:
    """The week indices of each period (month, quarter or year) of ``cal``, in order."""
    out: dict[int, list[int]] = {}
    for w, p in enumerate(cal.period_index(per)):
        out.setdefault(p, []).append(w)
    return [out[p] for p in sorted(out)]


def _role_offsets(
    split: dict[tuple[str, str], dict[str, int]],
    role_id: str,
    role_tiers: Sequence[tuple[str, str]],
    scenario: Scenario,
) -> dict[tuple[str, str], int]:
    """Where ``role_id``'s share starts inside each tier's customers (roles take blocks in file order)."""
    out = {}
    for key in role_tiers:
        before = 0
        for r in scenario.roles:
            if r == role_id:
                break
            before += split[key].get(r, 0)
        out[key] = before
    return out


def _rows(
    customers: Customers,
    streams: list[_Stream],
    parts: list[tuple[Any, ...]],
    manager_names: list[str],
    cal: YearCalendar,
) -> pd.DataFrame:
    """schedule.csv's table, sorted by manager, week, customer and kind."""
    import numpy as np
    import pandas as pd

    if parts:
        mgr = np.concatenate([p[0] for p in parts])
        week = np.concatenate([p[1] for p in parts])
        pos = np.concatenate([p[2] for p in parts])
        sidx = np.concatenate([np.full(len(p[0]), p[3], dtype=np.int64) for p in parts])
    else:
        mgr = week = pos = sidx = np.zeros(0, dtype=np.int64)
    kind_code = (
        np.array([0 if st.kind == "visit" else 1 for st in streams], dtype=np.int64)[sidx]
        if len(sidx)
        else np.zeros(0, dtype=np.int64)
    )
    order = np.lexsort((kind_code, pos, week, mgr))
    mgr, week, pos, sidx = mgr[order], week[order], pos[order], sidx[order]
    names = np.array(manager_names, dtype=object)
    role_arr = np.array([st.role for st in streams], dtype=object)
    kind_arr = np.array([st.kind for st in streams], dtype=object)
    minutes_arr = np.array([st.minutes for st in streams])
    minutes = minutes_arr[sidx] if len(sidx) else np.zeros(0)
    if len(minutes) and np.all(minutes == np.round(minutes)):
        minutes = minutes.astype(np.int64)
    return pd.DataFrame(
        {
            "customer_id": customers.ids[pos],
            "manager_id": names[mgr] if len(mgr) else np.zeros(0, dtype=object),
            "role": role_arr[sidx] if len(sidx) else np.zeros(0, dtype=object),
            "channel": customers.channel[pos],
            "tier": customers.tier[pos],
            "week": week + 1,
            "kind": kind_arr[sidx] if len(sidx) else np.zeros(0, dtype=object),
            "minutes": minutes,
        }
    )


def _managers_frame(
    names: list[str], roles: list[str], counts: list[int], loads: list[Any], n_w: int
) -> pd.DataFrame:
    """managers.csv's table: one row per manager with yearly and weekly hours."""
    import numpy as np
    import pandas as pd

    hours = np.concatenate(loads, axis=0) if loads else np.zeros((0, n_w))
    df = pd.DataFrame({"manager_id": names, "role": roles, "customers": counts})
    df["yearly_hours"] = hours.sum(axis=1).round(2)
    weekly = pd.DataFrame(hours.round(2), columns=[f"w{w + 1:02d}" for w in range(n_w)])
    return pd.concat([df, weekly], axis=1)


def _tier_summaries(
    scenario: Scenario,
    cal: YearCalendar,
    customers: Customers,
    streams: list[_Stream],
    due_total: dict[tuple[str, str, str], Any],
    got_total: dict[tuple[str, str, str], Any],
    schedule: pd.DataFrame,
) -> list[TierSchedule]:
    """Per tier: required (customers x yearly standard) against scheduled rows, per quarter and per week."""
    import numpy as np

    n_w = cal.n_weeks
    quarter = np.array([w.quarter - 1 for w in cal.weeks])
    scheduled = _count_rows(schedule)
    counts: dict[tuple[str, str], int] = {}
    for c, t in zip(customers.channel.tolist(), customers.tier.tolist(), strict=True):
        counts[(c, t)] = counts.get((c, t), 0) + 1
    out = []
    for channel, tier in scenario.tiers():
        n = counts.get((channel, tier.id), 0)
        if n == 0 and scenario.customers(channel, tier.id) == 0:
            continue
        zero = np.zeros(n_w)
        # A tier nobody serves (no manager of a serving role) is due on an even spread and missed.
        due_v = np.asarray(
            due_total.get(
                (channel, tier.id, "visit"), _even_spread(cal, n, tier.visits.count, tier.visits.per)
            )
        )
        due_c = np.asarray(
            due_total.get((channel, tier.id, "call"), _even_spread(cal, n, tier.calls.count, tier.calls.per))
        )
        got_v = np.asarray(got_total.get((channel, tier.id, "visit"), zero))
        got_c = np.asarray(got_total.get((channel, tier.id, "call"), zero))
        req_v = n * tier.visits.per_year
        req_c = n * tier.calls.per_year
        sched_v = scheduled.get((channel, tier.id, "visit"), 0)
        sched_c = scheduled.get((channel, tier.id, "call"), 0)
        q_met = []
        for q in range(4):
            due_q = float(due_v[quarter == q].sum() + due_c[quarter == q].sum())
            got_q = float(got_v[quarter == q].sum() + got_c[quarter == q].sum())
            q_met.append(got_q / due_q if due_q > 0 else 1.0)
        # Contacts nobody was given (no serving role) count as missed in every week they were due.
        missed_v = due_v - got_v
        missed_c = due_c - got_c
        missed = tuple(
            MissedWeek(week=w + 1, visits=int(missed_v[w]), calls=int(missed_c[w]))
            for w in range(n_w)
            if missed_v[w] > 0 or missed_c[w] > 0
        )
        out.append(
            TierSchedule(
                channel=channel,
                tier=tier.id,
                customers=n,
                visit_standard=tier.visits.describe(),
                call_standard=tier.calls.describe(),
                required_visits=int(req_v),
                scheduled_visits=int(sched_v),
                required_calls=int(req_c),
                scheduled_calls=int(sched_c),
                shortfall_visits=int(req_v - sched_v),
                shortfall_calls=int(req_c - sched_c),
                quarter_met=tuple(q_met),
                missed=missed,
            )
        )
    return out


def _even_spread(cal: YearCalendar, customers: int, count: int, per: str) -> Any:
    """Contacts due per week when spread evenly over each period's weeks (whole numbers, exact totals)."""
    import numpy as np

    out = np.zeros(cal.n_weeks, dtype=np.int64)
    for weeks in _period_weeks(cal, per):
        total = customers * count
        cum = np.floor(total * np.arange(1, len(weeks) + 1) / len(weeks) + 1e-9).astype(np.int64)
        out[weeks] = np.diff(np.concatenate([[0], cum]))
    return out


def _count_rows(schedule: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    """Scheduled contacts per (channel, tier, kind), counted from the rows themselves."""
    if len(schedule) == 0:
        return {}
    grouped = schedule.groupby(["channel", "tier", "kind"], sort=True).size()
    return {(str(c), str(t), str(k)): int(v) for (c, t, k), v in grouped.items()}


def _week_infos(scenario: Scenario, cal: YearCalendar, roles: list[RoleSchedule]) -> list[WeekInfo]:
    """Every week's working days, holidays, hours booked and capacity across all roles."""
    out = []
    caps = {r.role: _capacity_hours(scenario, cal, r.role) for r in roles}
    for w, wk in enumerate(cal.weeks):
        cap = sum(r.managers * caps[r.role][w] for r in roles)
        hours = sum(r.weekly_utilization[w] * r.managers * caps[r.role][w] for r in roles)
        out.append(
            WeekInfo(
                week=wk.week,
                monday=wk.monday.isoformat(),
                month=wk.month,
                working_days=wk.working_days,
                holidays=wk.holidays,
                hours=hours,
                capacity_hours=cap,
                utilization=hours / cap if cap > 0 else 0.0,
            )
        )
    return out
