"""Rebalancing: which customers move to whom so every manager fits his hours, with fewest moves.

Builds :class:`planner.model.assignment.RebalanceProblem` from the book (customers grouped by
manager, tier and district), solves it, then picks the concrete customers: within a group, the
lowest monthly spend first (ties by roster row), so the cheapest customers move.

Move prices (the scenario's ``portfolio:`` section): moving one customer of a tier costs its
representative monthly spend over that of the role's cheapest tier; tiers whose band starts at or
above ``protect_spend_from`` also cost ten times the dearest unprotected move per hour freed, so
they move only when nothing else fits; taking a district a manager does not yet serve costs
``new_district_cost``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.analyses.portfolio import customer_hours, flag, hours_table, travel_matrix
from planner.data.managers import NO_DISTRICT, Book, Manager
from planner.data.scenario import Scenario, tier_key
from planner.data.yaml_io import did_you_mean
from planner.errors import InfeasibleError, InputError, SolverError
from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Protected tiers cost this many times the dearest unprotected move per hour freed.
PROTECT_FACTOR = 10.0
MOVE_COLUMNS = ("customer_id", "tier", "from", "to", "district", "reason")


@dataclass(frozen=True)
class LoadChange:
    """One manager's load before and after the moves (loads as shares of capacity)."""

    manager: str
    role: str
    status: str
    customers_before: int
    customers_after: int
    hours_before: float
    hours_after: float
    capacity_hours: float
    load_before: float | None
    load_after: float | None
    districts_before: int
    districts_after: int
    moved_out: int
    moved_in: int
    flag_after: str


@dataclass(frozen=True)
class Rebalance:
    """Everything ``planner rebalance`` reports. ``moves`` has the columns of :data:`MOVE_COLUMNS`."""

    scenario: str
    source: str
    status: str
    solver: str
    objective: float | None
    gap: float | None
    moves: pd.DataFrame
    loads: list[LoadChange]
    new_managers: dict[str, int]
    new_from: str
    leaving: list[str]
    role_target: dict[str, float]
    variables: int
    constraints: int
    warnings: list[str] = field(default_factory=list)

    @property
    def over_after(self) -> list[LoadChange]:
        """Managers still above capacity after the moves."""
        return [c for c in self.loads if c.flag_after == "over" and c.status != "leaving"]

    def moves_by_reason(self) -> dict[str, int]:
        """Moves per reason."""
        counts = self.moves["reason"].value_counts(sort=False)
        return {str(k): int(v) for k, v in sorted(counts.items())}

    def moves_by_tier(self) -> dict[str, int]:
        """Moves per tier."""
        counts = self.moves["tier"].value_counts(sort=False)
        return {str(k): int(v) for k, v in sorted(counts.items())}

    def summary(self) -> dict[str, Any]:
        """The headline numbers."""
        return {
            "scenario": self.scenario,
            "source": self.source,
            "status": self.status,
            "solver": self.solver,
            "objective": self.objective,
            "gap": self.gap,
            "move_count": len(self.moves),
            "moves_by_reason": self.moves_by_reason(),
            "moves_by_tier": self.moves_by_tier(),
            "new_managers": self.new_managers,
            "new_from": self.new_from,
            "leaving": self.leaving,
            "role_target": self.role_target,
            "over_capacity_after": len(self.over_after),
            "variables": self.variables,
            "constraints": self.constraints,
            "warnings": self.warnings,
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape documented in the README."""
        from dataclasses import asdict

        return {
            **self.summary(),
            "loads": [asdict(c) for c in self.loads],
            "moves": [
                dict(zip(MOVE_COLUMNS, row, strict=True))
                for row in self.moves[list(MOVE_COLUMNS)].itertuples(index=False, name=None)
            ],
        }


def vacancies(
    book: Book, scenario: Scenario, leaving: list[str], solver: str
) -> tuple[dict[str, int], list[str]]:
    """New managers per role from ``plan``: required headcount minus the managers who stay."""
    import numpy as np

    from planner.model.headcount import plan

    counts: dict[tuple[str, str], int] = {}
    per_tier = np.bincount(book.tier, minlength=len(book.tiers))
    for i, key in enumerate(book.tiers):
        if per_tier[i]:
            counts[key] = int(per_tier[i])
    result = plan(scenario.with_customers(counts), headcount="required", solver=solver, with_current=False)
    if not result.ok:
        return {}, [
            _("`plan` found no headcount ({why}); no new managers added").format(why=result.explanation)
        ]
    staying: dict[str, int] = {}
    gone = set(leaving)
    for m in book.managers:
        if m.id not in gone:
            staying[m.role] = staying.get(m.role, 0) + 1
    out = {}
    for r in result.roles:
        need = r.required_headcount - staying.get(r.role, 0)
        if need > 0:
            out[r.role] = need
    return out, []


def rebalance(
    book: Book,
    scenario: Scenario,
    leaving: list[str] | None = None,
    new: dict[str, int] | None = None,
    solver: str = "auto",
    time_limit: float = 120.0,
) -> Rebalance:
    """Move customers between managers of a role so each fits his hours, with fewest value-weighted moves.

    Parameters
    ----------
    book
        Today's customers and managers.
    scenario
        Gives the standards, roles' hours and the ``portfolio:`` prices (required).
    leaving
        Manager ids who leave: all their customers move.
    new
        New managers per role (named ``NEW-1``...); None asks ``plan`` for the vacancies.
    """
    import numpy as np
    import pandas as pd

    from planner.model.assignment import RebalanceProblem, solve_rebalance

    spec = scenario.spec.portfolio
    source = str(scenario.path or scenario.name)
    if spec is None:
        raise InputError(
            _(
                "rebalance needs a `portfolio:` section (underloaded_below, protect_spend_from, "
                "new_district_cost); see the README"
            ),
            source=source,
            path="portfolio",
        )
    leaving = list(dict.fromkeys(leaving or []))
    index = book.manager_index()
    for mid in leaving:
        if mid not in index:
            raise InputError(
                _("unknown manager {manager}{hint}").format(
                    manager=repr(mid), hint=did_you_mean(mid, list(index))
                ),
                source="--leaving",
            )
    warnings: list[str] = []
    new_from = "--new"
    if new is None:
        new, notes = vacancies(book, scenario, leaving, solver)
        warnings += notes
        new_from = "plan"
    for role in new:
        if role not in scenario.roles:
            raise InputError(
                _("unknown role {role}{hint}").format(
                    role=repr(role), hint=did_you_mean(role, list(scenario.roles))
                ),
                source="--new",
            )

    hours = hours_table(scenario, book.tiers)
    role_index = {r: i for i, r in enumerate(hours.roles)}
    managers = list(book.managers)
    k = 0
    for role in scenario.roles:  # file order, so NEW-k numbers are stable
        for _k in range(new.get(role, 0)):
            k += 1
            managers.append(Manager(f"NEW-{k}", role, None))
    n_m, n_t, n_d = len(managers), len(book.tiers), max(len(book.districts), 1)
    manager_role = np.array([role_index[m.role] for m in managers], dtype=np.int64)
    is_new = np.zeros(n_m, dtype=bool)
    is_new[len(book.managers) :] = True
    is_leaving = np.zeros(n_m, dtype=bool)
    for mid in leaving:
        is_leaving[index[mid]] = True
    travel = travel_matrix(scenario, [m.base_district for m in managers], book.districts or [""])

    # Groups: (manager today + 1, tier, district) packed in one integer.
    code = (
        (book.manager.astype(np.int64) + 1) * (n_t * n_d) + book.tier.astype(np.int64) * n_d + book.district
    )
    uniq, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    g_manager = uniq // (n_t * n_d) - 1
    g_tier = (uniq // n_d) % n_t
    g_district = uniq % n_d
    g_role = np.where(g_manager >= 0, manager_role[np.maximum(g_manager, 0)], hours.tier_role[g_tier])
    orphan = g_role < 0
    if orphan.any():
        warnings.append(
            _("{n} customers without a manager are in tiers no role serves").format(
                n=f"{int(counts[orphan].sum()):,}"
            )
        )

    role_tiers = np.zeros((len(hours.roles), n_t), dtype=bool)
    for r, role_id in enumerate(hours.roles):
        for key in scenario.served_tiers(role_id):
            role_tiers[r, book.tiers.index(key)] = True
    move_cost = _move_costs(scenario, book, hours.base, role_tiers, spec.protect_spend_from)
    serves = np.zeros((n_m, n_d), dtype=bool)
    own = g_manager >= 0
    serves[g_manager[own], g_district[own]] = True
    district_of = {d: i for i, d in enumerate(book.districts)}
    for i, m in enumerate(managers):
        if m.base_district in district_of:
            serves[i, district_of[m.base_district]] = True

    keep = ~orphan
    problem = RebalanceProblem(
        group_manager=g_manager[keep],
        group_role=g_role[keep],
        group_tier=g_tier[keep],
        group_district=g_district[keep],
        group_count=counts[keep].astype(np.int64),
        manager_role=manager_role,
        manager_capacity=hours.per_head[manager_role],
        manager_leaving=is_leaving,
        manager_new=is_new,
        base_hours=hours.base,
        travel_hours=hours.travel,
        travel_minutes=travel,
        move_cost=move_cost,
        role_tiers=role_tiers,
        new_district_cost=spec.new_district_cost,
        serves=serves,
        solver=solver,
        time_limit=time_limit,
    )
    solution = solve_rebalance(problem)
    if solution.unplaced_pools:
        r, t, d = solution.unplaced_pools[0]
        raise InfeasibleError(
            _(
                "role {role} has no manager left to take its {tier} customers "
                "in {district}; add new managers with --new"
            ).format(
                role=repr(hours.roles[r]),
                tier=tier_key(*book.tiers[t]),
                district=book.districts[d] if book.districts else NO_DISTRICT,
            )
        )
    if not solution.status.is_ok:
        raise SolverError(
            _("rebalance: the solver stopped without a solution ({status})").format(
                status=solution.status.value
            )
        )

    # Concrete customers: within each group, lowest spend first (ties by roster row).
    kept_groups = np.flatnonzero(keep)
    flow_group = kept_groups[solution.flow_group]
    order = np.lexsort((book.row, book.spend, inverse))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    offsets = np.zeros(len(flow_group), dtype=np.int64)
    if len(flow_group):
        # Flows of one group are consecutive; each starts where the previous one of its group ended.
        same = np.concatenate(([False], flow_group[1:] == flow_group[:-1]))
        run = np.cumsum(solution.flow_count) - solution.flow_count
        first_of_run = np.where(~same, run, 0)
        offsets = run - np.maximum.accumulate(first_of_run)
    pos = np.repeat(starts[flow_group] + offsets, solution.flow_count) + _ranges(solution.flow_count)
    moved = order[pos]
    after = book.manager.astype(np.int64).copy()
    after[moved] = np.repeat(solution.flow_to, solution.flow_count)
    before = book.manager.astype(np.int64)

    ids = [m.id for m in managers]
    id_arr = np.array([*ids, ""], dtype=object)
    keys = np.array([tier_key(c, t) for c, t in book.tiers], dtype=object)
    districts = np.array(book.districts or [""], dtype=object)
    reason = np.where(
        before[moved] < 0, "no manager", np.where(is_leaving[before[moved]], "leaving", "over capacity")
    )
    sort = np.argsort(book.row[moved], kind="stable")
    moved = moved[sort]
    moves = pd.DataFrame(
        {
            "customer_id": book.customer_id.iloc[moved].to_numpy(dtype=object),
            "tier": keys[book.tier[moved]],
            "from": id_arr[before[moved]],
            "to": id_arr[after[moved]],
            "district": districts[book.district[moved]],
            "reason": reason[sort],
        }
    )

    need_before = customer_hours(book, hours, before, manager_role, travel)
    need_after = customer_hours(book, hours, after, manager_role, travel)
    loads = _loads(
        managers,
        manager_role,
        hours.per_head,
        is_new,
        is_leaving,
        before,
        after,
        need_before,
        need_after,
        book,
        spec.underloaded_below,
    )
    role_target = {hours.roles[r]: float(solution.role_target[r]) for r in range(len(hours.roles))}
    for role, share in role_target.items():
        if share > 1 + 1e-9:
            warnings.append(
                _(
                    "role {role}: its customers need {share} of its managers' hours; loads are evened "
                    "out instead (hire, or see `planner plan`)"
                ).format(role=repr(role), share=f"{share:.1%}")
            )
    return Rebalance(
        scenario=scenario.name,
        source=book.source,
        status=solution.status.value,
        solver=solution.solver,
        objective=solution.objective,
        gap=solution.gap,
        moves=moves,
        loads=loads,
        new_managers=dict(new),
        new_from=new_from,
        leaving=leaving,
        role_target=role_target,
        variables=solution.variables,
        constraints=solution.constraints,
        warnings=warnings,
    )


def _ranges(lengths: Any) -> Any:
    """``[0..n0), [0..n1), ...`` concatenated."""
    import numpy as np

    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)


def _move_costs(
    scenario: Scenario, book: Book, base: Any, role_tiers: Any, protect_from: float | None
) -> Any:
    """Cost of moving one customer per (role, tier), in moves of the role's cheapest tier."""
    import numpy as np

    policy = scenario.policy
    mid = np.array([policy.tier(c, t).mid_spend for c, t in book.tiers])
    low = np.array([policy.tier(c, t).low for c, t in book.tiers])
    protected = low >= protect_from if protect_from is not None else np.zeros(len(low), dtype=bool)
    cost = np.ones_like(base)
    for r in range(base.shape[0]):
        served = role_tiers[r]
        if not served.any():
            continue
        cheapest = max(float(mid[served].min()), 1e-9)
        cost[r] = np.where(served, mid / cheapest, 1.0)
        plain = served & ~protected & (base[r] > 0)
        if plain.any():
            per_hour = float(np.max(cost[r, plain] / base[r, plain]))
            cost[r] = np.where(served & protected, cost[r] + PROTECT_FACTOR * per_hour * base[r], cost[r])
    return cost


def _loads(
    managers: list[Manager],
    manager_role: Any,
    per_head: Any,
    is_new: Any,
    is_leaving: Any,
    before: Any,
    after: Any,
    need_before: Any,
    need_after: Any,
    book: Book,
    under: float,
) -> list[LoadChange]:
    import numpy as np

    n_m, n_d = len(managers), max(len(book.districts), 1)

    def per_manager(assign: Any, need: Any) -> tuple[Any, Any, Any]:
        has = assign >= 0
        m = assign[has]
        customers = np.bincount(m, minlength=n_m)
        hours = np.bincount(m, weights=need[has], minlength=n_m)
        served = np.bincount(m * n_d + book.district[has], minlength=n_m * n_d).reshape(n_m, n_d)
        return customers, hours, (served > 0).sum(axis=1)

    c0, h0, d0 = per_manager(before, need_before)
    c1, h1, d1 = per_manager(after, need_after)
    changed = before != after
    out_n = np.bincount(before[changed & (before >= 0)], minlength=n_m)
    in_n = np.bincount(after[changed], minlength=n_m)
    loads = []
    for i, m in enumerate(managers):
        cap = 0.0 if is_leaving[i] else float(per_head[manager_role[i]])
        full = float(per_head[manager_role[i]])
        load0 = float(h0[i]) / full if full > 0 else None
        load1 = float(h1[i]) / cap if cap > 0 else (0.0 if h1[i] == 0 else None)
        loads.append(
            LoadChange(
                manager=m.id,
                role=m.role,
                status="new" if is_new[i] else "leaving" if is_leaving[i] else "kept",
                customers_before=int(c0[i]),
                customers_after=int(c1[i]),
                hours_before=float(h0[i]),
                hours_after=float(h1[i]),
                capacity_hours=cap,
                load_before=load0,
                load_after=load1,
                districts_before=int(d0[i]),
                districts_after=int(d1[i]),
                moved_out=int(out_n[i]),
                moved_in=int(in_n[i]),
                flag_after=flag(load1, under),
            )
        )
    return loads
