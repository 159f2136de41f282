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
from planner.i18n import _
from planner.model.lp import INF, Program, terms
from planner.model.response import ResponseCurve, response_terms
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus

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
    priority: float  # value of the tier's next hour at its coverage (weight / required hours)
    #: Value of the last hour the plan gives the tier (its hours within the plan are worth at least
    #: this; the next hour may be worth less, past a kink of its response curve).
    plan_priority: float
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

    def tier_hours(self) -> dict[TierKey, float]:
        """Hours a year each tier gets, from every role."""
        out: dict[TierKey, float] = {}
        for (_role, key), h in self.hours().items():
            out[key] = out.get(key, 0.0) + h
        return out

    def delivered(self, key: TierKey, kind: str) -> float:
        """Contacts of ``kind`` tier ``key`` gets over the year."""
        return sum(s.total for s in self.streams if s.key == key and s.kind == kind)


class _Build:
    """One build of the programme (columns and rows of a :class:`planner.model.lp.Program`)."""

    def __init__(
        self,
        p: CalendarProblem,
        *,
        full: bool,
        heads: Mapping[str, float] | None,
        integer: bool,
        limits: bool,
    ) -> None:
        self.p = p
        prog = self.prog = Program()
        cal = p.calendar
        n_w = cal.n_slots
        share = cal.slot_share()
        tiers = {t.key: t for t in p.tiers}
        #: a role's heads: a column, or a number when fixed
        self.h: dict[str, int | float] = {}
        for r in p.roles:
            if r.fixed_hours is not None:
                self.h[r.id] = float(r.current)
            elif heads is not None:
                self.h[r.id] = float(heads[r.id])
            else:
                up = float(r.max_headcount) if limits and r.max_headcount is not None else INF
                self.h[r.id] = prog.var(0.0, up, integer=integer)
        #: a tier's coverage: a column, or 1.0 when every standard is met
        self.c: dict[TierKey, int | float] = {}
        active = [t for t in p.tiers if t.customers > 0 and t.required_hours > 0]
        for t in active:
            if full:
                self.c[t.key] = 1.0
            else:
                low = min(t.min_coverage, 1.0) if p.use_min_coverage else 0.0
                self.c[t.key] = prog.var(low, 1.0)
        # Streams and their customer holdings.
        self.q: dict[tuple[str, TierKey], int] = {}
        self.meta: list[tuple[RoleSupply, TierDemand, ContactPart]] = []
        self.x: list[list[int]] = []
        calls_only = {r.id: r.calls_only for r in p.roles}
        for r in p.roles:
            for key in r.serves:
                found = tiers.get(key)
                if found is None or key not in self.c:
                    continue
                t = found
                parts = [pt for pt in t.parts if pt.per_year > 0 and (pt.kind == "call" or not r.calls_only)]
                if not parts:
                    continue
                q = prog.var(0.0, float(t.customers))
                self.q[(r.id, key)] = q
                for pt in parts:
                    row = prog.vars(n_w)
                    self.x.append(row)
                    self.meta.append((r, t, pt))
                    for slots in cal.period_slots(pt.per):
                        prog.row([(row[w], 1.0) for w in slots] + [(q, -float(pt.count))], hi=0.0)
                    for lo, hi in cal.windows(pt.gap):
                        prog.row([(row[w], 1.0) for w in range(lo, hi)] + [(q, -1.0)], hi=0.0)
        # Customers held, and what each tier gets.
        for t in active:
            visiting = [q for (rid, k), q in self.q.items() if k == t.key and not calls_only[rid]]
            calling = [q for (rid, k), q in self.q.items() if k == t.key and calls_only[rid]]
            if visiting:
                prog.row(terms(visiting), hi=float(t.customers))
            if calling:
                prog.row(terms(calling), hi=float(t.customers))
            for pt in t.parts:
                if pt.per_year <= 0:
                    continue
                idx = [s for s, (_, tt, pp) in enumerate(self.meta) if tt.key == t.key and pp.kind == pt.kind]
                total = [(j, 1.0) for s in idx for j in self.x[s]]
                need = t.customers * pt.per_year
                c = self.c[t.key]
                if isinstance(c, float):
                    prog.row(total, need * c, need * c)
                else:
                    prog.row([*total, (c, -float(need))], 0.0, 0.0)
                if calling and pt.kind == "call":
                    for slots in cal.period_slots(pt.per):
                        prog.row(
                            [(self.x[s][w], 1.0) for s in idx for w in slots],
                            hi=float(t.customers * pt.count),
                        )
        # Capacity per role and slot.
        self.load: dict[str, list[list[tuple[int, float]]]] = {}
        self.cap_rows: dict[str, list[int]] = {}
        for r in p.roles:
            mine = [s for s, (rr, _, _) in enumerate(self.meta) if rr.id == r.id]
            if not mine:
                continue
            loads = []
            rows = []
            for w in range(n_w):
                load = [(self.x[s][w], self.meta[s][2].minutes / 60.0) for s in mine]
                loads.append(load)
                h = self.h[r.id]
                if isinstance(h, float):
                    rows.append(prog.row(load, hi=_capacity(r, h) * share[w]))
                else:
                    rows.append(prog.row([*load, (h, -r.hours_per_head * share[w])], hi=0.0))
            self.load[r.id] = loads
            self.cap_rows[r.id] = rows
        chosen = [(r, self.h[r.id]) for r in p.roles if r.fixed_hours is None]
        self.cost = [(h, r.cost) for r, h in chosen if isinstance(h, int)]
        self.heads_terms = [(h, 1.0) for _, h in chosen if isinstance(h, int)]
        fixed_cost = sum(r.cost * h for r, h in chosen if isinstance(h, float))
        fixed_heads = sum(h for _, h in chosen if isinstance(h, float))
        self.value = _value(prog, active, self.c)
        fixed_streams = [s for s, (rr, _, _) in enumerate(self.meta) if rr.fixed_hours is not None]
        self.bonus: list[tuple[int, float]] = []
        if fixed_streams and not full:
            per_hour = [
                (t.revenue * m + t.tie) / t.required_hours
                if t.curve is not None
                else t.weight / t.required_hours
                for t in active
                for m in ([sl for _, sl in t.curve.segments()] if t.curve is not None else [1.0])
            ]
            eps = 1e-6 * min(per_hour) if per_hour else 1e-6
            self.bonus = [(v, eps * self.meta[s][2].minutes / 60.0) for s in fixed_streams for v in self.x[s]]
        if limits and heads is None:
            if p.budget is not None:
                prog.row(self.cost, hi=p.budget - fixed_cost)
            if p.max_total_headcount is not None:
                prog.row(self.heads_terms, hi=p.max_total_headcount - fixed_heads)

    def val(self, v: int | float) -> float:
        """A column's value after a solve (a number stays itself)."""
        return v if isinstance(v, float) else float(self.prog.x[v])

    def heads(self) -> dict[str, float]:
        return {k: self.val(v) for k, v in self.h.items()}

    def coverage(self) -> dict[TierKey, float]:
        out = {}
        for k, v in self.c.items():
            c = self.val(v)
            out[k] = 1.0 if c > 1 - COVERAGE_TOL else max(0.0, c)
        return out


def _value(
    prog: Program, active: list[TierDemand], coverage: Mapping[TierKey, int | float]
) -> list[tuple[int, float]]:
    """The value of coverage: each tier's response curve (revenue kept) or weight x coverage."""
    out: list[tuple[int, float]] = []
    for t in active:
        c = coverage[t.key]
        if isinstance(c, float):
            continue
        if t.curve is None:
            out.append((c, t.weight))
        else:
            out.extend(response_terms(prog, c, t.curve, t.revenue))
            out.append((c, t.tie))
    return out


def _hour_value(t: TierDemand, coverage: float, *, last: bool = False) -> float:
    """What the next hour of tier ``t`` is worth at ``coverage`` (whole contacts go to the dearest
    first); with ``last``, what the last hour up to ``coverage`` is worth."""
    need = t.required_hours
    if need <= 0:
        return 0.0
    if t.curve is None:
        return t.weight / need
    slope = t.curve.last_slope(coverage) if last else t.curve.next_slope(min(coverage, 1.0 - 1e-9))
    return (t.revenue * slope + t.tie) / need


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
    """Solve the calendar model: choose heads (or take ``p.heads``), allocate, spread the load.

    Roles that share no tier (directly or through other roles) and no branch-wide limit are
    independent programmes: each group is solved on its own (the same optimum, far smaller solves).
    """
    groups = _independent_groups(p)
    if len(groups) > 1:
        return _merge(p, [solve_calendar(_subproblem(p, g)) for g in groups])
    return _solve_whole(p)


def allocation_size(p: CalendarProblem, heads: Mapping[str, float]) -> tuple[int, int]:
    """(columns, rows) of the allocation programme at ``heads``, before the spread (for benchmarks)."""
    build = _Build(p, full=False, heads=heads, integer=False, limits=False)
    return build.prog.n_cols, build.prog.n_rows


def _independent_groups(p: CalendarProblem) -> list[list[str]]:
    """Roles linked by the tiers they serve, in the problem's role order; one group when a branch-wide
    limit (budget, total headcount) ties every role, or a tier with work is served by no role."""
    if p.heads is None and (p.budget is not None or p.max_total_headcount is not None):
        return [[r.id for r in p.roles]]
    active = {t.key for t in p.tiers if t.customers > 0 and t.required_hours > 0}
    parent = {r.id: r.id for r in p.roles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[TierKey, str] = {}
    for r in p.roles:
        for key in r.serves:
            if key not in active:
                continue
            if key in owner:
                parent[find(r.id)] = find(owner[key])
            else:
                owner[key] = r.id
    if active - set(owner):
        return [[r.id for r in p.roles]]
    groups: dict[str, list[str]] = {}
    for r in p.roles:
        groups.setdefault(find(r.id), []).append(r.id)
    return list(groups.values())


def _subproblem(p: CalendarProblem, group: list[str]) -> CalendarProblem:
    from dataclasses import replace

    roles = tuple(r for r in p.roles if r.id in group)
    served = {k for r in roles for k in r.serves}
    return replace(p, roles=roles, tiers=tuple(t for t in p.tiers if t.key in served))


def _merge(p: CalendarProblem, parts: list[CalendarSolution]) -> CalendarSolution:
    """One solution from the independent groups' (streams in the whole problem's role order)."""
    failed = next((s for s in parts if not s.ok), None)
    if failed is not None:
        return failed
    order = {r.id: i for i, r in enumerate(p.roles)}
    coverage = {t.key: 1.0 for t in p.tiers}
    for s in parts:
        coverage.update(s.coverage)
    streams = sorted((st for s in parts for st in s.streams), key=lambda st: order[st.role])
    modes = {s.mode for s in parts}
    return CalendarSolution(
        status=SolveStatus.OPTIMAL,
        solver=parts[0].solver,
        mode="max_coverage" if "max_coverage" in modes else "meet_standards",
        heads={r.id: h for s in parts for r in p.roles if (h := s.heads.get(r.id)) is not None},
        coverage={t.key: coverage[t.key] for t in p.tiers},
        streams=tuple(streams),
        peak={k: v for s in parts for k, v in s.peak.items()},
        value_per_hour={
            r.id: v for s in parts for r in p.roles if (v := s.value_per_hour.get(r.id)) is not None
        },
        calendar_bound=any(s.calendar_bound for s in parts),
    )


def _solve_whole(p: CalendarProblem) -> CalendarSolution:
    """:func:`solve_calendar` on one programme."""
    if p.heads is not None:
        heads = {r.id: float(p.heads.get(r.id, r.current)) for r in p.roles}
        return _allocate(p, heads, "max_coverage", "")
    # 1. Every standard met at least cost: relaxation, each role rounded up, checked.
    relax = _Build(p, full=True, heads=None, integer=False, limits=True)
    relax.prog.set_objective(relax.cost, maximize=False)
    out = relax.prog.solve(p.solver, p.time_limit)
    if out.status.is_ok:
        heads = {r: float(_ceil(v)) for r, v in relax.heads().items()}
        if not _shares_tiers(p) and _within_limits(p, heads):
            return _allocate(p, heads, "meet_standards", out.solver)
        mip = _Build(p, full=True, heads=None, integer=True, limits=True)
        mip.prog.set_objective(mip.cost, maximize=False)
        out = mip.prog.solve(p.solver, p.time_limit, gap_rel=MIP_GAP)
        if out.status.is_ok:
            return _allocate(
                p, {r: float(round(v)) for r, v in mip.heads().items()}, "meet_standards", out.solver
            )
    if out.status not in (SolveStatus.INFEASIBLE,):
        return _failed(p, out.status, out.solver)
    # 2. The limits (or the calendar itself) make that impossible: the most valuable coverage within
    # them, then least cost.
    free = _Build(p, full=True, heads=None, integer=False, limits=False)
    free.prog.set_objective(free.cost, maximize=False)
    rules = free.prog.solve(p.solver, p.time_limit).status is SolveStatus.INFEASIBLE
    best = _Build(p, full=False, heads=None, integer=True, limits=True)
    best.prog.set_objective(best.value, maximize=True)
    out = best.prog.solve(p.solver, p.time_limit, gap_rel=MIP_GAP)
    if not out.status.is_ok:
        why = (
            _("min_coverage cannot be met within the scenario's limits in the plan year's calendar")
            if out.status is SolveStatus.INFEASIBLE
            else None
        )
        return _failed(p, out.status, out.solver, why)
    value = float(out.objective or 0.0)
    cheapest = _Build(p, full=False, heads=None, integer=True, limits=True)
    cheapest.prog.row(cheapest.value, lo=value - 1e-6 * max(1.0, abs(value)))
    cheapest.prog.set_objective(
        cheapest.cost + [(j, 1e-6 * a) for j, a in cheapest.heads_terms], maximize=False
    )
    second = cheapest.prog.solve(p.solver, p.time_limit, gap_rel=MIP_GAP)
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
    model = _Build(p, full=False, heads=heads, integer=False, limits=False)
    prog = model.prog
    prog.set_objective(model.value + model.bonus, maximize=True)
    out = prog.solve(p.solver, p.time_limit)
    if out.status is SolveStatus.INFEASIBLE and p.use_min_coverage:
        from dataclasses import replace

        return _allocate(replace(p, use_min_coverage=False), heads, mode, solver_used)
    if not out.status.is_ok:
        return _failed(p, out.status, out.solver)
    cov = model.coverage()
    value_per_hour = _value_per_hour(p, model)
    # Keep that coverage, and the hours roles with fixed hours took (paid for anyway); then spread
    # each role's load as evenly as the rules allow (least peak).
    for k, c in cov.items():
        var = model.c[k]
        if not isinstance(var, float):
            prog.set_bounds(var, max(0.0, min(c, 1.0) - 1e-9), 1.0)
    for r in p.roles:
        if r.fixed_hours is not None and r.id in model.load:
            flat = [term for load in model.load[r.id] for term in load]
            took = sum(a * prog.x[j] for j, a in flat)
            prog.row(flat, lo=took * (1 - 1e-9) - 1e-9)
    u: dict[str, int] = {}
    share = p.calendar.slot_share()
    for r in p.roles:
        if r.id not in model.load or not p.spread:
            continue
        u[r.id] = prog.var(0.0)
        cap = _capacity(r, heads[r.id])
        for w, load in enumerate(model.load[r.id]):
            if share[w] > 0 and cap > 0:
                prog.row([*load, (u[r.id], -cap * share[w])], hi=0.0)
    peak: dict[str, float] = {}
    if p.spread and u:
        prog.set_objective(terms(list(u.values())), maximize=False)
        if prog.solve(p.solver, p.time_limit).status.is_ok:
            peak = {rid: float(prog.x[v]) for rid, v in u.items()}
            # At that peak, each stream as close as it goes to its period's contacts spread in
            # proportion to working days: a smooth plan is what whole contacts per manager can follow.
            for rid, v in u.items():
                prog.set_bounds(v, 0.0, peak[rid] * (1 + 1e-7) + 1e-9)
            prog.set_objective(_smoothness(model, p), maximize=False)
            if not prog.solve(p.solver, p.time_limit).status.is_ok:  # pragma: no cover - feasible above
                for v in u.values():
                    prog.set_bounds(v, 0.0, INF)
                prog.set_objective(terms(list(u.values())), maximize=False)
                prog.solve(p.solver, p.time_limit)
    final_cov = model.coverage()
    for t in p.tiers:
        if t.key not in final_cov:
            final_cov[t.key] = 1.0
    streams = []
    for s, (r, t, pt) in enumerate(model.meta):
        q = model.q[(r.id, t.key)]
        contacts = tuple(_clean(prog.x[j]) for j in model.x[s])
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
                plan_priority=_hour_value(t, final_cov.get(t.key, 1.0), last=True),
                customers=_clean(prog.x[q]),
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


def _smoothness(model: _Build, p: CalendarProblem) -> list[tuple[int, float]]:
    """Minutes of each stream away from its period total spread in proportion to working days."""
    prog = model.prog
    cal = p.calendar
    wd = [s.working_days for s in cal.slots]
    out: list[tuple[int, float]] = []
    cols: list[list[int]] = []
    coefs: list[list[float]] = []
    for s, (_role, _tier, pt) in enumerate(model.meta):
        row = model.x[s]
        for slots in cal.period_slots(pt.per):
            total_wd = sum(wd[w] for w in slots)
            period_cols = [row[v] for v in slots]
            for i, w in enumerate(slots):
                d = prog.var(0.0)
                share = wd[w] / total_wd if total_wd > 0 else 0.0
                # x[w] - share x sum(period) - d <= 0 and its negation: |deviation| <= d.
                dev = [-share] * len(slots)
                dev[i] += 1.0
                cols.append([*period_cols, d])
                coefs.append([*dev, -1.0])
                cols.append([*period_cols, d])
                coefs.append([*(-a for a in dev), -1.0])
                out.append((d, pt.minutes))
    prog.rows(cols, coefs, -INF, 0.0)
    return out


def _value_per_hour(p: CalendarProblem, model: _Build) -> dict[str, float]:
    """d(value)/d(a role's yearly hours): its capacity duals weighted by each slot's share."""
    share = p.calendar.slot_share()
    duals = model.prog.duals
    return {
        r.id: sum(abs(duals[row]) * share[w] for w, row in enumerate(model.cap_rows.get(r.id, ())))
        for r in p.roles
    }


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
        explanation=why
        or _("the calendar model stopped without a plan ({status})").format(status=status.value),
    )
