"""The calendar-aware model of a branch: headcount and allocation over the plan year's working days.

One linear (mixed-integer where heads are chosen) programme over the slots of
:func:`planner.data.calendar.plan_calendar`. Every number any command shows about headcount or
delivered service comes from here (``plan``, ``schedule``, ``boundary``, ``compare``, ``hire``):

Variables
    ``h_r`` heads of role r (fixed, or chosen: integer), ``c_t`` the share of tier t's standard that
    is delivered (1 when every standard is met), ``q_rt`` the customers of tier t that role r holds,
    and ``x_s,w`` contacts of stream s (a role's visits or phone contacts to one tier) in slot w.
Constraints, for every stream s = (r, t, kind) with standard "count per period"
    * period: the contacts in each month / quarter / year the standard names are at most
      ``q_rt x count`` (exactly, when every standard is met);
    * spacing: no run of ``g`` ISO weeks holds more than ``q_rt`` contacts, ``g`` half the even
      interval between a customer's contacts (:func:`planner.data.calendar.min_gap_weeks`), so the
      whole-contact calendar can keep every customer's contacts ``g`` weeks apart; at most one phone
      contact a customer a week;
    * customers: the roles that visit a tier hold at most its customers, and so do the call-only roles;
    * delivered: tier t gets ``c_t`` of its visits and ``c_t`` of its phone contacts over the year,
      never more than the standard in a period (visits and calls are delivered in proportion);
    * capacity: a role's minutes in a slot are within ``h_r x`` its hours a head x the slot's share
      of the year's working days (or its ``fixed_hours`` spread the same way).
Objectives
    ``meet_standards``: every ``c_t = 1`` at least cost. ``max_coverage`` (limits make that impossible,
    or heads are fixed): maximise the value of coverage ``sum_t w_t c_t`` (w = revenue at risk, the
    annual model's weight), then the least cost at that value. Last, with heads and coverage fixed, the
    peak slot utilisation of each role is minimised so load is spread evenly (room for whole contacts).

Heads are chosen by solving the relaxation, rounding each role up and checking; where roles share
tiers (or a limit is hit) the integer programme is solved instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from planner.data.calendar import PlanCalendar, min_gap_weeks
from planner.model.response import ResponseCurve, add_response
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus, solve

TierKey = tuple[str, str]
Mode = Literal["meet_standards", "max_coverage"]

#: Relative MIP gap (plans are small: ask for proven optimality).
MIP_GAP = 1e-7
#: Coverage within this of 1 counts as met.
COVERAGE_TOL = 1e-7


@dataclass(frozen=True)
class ContactPart:
    """One kind of contact a tier's standard asks: ``count`` per ``per``, ``minutes`` each."""

    kind: str  # "visit" or "call"
    count: int
    per: str
    per_year: int
    minutes: float

    @property
    def gap(self) -> int:
        """Weeks between one customer's consecutive contacts of this kind (1 for calls: one a week)."""
        return min_gap_weeks(self.per_year) if self.kind == "visit" else 1


@dataclass(frozen=True)
class TierDemand:
    """A tier: its customers, what its standard asks, and what an hour of its service is worth."""

    key: TierKey
    customers: int
    parts: tuple[ContactPart, ...]
    weight: float
    min_coverage: float = 0.0
    #: The tier's response curve (objective ``response``), its annual revenue and tie-breaker weight;
    #: without a curve the tier's value is ``weight x coverage`` (objective ``linear``).
    curve: ResponseCurve | None = None
    revenue: float = 0.0
    tie: float = 0.0

    @property
    def required_hours(self) -> float:
        """Hours a year the standard asks for all its customers."""
        return self.customers * sum(p.per_year * p.minutes for p in self.parts) / 60.0


@dataclass(frozen=True)
class RoleSupply:
    """A role: what one head gives and costs, what it may serve, its limits."""

    id: str
    hours_per_head: float
    cost: float
    serves: tuple[TierKey, ...]
    calls_only: bool
    current: int
    max_headcount: int | None = None
    fixed_hours: float | None = None


@dataclass(frozen=True)
class CalendarProblem:
    """The branch over one plan year. ``heads`` fixes headcount (else it is chosen)."""

    calendar: PlanCalendar
    tiers: tuple[TierDemand, ...]
    roles: tuple[RoleSupply, ...]
    heads: Mapping[str, int] | None = None
    budget: float | None = None
    max_total_headcount: int | None = None
    use_min_coverage: bool = True
    solver: str = "auto"
    time_limit: float = DEFAULT_TIME_LIMIT
    #: Spread each role's load evenly and smooth each stream (what whole contacts per manager need);
    #: off when only coverage is wanted (``plan --headcount current``).
    spread: bool = True


@dataclass(frozen=True)
class Stream:
    """A role's contacts of one kind to one tier, per slot of the year."""

    role: str
    key: TierKey
    kind: str
    count: int
    per: str
    per_year: int
    minutes: float
    gap: int
    priority: float  # value of an hour of the tier (weight / required hours)
    customers: float  # q_rt: customers of the tier the role holds (continuous)
    contacts: tuple[float, ...]  # per slot

    @property
    def total(self) -> float:
        """Contacts over the year."""
        return float(sum(self.contacts))


@dataclass(frozen=True)
class CalendarSolution:
    """What the calendar model says: heads, coverage per tier, and the contacts per stream and slot."""

    status: SolveStatus
    solver: str
    mode: Mode
    heads: dict[str, int]
    coverage: dict[TierKey, float]
    streams: tuple[Stream, ...]
    peak: dict[str, float] = field(default_factory=dict)
    #: Value (the objective's units, CNY of revenue at risk) of one more customer hour a year of a role.
    value_per_hour: dict[str, float] = field(default_factory=dict)
    explanation: str | None = None
    #: True when no headcount can meet every standard: the plan year's calendar cannot hold it (a month
    #: with fewer working weeks than contacts a customer must get one a week, visits g weeks apart).
    calendar_bound: bool = False

    @property
    def ok(self) -> bool:
        """True when the model was solved."""
        return self.status.is_ok

    def hours(self) -> dict[tuple[str, TierKey], float]:
        """Hours a year each role gives each tier."""
        out: dict[tuple[str, TierKey], float] = {}
        for s in self.streams:
            k = (s.role, s.key)
            out[k] = out.get(k, 0.0) + s.total * s.minutes / 60.0
        return out

    def delivered(self, key: TierKey, kind: str) -> float:
        """Contacts of ``kind`` tier ``key`` gets over the year."""
        return sum(s.total for s in self.streams if s.key == key and s.kind == kind)


class _Build:
    """One build of the programme."""

    def __init__(
        self,
        p: CalendarProblem,
        *,
        full: bool,
        heads: Mapping[str, float] | None,
        integer: bool,
        limits: bool,
    ) -> None:
        import pulp

        self.pulp = pulp
        self.p = p
        cal = p.calendar
        n_w = cal.n_slots
        share = cal.slot_share()
        self.prob = pulp.LpProblem("calendar", pulp.LpMinimize)
        tiers = {t.key: t for t in p.tiers}
        self.h: dict[str, Any] = {}
        for i, r in enumerate(p.roles):
            if r.fixed_hours is not None:
                self.h[r.id] = float(r.current)
            elif heads is not None:
                self.h[r.id] = float(heads[r.id])
            else:
                cat = pulp.LpInteger if integer else pulp.LpContinuous
                up = r.max_headcount if limits else None
                self.h[r.id] = pulp.LpVariable(f"h_{i}", lowBound=0, upBound=up, cat=cat)
        self.c: dict[TierKey, Any] = {}
        active = [t for t in p.tiers if t.customers > 0 and t.required_hours > 0]
        for j, t in enumerate(active):
            if full:
                self.c[t.key] = 1.0
            else:
                low = min(t.min_coverage, 1.0) if p.use_min_coverage else 0.0
                self.c[t.key] = pulp.LpVariable(f"c_{j}", lowBound=low, upBound=1)
        # Streams and their customer holdings.
        self.q: dict[tuple[str, TierKey], Any] = {}
        self.meta: list[tuple[RoleSupply, TierDemand, ContactPart]] = []
        self.x: list[list[Any]] = []
        for i, r in enumerate(p.roles):
            for key in r.serves:
                found = tiers.get(key)
                if found is None or key not in self.c:
                    continue
                t = found
                parts = [pt for pt in t.parts if pt.per_year > 0 and (pt.kind == "call" or not r.calls_only)]
                if not parts:
                    continue
                j = active.index(t)
                q = pulp.LpVariable(f"q_{i}_{j}", lowBound=0, upBound=t.customers)
                self.q[(r.id, key)] = q
                for pt in parts:
                    s = len(self.x)
                    row = [pulp.LpVariable(f"x_{s}_{w}", lowBound=0) for w in range(n_w)]
                    self.x.append(row)
                    self.meta.append((r, t, pt))
                    for per_i, slots in enumerate(cal.period_slots(pt.per)):
                        self.prob += (
                            pulp.lpSum(row[w] for w in slots) - pt.count * q <= 0,
                            f"per_{s}_{per_i}",
                        )
                    for a, (lo, hi) in enumerate(cal.windows(pt.gap)):
                        self.prob += pulp.lpSum(row[lo:hi]) - q <= 0, f"gap_{s}_{a}"
        # Customers held, and what each tier gets.
        for j, t in enumerate(active):
            visiting = [q for (rid, k), q in self.q.items() if k == t.key and not _role(p, rid).calls_only]
            calling = [q for (rid, k), q in self.q.items() if k == t.key and _role(p, rid).calls_only]
            if visiting:
                self.prob += pulp.lpSum(visiting) <= t.customers, f"held_{j}"
            if calling:
                self.prob += pulp.lpSum(calling) <= t.customers, f"held_calls_{j}"
            for pt in t.parts:
                if pt.per_year <= 0:
                    continue
                idx = [s for s, (_, tt, pp) in enumerate(self.meta) if tt.key == t.key and pp.kind == pt.kind]
                total = pulp.lpSum(self.x[s][w] for s in idx for w in range(n_w))
                self.prob += (
                    total - t.customers * pt.per_year * self.c[t.key] == 0,
                    f"got_{j}_{pt.kind}",
                )
                if calling and pt.kind == "call":
                    for per_i, slots in enumerate(cal.period_slots(pt.per)):
                        self.prob += (
                            pulp.lpSum(self.x[s][w] for s in idx for w in slots) <= t.customers * pt.count,
                            f"tierper_{j}_{per_i}",
                        )
        # Capacity per role and slot.
        self.load: dict[str, list[Any]] = {}
        for i, r in enumerate(p.roles):
            mine = [s for s, (rr, _, _) in enumerate(self.meta) if rr.id == r.id]
            if not mine:
                continue
            loads = []
            for w in range(n_w):
                load = pulp.lpSum(self.meta[s][2].minutes / 60.0 * self.x[s][w] for s in mine)
                loads.append(load)
                cap = _capacity(r, self.h[r.id]) * share[w]
                self.prob += load - cap <= 0, f"cap_{i}_{w}"
            self.load[r.id] = loads
        self.cost = pulp.lpSum(r.cost * self.h[r.id] for r in p.roles if r.fixed_hours is None)
        self.heads_expr = pulp.lpSum(self.h[r.id] for r in p.roles if r.fixed_hours is None)
        self.value = _value(self.prob, active, self.c)
        fixed_streams = [s for s, (rr, _, _) in enumerate(self.meta) if rr.fixed_hours is not None]
        self.bonus: Any = 0
        if fixed_streams and not full:
            per_hour = [
                (t.revenue * m + t.tie) / t.required_hours
                if t.curve is not None
                else t.weight / t.required_hours
                for t in active
                for m in ([sl for _, sl in t.curve.segments()] if t.curve is not None else [1.0])
            ]
            eps = 1e-6 * min(per_hour) if per_hour else 1e-6
            self.bonus = eps * pulp.lpSum(
                self.meta[s][2].minutes / 60.0 * v for s in fixed_streams for v in self.x[s]
            )
        if limits and heads is None:
            if p.budget is not None:
                self.prob += self.cost <= p.budget, "budget"
            if p.max_total_headcount is not None:
                self.prob += self.heads_expr <= p.max_total_headcount, "max_total_headcount"

    def heads(self) -> dict[str, float]:
        return {k: (v if isinstance(v, float) else float(v.value() or 0.0)) for k, v in self.h.items()}

    def coverage(self) -> dict[TierKey, float]:
        out = {}
        for k, v in self.c.items():
            c = v if isinstance(v, float) else float(v.value() or 0.0)
            out[k] = 1.0 if c > 1 - COVERAGE_TOL else max(0.0, c)
        return out


def _value(prob: Any, active: list[TierDemand], coverage: Mapping[TierKey, Any]) -> Any:
    """The value of coverage: each tier's response curve (revenue kept) or weight x coverage."""
    import pulp

    terms = []
    for j, t in enumerate(active):
        c = coverage[t.key]
        if isinstance(c, float):
            continue
        if t.curve is None:
            terms.append(t.weight * c)
        else:
            terms.append(add_response(prob, c, t.curve, t.revenue, f"resp_{j}"))
            terms.append(t.tie * c)
    return pulp.lpSum(terms)


def _hour_value(t: TierDemand, coverage: float) -> float:
    """What the next hour of tier ``t`` is worth at ``coverage`` (whole contacts go to the dearest first)."""
    need = t.required_hours
    if need <= 0:
        return 0.0
    if t.curve is None:
        return t.weight / need
    return (t.revenue * t.curve.next_slope(min(coverage, 1.0 - 1e-9)) + t.tie) / need


def _role(p: CalendarProblem, rid: str) -> RoleSupply:
    for r in p.roles:
        if r.id == rid:
            return r
    raise KeyError(rid)


def _capacity(r: RoleSupply, heads: Any) -> Any:
    if r.fixed_hours is not None:
        return r.fixed_hours
    return r.hours_per_head * heads


def solve_calendar(p: CalendarProblem) -> CalendarSolution:
    """Solve the calendar model: choose heads (or take ``p.heads``), allocate, spread the load."""
    if p.heads is not None:
        heads = {r.id: float(p.heads.get(r.id, r.current)) for r in p.roles}
        return _allocate(p, heads, "max_coverage", "")
    # 1. Every standard met at least cost: relaxation, each role rounded up, checked.
    relax = _Build(p, full=True, heads=None, integer=False, limits=True)
    relax.prob.sense = relax.pulp.LpMinimize
    relax.prob.setObjective(relax.cost)
    out = solve(relax.prob, p.solver, p.time_limit)
    if out.status.is_ok:
        heads = {r: float(_ceil(v)) for r, v in relax.heads().items()}
        if not _shares_tiers(p) and _within_limits(p, heads):
            return _allocate(p, heads, "meet_standards", out.solver)
        mip = _Build(p, full=True, heads=None, integer=True, limits=True)
        mip.prob.setObjective(mip.cost)
        out = solve(mip.prob, p.solver, p.time_limit, gap_rel=MIP_GAP)
        if out.status.is_ok:
            return _allocate(
                p, {r: float(round(v)) for r, v in mip.heads().items()}, "meet_standards", out.solver
            )
    if out.status not in (SolveStatus.INFEASIBLE,):
        return _failed(p, out.status, out.solver)
    # 2. The limits (or the calendar itself) make that impossible: the most valuable coverage within
    # them, then least cost.
    free = _Build(p, full=True, heads=None, integer=False, limits=False)
    free.prob.setObjective(free.cost)
    rules = solve(free.prob, p.solver, p.time_limit).status is SolveStatus.INFEASIBLE
    best = _Build(p, full=False, heads=None, integer=True, limits=True)
    best.prob.sense = best.pulp.LpMaximize
    best.prob.setObjective(best.value)
    out = solve(best.prob, p.solver, p.time_limit, gap_rel=MIP_GAP)
    if not out.status.is_ok:
        why = (
            "min_coverage cannot be met within the scenario's limits in the plan year's calendar"
            if out.status is SolveStatus.INFEASIBLE
            else None
        )
        return _failed(p, out.status, out.solver, why)
    value = float(out.objective or 0.0)
    cheapest = _Build(p, full=False, heads=None, integer=True, limits=True)
    cheapest.prob += cheapest.value >= value - 1e-6 * max(1.0, abs(value)), "value_floor"
    cheapest.prob.setObjective(cheapest.cost + 1e-6 * cheapest.heads_expr)
    second = solve(cheapest.prob, p.solver, p.time_limit, gap_rel=MIP_GAP)
    model = cheapest if second.status.is_ok else best
    heads = {r: float(round(v)) for r, v in model.heads().items()}
    from dataclasses import replace

    return replace(_allocate(p, heads, "max_coverage", out.solver), calendar_bound=rules)


def _ceil(v: float) -> int:
    r = round(v)
    return int(r) if abs(v - r) < 1e-6 else math.ceil(v)


def _shares_tiers(p: CalendarProblem) -> bool:
    seen: set[TierKey] = set()
    for r in p.roles:
        if r.fixed_hours is not None:
            continue
        mine = set(r.serves)
        if mine & seen:
            return True
        seen |= mine
    return False


def _within_limits(p: CalendarProblem, heads: Mapping[str, float]) -> bool:
    choose = [r for r in p.roles if r.fixed_hours is None]
    cost = sum(r.cost * heads[r.id] for r in choose)
    total = sum(heads[r.id] for r in choose)
    if p.budget is not None and cost > p.budget + 1e-6:
        return False
    if p.max_total_headcount is not None and total > p.max_total_headcount:
        return False
    return all(r.max_headcount is None or heads[r.id] <= r.max_headcount for r in choose)


def _allocate(p: CalendarProblem, heads: dict[str, float], mode: Mode, solver_used: str) -> CalendarSolution:
    """With heads fixed: the most valuable coverage, then the load spread as evenly as it goes."""
    first = _Build(p, full=False, heads=heads, integer=False, limits=False)
    first.prob.sense = first.pulp.LpMaximize
    first.prob.setObjective(first.value + first.bonus)
    out = solve(first.prob, p.solver, p.time_limit)
    if out.status is SolveStatus.INFEASIBLE and p.use_min_coverage:
        from dataclasses import replace

        return _allocate(replace(p, use_min_coverage=False), heads, mode, solver_used)
    if not out.status.is_ok:
        return _failed(p, out.status, out.solver)
    cov = first.coverage()
    value_per_hour = _value_per_hour(p, first)
    model = first
    pulp = model.pulp
    # Keep that coverage, and the hours roles with fixed hours took (paid for anyway); then spread
    # each role's load as evenly as the rules allow (least peak).
    for k, c in cov.items():
        var = model.c[k]
        if not isinstance(var, float):
            var.lowBound = max(0.0, min(c, 1.0) - 1e-9)
    for i, r in enumerate(p.roles):
        if r.fixed_hours is not None and r.id in model.load:
            took = sum(float(pulp.value(x) or 0.0) for x in model.load[r.id])
            model.prob += pulp.lpSum(model.load[r.id]) >= took * (1 - 1e-9) - 1e-9, f"kept_{i}"
    u = {}
    share = p.calendar.slot_share()
    for i, r in enumerate(p.roles):
        if r.id not in model.load or not p.spread:
            continue
        u[r.id] = pulp.LpVariable(f"u_{i}", lowBound=0)
        cap = _capacity(r, heads[r.id])
        for w, load in enumerate(model.load[r.id]):
            if share[w] > 0 and cap > 0:
                model.prob += load - cap * share[w] * u[r.id] <= 0, f"peak_{i}_{w}"
    model.prob.sense = pulp.LpMinimize
    model.prob.setObjective(pulp.lpSum(u.values()))
    peak: dict[str, float] = {}
    if p.spread and solve(model.prob, p.solver, p.time_limit).status.is_ok:
        peak = {rid: float(v.value() or 0.0) for rid, v in u.items()}
        # At that peak, each stream as close as it goes to its period's contacts spread in
        # proportion to working days: a smooth plan is what whole contacts per manager can follow.
        for rid, v in u.items():
            v.upBound = peak[rid] * (1 + 1e-7) + 1e-9
        model.prob.setObjective(_smoothness(model, p))
        if not solve(model.prob, p.solver, p.time_limit).status.is_ok:  # pragma: no cover - feasible above
            for v in u.values():
                v.upBound = None
            model.prob.setObjective(pulp.lpSum(u.values()))
            solve(model.prob, p.solver, p.time_limit)
    final_cov = model.coverage()
    for t in p.tiers:
        if t.key not in final_cov:
            final_cov[t.key] = 1.0
    streams = []
    for s, (r, t, pt) in enumerate(model.meta):
        q = model.q[(r.id, t.key)]
        contacts = tuple(_clean(v.value()) for v in model.x[s])
        streams.append(
            Stream(
                role=r.id,
                key=t.key,
                kind=pt.kind,
                count=pt.count,
                per=pt.per,
                per_year=pt.per_year,
                minutes=pt.minutes,
                gap=pt.gap,
                priority=_hour_value(t, final_cov.get(t.key, 1.0)),
                customers=_clean(q.value()),
                contacts=contacts,
            )
        )
    int_heads = {r: round(v) for r, v in heads.items()}
    return CalendarSolution(
        status=SolveStatus.OPTIMAL,
        solver=solver_used or out.solver,
        mode=mode if all(v >= 1.0 for v in final_cov.values()) or mode == "max_coverage" else "max_coverage",
        heads=int_heads,
        coverage=final_cov,
        streams=tuple(streams),
        peak=peak,
        value_per_hour=value_per_hour,
    )


def _smoothness(model: _Build, p: CalendarProblem) -> Any:
    """Minutes of each stream away from its period total spread in proportion to working days."""
    pulp = model.pulp
    cal = p.calendar
    wd = [s.working_days for s in cal.slots]
    terms = []
    for s, (_, _, pt) in enumerate(model.meta):
        row = model.x[s]
        for slots in cal.period_slots(pt.per):
            total_wd = sum(wd[w] for w in slots)
            period_total = pulp.lpSum(row[w] for w in slots)
            for w in slots:
                d = pulp.LpVariable(f"d_{s}_{w}", lowBound=0)
                even = period_total * (wd[w] / total_wd) if total_wd > 0 else 0
                model.prob += row[w] - even - d <= 0, f"dp_{s}_{w}"
                model.prob += even - row[w] - d <= 0, f"dm_{s}_{w}"
                terms.append(pt.minutes * d)
    return pulp.lpSum(terms)


def _value_per_hour(p: CalendarProblem, model: _Build) -> dict[str, float]:
    """d(value)/d(a role's yearly hours): its capacity duals weighted by each slot's share."""
    from planner.model.solver import constraint, has_constraint

    share = p.calendar.slot_share()
    out = {}
    for i, r in enumerate(p.roles):
        total = 0.0
        for w in range(p.calendar.n_slots):
            name = f"cap_{i}_{w}"
            if has_constraint(model.prob, name):
                total += abs(constraint(model.prob, name).pi or 0.0) * share[w]
        out[r.id] = total
    return out


def _clean(v: float | None) -> float:
    x = float(v or 0.0)
    r = round(x)
    return float(r) if abs(x - r) < 1e-7 else max(0.0, x)


def _failed(p: CalendarProblem, status: SolveStatus, solver: str, why: str | None = None) -> CalendarSolution:
    return CalendarSolution(
        status=status if status is not SolveStatus.OPTIMAL else SolveStatus.NOT_SOLVED,
        solver=solver,
        mode="meet_standards",
        heads={},
        coverage={},
        streams=(),
        explanation=why or f"the calendar model stopped without a plan ({status.value})",
    )
