"""The hiring plan: month-by-month (quarterly, yearly) headcount, hires, ramp-up, wastage, moves, redundancy.

This module turns a scenario's ``hiring:`` section into per-period demand and per-period role data,
runs :func:`planner.model.hiring.solve_hiring`, and returns plain result dataclasses.

Customers evolve **monthly** from the start counts: each month a tier keeps ``1 - churn - migrations
out`` of last month's customers (monthly rates ``1 - (1 - yearly) ** (1/12)``), receives its
migrations in, and adds its share of the growth. A period's customers are the mean of its months,
rounded to whole customers. The requirement comes from one function, :func:`monthly_requirement`:
each month's hours are :func:`planner.model.workload.tier_required_hours` of that month's whole
customers / 12, and a period's hours are the sum of its months'. A head's hours come from
:func:`planner.model.workload.role_hours_per_head`. A role may also be given a requirement in heads
per period directly (``requirements.heads``).

A head does not deliver all its hours: ``plan``'s calendar model (whole visits, spacing, holiday
months and quarters) needs more heads than the hours alone. Each role's **packing efficiency**
``e_r`` = its yearly hours in ``plan`` / (``plan``'s required heads x a head's yearly hours) (its
``utilization`` at the required heads; 1 for a role with no hours), from one
:func:`planner.model.headcount.plan` of the hire's first calendar year, scales a head's hours
(``hiring.efficiency: none`` keeps them whole). A period's requirement in heads is then the hours
of the tiers the role serves, split among roles as ``plan`` splits them, / (a head's hours x
``e_r`` x the period's working time): for a year of the plan's calendar with no growth or churn,
``plan``'s required heads (:func:`calendar_efficiency`).

Month-based settings are converted to the period of ``s`` months: lead times round **up** to whole
periods, a period's ramp-up is the mean of its months (and a newcomer takes a training place for the
share of the period he spends ramping up, :func:`planner.model.hiring.training_shares`), monthly
attrition ``a`` becomes ``1 - (1 - a) ** s``, monthly caps are multiplied by ``s`` (yearly caps by
``s / 12``). Wastage rates per ``p`` months become ``1 - (1 - rate) ** (s / p)`` a period;
newcomers' rate applies in the first ``ceil(p / s)`` periods of service, the one they join included
(when ``p < s``, their first period mixes ``p`` months at the newcomers' rate with ``s - p`` at the
others').
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from planner.data.hiring import HiringRole, HiringSpec, check_hiring
from planner.data.policy import PERIODS_PER_YEAR
from planner.data.scenario import Scenario, TierKey, tier_key
from planner.errors import InputError, excerpt
from planner.i18n import _
from planner.model.hiring import (
    HiringProblem,
    HiringSolution,
    Objective,
    RoleInput,
    TransferInput,
    solve_hiring,
    training_shares,
)
from planner.model.solver import DEFAULT_TIME_LIMIT
from planner.model.workload import (
    MONTHS_PER_YEAR,
    role_hours_per_head,
    tier_call_hours_per_customer,
    tier_hours_per_customer,
)

if TYPE_CHECKING:  # pragma: no cover
    from planner.model.headcount import PlanResult

PeriodUnit = Literal["month", "quarter", "year"]
MONTHS_IN: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
#: Defaults when neither the command line nor the scenario's hiring section says.
DEFAULT_HORIZON = 24
DEFAULT_PERIOD: PeriodUnit = "month"
#: A horizon longer than this is refused (10 years of months; the model grows with its square).
MAX_HORIZON = 120
#: Coverage within this of 1 counts as met (solver tolerance).
COVERAGE_TOL = 1e-6


@dataclass(frozen=True)
class PeriodRow:
    """One role in one period. Hours are per period; ``coverage`` = delivered / required (1 if none)."""

    period: str
    role: str
    headcount: float
    hires: float
    leavers: float
    transfers_in: float
    transfers_out: float
    effective_hours: float
    required_hours: float
    coverage: float
    index: int = 0
    hires_decided: float = 0
    layoffs: float = 0
    effective_heads: float = 0.0
    delivered_hours: float = 0.0
    #: The requirement in heads: given (``requirements.heads``, then ``heads_given``) or the hours of
    #: the tiers the role serves / (a head's hours x the role's efficiency x the working time).
    required_heads: float | None = None
    #: Only for a role with a requirement in heads: overmanned, on short time.
    overmanned: float = 0.0
    short_time: float = 0.0
    heads_given: bool = False


@dataclass(frozen=True)
class RoleTotals:
    """One role over the whole horizon."""

    role: str
    label: str | None
    start_headcount: int
    end_headcount: float
    peak_headcount: float
    hires: float
    leavers: float
    transfers_in: float
    transfers_out: float
    layoffs: float
    required_hours: float
    delivered_hours: float
    shortfall_hours: float
    coverage: float
    worst_period: str
    worst_coverage: float
    salary_cost: float
    hiring_cost: float
    first_hire_decided: str | None


@dataclass(frozen=True)
class TierPeriod:
    """Customers and hours of one tier in one period."""

    period: str
    tier: str
    customers: int
    required_hours: float
    delivered_hours: float


@dataclass(frozen=True)
class TransferRow:
    """People moved along one route: decided in ``decided``, arriving in ``effective``."""

    from_role: str
    to_role: str
    decided: str
    effective: str
    count: float
    kind: str = "transfer"


@dataclass(frozen=True)
class RoleEfficiency:
    """The share of a head's hours one role delivers in ``plan``'s calendar model of ``year``.

    ``efficiency`` = ``hours`` / (``plan_heads`` x ``hours_per_head``); 1 for a role with no hours,
    a role of fixed hours, or under ``hiring.efficiency: none`` (then ``plan_heads`` is None).
    """

    role: str
    efficiency: float
    hours: float
    hours_per_head: float
    plan_heads: int | None
    year: int | None


@dataclass(frozen=True)
class HiringResult:
    """The hiring plan of one scenario over a horizon."""

    scenario: str
    period_unit: str
    horizon: int
    labels: list[str]
    status: str
    solver: str
    periods: list[PeriodRow]
    roles: list[RoleTotals]
    tiers: list[TierPeriod]
    transfers: list[TransferRow]
    total_cost: float
    total_hires: float
    salary_cost: float
    hiring_cost: float
    transfer_cost: float
    layoff_cost: float
    shortfall_hours: float
    penalty_cost: float
    penalty_per_hour: float
    warnings: list[str] = field(default_factory=list)
    overmanning_cost: float = 0.0
    short_time_cost: float = 0.0
    redundancies: float = 0.0
    #: ``integer`` (whole people) or ``lp`` (continuous: fractional people, the textbook optimum).
    mode: str = "integer"
    objective: str = "min_cost"
    #: Integer mode: relative distance of the plan's objective from its LP relaxation (an upper
    #: bound on the MIP gap); 0 in LP mode.
    mip_gap: float = 0.0
    #: ``calendar`` (a head's hours x its role's efficiency in plan's calendar) or ``none``.
    efficiency_basis: str = "calendar"
    efficiency: list[RoleEfficiency] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when a plan was found."""
        return self.status == "optimal"

    def role_efficiency(self, role: str) -> RoleEfficiency | None:
        """One role's efficiency (None if absent)."""
        return next((e for e in self.efficiency if e.role == role), None)

    def rows(self, role: str) -> list[PeriodRow]:
        """One role's rows, in period order."""
        return [p for p in self.periods if p.role == role]

    def role(self, role: str) -> RoleTotals:
        """One role's totals (KeyError if absent)."""
        for r in self.roles:
            if r.role == role:
                return r
        raise KeyError(role)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: ``periods``, ``total_cost``, ``total_hires`` and the details."""
        keys = (
            "period",
            "role",
            "headcount",
            "hires",
            "leavers",
            "transfers_in",
            "transfers_out",
            "effective_hours",
            "required_hours",
            "coverage",
            "hires_decided",
            "layoffs",
            "delivered_hours",
            "required_heads",
            "heads_given",
            "overmanned",
            "short_time",
        )
        return {
            "scenario": self.scenario,
            "status": self.status,
            "solver": self.solver,
            "mode": self.mode,
            "objective": self.objective,
            "mip_gap": self.mip_gap,
            "period_unit": self.period_unit,
            "horizon": self.horizon,
            "periods": [{k: getattr(p, k) for k in keys} for p in self.periods],
            "total_cost": self.total_cost,
            "total_hires": self.total_hires,
            "redundancies": self.redundancies,
            "costs": {
                "salary": self.salary_cost,
                "hiring": self.hiring_cost,
                "transfers": self.transfer_cost,
                "layoffs": self.layoff_cost,
                "overmanning": self.overmanning_cost,
                "short_time": self.short_time_cost,
                "shortfall_penalty": self.penalty_cost,
            },
            "shortfall_hours": self.shortfall_hours,
            "roles": [asdict(r) for r in self.roles],
            "transfers": [asdict(t) for t in self.transfers],
            "efficiency_basis": self.efficiency_basis,
            "efficiency": [asdict(e) for e in self.efficiency],
            "warnings": list(self.warnings),
        }


def hiring_spec(scenario: Scenario) -> HiringSpec:
    """The scenario's checked ``hiring:`` section (InputError when it has none or names unknown things)."""
    spec = scenario.spec.hiring
    source = str(scenario.path) if scenario.path else scenario.name
    if spec is None:
        raise InputError(
            _(
                "the scenario has no `hiring:` section; add one with at least `penalty_per_hour` "
                "(see the README, planner hire)"
            ),
            source=source,
            path="hiring",
        )
    if scenario.document is not None:
        check_hiring(scenario.document, scenario.spec, scenario.policy, spec)
    return spec


def period_labels(start: str | None, unit: PeriodUnit, horizon: int) -> list[str]:
    """``2006-01, 2006-02, ...`` (or ``2006-Q1, ...``) from ``start``; ``M1, M2, ...`` without one."""
    step = MONTHS_IN[unit]
    if start is None:
        prefix = {"month": "M", "quarter": "Q", "year": "Y"}[unit]
        return [f"{prefix}{i + 1}" for i in range(horizon)]
    year, month = int(start[:4]), int(start[5:7])
    out = []
    for i in range(horizon):
        m0 = month - 1 + i * step
        y, m = year + m0 // 12, m0 % 12 + 1
        if unit == "month":
            out.append(f"{y:04d}-{m:02d}")
        elif unit == "year":
            out.append(f"{y:04d}" if m == 1 else f"{y:04d}-{m:02d}+12m")
        elif (m - 1) % 3 == 0:
            out.append(f"{y:04d}-Q{(m - 1) // 3 + 1}")
        else:
            out.append(f"{y:04d}-{m:02d}+3m")
    return out


def _monthly_rate(yearly: float) -> float:
    return 1.0 - (1.0 - yearly) ** (1.0 / MONTHS_PER_YEAR)


def monthly_customers(scenario: Scenario, spec: HiringSpec, months: int) -> dict[TierKey, list[float]]:
    """Expected customers per tier in each month ``1..months`` (floats; see the module docstring)."""
    keys = [(c, t.id) for c, t in scenario.tiers()]
    growth = spec.growth
    shares = growth.shares()
    now: dict[TierKey, float] = {}
    for key in keys:
        n = float(scenario.customers(*key))
        if growth.base == "end":
            n -= growth.added.get(key[0], {}).get(key[1], 0)
        now[key] = n
    churn = {k: _monthly_rate(spec.churn_rate(*k)) for k in keys}
    flows = []
    for m in spec.migration:
        src = tuple(m.from_tier.split(".", 1))
        dst = tuple(m.to_tier.split(".", 1))
        flows.append((src, dst, _monthly_rate(m.yearly_rate)))
    out: dict[TierKey, list[float]] = {k: [] for k in keys}
    for month in range(months):
        nxt = {k: now[k] * (1.0 - churn[k]) for k in keys}
        for src, dst, rate in flows:
            moved = now[src] * rate  # type: ignore[index]
            nxt[src] -= moved  # type: ignore[index]
            nxt[dst] += moved  # type: ignore[index]
        if month < growth.months:
            for k in keys:
                added = growth.added.get(k[0], {}).get(k[1], 0)
                nxt[k] += added * shares[month]
                if growth.net:
                    nxt[k] += now[k] * churn[k]  # churned customers won back: `added` is net
        now = nxt
        for k in keys:
            out[k].append(max(0.0, now[k]))
    return out


def _whole(x: float) -> int:
    """Round half up (deterministic, unlike banker's rounding at .5)."""
    return math.floor(x + 0.5)


def _period_ramp(ramp: list[float], step: int) -> tuple[float, ...]:
    """Monthly ramp -> per-period ramp (mean of each period's months; 1.0 past the list)."""
    if step == 1:
        out = list(ramp)
    else:
        n = math.ceil(len(ramp) / step)
        out = []
        for k in range(n):
            months = [ramp[m] if m < len(ramp) else 1.0 for m in range(k * step, (k + 1) * step)]
            out.append(sum(months) / step)
    while out and out[-1] >= 1.0:
        out.pop()
    return tuple(out)


@dataclass(frozen=True)
class MonthlyRequirement:
    """What the customers need, month by month (index ``m - 1``), per tier."""

    #: Expected customers (not rounded).
    customers: dict[TierKey, list[float]]
    #: Standard hours the month needs.
    hours: dict[TierKey, list[float]]


def monthly_requirement(scenario: Scenario, spec: HiringSpec, months: int) -> MonthlyRequirement:
    """The hours each tier needs in months ``1..months``: the one source of ``hire``'s requirement.

    The customers of :func:`monthly_customers`, rounded to whole customers each month, times what
    the tier's standard asks in that calendar month, as the calendar model spreads it: a standard
    counted per month is due in full every month; one counted per quarter or per year is spread over
    the quarter's or the year's months in proportion to their working days (China's holidays and
    make-up days, :func:`planner.data.calendar.plan_calendar`). With :func:`working_time`, a month
    with fewer working days needs more heads for the same work.
    """
    customers = monthly_customers(scenario, spec, months)
    dates = calendar_months(scenario, spec, months)
    even = spec.months == "even"
    hours: dict[TierKey, list[float]] = {}
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        per_customer = []
        for year, month in dates:
            h = 0.0
            for std, minutes in ((tier.visits, tier.visit_minutes), (tier.calls, tier.call_minutes)):
                if even:
                    h += std.per_year * minutes / 60.0 / MONTHS_PER_YEAR
                else:
                    h += std.count * minutes / 60.0 * _month_share(year, month, std.per)
            per_customer.append(h)
        hours[key] = [_whole(n) * h for n, h in zip(customers[key], per_customer, strict=True)]
    return MonthlyRequirement(customers, hours)


def calendar_months(scenario: Scenario, spec: HiringSpec, months: int) -> list[tuple[int, int]]:
    """(year, month) of months ``1..months``: from the hiring ``start``, else January of the plan year."""
    from planner.model.headcount import plan_year

    if spec.start is not None:
        year, month = int(spec.start[:4]), int(spec.start[5:7])
    else:
        year, month = plan_year(scenario), 1
    out = []
    for i in range(months):
        m = month - 1 + i
        out.append((year + m // MONTHS_PER_YEAR, m % MONTHS_PER_YEAR + 1))
    return out


def _month_share(year: int, month: int, per: str) -> float:
    """Share of one ``per`` period's contacts due in ``month``: 1 for monthly, else by working days."""
    from planner.data.calendar import plan_calendar

    if per == "month":
        return 1.0
    wd = plan_calendar(year).period_working_days("month")
    months = range(12) if per == "year" else range((month - 1) // 3 * 3, (month - 1) // 3 * 3 + 3)
    total = sum(wd[m] for m in months)
    return wd[month - 1] / total if total > 0 else 1.0 / len(months)


def working_time(scenario: Scenario, spec: HiringSpec, horizon: int, step: int) -> tuple[float, ...]:
    """Each period's working days against an average period of its year (1.0 = average)."""
    from planner.data.calendar import plan_calendar

    if spec.months == "even":
        return ()
    dates = calendar_months(scenario, spec, horizon * step)
    out = []
    for p in range(horizon):
        chunk = dates[p * step : (p + 1) * step]
        factor = 0.0
        for year, month in chunk:
            wd = plan_calendar(year).period_working_days("month")
            factor += wd[month - 1] * MONTHS_PER_YEAR / sum(wd)
        out.append(factor / step)
    return tuple(out)


def _period_rate(rate: float, months: float, per: float) -> float:
    """A leaving rate per ``per`` months, over ``months`` months."""
    return 1.0 - (1.0 - rate) ** (months / per)


def _wastage(h: HiringRole, step: int) -> tuple[float, float, float, int]:
    """(hire_loss, first, tenured, first_year_periods) per period of ``step`` months for one role."""
    if h.wastage is None:
        first = _period_rate(h.attrition.first_year, step, 1)
        tenured = _period_rate(h.attrition.tenured, step, 1)
        return 0.0, first, tenured, MONTHS_PER_YEAR // step
    w = h.wastage
    per = MONTHS_IN[w.per]
    others = _period_rate(w.others, step, per)
    if per >= step:
        new = _period_rate(w.newcomers, step, per)
        return new, new, others, math.ceil(per / step) - 1
    mixed = 1.0 - (1.0 - w.newcomers) * (1.0 - w.others) ** ((step - per) / per)
    return mixed, others, others, 0


def _cap(per_month: float | None, per_year: float | None, step: int) -> float | None:
    if per_month is not None:
        return per_month * step
    if per_year is not None:
        return per_year * step / MONTHS_PER_YEAR
    return None


def _required_heads(
    scenario: Scenario, spec: HiringSpec, role: str, horizon: int, step: int
) -> tuple[float, ...] | None:
    """A role's requirement in heads per period (None when not given): each period's mean."""
    req = spec.requirements
    if req is None or role not in req.heads:
        return None
    values = req.heads[role]
    every = MONTHS_IN[req.period]
    months = horizon * step
    if len(values) * every < months:
        source = str(scenario.path) if scenario.path else scenario.name
        raise InputError(
            _(
                "covers {months_given} months ({count} x {period}) but the plan runs "
                "{months} months ({horizon} x {unit}); give more or plan a shorter --horizon"
            ).format(
                months_given=len(values) * every,
                count=len(values),
                period=req.period,
                months=months,
                horizon=horizon,
                unit=_unit_name(step),
            ),
            source=source,
            path=f"hiring.requirements.heads.{role}",
        )
    out = []
    for p in range(horizon):
        span = [values[m // every] for m in range(p * step, (p + 1) * step)]
        out.append(sum(span) / step)
    return tuple(out)


@dataclass(frozen=True)
class CalendarEfficiency:
    """Each role's efficiency, and each tier's hours split among its roles as ``plan`` splits them."""

    roles: dict[str, RoleEfficiency]
    #: (role, tier) -> the role's share of the tier's hours (None: ``efficiency: none``, no split).
    shares: dict[tuple[str, TierKey], float] | None
    warnings: list[str] = field(default_factory=list)

    def factor(self, role: str) -> float:
        """A role's efficiency (1 when it has none)."""
        e = self.roles.get(role)
        return 1.0 if e is None else e.efficiency


def _plan_shares(scenario: Scenario, planned: PlanResult) -> dict[tuple[str, TierKey], float]:
    """Each role's share of each tier's hours in ``planned``; a tier it gives no hours to is split
    evenly among the roles that serve it (calls-only roles only when nothing else serves it)."""
    given: dict[tuple[str, TierKey], float] = {}
    for a in planned.allocations:
        key = (a.channel, a.tier)
        given[(a.role, key)] = given.get((a.role, key), 0.0) + a.hours
    shares: dict[tuple[str, TierKey], float] = {}
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        servers = [r for r in scenario.roles if key in scenario.served_tiers(r)]
        total = sum(given.get((r, key), 0.0) for r in servers)
        if total > 0:
            for r in servers:
                shares[(r, key)] = given.get((r, key), 0.0) / total
            continue
        field_roles = [r for r in servers if scenario.roles[r].contacts != "calls"] or servers
        for r in field_roles:
            shares[(r, key)] = 1.0 / len(field_roles)
    return shares


def calendar_efficiency(
    scenario: Scenario,
    year: int,
    *,
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    planned: PlanResult | None = None,
) -> CalendarEfficiency:
    """Each role's packing efficiency in ``plan``'s calendar model of ``year`` (see the module docstring).

    ``e_r`` = the role's yearly hours in the plan / (its required heads x a head's yearly hours),
    i.e. its ``utilization`` at the required heads, with the hours taken from the tiers' delivered
    hours (exact, not the solver's) split as the plan's allocation splits them. ``planned`` (a
    ``plan(headcount="required")`` of ``year``) is used instead of solving again.
    """
    from planner.model.headcount import plan

    usable = (
        planned is not None
        and planned.ok
        and planned.headcount_basis == "required"
        and planned.year == year
        and planned.mode == "meet_standards"
    )
    warnings: list[str] = []

    def required(sc: Scenario) -> PlanResult:
        return plan(
            sc, headcount="required", solver=solver, time_limit=time_limit, with_current=False, year=year
        )

    if not usable:
        planned = required(scenario)
        if planned.ok and planned.mode != "meet_standards" and _has_limits(scenario):
            # The requirement is what meets the standards: plan's heads without the limits that
            # keep it short (the hire model has its own caps).
            warnings.append(
                _(
                    "the scenario's limits (budget, max_total_headcount, max_headcount) keep plan short "
                    "of the standards; the requirement in heads is plan's without them"
                )
            )
            planned = required(_without_limits(scenario))
    assert planned is not None
    if not planned.ok:
        warning = _(
            "plan's calendar model of {year} found no plan ({status}); a head's hours count in full"
        ).format(year=year, status=planned.status.value)
        return no_efficiency(scenario, year, [*warnings, warning])
    shares = _plan_shares(scenario, planned)
    delivered = {(t.channel, t.tier): t.delivered_hours for t in planned.tiers}
    roles: dict[str, RoleEfficiency] = {}
    by_id = {r.role: r for r in planned.roles}
    for rid, role in scenario.roles.items():
        hph = role_hours_per_head(role)
        hours = sum(v * delivered.get(key, 0.0) for (r, key), v in shares.items() if r == rid)
        found = by_id.get(rid)
        heads = found.required_headcount if found is not None else None
        e = 1.0
        if role.fixed_hours is None and heads and hph > 0 and hours > 0:
            e = min(1.0, hours / (heads * hph))
        roles[rid] = RoleEfficiency(rid, e, hours, hph, heads, year)
    return CalendarEfficiency(roles, shares, warnings)


def _has_limits(scenario: Scenario) -> bool:
    spec = scenario.spec
    return (
        spec.budget is not None
        or spec.max_total_headcount is not None
        or any(r.max_headcount is not None for r in scenario.roles.values())
    )


def _without_limits(scenario: Scenario) -> Scenario:
    """``scenario`` with no budget, no max_total_headcount and no role's max_headcount."""
    roles = {rid: r.model_copy(update={"max_headcount": None}) for rid, r in scenario.spec.roles.items()}
    spec = scenario.spec.model_copy(update={"budget": None, "max_total_headcount": None, "roles": roles})
    return replace(scenario, spec=spec)


def no_efficiency(
    scenario: Scenario, year: int | None = None, warnings: list[str] | None = None
) -> CalendarEfficiency:
    """Every head delivers all its hours (``hiring.efficiency: none``, or no plan of ``year`` to
    read an efficiency off, with ``warnings`` saying so)."""
    return CalendarEfficiency(
        {
            rid: RoleEfficiency(rid, 1.0, 0.0, role_hours_per_head(role), None, year)
            for rid, role in scenario.roles.items()
        },
        None,
        warnings or [],
    )


def _unit_name(step: int) -> str:
    return next(k for k, v in MONTHS_IN.items() if v == step)


def build_problem(
    scenario: Scenario,
    spec: HiringSpec,
    horizon: int,
    unit: PeriodUnit,
    *,
    objective: Objective = "min_cost",
    integer: bool = True,
    efficiency: CalendarEfficiency | None = None,
) -> tuple[HiringProblem, dict[TierKey, list[int]]]:
    """The model's input for ``horizon`` periods of ``unit``, and customers per tier per period.

    ``efficiency`` scales each role's hours a head (None: a head's hours in full).
    """
    step = MONTHS_IN[unit]
    ppy = PERIODS_PER_YEAR[unit]
    need = monthly_requirement(scenario, spec, horizon * step)
    customers: dict[TierKey, list[int]] = {}
    required: dict[TierKey, tuple[float, ...]] = {}
    call_share: dict[TierKey, float] = {}
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        months = need.customers[key]
        hours = need.hours[key]
        customers[key] = [_whole(sum(months[p * step : (p + 1) * step]) / step) for p in range(horizon)]
        required[key] = tuple(sum(hours[p * step : (p + 1) * step]) for p in range(horizon))
        per_customer = tier_hours_per_customer(tier)
        call_share[key] = tier_call_hours_per_customer(tier) / per_customer if per_customer > 0 else 0.0
    roles = []
    others: dict[str, float] = {}
    for rid, role in scenario.roles.items():
        h = spec.role(rid)
        ramp = _period_ramp(h.ramp, step)
        hire_loss, first, tenured, first_periods = _wastage(h, step)
        others[rid] = tenured if h.wastage is not None else 0.0
        over = h.overmanning
        short = h.short_time
        factor = efficiency.factor(rid) if efficiency is not None else 1.0
        roles.append(
            RoleInput(
                id=rid,
                initial=role.headcount,
                hours_per_head=role_hours_per_head(role) / ppy * factor,
                salary=(h.salary if h.salary is not None else role.annual_cost) / ppy,
                cost_per_hire=h.cost_per_hire,
                lead=math.ceil(h.lead_time_months / step),
                ramp=ramp,
                attrition_first=first,
                attrition_tenured=tenured,
                first_year_periods=first_periods,
                max_hires=_cap(h.max_hires_per_month, h.max_hires_per_year, step),
                training_capacity=h.training_capacity,
                serves=tuple(scenario.served_tiers(rid)),
                calls_only=role.contacts == "calls",
                hire_loss=hire_loss,
                cohort_survival=h.wastage is not None,
                redundancy_cost=h.redundancy_cost if h.redundancy_cost is not None else spec.layoff_cost,
                required_heads=_required_heads(scenario, spec, rid, horizon, step),
                overmanning_max=None if over is None else over.max,
                overmanning_cost=0.0 if over is None else over.cost_per_year / ppy,
                short_time_max=0.0 if short is None else short.max,
                short_time_fraction=0.5 if short is None else short.counts_as,
                short_time_cost=0.0 if short is None else short.cost_per_year / ppy,
                train=training_shares(len(h.ramp), step),
            )
        )
    transfers = []
    for t in spec.transfers:
        ramp_months = t.ramp if t.ramp is not None else spec.role(t.to_role).ramp
        transfers.append(
            TransferInput(
                source=t.from_role,
                target=t.to_role,
                lead=math.ceil(t.lead_time_months / step),
                max_per_period=_cap(t.max_per_month, t.max_per_year, step),
                cost=t.cost,
                ramp=_period_ramp(ramp_months, step),
                loss=t.leaving_rate if t.leaving_rate is not None else others[t.to_role],
                max_share_of_target=t.max_share_of_target,
                kind=t.kind,
                train=training_shares(len(ramp_months), step),
            )
        )
    problem = HiringProblem(
        periods=horizon,
        tiers=tuple(required),
        required=required,
        call_share=call_share,
        roles=tuple(roles),
        transfers=tuple(transfers),
        penalty_per_hour=spec.penalty_per_hour,
        layoffs=spec.layoffs,
        layoff_cost=spec.layoff_cost,
        overmanning_total=spec.max_overmanned_total,
        objective=objective,
        integer=integer,
        working_time=working_time(scenario, spec, horizon, step),
    )
    return problem, customers


def hiring_plan(
    scenario: Scenario,
    *,
    horizon: int | None = None,
    period: PeriodUnit | None = None,
    objective: str | None = None,
    mode: str | None = None,
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    planned: PlanResult | None = None,
) -> HiringResult:
    """Plan hires, moves, redundancies and leavers for every role of ``scenario`` over ``horizon`` periods.

    Parameters
    ----------
    scenario
        A validated scenario with a ``hiring:`` section.
    horizon
        Number of periods (1 to :data:`MAX_HORIZON`); default: the section's ``horizon``, else 24.
    period
        ``month``, ``quarter`` or ``year``; default: the section's ``period``, else month.
    objective
        ``min_cost`` or ``min_redundancy``; default: the section's ``objective``.
    mode
        ``integer`` (whole people) or ``lp`` (continuous); default: the section's ``mode``.
    solver, time_limit
        Passed to :func:`planner.model.solver.solve` (and to ``plan`` for the roles' efficiency).
    planned
        ``plan(scenario, headcount="required")`` when the caller has it: the roles' efficiency is read
        off it instead of solving ``plan`` again, if it is of the hire's first calendar year.

    Raises
    ------
    InputError
        When the scenario has no ``hiring:`` section, it names unknown roles or tiers, or the
        horizon, period, objective or mode is out of range.
    """
    spec = hiring_spec(scenario)
    period = period if period is not None else (spec.period or DEFAULT_PERIOD)
    horizon = horizon if horizon is not None else (spec.horizon or DEFAULT_HORIZON)
    objective = objective if objective is not None else spec.objective
    mode = mode if mode is not None else spec.mode
    if period not in MONTHS_IN:
        raise InputError(
            _("unknown period {period}; expected month, quarter or year").format(period=repr(period)),
            source="--period",
        )
    if not 1 <= horizon <= MAX_HORIZON:
        raise InputError(
            _("expected 1 to {most} periods, got {horizon}").format(most=MAX_HORIZON, horizon=horizon),
            source="--horizon",
        )
    if objective not in ("min_cost", "min_redundancy"):
        raise InputError(
            _("unknown objective {objective}; expected min_cost or min_redundancy").format(
                objective=repr(objective)
            ),
            source="--objective",
        )
    if mode not in ("integer", "lp"):
        raise InputError(
            _("unknown mode {mode}; expected integer or lp").format(mode=repr(mode)), source="--mode"
        )
    if spec.efficiency == "none":
        efficiency = no_efficiency(scenario)
    else:
        year = calendar_months(scenario, spec, 1)[0][0]
        efficiency = calendar_efficiency(
            scenario, year, solver=solver, time_limit=time_limit, planned=planned
        )
    problem, customers = build_problem(
        scenario,
        spec,
        horizon,
        period,
        objective=objective,  # type: ignore[arg-type]
        integer=mode == "integer",
        efficiency=efficiency,
    )
    solution = solve_hiring(problem, solver=solver, time_limit=time_limit)
    labels = period_labels(spec.start, period, horizon)
    return _result(scenario, spec, problem, solution, customers, labels, period, efficiency)


Shares = dict[tuple[str, TierKey], float]


def _heads_needed(
    problem: HiringProblem, role: RoleInput, shares: Shares | None, hours: list[float]
) -> list[float]:
    """A role's requirement in heads per period: its share of its tiers' hours / a head's hours.

    With ``shares`` (``plan``'s split of each tier among its roles) the hours are the tiers'
    requirement; without, ``hours`` (the role's required hours as the plan split them).
    """
    out = []
    for t in range(problem.periods):
        if shares is not None:
            need = sum(shares.get((role.id, key), 0.0) * problem.required[key][t] for key in role.serves)
        else:
            need = hours[t]
        per_head = role.hours_per_head * problem.time_factor(t + 1)
        # Rounded to 1e-9 heads so that float noise never lifts a whole number past it.
        out.append(round(need / per_head, 9) if per_head > 0 else 0.0)
    return out


def _coverage(delivered: float, required: float) -> float:
    if required <= 0:
        return 1.0
    c = delivered / required
    return 1.0 if c > 1 - COVERAGE_TOL else max(0.0, c)


def _result(
    scenario: Scenario,
    spec: HiringSpec,
    problem: HiringProblem,
    sol: HiringSolution,
    customers: dict[TierKey, list[int]],
    labels: list[str],
    unit: str,
    efficiency: CalendarEfficiency | None = None,
) -> HiringResult:
    by_heads = [r.id for r in problem.roles if r.required_heads is not None]
    # A role given its requirement in heads needs no customers: drop the loader's warning about it.
    warnings = [
        w
        for w in scenario.warnings
        if not any(
            w == _("role {role} serves no tier that has customers").format(role=excerpt(rid))
            for rid in by_heads
        )
    ]
    if sol.ok and not sol.converged:
        warnings.append(
            _(
                "leavers did not settle after {rounds} solves; the plan uses the last round's leavers, "
                "which may differ by a person from its own expected leavers in some periods"
            ).format(rounds=sol.rounds)
        )
    if efficiency is not None:
        warnings.extend(w for w in efficiency.warnings if w not in warnings)
    cc = scenario.spec.callcentre
    if cc is not None and cc.outbound is not None and cc.outbound.enabled:
        warnings.append(
            _(
                "hire plans the managers for every contact: the call centre's outbound agents "
                "(callcentre.outbound) are not counted, so `plan` needs fewer managers than this"
            )
        )
    shares = efficiency.shares if efficiency is not None else None
    inputs = {r.id: r for r in problem.roles}
    rows: list[PeriodRow] = []
    totals: list[RoleTotals] = []
    for rs in sol.roles:
        r = inputs[rs.role]
        given = rs.required_heads is not None
        heads_needed = (
            list(rs.required_heads)
            if rs.required_heads is not None
            else _heads_needed(problem, r, shares, rs.required_hours)
        )
        role_rows = []
        for t, label in enumerate(labels):
            role_rows.append(
                PeriodRow(
                    period=label,
                    role=rs.role,
                    headcount=rs.headcount[t],
                    hires=rs.hires[t],
                    leavers=rs.leavers[t],
                    transfers_in=rs.transfers_in[t],
                    transfers_out=rs.transfers_out[t],
                    effective_hours=rs.effective_hours[t],
                    required_hours=rs.required_hours[t],
                    coverage=_coverage(rs.delivered_hours[t], rs.required_hours[t]),
                    index=t + 1,
                    hires_decided=rs.hires_decided[t],
                    layoffs=rs.layoffs[t],
                    effective_heads=rs.effective_heads[t],
                    delivered_hours=rs.delivered_hours[t],
                    required_heads=heads_needed[t],
                    heads_given=given,
                    overmanned=rs.overmanned[t] if rs.overmanned else 0.0,
                    short_time=rs.short_time[t] if rs.short_time else 0.0,
                )
            )
        rows.extend(role_rows)
        worst = min(role_rows, key=lambda p: (p.coverage, p.index))
        required = sum(rs.required_hours)
        delivered = sum(rs.delivered_hours)
        first = next((labels[t] for t, n in enumerate(rs.hires_decided) if n > 0), None)
        totals.append(
            RoleTotals(
                role=rs.role,
                label=scenario.roles[rs.role].label,
                start_headcount=r.initial,
                end_headcount=rs.headcount[-1],
                peak_headcount=max([r.initial, *rs.headcount]),
                hires=sum(rs.hires),
                leavers=sum(rs.leavers),
                transfers_in=sum(rs.transfers_in),
                transfers_out=sum(rs.transfers_out),
                layoffs=sum(rs.layoffs),
                required_hours=required,
                delivered_hours=delivered,
                shortfall_hours=max(0.0, required - delivered),
                coverage=_coverage(delivered, required),
                worst_period=worst.period,
                worst_coverage=worst.coverage,
                salary_cost=r.salary * sum(rs.headcount),
                hiring_cost=r.cost_per_hire * sum(rs.hires_decided),
                first_hire_decided=first,
            )
        )
    tiers = []
    for key in problem.tiers:
        for t, label in enumerate(labels):
            tiers.append(
                TierPeriod(
                    period=label,
                    tier=tier_key(*key),
                    customers=customers[key][t],
                    required_hours=problem.required[key][t],
                    delivered_hours=sol.tier_delivered.get(key, [0.0] * len(labels))[t],
                )
            )
    transfer_rows = []
    for tr, ts in zip(problem.transfers, sol.transfers, strict=False):
        for t, n in enumerate(ts.decided):
            if n:
                transfer_rows.append(
                    TransferRow(ts.source, ts.target, labels[t], labels[t + tr.lead], n, ts.kind)
                )
    total_cost = (
        sol.salary_cost
        + sol.hiring_cost
        + sol.transfer_cost
        + sol.layoff_cost
        + sol.overmanning_cost
        + sol.short_time_cost
    )
    return HiringResult(
        scenario=scenario.name,
        period_unit=unit,
        horizon=len(labels),
        labels=labels,
        status=sol.status,
        solver=sol.solver,
        periods=rows,
        roles=totals,
        tiers=tiers,
        transfers=transfer_rows,
        total_cost=total_cost,
        total_hires=sum(t.hires for t in totals),
        salary_cost=sol.salary_cost,
        hiring_cost=sol.hiring_cost,
        transfer_cost=sol.transfer_cost,
        layoff_cost=sol.layoff_cost,
        shortfall_hours=sol.shortfall_hours,
        penalty_cost=sol.penalty_cost,
        penalty_per_hour=spec.penalty_per_hour,
        warnings=warnings,
        overmanning_cost=sol.overmanning_cost,
        short_time_cost=sol.short_time_cost,
        redundancies=sum(t.layoffs for t in totals),
        mode="integer" if sol.integer else "lp",
        objective=sol.objective,
        mip_gap=sol.gap,
        efficiency_basis=spec.efficiency,
        efficiency=[] if efficiency is None else [efficiency.roles[r.id] for r in problem.roles],
    )
