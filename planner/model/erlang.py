"""Erlang C: agents an inbound queue needs, and the service it gets from a given number of agents.

Pure math, no planner types. Notation: ``a`` is the offered load in Erlangs (calls per second x
average handle time in seconds), ``n`` the number of productive agents answering calls.

Numerics. The Erlang B blocking probability obeys ``1/B(n) = 1 + (n/a) / B(n-1)`` with
``B(0) = 1``. Unrolled, ``1/B(n) = sum_j prod_{i<j} (n-i)/a``: a sum of positive terms, so it has no
cancellation, and no factorial or power is ever formed. Once ``n - i < a`` the factors are below one
and the terms fall off like ``exp(-j^2 / 2a)``, so the sum can stop when a term is below 1e-18 of the
total (far below a double's precision): about ``9 sqrt(a)`` terms (some 500 at 3,000 Erlangs) instead
of ``n``. From there the forward recursion steps ``n`` up one agent at a time while searching.
Erlang C follows from B without subtraction of near-equal numbers: ``C = n / ((n - a)/B + a)``.

Exact integer arithmetic. ``ceil(a / max_occupancy)`` and ``ceil(n / (1 - shrinkage))`` are computed
with :class:`fractions.Fraction` from the decimal the user wrote (``0.85`` is 17/20, not the binary
float just below it), so ``ceil(8.5 / 0.85)`` is 10, never 11.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

#: Stop summing when a term is this small relative to the sum (below double precision).
_REL_TOL = 1e-18

Number = int | float | Fraction


def exact(x: Number) -> Fraction:
    """``x`` as an exact fraction of the decimal it prints as: ``exact(0.85) == Fraction(17, 20)``.

    Floats are read through their shortest ``repr`` (what the user typed in a file or on the
    command line), not their binary value, so ceilings of ratios come out as a person expects.
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if not math.isfinite(x):
        raise ValueError(f"expected a finite number, got {x!r}")
    return Fraction(repr(float(x)))


def ceil_fraction(x: Fraction) -> int:
    """The ceiling of an exact fraction, in integer arithmetic."""
    return -((-x.numerator) // x.denominator)


def offered_load(calls: Number, interval_seconds: Number, aht_seconds: Number) -> Fraction:
    """Erlangs offered by ``calls`` arriving in ``interval_seconds``, each held ``aht_seconds``."""
    if exact(interval_seconds) <= 0:
        raise ValueError("interval length must be positive")
    return exact(calls) * exact(aht_seconds) / exact(interval_seconds)


def inverse_erlang_b(n: int, a: float) -> float:
    """``1 / B(n, a)``, the reciprocal of the Erlang B blocking probability (>= 1).

    Sums the unrolled recursion from the top term down and stops once the terms no longer change
    the sum (see the module docstring). ``a`` must be positive.
    """
    if n < 0:
        raise ValueError("agents must be >= 0")
    if a <= 0:
        raise ValueError("offered load must be positive")
    total = 1.0
    term = 1.0
    for i in range(n):
        term *= (n - i) / a
        total += term
        if term < _REL_TOL * total and n - i < a:
            break
        if math.isinf(total):
            break
    return total


def erlang_c_from_inverse_b(n: int, a: float, inv_b: float) -> float:
    """P(wait) from ``1/B(n, a)``; 1 when ``n <= a`` (the queue grows without bound)."""
    if n <= a:
        return 1.0
    if math.isinf(inv_b):
        return 0.0
    return n / ((n - a) * inv_b + a)


def erlang_c(n: int, a: float) -> float:
    """Probability that a call waits (Erlang C) with ``n`` agents and ``a`` Erlangs."""
    if a <= 0:
        return 0.0
    if n <= a:
        return 1.0
    return erlang_c_from_inverse_b(n, a, inverse_erlang_b(n, a))


@dataclass(frozen=True)
class Service:
    """What ``agents`` productive agents give a queue offered ``erlangs`` Erlangs.

    ``service_level`` is the fraction of calls answered within ``answer_within_seconds``;
    ``asa_seconds`` the average speed of answer over all calls (inf when ``agents <= erlangs``).
    """

    erlangs: float
    agents: int
    p_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float


def _service(n: int, a: float, p_wait: float, aht: float, within: float) -> Service:
    if a <= 0:
        return Service(a, n, 0.0, 1.0, 0.0, 0.0)
    if n <= a:
        return Service(a, n, 1.0, 0.0, math.inf, 1.0 if n == 0 else min(1.0, a / n))
    sl = 1.0 - p_wait * math.exp(-(n - a) * within / aht)
    asa = p_wait * aht / (n - a)
    return Service(a, n, p_wait, sl, asa, a / n)


def service(agents: int, erlangs: Number, aht_seconds: Number, answer_within_seconds: Number) -> Service:
    """Service level, ASA, occupancy and P(wait) of ``agents`` agents on ``erlangs`` Erlangs."""
    a = float(erlangs)
    aht = float(aht_seconds)
    if aht <= 0:
        raise ValueError("average handle time must be positive")
    return _service(agents, a, erlang_c(agents, a), aht, float(answer_within_seconds))


TargetKind = Literal["service_level", "asa"]


@dataclass(frozen=True)
class Target:
    """A target: ``service_level >= value`` within ``answer_within_seconds``, or ``ASA <= value`` seconds."""

    kind: TargetKind
    value: float
    answer_within_seconds: float = 20.0

    def met(self, s: Service) -> bool:
        """Whether ``s`` meets this target."""
        if self.kind == "service_level":
            return s.service_level >= self.value
        return s.asa_seconds <= self.value


@dataclass(frozen=True)
class Staffing:
    """The answer for one interval: productive agents, on-shift agents, and the service they give."""

    erlangs: float
    agents: int
    agents_with_shrinkage: int
    occupancy_floor: int
    service: Service


def agents_for_occupancy(erlangs: Number, max_occupancy: Number) -> int:
    """Fewest agents keeping occupancy ``erlangs / agents`` at or below ``max_occupancy`` (exact)."""
    occ = exact(max_occupancy)
    if not 0 < occ <= 1:
        raise ValueError("max occupancy must be in (0, 1]")
    return ceil_fraction(exact(erlangs) / occ)


def with_shrinkage(agents: int, shrinkage: Number) -> int:
    """On-shift agents so that ``agents`` remain productive after ``shrinkage`` (exact ceiling)."""
    s = exact(shrinkage)
    if not 0 <= s < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    return ceil_fraction(Fraction(agents) / (1 - s))


def required_agents(
    erlangs: Number,
    aht_seconds: Number,
    target: Target,
    *,
    max_occupancy: Number = 1,
    shrinkage: Number = 0,
) -> Staffing:
    """The fewest productive agents meeting ``target`` and ``max_occupancy``, and on-shift agents.

    The search starts at the stability bound ``floor(a) + 1`` (or the occupancy floor, if higher):
    a lenient target may be met there, below ``round(a + 1)`` for fractional ``a``. Service only
    improves with each agent added, so the first agent count meeting the target is the answer.
    Zero offered load needs zero agents.
    """
    a_exact = exact(erlangs)
    if a_exact < 0:
        raise ValueError("offered load must be >= 0")
    aht = float(aht_seconds)
    if aht <= 0:
        raise ValueError("average handle time must be positive")
    occupancy_floor = agents_for_occupancy(a_exact, max_occupancy)
    a = float(a_exact)
    if a_exact == 0:
        s = _service(0, 0.0, 0.0, aht, target.answer_within_seconds)
        return Staffing(0.0, 0, 0, 0, s)
    stable = math.floor(a_exact) + 1
    n = max(stable, occupancy_floor)
    inv_b = inverse_erlang_b(n, a)
    within = float(target.answer_within_seconds)
    while True:
        s = _service(n, a, erlang_c_from_inverse_b(n, a, inv_b), aht, within)
        if target.met(s):
            break
        n += 1
        # Forward Erlang B recursion: 1/B(n) = 1 + (n/a) / B(n-1).
        inv_b = 1.0 + n / a * inv_b
    return Staffing(a, n, with_shrinkage(n, shrinkage), occupancy_floor, s)
