"""Rebalancing customers between managers of a role: fewest value-weighted moves to fit capacity.

Customers are aggregated into **groups** ``(manager today, tier, district)``; the model decides
how many customers of each group leave (``out``, integer) and how many of each ``(role, tier,
district)`` **pool** each receiving manager takes (``in``, integer). A customer's hours depend only
on his tier, his district and his new manager (travel from the manager's base), so pooling loses
nothing: any pairing of the customers leaving a pool with the places taken in it gives the same
loads and the same move count.

    minimise   sum_m P_r * over_m  +  sum_g cost_t * out_g  +  new_district_cost * sum y_md
               + epsilon * hours received
    subject to load_m - hours of out_m + hours of in_m <= target_m + over_m   (each manager touched)
               sum out + forced = sum in                                      (each pool)
               in_mtd <= supply_pool * y_md       (a district the manager does not serve yet)

``target_m`` is the manager's capacity, or, when a role's customers need more hours than all its
managers give, every manager's capacity scaled by the same factor (as even as the headcount
allows; the factor is reported). ``P_r`` (per hour over) is ten times the dearest move per hour
freed in the role, so fitting always beats not moving. Leavers' and managerless customers are
forced out. Who may send: managers above target (and leavers); who may receive: up to
:data:`CANDIDATES` managers of the role with spare hours already serving the district, the new
managers (at most :data:`CANDIDATES` per pool, a different run of them for each district), and the
:data:`FALLBACK` managers with most spare hours (a restriction that keeps the model small; the
reported gap is against this model). Managers still over target after the solve (it stops within
its gap) are repaired greedily, see :func:`_repair`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus, solve

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

#: Receivers already serving a district offered each pool (most spare hours first).
CANDIDATES = 10
#: Managers with most spare hours offered each pool whatever districts they serve.
FALLBACK = 3
#: Overload penalty per hour, as a multiple of the dearest move per hour freed.
OVERLOAD_FACTOR = 10.0
#: Relative MIP gap asked of the solver: the district charges make proving the last fraction of a
#: percent slow; the gap reached is reported.
GAP_REL = 1e-2
#: No receiver takes more than this share of his target hours from one pool (keeps the LP tight).
POOL_SHARE = 1.5
#: Seconds a role's MIP gets at least, whatever its share of the time limit.
MIN_SECONDS = 2.0
#: Loads within this many hours of the target count as on target (float noise).
HOURS_TOL = 1e-6


@dataclass(frozen=True)
class RebalanceProblem:
    """Groups of today's customers, the managers who may hold them, and what a move costs.

    Group arrays have one entry per ``(manager today, tier, district)`` group (``group_manager``
    -1 for customers with no manager); manager arrays one per manager (new ones included).
    """

    group_manager: npt.NDArray[np.int64]
    group_role: npt.NDArray[np.int64]
    group_tier: npt.NDArray[np.int64]
    group_district: npt.NDArray[np.int64]
    group_count: npt.NDArray[np.int64]
    manager_role: npt.NDArray[np.int64]
    manager_capacity: npt.NDArray[np.float64]
    manager_leaving: npt.NDArray[np.bool_]
    manager_new: npt.NDArray[np.bool_]
    #: Hours a year one customer of tier t needs from a manager of role r: ``base_hours[r, t]``.
    base_hours: npt.NDArray[np.float64]
    #: Extra hours a year per minute of travel a visit gains: ``travel_hours[r, t]``.
    travel_hours: npt.NDArray[np.float64]
    #: Minutes a visit to district d gains for manager m: ``travel_minutes[m, d]``.
    travel_minutes: npt.NDArray[np.float64]
    #: Cost of moving one customer of tier t out of role r: ``move_cost[r, t]`` (value weight,
    #: protected tiers dearer), in moves of the role's cheapest tier.
    move_cost: npt.NDArray[np.float64]
    #: Tiers each role serves: ``role_tiers[r, t]``.
    role_tiers: npt.NDArray[np.bool_]
    new_district_cost: float
    #: Districts each manager serves today (or is based in): ``serves[m, d]``.
    serves: npt.NDArray[np.bool_]
    solver: str = "auto"
    time_limit: float = DEFAULT_TIME_LIMIT
    gap_rel: float = GAP_REL

    def hours(
        self, manager: npt.NDArray[np.int64], tier: npt.NDArray[np.int64], district: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        """Hours a year one customer of ``tier`` in ``district`` needs from ``manager`` (arrays)."""
        role = self.manager_role[manager]
        return (
            self.base_hours[role, tier]
            + self.travel_hours[role, tier] * self.travel_minutes[manager, district]
        )


@dataclass(frozen=True)
class RebalanceSolution:
    """Customers moved per group and receiver (``flow_*`` arrays), and how the solve went."""

    status: SolveStatus
    solver: str
    objective: float | None
    #: Relative MIP gap the solver proved (HiGHS), None when unknown.
    gap: float | None
    flow_group: npt.NDArray[np.int64]
    flow_to: npt.NDArray[np.int64]
    flow_count: npt.NDArray[np.int64]
    #: Per role: target load as a share of capacity (1.0 unless the role cannot fit its customers).
    role_target: npt.NDArray[np.float64]
    variables: int = 0
    constraints: int = 0
    unplaced_pools: list[tuple[int, int, int]] = field(default_factory=list)


def _role_penalty(p: RebalanceProblem, role: int) -> float:
    import numpy as np

    hours = p.base_hours[role]
    movable = (hours > 0) & p.role_tiers[role]
    if not movable.any():
        return 1.0
    per_hour = (p.move_cost[role, movable] + p.new_district_cost) / hours[movable]
    return float(OVERLOAD_FACTOR * np.max(per_hour))


def solve_rebalance(p: RebalanceProblem) -> RebalanceSolution:
    """Build and solve the rebalancing MIP; see the module docstring for the formulation."""
    import numpy as np
    import pulp

    n_m = len(p.manager_role)
    n_roles = p.base_hours.shape[0]
    g_hours_own = np.zeros(len(p.group_count))
    own = p.group_manager >= 0
    g_hours_own[own] = p.hours(p.group_manager[own], p.group_tier[own], p.group_district[own])
    load = np.bincount(
        p.group_manager[own], weights=g_hours_own[own] * p.group_count[own], minlength=n_m
    ).astype(np.float64)
    cap = np.where(p.manager_leaving, 0.0, p.manager_capacity)
    # Pool-wide hours (managerless customers at their role's standard hours) set each role's target.
    none = ~own
    g_std = p.base_hours[p.group_role, p.group_tier]
    role_load = np.bincount(
        p.group_role, weights=np.where(own, g_hours_own, g_std) * p.group_count, minlength=n_roles
    )
    role_cap = np.bincount(p.manager_role, weights=cap, minlength=n_roles)
    role_target = np.where(
        (role_cap > 0) & (role_load > role_cap), role_load / np.maximum(role_cap, 1e-12), 1.0
    )
    target = cap * role_target[p.manager_role]

    forced = none | (own & p.manager_leaving[np.where(own, p.group_manager, 0)])
    sender = ~p.manager_leaving & (load > target + HOURS_TOL)
    var_group = own & ~forced & sender[np.where(own, p.group_manager, 0)] & (g_hours_own > 0)

    # Roles share no customer and no manager: one MIP per role, solved one after the other.
    probs: dict[int, Any] = {}
    objective: dict[int, list[tuple[Any, float]]] = {}

    def model(r: int) -> Any:
        if r not in probs:
            probs[r] = pulp.LpProblem(f"rebalance_{r}", pulp.LpMinimize)
            objective[r] = []
        return probs[r]

    penalty = np.array([_role_penalty(p, r) for r in range(n_roles)])
    terms: dict[int, list[tuple[Any, float]]] = {}  # manager -> load terms

    pool_index: dict[tuple[int, int, int], int] = {}
    pool_supply: list[list[tuple[int, Any]]] = []  # (group, var or None for forced)
    pool_forced: list[int] = []
    pool_max: list[int] = []
    for g in np.flatnonzero(var_group | forced).tolist():
        r = int(p.group_role[g])
        key = (r, int(p.group_tier[g]), int(p.group_district[g]))
        k = pool_index.get(key)
        if k is None:
            k = pool_index[key] = len(pool_supply)
            pool_supply.append([])
            pool_forced.append(0)
            pool_max.append(0)
        n = int(p.group_count[g])
        pool_max[k] += n
        if forced[g]:
            pool_forced[k] += n
            pool_supply[k].append((g, None))
            continue
        model(r)
        var = pulp.LpVariable(f"o{g}", 0, n, pulp.LpInteger)
        pool_supply[k].append((g, var))
        objective[r].append((var, float(p.move_cost[r, p.group_tier[g]])))
        terms.setdefault(int(p.group_manager[g]), []).append((var, -float(g_hours_own[g])))

    spare = target - load
    staying = np.flatnonzero(~p.manager_leaving)
    by_role = {r: staying[p.manager_role[staying] == r] for r in range(n_roles)}
    y_vars: dict[tuple[int, int], Any] = {}
    receivers: list[list[tuple[int, Any]]] = []
    unplaced: list[tuple[int, int, int]] = []
    for (r, t, d), k in pool_index.items():
        members = by_role[r]
        if len(members) == 0:
            receivers.append([])
            unplaced.append((r, t, d))
            continue
        prob = model(r)
        order = np.lexsort((members, -spare[members]))
        ranked = members[order]
        near = ranked[(spare[ranked] > HOURS_TOL) & p.serves[ranked, d]][:CANDIDATES]
        news = members[p.manager_new[members]]
        if len(news) > CANDIDATES:
            # Many new managers (e.g. a roster without managers): each district's pools are offered
            # their own run of them, so the districts spread over all of them and every tier of one
            # district sees the same new managers (portfolios stay in few districts).
            news = news[(d * CANDIDATES + np.arange(CANDIDATES)) % len(news)]
        chosen = set(near.tolist()) | set(news.tolist()) | set(ranked[:FALLBACK].tolist())
        cands = sorted(chosen)
        hours = p.hours(np.array(cands, dtype=np.int64), np.full(len(cands), t), np.full(len(cands), d))
        row: list[tuple[int, Any]] = []
        for m, h in zip(cands, hours.tolist(), strict=True):
            most = pool_max[k] if h <= 0 else min(pool_max[k], math.ceil(POOL_SHARE * target[m] / h))
            var = pulp.LpVariable(f"i{k}_{m}", 0, most, pulp.LpInteger)
            row.append((m, var))
            terms.setdefault(m, []).append((var, h))
            if not p.serves[m, d]:
                y = y_vars.get((m, d))
                if y is None:
                    y = y_vars[(m, d)] = pulp.LpVariable(f"y{m}_{d}", 0, 1, pulp.LpBinary)
                    objective[r].append((y, p.new_district_cost))
                prob += pulp.LpConstraint(
                    pulp.LpAffineExpression([(var, 1.0), (y, -float(most))]),
                    pulp.LpConstraintLE,
                    f"u{k}_{m}",
                    0,
                )
        receivers.append(row)
        supply = [(v, 1.0) for _, v in pool_supply[k] if v is not None] + [(v, -1.0) for _, v in row]
        prob += pulp.LpConstraint(
            pulp.LpAffineExpression(supply), pulp.LpConstraintEQ, f"p{k}", -pool_forced[k]
        )

    for m in sorted(terms):
        r = int(p.manager_role[m])
        over = pulp.LpVariable(f"v{m}", 0)
        objective[r].append((over, float(penalty[r])))
        expr = pulp.LpAffineExpression([*terms[m], (over, -1.0)])
        probs[r] += pulp.LpConstraint(expr, pulp.LpConstraintLE, f"c{m}", float(target[m] - load[m]))

    empty = np.zeros(0, dtype=np.int64)
    if unplaced:
        return RebalanceSolution(
            SolveStatus.INFEASIBLE, "", None, None, empty, empty, empty, role_target, unplaced_pools=unplaced
        )
    sizes = {r: len(prob.variables()) for r, prob in probs.items()}
    n_vars = sum(sizes.values())
    n_cons = sum(len(prob.constraints) for prob in probs.values())
    status, solver_name = SolveStatus.OPTIMAL, ""
    bound = 0.0
    gap_known = True
    started = time.perf_counter()
    left_size = n_vars
    # Smallest role first; each gets its size's share of the time left (at least MIN_SECONDS), so
    # time a small role does not use goes to the larger ones.
    for r in sorted(probs, key=lambda r: (sizes[r], r)):
        prob = probs[r]
        prob.setObjective(pulp.LpAffineExpression(objective[r]))
        left = p.time_limit - (time.perf_counter() - started)
        seconds = max(MIN_SECONDS, left * sizes[r] / max(left_size, 1))
        left_size -= sizes[r]
        outcome = solve(prob, p.solver, seconds, gap_rel=p.gap_rel)
        solver_name = outcome.solver
        if not outcome.status.is_ok:
            return RebalanceSolution(
                outcome.status, outcome.solver, None, None, empty, empty, empty, role_target, n_vars, n_cons
            )
        value = float(outcome.objective or 0.0)
        dual = _dual_bound(prob)
        if dual is None:
            gap_known = False
        else:
            bound += min(dual, value)
    flow_g: list[int] = []
    flow_m: list[int] = []
    flow_n: list[int] = []
    for k, sources in enumerate(pool_supply):
        leaving = [(g, int(p.group_count[g]) if v is None else round(v.varValue or 0)) for g, v in sources]
        taking = [(m, round(v.varValue or 0)) for m, v in receivers[k]]
        _deal(leaving, taking, flow_g, flow_m, flow_n)
    fg = np.array(flow_g, dtype=np.int64)
    fm = np.array(flow_m, dtype=np.int64)
    fn = np.array(flow_n, dtype=np.int64)
    fg, fm, fn = _repair(p, fg, fm, fn, forced, g_hours_own, load, target)
    primal = _objective(p, fg, fm, fn, forced, g_hours_own, load, target, penalty)
    gap = (primal - bound) / primal if gap_known and primal > 0 else (0.0 if gap_known else None)
    return RebalanceSolution(status, solver_name, primal, gap, fg, fm, fn, role_target, n_vars, n_cons)


def _loads_after(p: RebalanceProblem, fg: Any, fm: Any, fn: Any, g_hours_own: Any, load: Any) -> Any:
    """Each manager's hours after the flows."""
    import numpy as np

    n_m = len(p.manager_role)
    after = np.asarray(load, dtype=np.float64).copy()
    own = p.group_manager[fg] >= 0
    after -= np.bincount(p.group_manager[fg][own], weights=(fn * g_hours_own[fg])[own], minlength=n_m)
    taken = p.hours(fm, p.group_tier[fg], p.group_district[fg]) * fn
    after += np.bincount(fm, weights=taken, minlength=n_m)
    return after


def _objective(
    p: RebalanceProblem,
    fg: Any,
    fm: Any,
    fn: Any,
    forced: Any,
    g_hours_own: Any,
    load: Any,
    target: Any,
    penalty: Any,
) -> float:
    """The model's objective for given flows (so a repaired solution is priced like the MIP's)."""
    import numpy as np

    after = _loads_after(p, fg, fm, fn, g_hours_own, load)
    staying = ~p.manager_leaving
    over = np.maximum(after - target, 0.0)[staying]
    total = float(np.sum(over * penalty[p.manager_role[staying]]))
    free = ~forced[fg]
    total += float(np.sum(fn[free] * p.move_cost[p.group_role[fg[free]], p.group_tier[fg[free]]]))
    new_pairs = {
        (int(m), int(d)) for m, d in zip(fm, p.group_district[fg], strict=True) if not p.serves[m, d]
    }
    return total + p.new_district_cost * len(new_pairs)


def _repair(
    p: RebalanceProblem,
    fg: Any,
    fm: Any,
    fn: Any,
    forced: Any,
    g_hours_own: Any,
    load: Any,
    target: Any,
) -> tuple[Any, Any, Any]:
    """Move more customers off any manager the solver left over target (it stops within its gap).

    For each such manager, his remaining groups cheapest per hour first go to managers of his role
    who already serve the district and have room, most room first, until he fits or nothing fits.
    Flows are returned sorted by group (a group's flows consecutive).
    """
    import numpy as np

    after = _loads_after(p, fg, fm, fn, g_hours_own, load)
    staying = ~p.manager_leaving
    over_idx = np.flatnonzero(staying & (after > target + HOURS_TOL))
    extra_g: list[int] = []
    extra_m: list[int] = []
    extra_n: list[int] = []
    if len(over_idx):
        remaining = p.group_count.copy()
        np.subtract.at(remaining, fg, fn)
        for m in over_idx.tolist():
            r = int(p.manager_role[m])
            groups = np.flatnonzero((p.group_manager == m) & (remaining > 0) & (g_hours_own > 0) & ~forced)
            price = p.move_cost[r, p.group_tier[groups]] / g_hours_own[groups]
            for g in groups[np.lexsort((groups, price))].tolist():
                if after[m] <= target[m] + HOURS_TOL:
                    break
                t, d = int(p.group_tier[g]), int(p.group_district[g])
                mates = np.flatnonzero(staying & (p.manager_role == r) & p.serves[:, d])
                mates = mates[mates != m]
                if len(mates) == 0:
                    continue
                h_to = p.hours(mates, np.full(len(mates), t), np.full(len(mates), d))
                room = target[mates] - after[mates]
                fits = np.floor((room + HOURS_TOL) / np.where(h_to > 0, h_to, np.inf)).astype(np.int64)
                for i in np.lexsort((mates, -room)).tolist():
                    if after[m] <= target[m] + HOURS_TOL or remaining[g] == 0:
                        break
                    need = math.ceil((after[m] - target[m] - HOURS_TOL) / g_hours_own[g])
                    k = int(min(remaining[g], need, fits[i]))
                    if k <= 0:
                        continue
                    to = int(mates[i])
                    extra_g.append(g)
                    extra_m.append(to)
                    extra_n.append(k)
                    remaining[g] -= k
                    after[m] -= k * g_hours_own[g]
                    after[to] += k * h_to[i]
    if extra_g:
        fg = np.concatenate([fg, np.array(extra_g, dtype=np.int64)])
        fm = np.concatenate([fm, np.array(extra_m, dtype=np.int64)])
        fn = np.concatenate([fn, np.array(extra_n, dtype=np.int64)])
    order = np.argsort(fg, kind="stable")
    return fg[order], fm[order], fn[order]


def _deal(
    leaving: list[tuple[int, int]], taking: list[tuple[int, int]], fg: list[int], fm: list[int], fn: list[int]
) -> None:
    """Pair a pool's leaving customers (groups in order) with the places taken (managers in order)."""
    i = j = 0
    left = leaving[0][1] if leaving else 0
    room = taking[0][1] if taking else 0
    while i < len(leaving) and j < len(taking):
        if left == 0:
            i += 1
            left = leaving[i][1] if i < len(leaving) else 0
            continue
        if room == 0:
            j += 1
            room = taking[j][1] if j < len(taking) else 0
            continue
        n = min(left, room)
        fg.append(leaving[i][0])
        fm.append(taking[j][0])
        fn.append(n)
        left -= n
        room -= n


def _dual_bound(prob: Any) -> float | None:
    """The lower bound HiGHS proved for the objective (None for CBC or when not reported)."""
    model = getattr(prob, "solverModel", None)
    if model is None or not hasattr(model, "getInfo"):
        return None
    try:
        info = model.getInfo()
        bound = float(info.mip_dual_bound)
    except Exception:  # an older highspy: no bound to report
        return None
    if bound != bound or bound in (float("inf"), float("-inf")):
        return None
    return bound
