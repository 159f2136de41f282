"""What-if questions over the one model: compare scenarios side by side, sweep a parameter.

Every scenario and every sweep point is planned by :func:`planner.model.headcount.plan`, and its
boundary inversions come from :func:`planner.analyses.boundary.analyse_boundaries`; this module
only arranges the answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from planner.data.scenario import Scenario, load_scenario_document, scenario_from_document
from planner.data.yaml_io import apply_assignments
from planner.errors import InputError
from planner.i18n import _
from planner.model.headcount import Objective, PlanResult, plan

#: Refuse sweeps larger than this (a typo in a step, not a real question).
MAX_POINTS = 10_000
#: Marginal revenue of a budget sweep is given per this many CNY of budget.
PER_BUDGET = 1_000_000


@dataclass(frozen=True)
class ScenarioSummary:
    """The figures compared across scenarios, read off one plan (and its boundary report)."""

    scenario: str
    file: str
    mode: str
    status: str
    total_headcount: int
    current_headcount: int
    #: Today's heads x their cost (``total_cost`` is the required headcount's), CNY a year.
    current_cost: float
    total_cost: float
    revenue_at_risk_covered: float
    roles: dict[str, dict[str, float | None]]
    tiers: dict[str, dict[str, float | None]]
    inversions: dict[str, int]
    explanation: str | None = None
    #: Revenue kept and lost against full service (CNY a year, by the response curves), and the
    #: objective that allocated the hours.
    revenue_kept: float = 0.0
    revenue_lost: float = 0.0
    objective: str = "response"
    #: The limits at their bound (``budget``, ``max_total_headcount``, ...), as in ``plan``.
    binding: tuple[str, ...] = ()
    #: The plan's warnings, the scenario's own among them, as ``plan`` gives them.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Difference:
    """One figure of a scenario that differs from the first scenario's."""

    scenario: str
    metric: str
    base: float | None
    value: float | None

    @property
    def delta(self) -> float | None:
        """value - base (None when either is missing)."""
        if self.base is None or self.value is None:
            return None
        return self.value - self.base


@dataclass(frozen=True)
class Comparison:
    """Scenarios side by side; ``differences`` are against the first."""

    scenarios: list[ScenarioSummary]
    differences: list[Difference]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        from dataclasses import asdict

        return {
            "scenarios": [asdict(s) for s in self.scenarios],
            "differences": [{**asdict(d), "delta": d.delta} for d in self.differences],
        }


def summarise(
    scenario: Scenario, result: PlanResult, inversions: dict[str, int] | None = None
) -> ScenarioSummary:
    """The comparable figures of one planned scenario."""
    roles = {
        r.role: {
            "current_headcount": r.current_headcount,
            "required_headcount": r.required_headcount,
            "annual_bound": r.annual_bound,
            "annual_cost": r.annual_cost,
        }
        for r in result.roles
    }
    tiers: dict[str, dict[str, float | None]] = {
        t.key: {
            "coverage": t.coverage,
            "coverage_at_current": t.coverage_at_current,
            "revenue_kept": t.revenue_kept,
        }
        for t in result.tiers
        if t.required_hours > 0
    }
    return ScenarioSummary(
        scenario=scenario.name,
        file=str(scenario.path) if scenario.path else "",
        mode=result.mode,
        status=result.status,
        total_headcount=result.total_headcount,
        current_headcount=result.current_total_headcount,
        current_cost=result.current_total_cost,
        total_cost=result.total_cost,
        revenue_at_risk_covered=result.revenue_at_risk_covered,
        roles=roles,
        tiers=tiers,
        inversions=inversions or {},
        explanation=result.explanation,
        revenue_kept=result.revenue_kept,
        revenue_lost=result.revenue_lost,
        objective=result.objective,
        binding=tuple(result.binding),
        warnings=tuple(result.warnings),
    )


def _inversion_counts(scenario: Scenario, solver: str) -> dict[str, int]:
    from planner.analyses.boundary import analyse_boundaries

    report = analyse_boundaries(scenario, solver=solver)
    counts = {"designed": 0, "delivered": 0, "price": 0}
    for inv in report.inversions():
        counts[inv.kind] = counts.get(inv.kind, 0) + 1
    counts["total"] = sum(counts.values())
    return counts


def _flat(summary: ScenarioSummary) -> dict[str, float | None]:
    """Every compared figure under one name, for the differences."""
    out: dict[str, float | None] = {
        "total_headcount": summary.total_headcount,
        "total_cost": summary.total_cost,
        "current_headcount": summary.current_headcount,
        "current_cost": summary.current_cost,
        "revenue_kept": summary.revenue_kept,
        "revenue_lost": summary.revenue_lost,
        "revenue_at_risk_covered": summary.revenue_at_risk_covered,
    }
    role_figures: dict[str, dict[str, float | None]] = summary.roles
    for role, figures in role_figures.items():
        out[f"roles.{role}.required_headcount"] = figures["required_headcount"]
        out[f"roles.{role}.current_headcount"] = figures["current_headcount"]
        out[f"roles.{role}.annual_cost"] = figures["annual_cost"]
    for tier, shares in summary.tiers.items():
        out[f"tiers.{tier}.coverage"] = shares["coverage"]
        out[f"tiers.{tier}.coverage_at_current"] = shares["coverage_at_current"]
        out[f"tiers.{tier}.revenue_kept"] = shares.get("revenue_kept")
    for kind, n in summary.inversions.items():
        out[f"inversions.{kind}"] = n
    return out


def differences(summaries: Sequence[ScenarioSummary], tol: float = 1e-9) -> list[Difference]:
    """Figures of each later scenario that differ from the first's (a figure absent on one side differs)."""
    if not summaries:
        return []
    base = _flat(summaries[0])
    out = []
    for s in summaries[1:]:
        other = _flat(s)
        for metric in [*base, *(m for m in other if m not in base)]:
            a, b = base.get(metric), other.get(metric)
            same = a is not None and b is not None and abs(a - b) <= tol * max(1.0, abs(a))
            if not same and not (a is None and b is None):
                out.append(Difference(s.scenario, metric, a, b))
    return out


def compare(
    scenarios: Sequence[Scenario],
    *,
    solver: str = "auto",
    objective: Objective = "response",
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Plan every scenario (and its boundaries) and line them up against the first.

    ``progress(done, total)`` is called after each scenario.
    """
    summaries = []
    for i, sc in enumerate(scenarios):
        result = plan(sc, solver=solver, objective=objective)
        inversions = _inversion_counts(sc, solver) if result.ok else {}
        summaries.append(summarise(sc, result, inversions))
        if progress is not None:
            progress(i + 1, len(scenarios))
    return Comparison(summaries, differences(summaries))


# ----------------------------------------------------------------------------- sweep


@dataclass(frozen=True)
class Vary:
    """One swept key and the values it takes."""

    path: str
    values: list[Any]


def _number(text: str, option: str) -> int | float | Decimal:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InputError(_("{text} is not a number").format(text=repr(text)), source=option) from None
    if not number.is_finite():  # Decimal reads "nan" and "inf"; neither makes a grid
        raise InputError(_("{text} is not a finite number").format(text=repr(text)), source=option)
    return number


def parse_vary(text: str, option: str = "--vary") -> Vary:
    """``path=start:stop:step`` (stop included when the steps land on it) or ``path=a,b,c``."""
    import yaml

    if "=" not in text:
        raise InputError(
            _("expected PATH=START:STOP:STEP or PATH=A,B,C, got {text}").format(text=repr(text)),
            source=option,
        )
    path, _eq, spec = text.partition("=")
    path = path.strip()
    if not path or any(not p for p in path.split(".")):
        raise InputError(
            _("expected a dotted key path before '=', got {path}").format(path=repr(path)), source=option
        )
    label = f"{option} {text}"
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(_("expected START:STOP:STEP"), source=label)
        start, stop, step = (_number(p, label) for p in parts)
        if step <= 0:
            raise InputError(_("step must be positive, got {step}").format(step=step), source=label)
        if stop < start:
            raise InputError(
                _("stop {stop} is below start {start}").format(stop=stop, start=start), source=label
            )
        count = int((Decimal(stop) - Decimal(start)) / Decimal(step)) + 1
        if count > MAX_POINTS:
            raise InputError(
                _("{n} points; the limit is {most} (check the step)").format(
                    n=f"{count:,}", most=f"{MAX_POINTS:,}"
                ),
                source=label,
            )
        values: list[Any] = []
        for i in range(count):
            v = Decimal(start) + i * Decimal(step)
            values.append(int(v) if all(isinstance(x, int) for x in (start, stop, step)) else float(v))
        return Vary(path, values)
    raw = [p.strip() for p in spec.split(",")]
    if not spec.strip() or any(not p for p in raw):
        raise InputError(_("expected comma-separated values, e.g. 1000,2000,3000"), source=label)
    try:
        parsed = [yaml.safe_load(p) for p in raw]
    except yaml.YAMLError:
        raise InputError(_("cannot read the values as YAML scalars"), source=label) from None
    return Vary(path, parsed)


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep: the parameter values and the plan's headline figures."""

    values: dict[str, Any]
    status: str
    mode: str
    total_headcount: int
    total_cost: float
    revenue_at_risk_covered: float
    headcount: dict[str, int]
    coverage: dict[str, float]
    coverage_at_current: dict[str, float | None]
    explanation: str | None = None
    #: Revenue kept and lost against full service, CNY a year (by the response curves).
    revenue_kept: float = 0.0
    revenue_lost: float = 0.0
    #: When ``budget`` is swept: extra revenue kept per extra 1 M CNY of budget since the previous
    #: budget (the other parameter, if any, unchanged); None at the first budget or a failed point.
    marginal_per_million: float | None = None
    #: The point's plan's warnings, the scenario's own among them, as ``plan`` gives them.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sweep:
    """All points of a sweep, in grid order (the first --vary changes slowest)."""

    scenario: str
    parameters: list[str]
    points: list[SweepPoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        from dataclasses import asdict

        return {
            "scenario": self.scenario,
            "parameters": self.parameters,
            "points": [asdict(p) for p in self.points],
        }

    def warning_counts(self) -> list[tuple[str, int]]:
        """Each distinct warning of the points' plans, in order of first appearance, with how many
        points gave it."""
        counts: dict[str, int] = {}
        for p in self.points:
            for w in dict.fromkeys(p.warnings):
                counts[w] = counts.get(w, 0) + 1
        return list(counts.items())

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per point (the CSV's columns)."""
        out = []
        for p in self.points:
            row: dict[str, Any] = dict(p.values)
            row.update(
                status=p.status,
                mode=p.mode,
                total_headcount=p.total_headcount,
                total_cost=p.total_cost,
                revenue_at_risk_covered=p.revenue_at_risk_covered,
                revenue_kept=p.revenue_kept,
                revenue_lost=p.revenue_lost,
                marginal_per_million=p.marginal_per_million,
            )
            row.update({f"heads.{r}": n for r, n in p.headcount.items()})
            row.update({f"coverage.{t}": c for t, c in p.coverage.items()})
            row.update({f"coverage_at_current.{t}": c for t, c in p.coverage_at_current.items()})
            out.append(row)
        return out


def sweep(
    path: str | Path,
    varies: Sequence[Vary],
    *,
    sets: Sequence[str] = (),
    solver: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    objective: Objective = "response",
) -> Sweep:
    """Plan the scenario at every point of the grid of ``varies`` (each applied like ``--set``)."""
    from planner.data.scenario import DOTTED_MAPS

    if not varies:
        raise InputError(_("give at least one --vary PATH=..."), source="--vary")
    if len(varies) > 2:
        raise InputError(_("at most two --vary options (a grid)"), source="--vary")
    if len({v.path for v in varies}) < len(varies):
        raise InputError(
            _("the same key is varied twice: {path}").format(path=varies[0].path), source="--vary"
        )
    base = load_scenario_document(path, sets)
    grid = list(itertools.product(*(v.values for v in varies)))
    if len(grid) > MAX_POINTS:
        raise InputError(
            _("{n} points; the limit is {most}").format(n=f"{len(grid):,}", most=f"{MAX_POINTS:,}"),
            source="--vary",
        )
    points = []
    name = None
    for i, combo in enumerate(grid):
        assignments = [f"{v.path}={_yaml_scalar(value)}" for v, value in zip(varies, combo, strict=True)]
        label = "--vary " + ", ".join(assignments)
        doc = apply_assignments(base, assignments, dotted_maps=DOTTED_MAPS, source=label, relative=False)
        scenario = scenario_from_document(doc, path=Path(path))
        name = scenario.name
        result = plan(scenario, solver=solver, objective=objective)
        points.append(
            SweepPoint(
                values={v.path: value for v, value in zip(varies, combo, strict=True)},
                status=result.status,
                mode=result.mode,
                total_headcount=result.total_headcount,
                total_cost=result.total_cost,
                revenue_at_risk_covered=result.revenue_at_risk_covered,
                revenue_kept=result.revenue_kept,
                revenue_lost=result.revenue_lost,
                headcount={r.role: r.required_headcount for r in result.roles},
                coverage={t.key: t.coverage for t in result.tiers if t.required_hours > 0},
                coverage_at_current={
                    t.key: t.coverage_at_current for t in result.tiers if t.required_hours > 0
                },
                explanation=result.explanation,
                warnings=tuple(result.warnings),
            )
        )
        if progress is not None:
            progress(i + 1, len(grid))
    parameters = [v.path for v in varies]
    return Sweep(
        scenario=name or str(path), parameters=parameters, points=budget_marginals(points, parameters)
    )


def budget_marginals(points: Sequence[SweepPoint], parameters: Sequence[str]) -> list[SweepPoint]:
    """``points`` with ``marginal_per_million`` filled when ``budget`` is one of the parameters.

    Each point is compared with the point at the next lower budget and the same other values:
    (revenue kept - revenue kept there) / (budget - budget there) x 1,000,000.
    """
    from dataclasses import replace

    if "budget" not in parameters:
        return list(points)
    others = [p for p in parameters if p != "budget"]

    def ok(p: SweepPoint) -> bool:
        return p.status == "optimal" and isinstance(p.values["budget"], int | float)

    # The nearest lower budget among the same other values: sort each group by budget once.
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, p in enumerate(points):
        if ok(p):
            groups.setdefault(tuple(repr(p.values[o]) for o in others), []).append(i)
    out = list(points)
    for members in groups.values():
        members.sort(key=lambda i: points[i].values["budget"])
        for prev_i, i in itertools.pairwise(members):
            p, prev = points[i], points[prev_i]
            step = float(p.values["budget"]) - float(prev.values["budget"])
            if step <= 0:  # the same budget twice (a list with repeats): no slope
                continue
            marginal = (p.revenue_kept - prev.revenue_kept) / step * PER_BUDGET
            out[i] = replace(p, marginal_per_million=marginal)
    return out


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)
