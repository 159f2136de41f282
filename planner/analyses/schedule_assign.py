"""From the aggregate weekly plan to named managers and concrete weeks (vectorised with numpy).

Three steps, each exact in integers:

1. **Books.** Each role's customers of each tier are dealt to its managers so yearly hours balance:
   tiers are taken heaviest first; every manager gets ``n // H`` customers of the tier and the
   ``n % H`` managers with the lightest books so far get one more (longest-processing-time greedy on
   equal-sized items, one numpy step per tier). A manager's customers of one tier are a contiguous
   block of the tier's sorted customer list.
2. **Weeks per manager.** Managers with the same book share one small integer program (streams x
   weeks integer counts, about a dozen distinct books per role): every period total exact, no run
   of ``gap`` weeks holding more contacts than the book has customers of the tier, the week's
   minutes within the manager's capacity, and each count within one of the book's share of the
   aggregate plan (relaxed only if that cannot fit).
3. **Customers per slot.** A manager's contacts of one stream are numbered through the year
   (ranks); rank ``rho`` goes to the manager's customer ``rho mod n_m``. So one customer's
   consecutive contacts are ``n_m`` ranks apart and, by the window bound, at least ``g`` weeks apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

#: Guards floor()/ceil() against float error at exact integers.
EPS = 1e-7


@dataclass
class StreamPlan:
    """One stream of a role (a tier's visits or calls) as numbers the rounding needs."""

    index: int
    tier_index: int
    kind: str
    customers: int
    count: int
    minutes: float
    gap: int
    priority: float
    full: npt.NDArray[np.float64]  # contacts due per week (scheduled + missed), length W
    served: npt.NDArray[np.float64]  # contacts scheduled per week, length W


def deal_books(
    counts: list[int], hours: list[float], managers: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Customers of each tier per manager, balancing yearly hours.

    Tiers are dealt heaviest first; within a tier every customer goes to the manager whose book is
    lightest at that moment (longest-processing-time first). Because a tier's customers weigh the
    same, that greedy is computed in one step per tier by "water filling": find the level ``T``
    such that topping every book up to ``T`` uses the tier's customers, then give the remainder to
    the lightest books (ties to the lower manager number).

    Parameters
    ----------
    counts
        Customers of each tier this role serves.
    hours
        Hours a year one customer of each tier needs.
    managers
        Heads of the role (> 0).

    Returns
    -------
    (per_manager, load)
        ``per_manager[t, m]`` customers of tier ``t`` for manager ``m``; ``load[m]`` yearly hours.
    """
    import numpy as np

    n_t = len(counts)
    out = np.zeros((n_t, managers), dtype=np.int64)
    load = np.zeros(managers)
    idx = np.arange(managers)
    order = sorted(range(n_t), key=lambda t: (-hours[t], t))
    for t in order:
        n, w = counts[t], hours[t]
        if n == 0:
            continue
        if w <= 1e-9:
            give = np.full(managers, n // managers, dtype=np.int64)
            give[: n % managers] += 1
        else:
            lo, hi = float(load.min()), float(load.max()) + n * w
            for _ in range(100):  # bisection on the fill level
                mid = (lo + hi) / 2
                if np.clip(np.floor((mid - load) / w), 0, None).sum() > n:
                    hi = mid
                else:
                    lo = mid
            give = np.clip(np.floor((lo - load) / w), 0, None).astype(np.int64)
            if give.sum() > n:  # float trouble: fall back to dealing everything below
                give[:] = 0
            rounds, rem = divmod(n - int(give.sum()), managers)
            give += rounds
            if rem > 0:
                after = load + give * w
                give[np.lexsort((idx, after))[:rem]] += 1
        out[t] = give
        load += give * w
    return out, load


@dataclass
class RoleRounding:
    """Per manager and stream: contacts due (``slots``) and scheduled (``served``) per week."""

    slots: npt.NDArray[np.int64]  # (S, H, W)
    served: npt.NDArray[np.int64]  # (S, H, W)
    load_minutes: npt.NDArray[np.float64]  # (H, W)
    feasible: bool


def book_plan(
    streams: list[StreamPlan],
    book: tuple[int, ...],
    cap_minutes: npt.NDArray[np.float64],
    periods: list[list[list[int]]],
    *,
    fixed: bool,
    band: int | None,
    solver: str,
    time_limit: float,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """Whole contacts per stream and week for one manager whose book is ``book`` (customers per tier).

    A small integer program per distinct book (managers with the same book share it): each
    stream's period totals are exact, no run of ``gap`` weeks holds more contacts than the book has
    customers of the tier, and the week's minutes fit the manager's capacity. With ``band`` the
    weekly counts stay within ``band`` of the book's share of the aggregate plan. With ``fixed``
    (today's headcount) capacity is applied afterwards by :func:`fit_capacity`, which misses what
    does not fit; otherwise it is a constraint and ``None`` says the program has no solution.

    Returns
    -------
    (due, served)
        Integer arrays (streams x weeks).
    """
    import numpy as np
    import pulp

    from planner.model.solver import solve

    n_w = cap_minutes.shape[0]
    prob = pulp.LpProblem("book", pulp.LpMinimize)
    due_v: list[list[Any]] = []
    for j, st in enumerate(streams):
        n = book[st.tier_index]
        if n == 0:
            due_v.append([0] * n_w)
            continue
        share = st.full * n / st.customers
        row = []
        for w in range(n_w):
            lo, hi = 0, None
            if band is not None:
                lo = max(0, math.floor(share[w] + EPS) - band)
                hi = math.ceil(share[w] - EPS) + band
            row.append(pulp.LpVariable(f"y_{j}_{w}", lo, hi, cat=pulp.LpInteger))
        due_v.append(row)
        for p, weeks in enumerate(periods[j]):
            prob += pulp.lpSum(row[w] for w in weeks) == n * st.count, f"std_{j}_{p}"
        g = min(st.gap, n_w)
        if g >= 2:
            for a in range(n_w - g + 1):
                prob += pulp.lpSum(row[a : a + g]) <= n, f"gap_{j}_{a}"
        elif g == 1:
            for v in row:
                if v.upBound is None or v.upBound > n:
                    v.upBound = n
    if not fixed:
        for w in range(n_w):
            terms = [
                st.minutes * due_v[j][w] for j, st in enumerate(streams) if not isinstance(due_v[j][w], int)
            ]
            if terms:
                prob += pulp.lpSum(terms) <= float(cap_minutes[w]) + 1e-6, f"cap_{w}"
    prob.setObjective(pulp.LpAffineExpression())
    outcome = solve(prob, solver, time_limit)
    if not outcome.status.is_ok:
        return None
    due = np.array([[_int(v) for v in row] for row in due_v], dtype=np.int64).reshape(len(streams), n_w)
    if not fixed:
        return due, due.copy()
    return due, fit_capacity(streams, due, cap_minutes)


def fit_capacity(
    streams: list[StreamPlan], due: npt.NDArray[np.int64], cap_minutes: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """Contacts one manager can make each week: the most valuable streams first, whole contacts only.

    What does not fit is missed (never moved, so spacing and periods stay as planned).
    """
    import numpy as np

    served = np.zeros_like(due)
    left = cap_minutes.astype(float).copy()
    order = sorted(range(len(streams)), key=lambda j: (-streams[j].priority, streams[j].minutes, j))
    for j in order:
        minutes = streams[j].minutes
        if minutes <= 0:
            served[j] = due[j]
            continue
        fit = np.floor((left + 1e-6) / minutes).astype(np.int64)
        served[j] = np.minimum(due[j], np.maximum(fit, 0))
        left -= served[j] * minutes
    return served


def _int(v: Any) -> int:
    if isinstance(v, int):
        return v
    return round(v.value() or 0.0)


def round_role(
    streams: list[StreamPlan],
    per_manager: npt.NDArray[np.int64],
    cap_minutes: npt.NDArray[np.float64],
    periods: list[list[list[int]]],
    *,
    fixed: bool,
    solver: str,
    time_limit: float,
    cache: dict[tuple[int, ...], Any] | None = None,
) -> RoleRounding:
    """Whole weekly contacts for every manager of one role, one integer program per distinct book.

    ``cache`` (book -> plan) lets a caller that retries with more heads reuse books seen before.
    With ``fixed`` false, a book that cannot fit marks the result infeasible.
    """
    import numpy as np

    n_s = len(streams)
    h = per_manager.shape[1]
    n_w = cap_minutes.shape[0]
    slots = np.zeros((n_s, h, n_w), dtype=np.int64)
    served = np.zeros((n_s, h, n_w), dtype=np.int64)
    cache = {} if cache is None else cache
    feasible = True
    books: dict[tuple[int, ...], list[int]] = {}
    for m in range(h):
        books.setdefault(tuple(int(v) for v in per_manager[:, m]), []).append(m)
    for book, members in sorted(books.items()):
        if book not in cache:
            plan = None
            # Whole standard within capacity first; with today's headcount, failing that, the
            # standard's weeks with whatever fits in each.
            attempts = [(False, 1), (False, None)] + ([(True, 1), (True, None)] if fixed else [])
            for miss, band in attempts:
                plan = book_plan(
                    streams,
                    book,
                    cap_minutes,
                    periods,
                    fixed=miss,
                    band=band,
                    solver=solver,
                    time_limit=time_limit,
                )
                if plan is not None:
                    break
            cache[book] = plan
        plan = cache[book]
        if plan is None:
            feasible = False
            continue
        slots[:, members, :] = plan[0][:, None, :]
        served[:, members, :] = plan[1][:, None, :]
    minutes = np.array([st.minutes for st in streams]).reshape(n_s, 1, 1)
    load = (served * minutes).sum(axis=0) if n_s else np.zeros((h, n_w))
    return RoleRounding(slots, served, load, feasible)


def slot_rows(
    slots: npt.NDArray[np.int64],
    served: npt.NDArray[np.int64],
    n_m: npt.NDArray[np.int64],
    offsets: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Scheduled contacts of one stream as (manager, week, customer position) arrays.

    ``slots``/``served`` are (H, W); ``n_m[m]`` the manager's customers of the tier and
    ``offsets[m]`` where its block starts in the tier's customer list.
    """
    import numpy as np

    h, w = slots.shape
    cum_prev = np.cumsum(slots, axis=1) - slots  # rank of each week's first slot, per manager
    flat = slots.ravel()
    total = int(flat.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    group = np.repeat(np.arange(h * w), flat)
    starts = np.cumsum(flat) - flat
    within = np.arange(total) - np.repeat(starts, flat)
    keep = within < served.ravel()[group]
    group = group[keep]
    within = within[keep]
    mgr = group // w
    week = group % w
    rank = cum_prev.ravel()[group] + within
    position = offsets[mgr] + rank % n_m[mgr]
    return mgr, week, position
