"""The annual headcount model as it was built with pulp before it moved onto
:class:`planner.model.lp.Program` (issue 15), kept only so tests can compare the two builds.

Copied from planner/model/headcount.py and planner/model/response.py at that commit; not used by
planner itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.data.scenario import Scenario, TierKey
from planner.model.headcount import TIE_BREAK, _Data, _exclusive_floors
from planner.model.response import ResponseCurve
from planner.model.solver import constraint


def add_response(prob: Any, coverage: Any, curve: ResponseCurve, revenue: float, name: str) -> Any:
    """Add one tier's response segments to ``prob``; return its value as a pulp expression.

    Parameters
    ----------
    prob
        A pulp problem that *maximises* an objective including the returned expression (or bounds
        it from below): the segments then fill in order because the curve is concave.
    coverage
        The tier's coverage, a pulp variable or expression in [0, 1].
    curve
        The tier's response curve.
    revenue
        The tier's annual revenue, CNY (customers x monthly spend x 12).
    name
        A prefix for the new variables and the linking constraint, unique in ``prob``.

    Returns
    -------
    The revenue kept above what no service keeps, CNY a year: ``revenue x (kept(coverage) -
    kept(0))``. Add ``revenue x curve.kept(0)`` for the revenue kept itself (a constant, left out so
    objective values and their tolerances stay in the scale of what service changes).
    """
    import pulp

    parts = []
    for i, (width, slope) in enumerate(curve.segments()):
        y = pulp.LpVariable(f"{name}_{i}", lowBound=0, upBound=width)
        parts.append((y, revenue * slope))
    prob += pulp.LpConstraint(
        pulp.lpSum(y for y, _ in parts) - coverage, pulp.LpConstraintEQ, f"{name}_link", 0
    )
    return pulp.lpSum(value * y for y, value in parts)


class _Model:
    """One build of the LP/MIP. ``fixed`` pins headcounts; ``relax`` makes them continuous."""

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
        import pulp

        self.pulp = pulp
        self.data = data
        self.prob = pulp.LpProblem(name, pulp.LpMinimize)
        self.h: dict[str, Any] = {}
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
            cat = pulp.LpContinuous if relax else pulp.LpInteger
            low = floors.get(r, 0)
            if upper is not None and low > upper:
                low = 0  # infeasible anyway; let the solver say so
            self.h[r] = pulp.LpVariable(f"h_{i}", lowBound=low, upBound=upper, cat=cat)
        self.x: dict[tuple[str, TierKey], Any] = {}
        for i, r in enumerate(data.roles):
            for j, key in enumerate(data.tiers):
                if key in data.serves[r] and data.required[key] > 0:
                    self.x[(r, key)] = pulp.LpVariable(f"x_{i}_{j}", lowBound=0)
        self.c: dict[TierKey, Any] = {}
        self.served: dict[TierKey, Any] = {}
        for j, key in enumerate(data.tiers):
            need = data.required[key]
            if need <= 0:
                continue
            served = pulp.lpSum(self.x[(r, key)] for r in data.roles if (r, key) in self.x)
            self.served[key] = served
            if full_coverage:
                self.prob += pulp.LpConstraint(served, pulp.LpConstraintGE, f"need_{j}", need)
            else:
                floor = data.min_cov.get(key, 0.0) if use_min_coverage else 0.0
                self.c[key] = pulp.LpVariable(f"c_{j}", lowBound=floor, upBound=1)
                self.prob += pulp.LpConstraint(
                    served - need * self.c[key], pulp.LpConstraintEQ, f"need_{j}", 0
                )
            phone = [self.x[(r, key)] for r in data.roles if r in data.calls_only and (r, key) in self.x]
            if phone:
                # Calls-only roles may take at most the tier's phone-contact share of what is delivered.
                share = data.call_hours[key] / need
                delivered = need if full_coverage else need * self.c[key]
                self.prob += pulp.LpConstraint(
                    pulp.lpSum(phone) - share * delivered, pulp.LpConstraintLE, f"phone_{j}", 0
                )
        self.capacity: dict[str, Any] = {}
        for i, r in enumerate(data.roles):
            terms = [self.x[(r, key)] for key in data.tiers if (r, key) in self.x]
            if not terms:
                continue
            name_c = f"cap_{i}"
            if r in data.fixed_hours:
                self.prob += pulp.LpConstraint(
                    pulp.lpSum(terms), pulp.LpConstraintLE, name_c, data.fixed_hours[r]
                )
            elif fixed is not None:
                self.prob += pulp.LpConstraint(
                    pulp.lpSum(terms), pulp.LpConstraintLE, name_c, data.hph[r] * self.h[r]
                )
            else:
                self.prob += pulp.LpConstraint(
                    pulp.lpSum(terms) - data.hph[r] * self.h[r], pulp.LpConstraintLE, name_c, 0
                )
            self.capacity[r] = constraint(self.prob, name_c)
        self.cost_expr = pulp.lpSum(data.cost[r] * self.h[r] for r in data.roles)
        self.heads_expr = pulp.lpSum(self.h[r] for r in data.roles)
        self.value_expr = _value_expr(self.prob, data, self.c)
        spec = scenario.spec
        if limits and fixed is None:
            if spec.budget is not None:
                self.prob += pulp.LpConstraint(self.cost_expr, pulp.LpConstraintLE, "budget", spec.budget)
            if spec.max_total_headcount is not None:
                self.prob += pulp.LpConstraint(
                    self.heads_expr, pulp.LpConstraintLE, "max_total_headcount", spec.max_total_headcount
                )

    def minimise(self, expr: Any) -> None:
        self.prob.sense = self.pulp.LpMinimize
        self.prob.setObjective(expr)

    def maximise(self, expr: Any) -> None:
        self.prob.sense = self.pulp.LpMaximize
        self.prob.setObjective(expr)

    def heads(self) -> dict[str, float]:
        return {r: float(self.pulp.value(h)) if not isinstance(h, float) else h for r, h in self.h.items()}

    def hours(self) -> dict[tuple[str, TierKey], float]:
        return {k: max(0.0, float(v.value() or 0.0)) for k, v in self.x.items()}


def _value_expr(prob: Any, data: _Data, coverage: Mapping[TierKey, Any]) -> Any:
    """The ``max_coverage`` objective over the tiers with a coverage variable.

    ``linear``: revenue at risk x coverage. ``response``: revenue kept above no service, by each
    tier's response curve (:func:`add_response`). Both carry the tie-breaker.
    """
    import pulp

    if data.objective == "linear":
        return pulp.lpSum(data.weight[k] * coverage[k] for k in coverage)
    terms = []
    for key, c in coverage.items():
        j = data.tiers.index(key)
        terms.append(add_response(prob, c, data.curves[key], data.revenue[key], f"resp_{j}"))
        terms.append(data.tie[key] * c)
    return pulp.lpSum(terms)


def _fixed_hours_bonus(model: _Model) -> Any:
    """A tie-breaker that gives work to fixed-hours roles first (their hours are paid for anyway).

    Moving an hour of a tier from a headcount role to a fixed-hours role never lowers coverage, so
    the bonus only chooses among allocations of equal value; it is kept a millionth of the smallest
    value of an hour of any tier so it can never outweigh coverage. Zero when no role has fixed hours.
    """
    data = model.data
    terms = [v for (r, _), v in model.x.items() if r in data.fixed_hours]
    if not terms:
        return 0
    per_hour = [data.weight[k] / data.required[k] for k in data.tiers if data.required[k] > 0]
    if data.objective == "response":  # the cheapest hour: the flattest rising segment of any curve
        per_hour = [
            data.revenue[k] * m / data.required[k] + data.tie[k] / data.required[k]
            for k in data.tiers
            if data.required[k] > 0
            for _, m in data.curves[k].segments()
        ]
    eps = TIE_BREAK * min(per_hour) if per_hour else TIE_BREAK
    return eps * model.pulp.lpSum(terms)
