"""An exact second method for the annual model's least cost when roles share tiers along paths and rings.

The annual model's ``meet_standards`` programme (``planner.model.headcount._Model``) picks integer
heads per role and splits each tier's hours among the roles that may serve it, solved by HiGHS's
branch and bound. When every shared tier has exactly two servers and no role shares with more
than two others, the roles form paths and rings (a role sharing with nobody is a path of one), and
the least cost follows from a dynamic programme over the roles instead, exact in integers:

- Role ``k`` owns ``own[k]`` hours (tiers only it serves) and shares ``shared[k]`` hours with the
  next role in the chain (for a ring, the last role shares with the first).
- Walking the chain, each role covers its own hours and what its predecessor left of the tier they
  share; its leftover capacity takes on as much of the next shared tier as it can. For a ring, ``z``
  is the part of the closing tier (last role with the first) the last role takes; every role's
  leftover is ``min(z + alpha, beta)`` for two numbers carried along, the roles so far fit for
  every ``z`` from ``z_low`` up, and the ring closes when the last role's leftover is at least ``z``
  for some ``z`` in ``[z_low, shared[last]]``.
- A state is (cost, alpha, beta, z_low); a state no cheaper and no better in any of the three is
  dropped. Each role's heads range from the fewest that fit to the most that can still pass hours on.

Kept as a test oracle, not in the package: it gives the optimum's cost, not which of several
equal-cost sets of heads HiGHS returns (the plan's answer), and the shared 50 x 200 benchmark has
many such ties. (Tried in December 2026 as a proof that lets HiGHS stop at its first optimal
incumbent: 0.74 s instead of 1.9 s there, with the same plan; but on small random rings with ties the
heads it returned then sometimes differed from HiGHS's own answer.)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from planner.data.scenario import Scenario
from planner.model.headcount import _Model
from planner.model.lp import INF

#: Hours of slack in each fit test (HiGHS holds each row to 1e-7): the value leans low, never high.
SLACK = 1e-4


@dataclass(frozen=True)
class ChainRole:
    """One role in a chain: a head's hours and annual cost, hours only it serves, its head limits."""

    hours_per_head: float
    cost: float
    own: float
    low: int = 0
    high: int | None = None


@dataclass(frozen=True)
class Chain:
    """Roles in chain order; ``shared[k]`` hours shared by roles ``k`` and ``k + 1`` (for a ring the
    last entry is shared by the last role and the first; for a path the last entry is 0)."""

    roles: tuple[ChainRole, ...]
    shared: tuple[float, ...]
    ring: bool


@dataclass(frozen=True)
class ChainsProblem:
    """Independent chains: the programme's roles as paths and rings."""

    chains: tuple[Chain, ...]


def least_cost(problem: ChainsProblem) -> float | None:
    """The least cost of integer heads meeting every chain's hours (the sum over chains), or
    ``None`` when some chain cannot be staffed within its head limits."""
    total = 0.0
    for chain in problem.chains:
        cost = _least_cost(chain)
        if cost is None:
            return None
        total += cost
    return total


def _heads(hours: float, per_head: float) -> int:
    """The fewest heads holding ``hours`` (leaning low by :data:`SLACK`)."""
    return max(0, math.ceil((hours - SLACK) / per_head))


def _least_cost(chain: Chain) -> float | None:
    roles, shared = chain.roles, chain.shared
    last = len(roles) - 1
    closing = shared[last] if chain.ring and last > 0 else 0.0
    # States (cost, alpha, beta, z_low): the last role placed leaves min(z + alpha, beta) hours for
    # the next shared tier, beta already capped at that tier's hours.
    states: list[_State] = [(0.0, 0.0, math.inf, 0.0)]
    for k, role in enumerate(roles):
        a = role.hours_per_head
        after = shared[k] if k < last else closing  # what the leftover can still be used for
        grown: list[_State] = []
        for cost, alpha, beta, z_low in states:
            if k == 0:
                # The first role covers its own hours and the closing tier less z: it fits at some
                # z <= closing once it holds its own hours, and has nothing more to gain past
                # holding the closing tier and the next shared one too.
                base = role.own + closing
                fewest = role.own
                enough = base + after
            else:
                base = role.own + shared[k - 1]  # less what the predecessor takes: min(z + alpha, beta)
                fewest = base - beta
                # More heads help until the role no longer raises z_low and passes on all it can
                # (last in a ring: leaves every z it may owe).
                enough = max(base - alpha - z_low, base - beta) + after
            low = max(role.low, _heads(fewest, a))
            high = max(low, _heads(enough, a) + 1)
            if role.high is not None:
                high = min(high, role.high)
            for h in range(low, high + 1):
                d = a * h - base
                if k == 0:
                    na, nb, nz = d, math.inf, max(0.0, -d)
                else:
                    na, nb = alpha + d, beta + d
                    if nb < -SLACK:  # short for every z
                        continue
                    nz = max(z_low, -na)
                if nz > closing + SLACK:
                    continue
                nb = min(nb, after)
                if na + nz > nb:  # the leftover is nb for every z that fits: a lower alpha says the same
                    na = nb - nz
                grown.append((cost + role.cost * h, na, nb, nz))
        states = _frontier(grown)
        if not states:
            return None
    # The ring closes when leftover(z) >= z for some z in [z_low, closing]: alpha >= 0, z_low <= beta.
    ends = [s[0] for s in states if s[1] >= -SLACK and s[3] <= s[2] + SLACK]
    return min(ends) if ends else None


#: A dynamic-programme state: (cost, alpha, beta, z_low).
_State = tuple[float, float, float, float]


def _frontier(states: list[_State]) -> list[_State]:
    """The states no other beats: cheapest first; one is dropped when a kept one costs no more and
    has alpha and beta no lower and z_low no higher."""
    kept: list[_State] = []
    for s in sorted(states, key=lambda s: (s[0], -s[2], -s[1], s[3])):
        _cost, alpha, beta, z_low = s
        if not any(k[1] >= alpha and k[2] >= beta and k[3] <= z_low for k in kept):
            kept.append(s)
    return kept


def chains_of(scenario: Scenario, meet: _Model) -> ChainsProblem | None:
    """``meet``'s programme as chains of roles, or ``None`` when it is not one: a tier with three
    servers or none, a role sharing with three others, a calls-only or fixed-hours role, a head of
    no hours or negative cost, or a budget or headcount cap. Each role's head limits are its
    column's bounds in the programme."""
    data = meet.data
    spec = scenario.spec
    if data.fixed_hours or data.calls_only or spec.budget is not None or spec.max_total_headcount is not None:
        return None
    if any(data.hph[r] <= 0 or data.cost[r] < 0 for r in data.roles):
        return None
    own = dict.fromkeys(data.roles, 0.0)
    pair: dict[tuple[str, str], float] = {}
    for key in data.tiers:
        need = data.required[key]
        if need <= 0:
            continue
        servers = [r for r in data.roles if key in data.serves[r]]
        if len(servers) == 1:
            own[servers[0]] += need
        elif len(servers) == 2:
            a, b = servers
            pair[(a, b)] = pair.get((a, b), 0.0) + need
        else:
            return None
    nexts: dict[str, list[str]] = {r: [] for r in data.roles}
    for a, b in pair:
        nexts[a].append(b)
        nexts[b].append(a)
    if any(len(n) > 2 for n in nexts.values()):
        return None

    def shared(a: str, b: str) -> float:
        return pair.get((a, b), 0.0) + pair.get((b, a), 0.0)

    def role(r: str) -> ChainRole:
        col = meet.h[r]
        assert isinstance(col, int)
        lo, hi = meet.prog.col_lo[col], meet.prog.col_hi[col]
        return ChainRole(data.hph[r], data.cost[r], own[r], int(lo), None if hi == INF else int(hi))

    chains = []
    placed: set[str] = set()
    # Paths from their ends first (a role sharing with one other or none), then what is left: rings.
    for ring in (False, True):
        for start in data.roles:
            if start in placed or (not ring and len(nexts[start]) == 2):
                continue
            order = [start]
            placed.add(start)
            while nxt := [r for r in nexts[order[-1]] if r not in placed]:
                order.append(nxt[0])
                placed.add(nxt[0])
            links = [shared(a, b) for a, b in itertools.pairwise(order)]
            links.append(shared(order[-1], order[0]) if ring else 0.0)
            chains.append(Chain(tuple(role(r) for r in order), tuple(links), ring))
    return ChainsProblem(tuple(chains))
