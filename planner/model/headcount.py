"""The headcount model: which roles, how many heads, and which tiers' hours each role covers.

One mixed-integer program, built from :mod:`planner.model.workload`, in two modes:

``meet_standards``
    Every tier at 100 % of its standard, at least annual cost, within the limits (``budget``,
    ``max_total_headcount``, each role's ``max_headcount``).
``max_coverage``
    When the limits make that impossible: maximise the revenue kept over the year,
    ``sum_t revenue_t * kept_t(coverage_t)`` with each tier's concave response curve
    (:mod:`planner.model.response`; objective ``response``, the default), or, with objective
    ``linear``, the old value-weighted coverage ``sum_t w_t * coverage_t`` where ``w_t`` is the
    tier's annual revenue at risk (customers x representative monthly spend x 12 x churn risk,
    :func:`planner.model.workload.tier_revenue_at_risk`); either plus a tie-breaker worth a
    millionth of the total weight spread by required hours (so spare capacity never idles while
    a zero-weight tier waits), with each tier at least its ``min_coverage``; then, at that value,
    the least cost.

Headcount can also be fixed (today's, or any mapping): then only the hours are allocated, by the
same ``max_coverage`` objective. Shadow prices come from the linear program with headcount fixed
at the answer (value of one more hour of a role) and from the continuous relaxation (value of one
more CNY of budget, or one more head under ``max_total_headcount``).

Everything any analysis needs about headcount comes from :func:`plan`; nothing else builds this model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from planner.data.policy import Tier
from planner.data.scenario import Scenario, TierKey, tier_key
from planner.i18n import _
from planner.model.booking import (
    RoleCalendar,
    RoundingGap,
    book_branch,
    booked_solution,
    rounding_gaps,
    undecided_warnings,
)
from planner.model.calendar import (
    CalendarProblem,
    CalendarSolution,
    ContactPart,
    RoleSupply,
    TierDemand,
    solve_calendar,
)
from planner.model.lp import INF, Program
from planner.model.response import ResponseCurve, response_terms, scenario_curves
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveOutcome, SolveStatus, resolve_solver_name
from planner.model.workload import (
    role_hours_per_head,
    tier_call_hours_per_customer,
    tier_hours_per_customer,
    tier_required_hours,
    tier_revenue,
    tier_revenue_at_risk,
)

Mode = Literal["meet_standards", "max_coverage"]
HeadcountBasis = Literal["required", "current", "optimal"]
#: ``response``: maximise revenue kept by the tiers' response curves; ``linear``: revenue at risk x coverage.
Objective = Literal["response", "linear"]
OBJECTIVES: tuple[Objective, ...] = ("response", "linear")

#: Coverage within this of 1 counts as fully covered (solver tolerances).
COVERAGE_TOL = 1e-7
#: Relative MIP gap: the plans are small, so ask for (near) proven optimality.
MIP_GAP = 1e-7
#: Tie-breaker share of total weight (see module docstring).
TIE_BREAK = 1e-6


@dataclass(frozen=True)
class RoleResult:
    """One role in the plan. Hours are per year; ``gap = required_headcount - current_headcount``."""

    role: str
    label: str | None
    current_headcount: int
    required_headcount: int
    gap: int
    hours_per_head: float
    capacity_hours: float
    assigned_hours: float
    utilization: float
    annual_cost: float
    cost_per_head: float
    max_headcount: int | None
    shadow_price_per_hour: float
    #: Heads the annual average alone would need (the year's hours / hours a head, no calendar).
    annual_bound: int | None = None


@dataclass(frozen=True)
class TierResult:
    """One tier in the plan. Coverage is delivered / required hours, a fraction 0..1."""

    channel: str
    tier: str
    label: str | None
    customers: int
    hours_per_customer: float
    required_hours: float
    delivered_hours: float
    coverage: float
    shortfall_hours: float
    manager_fte: float
    customers_per_manager: float | None
    revenue_at_risk: float
    min_coverage: float | None
    coverage_at_current: float | None = None
    #: Annual revenue (customers x monthly spend x 12), and, by the tier's response curve, what the
    #: plan keeps of it, what it loses against full service, and the revenue kept by one more hour
    #: (CNY). None for a tier with no hours to give (no standard or no customers): neither kept nor lost.
    revenue: float | None = None
    revenue_kept: float | None = None
    revenue_lost: float | None = None
    value_of_next_hour: float | None = None
    #: Visits and phone contacts the standard asks a year, and what the plan year's calendar
    #: delivers (with the plan's heads; ``*_at_current``: with today's).
    required_visits: int = 0
    delivered_visits: float = 0.0
    required_calls: int = 0
    delivered_calls: float = 0.0
    visits_at_current: float | None = None
    calls_at_current: float | None = None

    @property
    def key(self) -> str:
        """``channel.tier``."""
        return tier_key(self.channel, self.tier)


@dataclass(frozen=True)
class Allocation:
    """Hours a year that one role gives one tier."""

    role: str
    channel: str
    tier: str
    hours: float


@dataclass(frozen=True)
class PlanResult:
    """Everything the headcount model says about one scenario."""

    scenario: str
    mode: Mode
    status: SolveStatus
    solver: str
    headcount_basis: str
    total_cost: float
    total_headcount: int
    current_total_headcount: int
    current_total_cost: float
    budget: float | None
    max_total_headcount: int | None
    #: Sum over tiers with hours to give of revenue at risk x coverage, CNY a year (was
    #: ``weighted_coverage``, which also counted tiers with no standard as protected).
    revenue_at_risk_covered: float
    roles: list[RoleResult]
    tiers: list[TierResult]
    allocations: list[Allocation]
    binding: list[str] = field(default_factory=list)
    limit_shadow_prices: dict[str, float] = field(default_factory=dict)
    explanation: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: The objective that allocated the hours (``response`` or ``linear``).
    objective: str = "response"
    #: Over tiers with hours to give, by their response curves: revenue kept and lost against
    #: full service, CNY a year (whatever the objective, so the two can be compared).
    revenue_kept: float = 0.0
    revenue_lost: float = 0.0
    #: The plan year whose working calendar sized the plan.
    year: int | None = None
    #: One line on why the calendar needs more heads than the annual average, when it does.
    calendar_note: str | None = None
    #: At a fixed headcount: tiers whose whole contacts land further from the fractional allocation
    #: than whole-contact rounding (spacing and period rules place the contacts; the report says so).
    #: In a plan of required heads: the same for its "today" columns.
    rounding: list[RoundingGap] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when a plan was found."""
        return SolveStatus(self.status).is_ok

    def role(self, role_id: str) -> RoleResult:
        """The result for one role (KeyError if absent)."""
        for r in self.roles:
            if r.role == role_id:
                return r
        raise KeyError(role_id)

    def tier(self, channel: str, tier: str) -> TierResult:
        """The result for one tier (KeyError if absent)."""
        for t in self.tiers:
            if t.channel == channel and t.tier == tier:
                return t
        raise KeyError(f"{channel}.{tier}")

    def shortfalls(self) -> list[TierResult]:
        """Tiers below 100 % coverage, largest shortfall in hours first."""
        short = [t for t in self.tiers if t.coverage < 1 - 1e-6]
        return sorted(short, key=lambda t: (-t.shortfall_hours, t.key))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the same numbers the tables show."""
        return asdict(self)


@dataclass
class _Data:
    """The model's inputs, flattened once per scenario."""

    tiers: list[TierKey]
    required: dict[TierKey, float]
    call_hours: dict[TierKey, float]
    weight: dict[TierKey, float]
    roles: list[str]
    hph: dict[str, float]
    cost: dict[str, float]
    serves: dict[str, list[TierKey]]
    calls_only: set[str]
    min_cov: dict[TierKey, float]
    #: Roles whose capacity is a fixed number of hours a year (``Role.fixed_hours``), not heads x hours.
    fixed_hours: dict[str, float] = field(default_factory=dict)
    #: Each tier's response curve and annual revenue; the objective uses them unless ``linear``.
    curves: dict[TierKey, ResponseCurve] = field(default_factory=dict)
    revenue: dict[TierKey, float] = field(default_factory=dict)
    objective: Objective = "response"
    #: The tie-breaker's share of each tier's weight (see the module docstring).
    tie: dict[TierKey, float] = field(default_factory=dict)


def _prepare(scenario: Scenario, objective: Objective = "response") -> _Data:
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    tiers: list[TierKey] = []
    required: dict[TierKey, float] = {}
    call_hours: dict[TierKey, float] = {}
    weight: dict[TierKey, float] = {}
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        n = scenario.customers(channel, tier.id)
        tiers.append(key)
        required[key] = tier_required_hours(tier, n)
        call_hours[key] = n * tier_call_hours_per_customer(tier)
        weight[key] = tier_revenue_at_risk(tier, n)
    total_weight = sum(weight.values()) or 1.0
    total_hours = sum(required.values()) or 1.0
    tie = {key: TIE_BREAK * total_weight * required[key] / total_hours for key in tiers}
    for key in tiers:
        weight[key] += tie[key]
    values = scenario_curves(scenario)
    curves = {key: curve for key, (curve, _) in values.items()}
    revenue = {key: rev for key, (_, rev) in values.items()}
    roles = list(scenario.roles)
    min_cov = {}
    for k, v in scenario.spec.min_coverage.items():
        c, _, t = k.partition(".")
        min_cov[(c, t)] = v
    return _Data(
        tiers=tiers,
        required=required,
        call_hours=call_hours,
        weight=weight,
        roles=roles,
        hph={r: role_hours_per_head(scenario.roles[r]) for r in roles},
        cost={r: scenario.roles[r].annual_cost for r in roles},
        serves={r: scenario.served_tiers(r) for r in roles},
        calls_only={r for r in roles if scenario.roles[r].contacts == "calls"},
        min_cov=min_cov,
        fixed_hours={r: float(fh) for r in roles if (fh := scenario.roles[r].fixed_hours) is not None},
        curves=curves,
        revenue=revenue,
        objective=objective,
        tie=tie,
    )


class _Model:
    """One build of the LP/MIP as a :class:`planner.model.lp.Program`. ``fixed`` pins headcounts;
    ``relax`` makes them continuous.

    HiGHS is handed the programme as the pulp build this replaced handed it (see :meth:`solve`):
    columns in the order of their names as strings (``c_j`` coverage, ``h_i`` heads, ``resp_j_k``
    response segments, ``x_i_j`` hours), rows in the order they are built, a maximisation as the
    minimisation of the negated objective. Several head counts often cost the same, and which one
    HiGHS returns depends on that order, so keeping it keeps every plan the same.

    Expressions (cost, heads, value) are ``(terms, constant)``: terms ``(column, coefficient)``.
    """

    def __init__(
        self,
        name: str,
        scenario: Scenario,
        data: _Data,
        *,
        full_coverage: bool,
        fixed: Mapping[str, float] | None = None,
        relax: bool = False,
        limits: bool = True,
        use_min_coverage: bool = True,
    ) -> None:
        self.name = name
        self.data = data
        self.prog = Program(negate_max=True, names=[])
        #: columns with a zero coefficient somewhere (pulp still counted them as the model's)
        self.zero: set[int] = set()
        #: row index by name (``need_j``, ``phone_j``, ``cap_i``, ``budget``, ...)
        self.rows: dict[str, int] = {}
        #: the objective's constant (its terms are the programme's costs)
        self.obj_const = 0.0
        self.h: dict[str, int | float] = {}
        floors = _exclusive_floors(data) if full_coverage and not relax and fixed is None else {}
        for i, r in enumerate(data.roles):
            role = scenario.roles[r]
            if r in data.fixed_hours:
                # Capacity is fixed in hours, so headcount is not a decision: it stays today's.
                self.h[r] = float(role.headcount)
                continue
            if fixed is not None:
                self.h[r] = float(fixed[r])
                continue
            upper = role.max_headcount if limits else None
            low = floors.get(r, 0)
            if upper is not None and low > upper:
                low = 0  # infeasible anyway; let the solver say so
            hi = INF if upper is None else float(upper)
            self.h[r] = self._col(f"h_{i}", float(low), hi, integer=not relax)
        self.x: dict[tuple[str, TierKey], int] = {}
        for i, r in enumerate(data.roles):
            for j, key in enumerate(data.tiers):
                if key in data.serves[r] and data.required[key] > 0:
                    self.x[(r, key)] = self._col(f"x_{i}_{j}", 0.0, INF)
        self.c: dict[TierKey, int] = {}
        for j, key in enumerate(data.tiers):
            need = data.required[key]
            if need <= 0:
                continue
            served = [(self.x[(r, key)], 1.0) for r in data.roles if (r, key) in self.x]
            if full_coverage:
                self._row(f"need_{j}", served, lo=_rhs(0.0, need))
            else:
                floor = data.min_cov.get(key, 0.0) if use_min_coverage else 0.0
                self.c[key] = self._col(f"c_{j}", float(floor), 1.0)
                self._row(f"need_{j}", [*served, (self.c[key], -need)], lo=0.0, hi=0.0)
            phone = [
                (self.x[(r, key)], 1.0) for r in data.roles if r in data.calls_only and (r, key) in self.x
            ]
            if phone:
                # Calls-only roles may take at most the tier's phone-contact share of what is delivered.
                share = data.call_hours[key] / need
                if full_coverage:
                    self._row(f"phone_{j}", phone, hi=_rhs(-(share * need), 0.0))
                else:
                    self._row(f"phone_{j}", [*phone, (self.c[key], -(share * need))], hi=0.0)
        self.capacity: dict[str, int] = {}
        for i, r in enumerate(data.roles):
            terms = [(self.x[(r, key)], 1.0) for key in data.tiers if (r, key) in self.x]
            if not terms:
                continue
            h = self.h[r]
            if r in data.fixed_hours:
                row = self._row(f"cap_{i}", terms, hi=_rhs(0.0, data.fixed_hours[r]))
            elif isinstance(h, float):
                row = self._row(f"cap_{i}", terms, hi=_rhs(0.0, data.hph[r] * h))
            else:
                row = self._row(f"cap_{i}", [*terms, (h, -data.hph[r])], hi=0.0)
            self.capacity[r] = row
        self.cost_expr = _linear((data.cost[r], self.h[r]) for r in data.roles)
        self.heads_expr = _linear((1.0, self.h[r]) for r in data.roles)
        self.value_expr = self._value()
        spec = scenario.spec
        if limits and fixed is None:
            if spec.budget is not None:
                terms, const = self.cost_expr
                self._row("budget", terms, hi=_rhs(const, spec.budget))
            if spec.max_total_headcount is not None:
                terms, const = self.heads_expr
                self._row("max_total_headcount", terms, hi=_rhs(const, spec.max_total_headcount))

    def _col(self, name: str, lo: float, hi: float, integer: bool = False) -> int:
        assert self.prog.names is not None
        self.prog.names.append(name)
        return self.prog.var(lo, hi, integer=integer)

    def _row(self, name: str, terms: list[tuple[int, float]], lo: float = -INF, hi: float = INF) -> int:
        self.zero.update(j for j, a in terms if a == 0)
        row = self.rows[name] = self.prog.row(terms, lo, hi)
        return row

    def _value(self) -> _Expr:
        """The ``max_coverage`` objective over the tiers with a coverage column.

        ``linear``: revenue at risk x coverage. ``response``: revenue kept above no service, by each
        tier's response curve (:func:`planner.model.response.response_terms`). Both carry the
        tie-breaker.
        """
        data = self.data
        names = self.prog.names
        assert names is not None
        if data.objective == "linear":
            return [(c, data.weight[k]) for k, c in self.c.items()], 0.0
        terms: list[tuple[int, float]] = []
        for key, c in self.c.items():
            j = data.tiers.index(key)
            first = self.prog.n_cols
            terms.extend(response_terms(self.prog, c, data.curves[key], data.revenue[key]))
            names.extend(f"resp_{j}_{i}" for i in range(self.prog.n_cols - first))
            self.rows[f"resp_{j}_link"] = self.prog.n_rows - 1
            terms.append((c, data.tie[key]))
        return terms, 0.0

    def add_floor(self, expr: _Expr, floor: float, name: str) -> None:
        """A row ``expr >= floor``."""
        terms, const = expr
        self._row(name, terms, lo=_rhs(const, floor))

    def minimise(self, *exprs: _Expr) -> None:
        self._objective(exprs, maximize=False)

    def maximise(self, *exprs: _Expr) -> None:
        self._objective(exprs, maximize=True)

    def _objective(self, exprs: tuple[_Expr, ...], maximize: bool) -> None:
        self.obj_const = sum((const for _terms, const in exprs), 0.0)
        self.prog.set_objective([t for terms, _const in exprs for t in terms], maximize)

    def solve(self, solver: str, time_limit: float, gap_rel: float | None = None) -> SolveOutcome:
        """Solve; ``prog.x`` and ``prog.duals`` are then indexed as built. The objective value is
        the objective's constant plus its terms at ``x``, summed in the objective's order."""
        prog = self.prog
        names = prog.names
        assert names is not None
        used = set(prog.index) | set(prog.cost) | self.zero
        order = sorted(used, key=names.__getitem__)
        handed = prog.reordered(order)
        outcome = handed.solve(solver, time_limit, gap_rel)
        if handed.n_rows == 0:  # solved without a solver; say which one was asked, as pulp did
            outcome = replace(outcome, solver=resolve_solver_name(solver))
        x = [0.0] * prog.n_cols
        if handed.x:
            for k, j in enumerate(order):
                x[j] = handed.x[k]
        prog.x = x
        prog.duals = handed.duals
        if not outcome.status.is_ok:
            return outcome
        value = self.obj_const
        for j, a in prog.cost.items():
            value += x[j] * a
        return SolveOutcome(outcome.status, outcome.solver, value)

    def set_upper(self, r: str, upper: float) -> None:
        """A new upper bound on role ``r``'s heads (a column)."""
        h = self.h[r]
        assert isinstance(h, int)
        self.prog.set_bounds(h, self.prog.col_lo[h], float(upper))

    def dual(self, name: str) -> float:
        """The dual of row ``name`` after a solve: d(objective)/d(right-hand side)."""
        return self.prog.duals[self.rows[name]] if self.prog.duals else 0.0

    def val(self, v: int | float) -> float:
        return v if isinstance(v, float) else float(self.prog.x[v])

    def heads(self) -> dict[str, float]:
        return {r: self.val(h) for r, h in self.h.items()}

    def hours(self) -> dict[tuple[str, TierKey], float]:
        return {k: max(0.0, self.val(v)) for k, v in self.x.items()}


#: A linear expression: terms ``(column, coefficient)`` and a constant.
_Expr = tuple[list[tuple[int, float]], float]


def _linear(pairs: Iterable[tuple[float, int | float]]) -> _Expr:
    """``sum coef x v`` where each ``v`` is a column or a number (numbers add to the constant)."""
    terms: list[tuple[int, float]] = []
    const = 0.0
    for coef, v in pairs:
        if isinstance(v, float):
            const += coef * v
        else:
            terms.append((v, coef))
    return terms, const


def _rhs(const: float, rhs: float) -> float:
    """The bound of ``expr (sense) rhs`` on the expression's terms, for an ``expr`` with constant
    ``const``: ``rhs - const``, computed as pulp computed it (``-(const - rhs)``)."""
    return -(const - rhs)


def _exclusive_floors(data: _Data) -> dict[str, int]:
    """Heads each role needs for the tiers only it may serve (valid when every tier is met in full).

    Adding these as lower bounds does not change the optimum but tightens the integer program a
    great deal when roles share some tiers.
    """
    servers: dict[TierKey, list[str]] = {}
    for r in data.roles:
        for key in data.serves[r]:
            servers.setdefault(key, []).append(r)
    floors: dict[str, int] = {}
    for r in data.roles:
        own = sum(data.required[k] for k in data.serves[r] if servers[k] == [r])
        if own > 0 and data.hph[r] > 0:
            floors[r] = ceil_heads(own, data.hph[r])
    return floors


def plan(
    scenario: Scenario,
    *,
    headcount: HeadcountBasis | Mapping[str, int] = "required",
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    with_current: bool = True,
    year: int | None = None,
    customers: Mapping[TierKey, int] | None = None,
    objective: Objective = "response",
    whole_contacts: bool = True,
) -> PlanResult:
    """Size (or, with fixed headcount, allocate) the manager roles of ``scenario`` over its plan year.

    The answer is the calendar model's (:mod:`planner.model.calendar`): the least heads that meet
    every tier's standard in every month, quarter and year of the plan year's working calendar with
    the spacing rules and whole contacts per manager; at fixed headcount, what the calendar delivers.
    The annual-average model in this module gives each role's ``annual_bound`` beside it, the
    limits' shadow prices and, when min_coverage cannot be met, the explanation.

    Parameters
    ----------
    scenario
        A validated scenario.
    headcount
        ``"required"`` to choose headcount; ``"current"`` to use each role's ``headcount``; or a
        mapping role -> heads to use instead.
    solver, time_limit
        ``auto``, ``highs`` or ``cbc``; seconds per solve.
    with_current
        With ``headcount="required"``, also fill each tier's ``coverage_at_current`` (what today's
        headcount delivers in the calendar).
    year
        The plan year (default: the scenario's ``year``, else next calendar year).
    customers
        Customers per tier to deal into managers' books (default: the scenario's counts).
    objective
        How ``max_coverage`` values hours: ``response`` (revenue kept by the tiers' response
        curves) or ``linear`` (revenue at risk x coverage, the old valuation). Revenue kept and
        lost are reported by the response curves either way.
    whole_contacts
        At fixed headcount, report what the managers' whole-contact books deliver (the default:
        what ``schedule`` makes, so both commands show one allocation). ``False`` reports the
        model's fractional allocation that the books round, the valuation's exact optimum (to
        check it by hand).
    """
    the_year = plan_year(scenario, year)
    data = _prepare(scenario, objective)

    def at(heads: Mapping[str, int], basis: str) -> PlanResult:
        return _plan_calendar(
            scenario, data, the_year, heads, basis, None, solver, time_limit, customers, whole_contacts
        )

    if headcount in ("required", "optimal"):
        annual = _optimal_heads(scenario, data, solver, time_limit)
        result = _plan_calendar(
            scenario, data, the_year, None, "required", annual, solver, time_limit, customers
        )
        if with_current and result.ok:
            current = at(_current(scenario), "current")
            if current.ok:
                tiers = [
                    replace(
                        t,
                        coverage_at_current=(c := current.tier(t.channel, t.tier)).coverage,
                        visits_at_current=c.delivered_visits,
                        calls_at_current=c.delivered_calls,
                    )
                    for t in result.tiers
                ]
                result = replace(result, tiers=tiers, rounding=current.rounding)
        return result
    if headcount == "current":
        return at(_current(scenario), "current")
    if isinstance(headcount, Mapping):
        missing = [r for r in data.roles if r not in headcount]
        if missing:
            raise ValueError(f"fixed headcount lacks roles: {', '.join(missing)}")
        return at({r: int(headcount[r]) for r in data.roles}, "fixed")
    raise ValueError(f"headcount must be 'required', 'current' or a mapping, got {headcount!r}")


def annual_plan(
    scenario: Scenario,
    *,
    headcount: HeadcountBasis | Mapping[str, int] = "required",
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    with_current: bool = True,
    objective: Objective = "response",
) -> PlanResult:
    """The annual-average model alone: the year's hours against the year's hours a head, no calendar.

    This is the lower bound ``plan`` shows beside each role (``annual_bound``); it is what the
    calendar model would say if every month, quarter and slot held exactly its share of the year.
    """
    data = _prepare(scenario, objective)
    if headcount in ("required", "optimal"):
        result = _plan_optimal(scenario, data, solver, time_limit)
        if with_current and result.ok:
            now = _plan_fixed(scenario, data, _current(scenario), "current", solver, time_limit)
            tiers = [
                replace(t, coverage_at_current=now.tier(t.channel, t.tier).coverage) for t in result.tiers
            ]
            result = replace(result, tiers=tiers)
        return result
    heads = _current(scenario) if headcount == "current" else {r: int(headcount[r]) for r in data.roles}  # type: ignore[index]
    return _plan_fixed(
        scenario, data, heads, str(headcount) if isinstance(headcount, str) else "fixed", solver, time_limit
    )


def plan_year(scenario: Scenario, year: int | None = None) -> int:
    """``year`` if given, else the scenario's ``year``, else next calendar year."""
    from planner.data.calendar import check_year, default_year

    if year is not None:
        check_year(year)
        return year
    return scenario.spec.year if scenario.spec.year is not None else default_year()


def calendar_problem(
    scenario: Scenario,
    year: int,
    *,
    heads: Mapping[str, int] | None = None,
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    customers: Mapping[TierKey, int] | None = None,
    spread: bool = True,
    objective: Objective = "response",
) -> CalendarProblem:
    """The calendar model's problem for ``scenario``: the one place it is built from a scenario."""
    from planner.data.calendar import plan_calendar

    if customers is not None:  # weights, revenue and tie-breaks follow the customers booked
        scenario = scenario.with_customers(customers)
    data = _prepare(scenario, objective)
    tiers = []
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        n = scenario.customers(channel, tier.id)
        parts = tuple(
            ContactPart(kind, std.count, std.per, std.per_year, float(minutes))
            for kind, std, minutes in (
                ("visit", tier.visits, tier.visit_minutes),
                ("call", tier.calls, tier.call_minutes),
            )
            if std.per_year > 0 and minutes > 0
        )
        tiers.append(
            TierDemand(
                key,
                n,
                parts,
                data.weight[key],
                data.min_cov.get(key, 0.0),
                curve=data.curves[key] if objective == "response" else None,
                revenue=data.revenue[key],
                tie=data.tie[key],
            )
        )
    roles = tuple(
        RoleSupply(
            id=r,
            hours_per_head=data.hph[r],
            cost=data.cost[r],
            serves=tuple(data.serves[r]),
            calls_only=r in data.calls_only,
            current=scenario.roles[r].headcount,
            max_headcount=scenario.roles[r].max_headcount,
            fixed_hours=data.fixed_hours.get(r),
        )
        for r in data.roles
    )
    return CalendarProblem(
        calendar=plan_calendar(year),
        tiers=tuple(tiers),
        roles=roles,
        heads=heads,
        budget=scenario.spec.budget,
        max_total_headcount=scenario.spec.max_total_headcount,
        solver=solver,
        time_limit=time_limit,
        spread=spread,
    )


def solve_branch(
    scenario: Scenario,
    year: int,
    *,
    heads: Mapping[str, int] | None = None,
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    customers: Mapping[TierKey, int] | None = None,
    objective: Objective = "response",
) -> tuple[CalendarProblem, CalendarSolution, dict[str, RoleCalendar]]:
    """The calendar model solved and booked into managers: what ``plan`` and ``schedule`` both read.

    With ``heads`` None the heads are chosen and a role whose whole-contact books do not fit gains
    managers until they do; the solution's ``heads`` are then the booked heads, and the model's plan
    is spread as evenly over the slots as its peak allows (what whole contacts per manager follow
    best). With fixed ``heads`` the most valuable allocation is booked as it comes: the books, not
    the fractional plan, are the answer there (:func:`booked_solution`, what ``plan --headcount
    current`` reports), and spreading would cost more time than it changes in them.
    """
    problem = calendar_problem(
        scenario,
        year,
        heads=heads,
        solver=solver,
        time_limit=time_limit,
        customers=customers,
        spread=heads is None,
        objective=objective,
    )
    sol = solve_calendar(problem)
    if not sol.ok:
        return problem, sol, {}
    counts = {t.key: t.customers for t in problem.tiers}
    full = heads is None and sol.mode == "meet_standards"
    books = book_branch(problem, sol, counts, full=full)
    fixed = {r.id for r in problem.roles if r.fixed_hours is not None}  # their hours, not heads, are set
    grown = {
        r: b.books.heads for r, b in books.items() if r not in fixed and b.books.heads != sol.heads.get(r)
    }
    if grown:
        sol = replace(sol, heads={**sol.heads, **grown})
    return problem, sol, books


def _plan_calendar(
    scenario: Scenario,
    data: _Data,
    year: int,
    heads: Mapping[str, int] | None,
    basis: str,
    annual: _AnnualHeads | None,
    solver: str,
    time_limit: float,
    customers: Mapping[TierKey, int] | None,
    whole_contacts: bool = True,
) -> PlanResult:
    """The plan as the calendar model gives it, with the annual model's bound beside each role."""
    if annual is not None and annual.heads is None and annual.status is not SolveStatus.INFEASIBLE:
        return replace(_failed(scenario, data, annual.mode, annual.status, annual.solver), year=year)
    problem, sol, books = solve_branch(
        scenario,
        year,
        heads=heads,
        solver=solver,
        time_limit=time_limit,
        customers=customers,
        objective=data.objective,
    )
    rounding: list[RoundingGap] = []
    unsettled = undecided_warnings(books, solver, time_limit)
    if heads is not None and sol.ok and whole_contacts:
        # At fixed heads the answer is the whole-contact calendar's (what ``schedule`` makes).
        booked = booked_solution(problem, sol, books)
        rounding = rounding_gaps(problem, sol, booked)
        sol = booked
    if not sol.ok:
        if annual is not None and annual.heads is None:  # the annual model says why in words
            failed = _failed(scenario, data, annual.mode, annual.status, annual.solver, annual.explanation)
        else:
            mode: Mode = annual.mode if annual is not None else "max_coverage"
            failed = _failed(scenario, data, mode, sol.status, sol.solver, sol.explanation)
        return replace(failed, year=year)
    mode = (
        sol.mode
        if heads is None
        else ("max_coverage" if any(c < 1 for c in sol.coverage.values()) else "meet_standards")
    )
    result = _from_calendar(scenario, data, problem, sol, mode, basis, solver, time_limit)
    if rounding:
        result = replace(result, rounding=rounding)
    result.warnings.extend(unsettled)
    if sol.calendar_bound:
        result.warnings.append(
            _(
                "no headcount meets every standard in {year}'s calendar: some month or quarter has fewer "
                "working weeks than its contacts need (one a customer a week, visits spaced); coverage "
                "shows the rest"
            ).format(year=year)
        )
    if annual is not None and annual.heads is not None:
        bound = annual.heads
        roles = [replace(r, annual_bound=bound.get(r.role)) for r in result.roles]
        extra = {
            r.role: r.required_headcount - (r.annual_bound or 0) for r in roles if r.annual_bound is not None
        }
        note = None
        more = {r: n for r, n in extra.items() if n > 0}
        if more:
            note = _(
                "the {year} calendar needs {extra} than the annual average: holiday months and quarters "
                "hold fewer working days than their share of the visits, visits must be spaced, and each "
                "manager makes whole visits"
            ).format(
                year=year,
                extra=_(", ").join(_("{n} more {role}").format(n=n, role=r) for r, n in more.items()),
            )
        result = replace(result, roles=roles, calendar_note=note)
    return result


def _from_calendar(
    scenario: Scenario,
    data: _Data,
    problem: CalendarProblem,
    sol: CalendarSolution,
    mode: Mode,
    basis: str,
    solver: str,
    time_limit: float,
) -> PlanResult:
    """Read everything the report shows off the calendar solution."""
    heads = {r: sol.heads.get(r, scenario.roles[r].headcount) for r in data.roles}
    hours = sol.hours()
    roles = _role_results(scenario, data, heads, hours, sol.value_per_hour)
    demand = {t.key: t for t in problem.tiers}
    tiers = []
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        n = demand[key].customers
        need = tier_required_hours(tier, n)
        coverage = sol.coverage.get(key, 1.0)
        got = need * coverage
        fte = sum(v / data.hph[r] for (r, k), v in hours.items() if k == key and data.hph[r] > 0)
        tiers.append(
            _tier_result(
                data,
                channel,
                tier,
                n,
                need,
                got,
                coverage,
                fte,
                tier_revenue(tier, n),
                required_visits=n * tier.visits.per_year,
                delivered_visits=_contacts(sol, key, "visit", n * tier.visits.per_year),
                required_calls=n * tier.calls.per_year,
                delivered_calls=_contacts(sol, key, "call", n * tier.calls.per_year),
            )
        )
    result = _assemble(
        scenario,
        data,
        heads,
        roles,
        tiers,
        hours,
        mode,
        basis,
        sol.solver,
        solver,
        time_limit,
        list(scenario.warnings),
    )
    return replace(result, year=problem.calendar.year)


def _role_results(
    scenario: Scenario,
    data: _Data,
    heads: Mapping[str, int],
    hours: Mapping[tuple[str, TierKey], float],
    value_per_hour: Mapping[str, float],
) -> list[RoleResult]:
    """Each role's row of the plan, from either model."""
    roles = []
    for r in data.roles:
        role = scenario.roles[r]
        cap = data.fixed_hours.get(r, heads[r] * data.hph[r])
        used = sum(v for (rr, _), v in hours.items() if rr == r)
        if abs(used - cap) <= 1e-6 * max(1.0, cap):
            used = cap  # solver noise at a full role
        roles.append(
            RoleResult(
                role=r,
                label=role.label,
                current_headcount=role.headcount,
                required_headcount=heads[r],
                gap=heads[r] - role.headcount,
                hours_per_head=data.hph[r],
                capacity_hours=cap,
                assigned_hours=used,
                utilization=used / cap if cap > 0 else 0.0,
                annual_cost=heads[r] * role.annual_cost,
                cost_per_head=role.annual_cost,
                max_headcount=role.max_headcount,
                shadow_price_per_hour=_clean(value_per_hour.get(r, 0.0)),
            )
        )
    return roles


def _tier_result(
    data: _Data,
    channel: str,
    tier: Tier,
    n: int,
    need: float,
    got: float,
    coverage: float,
    fte: float,
    revenue: float,
    **calendar: Any,
) -> TierResult:
    """One tier's row of the plan, from either model (``calendar``: its visits and calls)."""
    key = (channel, tier.id)
    curve = data.curves[key]
    has_hours = need > 0
    return TierResult(
        channel=channel,
        tier=tier.id,
        label=tier.label,
        customers=n,
        hours_per_customer=tier_hours_per_customer(tier),
        required_hours=need,
        delivered_hours=got,
        coverage=coverage,
        shortfall_hours=max(0.0, need - got),
        manager_fte=fte,
        customers_per_manager=(n / fte) if fte > 1e-9 else None,
        revenue_at_risk=tier_revenue_at_risk(tier, n),
        min_coverage=data.min_cov.get(key),
        revenue=revenue if has_hours else None,
        revenue_kept=revenue * curve.kept(coverage) if has_hours else None,
        revenue_lost=revenue * (curve.kept(1.0) - curve.kept(coverage)) if has_hours else None,
        value_of_next_hour=revenue * curve.next_slope(coverage) / need if has_hours else None,
        **calendar,
    )


def _assemble(
    scenario: Scenario,
    data: _Data,
    heads: Mapping[str, int],
    roles: list[RoleResult],
    tiers: list[TierResult],
    hours: Mapping[tuple[str, TierKey], float],
    mode: Mode,
    basis: str,
    solver_used: str,
    solver: str,
    time_limit: float,
    warnings: list[str],
) -> PlanResult:
    """The plan's totals, allocations, binding limits and their prices, from either model."""
    order = {k: i for i, k in enumerate(data.tiers)}
    allocations = [
        Allocation(r, k[0], k[1], v)
        for (r, k), v in sorted(hours.items(), key=lambda kv: (data.roles.index(kv[0][0]), order[kv[0][1]]))
        if v > 1e-9
    ]
    total_cost = sum(x.annual_cost for x in roles)
    total_heads = sum(heads.values())
    spec = scenario.spec
    binding = _binding(scenario, data, heads, tiers, total_cost, total_heads, basis)
    limit_prices = _limit_prices(scenario, data, mode, basis, solver, time_limit)
    counted = [t for t in tiers if t.required_hours > 0]  # a tier with no hours is neither protected nor lost
    return PlanResult(
        scenario=scenario.name,
        mode=mode,
        status=SolveStatus.OPTIMAL,
        solver=solver_used,
        headcount_basis=basis,
        total_cost=total_cost,
        total_headcount=total_heads,
        current_total_headcount=sum(r.headcount for r in scenario.roles.values()),
        current_total_cost=sum(r.headcount * r.annual_cost for r in scenario.roles.values()),
        budget=spec.budget,
        max_total_headcount=spec.max_total_headcount,
        revenue_at_risk_covered=sum(t.revenue_at_risk * t.coverage for t in counted),
        roles=roles,
        tiers=tiers,
        allocations=allocations,
        binding=binding,
        limit_shadow_prices=limit_prices,
        warnings=warnings,
        objective=data.objective,
        revenue_kept=sum(t.revenue_kept or 0.0 for t in counted),
        revenue_lost=sum(t.revenue_lost or 0.0 for t in counted),
    )


def _contacts(sol: CalendarSolution, key: TierKey, kind: str, required: int) -> float:
    got = sol.delivered(key, kind)
    return float(required) if abs(got - required) <= 1e-7 * max(1.0, required) else min(got, float(required))


def _current(scenario: Scenario) -> dict[str, int]:
    return {r: role.headcount for r, role in scenario.roles.items()}


@dataclass(frozen=True)
class _AnnualHeads:
    """The annual model's choice of heads (None when it has no plan, then why)."""

    heads: dict[str, int] | None
    mode: Mode
    status: SolveStatus
    solver: str
    explanation: str | None = None


def _plan_optimal(scenario: Scenario, data: _Data, solver: str, time_limit: float) -> PlanResult:
    annual = _optimal_heads(scenario, data, solver, time_limit)
    if annual.heads is None:
        return _failed(scenario, data, annual.mode, annual.status, annual.solver, annual.explanation)
    return _finish(scenario, data, annual.heads, annual.mode, "optimal", annual.solver, solver, time_limit)


def _optimal_heads(scenario: Scenario, data: _Data, solver: str, time_limit: float) -> _AnnualHeads:
    """The annual model's heads: every standard at least cost, else the most value within the limits."""
    meet = _Model("meet_standards", scenario, data, full_coverage=True)
    meet.minimise(meet.cost_expr)
    outcome = meet.solve(solver, time_limit, gap_rel=MIP_GAP)
    if outcome.status.is_ok:
        heads = {r: round(v) for r, v in meet.heads().items()}
        return _AnnualHeads(heads, "meet_standards", outcome.status, outcome.solver)
    if outcome.status is not SolveStatus.INFEASIBLE:
        return _AnnualHeads(None, "meet_standards", outcome.status, outcome.solver)
    best = _Model("max_coverage", scenario, data, full_coverage=False)
    best.maximise(best.value_expr)
    outcome = best.solve(solver, time_limit, gap_rel=MIP_GAP)
    if outcome.status is SolveStatus.INFEASIBLE:
        explanation = explain_min_coverage(scenario, data, solver, time_limit)
        return _AnnualHeads(None, "max_coverage", outcome.status, outcome.solver, explanation)
    if not outcome.status.is_ok:
        return _AnnualHeads(None, "max_coverage", outcome.status, outcome.solver)
    value = float(outcome.objective or 0.0)
    cheapest = _Model("max_coverage_cost", scenario, data, full_coverage=False)
    cheapest.add_floor(cheapest.value_expr, value - 1e-6 * max(1.0, abs(value)), "value_floor")
    cheapest.minimise(cheapest.cost_expr, _scaled(cheapest.heads_expr, 1e-6))
    second = cheapest.solve(solver, time_limit, gap_rel=MIP_GAP)
    model = cheapest if second.status.is_ok else best
    heads = {r: round(v) for r, v in model.heads().items()}
    return _AnnualHeads(heads, "max_coverage", outcome.status, outcome.solver)


def _plan_fixed(
    scenario: Scenario,
    data: _Data,
    heads: Mapping[str, int],
    basis: str,
    solver: str,
    time_limit: float,
) -> PlanResult:
    mode: Mode = "meet_standards"
    result = _finish(scenario, data, dict(heads), mode, basis, "", solver, time_limit)
    if result.shortfalls():
        result = replace(result, mode="max_coverage")
    return result


def _finish(
    scenario: Scenario,
    data: _Data,
    heads: dict[str, int],
    mode: Mode,
    basis: str,
    solver_used: str,
    solver: str,
    time_limit: float,
) -> PlanResult:
    """Allocate hours with headcount fixed at ``heads`` and read off everything the report shows."""
    warnings = list(scenario.warnings)
    alloc = _Model("allocate", scenario, data, full_coverage=False, fixed=heads)
    alloc.maximise(alloc.value_expr, _fixed_hours_bonus(alloc))
    outcome = alloc.solve(solver, time_limit)
    if outcome.status is SolveStatus.INFEASIBLE:
        warnings.append(
            _("min_coverage cannot be met with this headcount; coverage shown ignores min_coverage")
        )
        alloc = _Model("allocate", scenario, data, full_coverage=False, fixed=heads, use_min_coverage=False)
        alloc.maximise(alloc.value_expr, _fixed_hours_bonus(alloc))
        outcome = alloc.solve(solver, time_limit)
    if not outcome.status.is_ok:
        return _failed(scenario, data, mode, outcome.status, outcome.solver)
    hours = alloc.hours()
    shadow = {r: alloc.dual(f"cap_{i}") if r in alloc.capacity else 0.0 for i, r in enumerate(data.roles)}

    roles = _role_results(scenario, data, heads, hours, shadow)
    tiers = []
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        need = data.required[key]
        got = sum(v for (_, k), v in hours.items() if k == key)
        got = min(got, need)
        coverage = 1.0 if need <= 0 else got / need
        if coverage > 1 - COVERAGE_TOL:
            coverage, got = 1.0, need
        fte = sum(v / data.hph[r] for (r, k), v in hours.items() if k == key and data.hph[r] > 0)
        n = scenario.customers(channel, tier.id)
        tiers.append(_tier_result(data, channel, tier, n, need, got, coverage, fte, data.revenue[key]))
    return _assemble(
        scenario,
        data,
        heads,
        roles,
        tiers,
        hours,
        mode,
        basis,
        solver_used or outcome.solver,
        solver,
        time_limit,
        warnings,
    )


def _scaled(expr: _Expr, k: float) -> _Expr:
    """``k x expr``."""
    terms, const = expr
    return [(j, k * a) for j, a in terms], const * k


def _fixed_hours_bonus(model: _Model) -> _Expr:
    """A tie-breaker that gives work to fixed-hours roles first (their hours are paid for anyway).

    Moving an hour of a tier from a headcount role to a fixed-hours role never lowers coverage, so
    the bonus only chooses among allocations of equal value; it is kept a millionth of the smallest
    value of an hour of any tier so it can never outweigh coverage. Zero when no role has fixed hours.
    """
    data = model.data
    terms = [v for (r, _), v in model.x.items() if r in data.fixed_hours]
    if not terms:
        return [], 0.0
    per_hour = [data.weight[k] / data.required[k] for k in data.tiers if data.required[k] > 0]
    if data.objective == "response":  # the cheapest hour: the flattest rising segment of any curve
        per_hour = [
            data.revenue[k] * m / data.required[k] + data.tie[k] / data.required[k]
            for k in data.tiers
            if data.required[k] > 0
            for _, m in data.curves[k].segments()
        ]
    eps = TIE_BREAK * min(per_hour) if per_hour else TIE_BREAK
    return [(j, eps * 1.0) for j in terms], 0.0


def _clean(x: float) -> float:
    """Solver noise (-0.0, 1e-12) to a clean zero."""
    return 0.0 if abs(x) < 1e-9 else x


def _binding(
    scenario: Scenario,
    data: _Data,
    heads: Mapping[str, int],
    tiers: list[TierResult],
    total_cost: float,
    total_heads: int,
    basis: str,
) -> list[str]:
    """Limits at their bound in this plan (a budget binds when no further head fits under it)."""
    spec = scenario.spec
    out: list[str] = []
    if basis in ("optimal", "required"):
        growable = [
            r
            for r in data.roles
            if r not in data.fixed_hours and heads[r] < (scenario.roles[r].max_headcount or math.inf)
        ]
        if spec.budget is not None and growable:
            cheapest = min(scenario.roles[r].annual_cost for r in growable)
            if spec.budget - total_cost < cheapest:
                out.append("budget")
        if spec.max_total_headcount is not None and total_heads >= spec.max_total_headcount:
            out.append("max_total_headcount")
        for r in data.roles:
            cap = scenario.roles[r].max_headcount
            if cap is not None and heads[r] >= cap:
                out.append(f"roles.{r}.max_headcount")
    for t in tiers:
        if (
            t.min_coverage is not None
            and t.min_coverage > 0
            and t.coverage <= t.min_coverage + 1e-6
            and t.coverage < 1
        ):
            out.append(f"min_coverage.{t.key}")
    return out


def _limit_prices(
    scenario: Scenario, data: _Data, mode: Mode, basis: str, solver: str, time_limit: float
) -> dict[str, float]:
    """Shadow prices of budget and total headcount from the continuous relaxation of the mode's model."""
    spec = scenario.spec
    if basis not in ("optimal", "required") or (spec.budget is None and spec.max_total_headcount is None):
        return {}
    relax = _Model("relaxation", scenario, data, full_coverage=(mode == "meet_standards"), relax=True)
    if mode == "meet_standards":
        relax.minimise(relax.cost_expr)
    else:
        relax.maximise(relax.value_expr)
    outcome = relax.solve(solver, time_limit)
    out: dict[str, float] = {}
    if not outcome.status.is_ok:
        return out
    for name in ("budget", "max_total_headcount"):
        if name in relax.rows:
            out[name] = _clean(abs(relax.dual(name)))
    return out


def _failed(
    scenario: Scenario,
    data: _Data,
    mode: Mode,
    status: SolveStatus,
    solver_used: str,
    explanation: str | None = None,
) -> PlanResult:
    if explanation is None:
        explanation = _(
            "the solver stopped without a plan ({status}); try --solver cbc or a longer time limit"
        ).format(status=status.value)
    return PlanResult(
        scenario=scenario.name,
        mode=mode,
        status=status,
        solver=solver_used,
        headcount_basis="optimal",
        total_cost=0.0,
        total_headcount=0,
        current_total_headcount=sum(r.headcount for r in scenario.roles.values()),
        current_total_cost=sum(r.headcount * r.annual_cost for r in scenario.roles.values()),
        budget=scenario.spec.budget,
        max_total_headcount=scenario.spec.max_total_headcount,
        revenue_at_risk_covered=0.0,
        roles=[],
        tiers=[],
        allocations=[],
        explanation=explanation,
        warnings=list(scenario.warnings),
        objective=data.objective,
    )


def explain_min_coverage(scenario: Scenario, data: _Data, solver: str, time_limit: float) -> str:
    """Say in words why the ``min_coverage`` floors cannot all be met within the limits."""
    floors = {k: v for k, v in data.min_cov.items() if v > 0 and data.required.get(k, 0) > 0}
    asked = ", ".join(f"{tier_key(*k)} >= {v:.0%}" for k, v in floors.items())
    need_hours = sum(v * data.required[k] for k, v in floors.items())
    # 1. Can the roles' max_headcount alone afford it?
    capped = _Model("floors_capped", scenario, data, full_coverage=False, limits=False, relax=True)
    for r in data.roles:
        cap = scenario.roles[r].max_headcount
        if cap is not None and not isinstance(capped.h[r], float):
            capped.set_upper(r, cap)
    capped.minimise(capped.cost_expr)
    if not capped.solve(solver, time_limit).status.is_ok:
        caps = {r: m for r in data.roles if (m := scenario.roles[r].max_headcount) is not None}
        roles = list(caps)
        afford = sum(caps[r] * data.hph[r] for r in roles)
        return _(
            "min_coverage asks {asked}, which needs {hours} hours a year, but the roles' "
            "max_headcount ({caps}) afford at most {afford} hours a year of the roles serving those tiers"
        ).format(
            asked=asked,
            hours=f"{need_hours:,.0f}",
            caps=", ".join(f"{r}={scenario.roles[r].max_headcount}" for r in roles),
            afford=f"{afford:,.0f}",
        )
    # 2. Least cost and fewest heads that meet the floors, ignoring budget and total headcount.
    parts = []
    spec = scenario.spec
    cost_model = _Model("floors_cost", scenario, data, full_coverage=False, limits=False)
    for r in data.roles:
        cap = scenario.roles[r].max_headcount
        if cap is not None and r not in data.fixed_hours:
            cost_model.set_upper(r, cap)
    cost_model.minimise(cost_model.cost_expr)
    out_cost = cost_model.solve(solver, time_limit, gap_rel=MIP_GAP)
    min_cost = float(out_cost.objective or 0.0)
    heads_model = _Model("floors_heads", scenario, data, full_coverage=False, limits=False)
    for r in data.roles:
        cap = scenario.roles[r].max_headcount
        if cap is not None and r not in data.fixed_hours:
            heads_model.set_upper(r, cap)
    heads_model.minimise(heads_model.heads_expr)
    out_heads = heads_model.solve(solver, time_limit, gap_rel=MIP_GAP)
    min_heads = round(out_heads.objective or 0.0)
    if spec.budget is not None and min_cost > spec.budget:
        parts.append(
            _("meeting them costs at least {cost} CNY a year but the budget is {budget}").format(
                cost=f"{min_cost:,.0f}", budget=f"{spec.budget:,.0f}"
            )
        )
    if spec.max_total_headcount is not None and min_heads > spec.max_total_headcount:
        parts.append(
            _("meeting them takes at least {heads} managers but max_total_headcount is {most}").format(
                heads=min_heads, most=spec.max_total_headcount
            )
        )
    if not parts:
        parts.append(
            _(
                "the budget ({budget}) and max_total_headcount ({most}) "
                "together cannot afford them (alone: {cost} CNY, {heads} managers)"
            ).format(
                budget=spec.budget, most=spec.max_total_headcount, cost=f"{min_cost:,.0f}", heads=min_heads
            )
        )
    return _("min_coverage asks {asked} ({hours} hours a year); {why}").format(
        asked=asked, hours=f"{need_hours:,.0f}", why="; ".join(parts)
    )


def lp_bound_headcount(scenario: Scenario) -> dict[str, float]:
    """Continuous (LP-relaxation) headcount per role meeting every standard at least cost, no limits.

    Used by the benchmark's check that, when roles share no tier, the integer headcount equals
    this bound rounded up.
    """
    data = _prepare(scenario)
    model = _Model("lp_bound", scenario, data, full_coverage=True, relax=True, limits=False)
    model.minimise(model.cost_expr)
    model.solve("auto", DEFAULT_TIME_LIMIT)
    return model.heads()


def ceil_heads(hours: float, hours_per_head: float) -> int:
    """Heads needed for ``hours`` when one head gives ``hours_per_head`` (float-safe ceiling)."""
    if hours <= 0:
        return 0
    q = hours / hours_per_head
    r = round(q)
    return int(r) if abs(q - r) < 1e-9 else math.ceil(q)
