"""The hiring plan: month-by-month (or quarter-by-quarter) headcount, hires, ramp-up, attrition, transfers.

This module turns a scenario's ``hiring:`` section into per-period demand and per-period role data,
runs :func:`planner.model.hiring.solve_hiring`, and returns plain result dataclasses.

Customers evolve **monthly** from the start counts: each month a tier keeps ``1 - churn - migrations
out`` of last month's customers (monthly rates ``1 - (1 - yearly) ** (1/12)``), receives its
migrations in, and adds its share of the growth. A period's customers are the mean of its months,
rounded to whole customers. Required hours come from :func:`planner.model.workload.tier_required_hours`
(divided by the periods in a year); a head's hours from :func:`planner.model.workload.role_hours_per_head`.

Month-based settings are converted to the period: lead times round **up** to whole periods, a
quarter's ramp-up is the mean of its three months, monthly attrition ``a`` becomes ``1 - (1 - a) ** 3``
a quarter, monthly caps are multiplied by 3.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from planner.data.hiring import HiringSpec, check_hiring
from planner.data.policy import PERIODS_PER_YEAR
from planner.data.scenario import Scenario, TierKey, tier_key
from planner.errors import InputError
from planner.model.hiring import HiringProblem, HiringSolution, RoleInput, TransferInput, solve_hiring
from planner.model.solver import DEFAULT_TIME_LIMIT
from planner.model.workload import (
    MONTHS_PER_YEAR,
    role_hours_per_head,
    tier_call_hours_per_customer,
    tier_hours_per_customer,
    tier_required_hours,
)

PeriodUnit = Literal["month", "quarter"]
MONTHS_IN: dict[str, int] = {"month": 1, "quarter": 3}
#: A horizon longer than this is refused (10 years of months; the model grows with its square).
MAX_HORIZON = 120
#: Coverage within this of 1 counts as met (solver tolerance).
COVERAGE_TOL = 1e-6


@dataclass(frozen=True)
class PeriodRow:
    """One role in one period. Hours are per period; ``coverage`` = delivered / required (1 if none)."""

    period: str
    role: str
    headcount: int
    hires: int
    leavers: int
    transfers_in: int
    transfers_out: int
    effective_hours: float
    required_hours: float
    coverage: float
    index: int = 0
    hires_decided: int = 0
    layoffs: int = 0
    effective_heads: float = 0.0
    delivered_hours: float = 0.0


@dataclass(frozen=True)
class RoleTotals:
    """One role over the whole horizon."""

    role: str
    label: str | None
    start_headcount: int
    end_headcount: int
    peak_headcount: int
    hires: int
    leavers: int
    transfers_in: int
    transfers_out: int
    layoffs: int
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
    count: int


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
    total_hires: int
    salary_cost: float
    hiring_cost: float
    transfer_cost: float
    layoff_cost: float
    shortfall_hours: float
    penalty_cost: float
    penalty_per_hour: float
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when a plan was found."""
        return self.status == "optimal"

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
        )
        return {
            "scenario": self.scenario,
            "status": self.status,
            "solver": self.solver,
            "period_unit": self.period_unit,
            "horizon": self.horizon,
            "periods": [{k: getattr(p, k) for k in keys} for p in self.periods],
            "total_cost": self.total_cost,
            "total_hires": self.total_hires,
            "costs": {
                "salary": self.salary_cost,
                "hiring": self.hiring_cost,
                "transfers": self.transfer_cost,
                "layoffs": self.layoff_cost,
                "shortfall_penalty": self.penalty_cost,
            },
            "shortfall_hours": self.shortfall_hours,
            "roles": [asdict(r) for r in self.roles],
            "transfers": [asdict(t) for t in self.transfers],
            "warnings": list(self.warnings),
        }


def hiring_spec(scenario: Scenario) -> HiringSpec:
    """The scenario's checked ``hiring:`` section (InputError when it has none or names unknown things)."""
    spec = scenario.spec.hiring
    source = str(scenario.path) if scenario.path else scenario.name
    if spec is None:
        raise InputError(
            "the scenario has no `hiring:` section; add one with at least `penalty_per_hour` "
            "(see the README, planner hire)",
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
        prefix = "M" if unit == "month" else "Q"
        return [f"{prefix}{i + 1}" for i in range(horizon)]
    year, month = int(start[:4]), int(start[5:7])
    out = []
    for i in range(horizon):
        m0 = month - 1 + i * step
        y, m = year + m0 // 12, m0 % 12 + 1
        if unit == "month":
            out.append(f"{y:04d}-{m:02d}")
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


def build_problem(
    scenario: Scenario, spec: HiringSpec, horizon: int, unit: PeriodUnit
) -> tuple[HiringProblem, dict[TierKey, list[int]]]:
    """The model's input for ``horizon`` periods of ``unit``, and customers per tier per period."""
    step = MONTHS_IN[unit]
    ppy = PERIODS_PER_YEAR[unit]
    monthly = monthly_customers(scenario, spec, horizon * step)
    customers: dict[TierKey, list[int]] = {}
    required: dict[TierKey, tuple[float, ...]] = {}
    call_share: dict[TierKey, float] = {}
    for channel, tier in scenario.tiers():
        key = (channel, tier.id)
        months = monthly[key]
        counts = [_whole(sum(months[p * step : (p + 1) * step]) / step) for p in range(horizon)]
        customers[key] = counts
        required[key] = tuple(tier_required_hours(tier, n) / ppy for n in counts)
        per_customer = tier_hours_per_customer(tier)
        call_share[key] = tier_call_hours_per_customer(tier) / per_customer if per_customer > 0 else 0.0
    roles = []
    for rid, role in scenario.roles.items():
        h = spec.role(rid)
        ramp = _period_ramp(h.ramp, step)
        roles.append(
            RoleInput(
                id=rid,
                initial=role.headcount,
                hours_per_head=role_hours_per_head(role) / ppy,
                salary=(h.salary if h.salary is not None else role.annual_cost) / ppy,
                cost_per_hire=h.cost_per_hire,
                lead=math.ceil(h.lead_time_months / step),
                ramp=ramp,
                attrition_first=1.0 - (1.0 - h.attrition.first_year) ** step,
                attrition_tenured=1.0 - (1.0 - h.attrition.tenured) ** step,
                first_year_periods=MONTHS_PER_YEAR // step,
                max_hires=None if h.max_hires_per_month is None else h.max_hires_per_month * step,
                training_capacity=h.training_capacity,
                training_window=max(1, len(ramp)),
                serves=tuple(scenario.served_tiers(rid)),
                calls_only=role.contacts == "calls",
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
                max_per_period=None if t.max_per_month is None else t.max_per_month * step,
                cost=t.cost,
                ramp=_period_ramp(ramp_months, step),
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
    )
    return problem, customers


def hiring_plan(
    scenario: Scenario,
    *,
    horizon: int = 24,
    period: PeriodUnit = "month",
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> HiringResult:
    """Plan hires, transfers and leavers for every role of ``scenario`` over ``horizon`` periods.

    Parameters
    ----------
    scenario
        A validated scenario with a ``hiring:`` section.
    horizon
        Number of periods (1 to :data:`MAX_HORIZON`).
    period
        ``month`` or ``quarter``.
    solver, time_limit
        Passed to :func:`planner.model.solver.solve`.

    Raises
    ------
    InputError
        When the scenario has no ``hiring:`` section, it names unknown roles or tiers, or the
        horizon or period is out of range.
    """
    if period not in MONTHS_IN:
        raise InputError(f"unknown period {period!r}; expected month or quarter", source="--period")
    if not 1 <= horizon <= MAX_HORIZON:
        raise InputError(f"expected 1 to {MAX_HORIZON} periods, got {horizon}", source="--horizon")
    spec = hiring_spec(scenario)
    problem, customers = build_problem(scenario, spec, horizon, period)
    solution = solve_hiring(problem, solver=solver, time_limit=time_limit)
    labels = period_labels(spec.start, period, horizon)
    return _result(scenario, spec, problem, solution, customers, labels, period)


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
) -> HiringResult:
    warnings = list(scenario.warnings)
    if sol.ok and not sol.converged:
        warnings.append(
            f"leavers did not settle after {sol.rounds} solves; the plan uses the last round's leavers, "
            "which may differ by a person from its own expected leavers in some periods"
        )
    inputs = {r.id: r for r in problem.roles}
    rows: list[PeriodRow] = []
    totals: list[RoleTotals] = []
    for rs in sol.roles:
        r = inputs[rs.role]
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
                transfer_rows.append(TransferRow(ts.source, ts.target, labels[t], labels[t + tr.lead], n))
    total_cost = sol.salary_cost + sol.hiring_cost + sol.transfer_cost + sol.layoff_cost
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
    )
