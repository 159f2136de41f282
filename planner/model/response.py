"""Response curves: the share of a tier's revenue kept over a year, as a function of the service it gets.

Service ``s`` is delivered hours as a share of the tier's standard (its coverage, 0..1). A curve is
piecewise linear through a few points ``(s, kept)`` from ``s = 0`` to ``s = 1``, non-decreasing (more
service never loses revenue) and concave (each extra hour keeps no more than the one before), so a
model that maximises revenue kept stays a linear program: coverage is split into one bounded
variable per segment, and because the slopes fall, a maximising solver fills the segments in order
without any integer variable (the classic separable-concave construction; e.g. Williams, *Model
Building in Mathematical Programming*, ch. 7). CALLPLAN (Lodish, 1971) set call frequencies from such
concave response curves under a time budget.

Where the curve of a tier comes from (first that applies):

1. the tier's own ``response`` points in the policy (share of revenue kept);
2. the policy's ``response.churn_lost`` shape: ``kept(s) = 1 - churn_risk x churn_lost(s)``;
3. the linear curve ``kept(s) = 1 - churn_risk x (1 - s)``: today's valuation, in which a tier's
   revenue at risk (revenue x churn_risk) is protected in proportion to coverage.

The shipped policy's default shape and the reasons for its numbers are in
``policies/telecom-4plus1.yaml`` (``response:``). A model values hours through
:func:`scenario_curves` (each tier's curve and revenue) and :func:`response_terms` (one tier's value
as objective terms of a :class:`planner.model.lp.Program`), so every model that allocates hours
values them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from planner.data.scenario import Scenario, TierKey

#: Slopes may rise by at most this between segments and still count as concave (float noise).
CONCAVE_TOL = 1e-9


def curve_problem(points: Sequence[Sequence[float]]) -> str | None:
    """What is wrong with ``points`` as a response curve, in words; None when they are one.

    Rules: at least two ``[service, kept]`` pairs; service strictly rising from 0 to 1; kept in
    [0, 1] and never falling; slopes never rising (concave).
    """
    if len(points) < 2:
        return _("a response curve needs at least two points [service, kept], from service 0 to 1")
    for i, p in enumerate(points):
        if len(p) != 2:
            return _("point {i} must be a pair [service, kept], got {value}").format(i=i, value=repr(list(p)))
    s = [float(p[0]) for p in points]
    k = [float(p[1]) for p in points]
    if s[0] != 0 or s[-1] != 1:
        return _("the points must run from service 0 to service 1, got {first} to {last}").format(
            first=f"{s[0]:g}", last=f"{s[-1]:g}"
        )
    for i in range(1, len(s)):
        if s[i] <= s[i - 1]:
            return _("service must rise from point to point: point {i} has {value} after {before}").format(
                i=i, value=f"{s[i]:g}", before=f"{s[i - 1]:g}"
            )
    for i, v in enumerate(k):
        if not 0 <= v <= 1:
            return _("kept share of point {i} must be in [0, 1], got {value}").format(i=i, value=f"{v:g}")
    slopes = [(k[i] - k[i - 1]) / (s[i] - s[i - 1]) for i in range(1, len(s))]
    for i, m in enumerate(slopes):
        if m < -CONCAVE_TOL:
            return _(
                "kept share falls between service {low} and {high}; more service never loses revenue"
            ).format(low=f"{s[i]:g}", high=f"{s[i + 1]:g}")
    for i in range(1, len(slopes)):
        if slopes[i] > slopes[i - 1] + CONCAVE_TOL:
            return _(
                "the curve must be concave: its slope rises at service {service} "
                "({before} before, {after} after)"
            ).format(service=f"{s[i]:g}", before=f"{slopes[i - 1]:.4g}", after=f"{slopes[i]:.4g}")
    return None


@dataclass(frozen=True)
class ResponseCurve:
    """Share of a tier's annual revenue kept (0..1) against service as a share of standard (0..1)."""

    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        problem = curve_problem(self.points)
        if problem is not None:
            raise ValueError(problem)

    @classmethod
    def linear(cls, churn_risk: float) -> ResponseCurve:
        """Today's valuation: revenue at risk protected in proportion to service."""
        return cls(((0.0, 1.0 - churn_risk), (1.0, 1.0)))

    @classmethod
    def from_churn_lost(cls, churn_risk: float, churn_lost: Sequence[Sequence[float]]) -> ResponseCurve:
        """``kept(s) = 1 - churn_risk x churn_lost(s)`` at each point of the shape."""
        return cls(tuple((float(s), 1.0 - churn_risk * float(lost)) for s, lost in churn_lost))

    def kept(self, service: float) -> float:
        """Share of revenue kept at ``service`` (clipped to [0, 1]), by linear interpolation."""
        s = min(1.0, max(0.0, service))
        for (s0, k0), (s1, k1) in zip(self.points, self.points[1:], strict=False):
            if s <= s1:
                return k0 + (k1 - k0) * (s - s0) / (s1 - s0)
        return self.points[-1][1]

    def next_slope(self, service: float) -> float:
        """Kept share per unit of service of the next bit of service (0 at or beyond full service)."""
        return self._slope(service, last=False)

    def last_slope(self, service: float) -> float:
        """Kept share per unit of service of the last bit of ``service`` (the first piece's at 0)."""
        return self._slope(service, last=True)

    def _slope(self, service: float, *, last: bool) -> float:
        """The slope of the piece just after ``service`` or, with ``last``, just before it (a piece
        ending at ``service`` counts as before it, one starting there as after it)."""
        for (s0, k0), (s1, k1) in zip(self.points, self.points[1:], strict=False):
            if (service <= s1 + 1e-12) if last else (service < s1 - 1e-12):
                return (k1 - k0) / (s1 - s0)
        return 0.0

    def segments(self) -> list[tuple[float, float]]:
        """``(width, slope)`` of each linear piece, in order of service."""
        return [
            (s1 - s0, (k1 - k0) / (s1 - s0))
            for (s0, k0), (s1, k1) in zip(self.points, self.points[1:], strict=False)
        ]

    @property
    def is_linear(self) -> bool:
        """True when every segment has the same slope."""
        slopes = [m for _, m in self.segments()]
        return max(slopes) - min(slopes) <= CONCAVE_TOL


def tier_curve(
    churn_risk: float,
    points: Sequence[Sequence[float]] | None,
    churn_lost: Sequence[Sequence[float]] | None,
) -> ResponseCurve:
    """The curve of one tier: its own ``points``, else the policy's ``churn_lost`` shape, else linear."""
    if points is not None:
        return ResponseCurve(tuple((float(s), float(k)) for s, k in points))
    if churn_lost is not None:
        return ResponseCurve.from_churn_lost(churn_risk, churn_lost)
    return ResponseCurve.linear(churn_risk)


def scenario_curves(scenario: Scenario) -> dict[TierKey, tuple[ResponseCurve, float]]:
    """Every tier's response curve and annual revenue (CNY), keyed ``(channel, tier)``.

    The one place a scenario's tiers are turned into values, for every model that allocates hours
    (the headcount model, and any other that must value a tier's hours the same way).
    """
    from planner.model.workload import tier_revenue

    default = scenario.policy.response
    shape = default.churn_lost if default is not None else None
    return {
        (c, t.id): (tier_curve(t.churn_risk, t.response, shape), tier_revenue(t, scenario.customers(c, t.id)))
        for c, t in scenario.tiers()
    }


def response_terms(prog: Any, coverage: int, curve: ResponseCurve, revenue: float) -> list[tuple[int, float]]:
    """Add one tier's response segments to ``prog``; return its value as objective terms.

    Parameters
    ----------
    prog
        A :class:`planner.model.lp.Program` that *maximises* an objective including the returned
        terms (or bounds them from below): the segments then fill in order because the curve is
        concave.
    coverage
        The column of the tier's coverage, in [0, 1]. One new column per segment, bounded by its
        width, and one row ``sum(segments) = coverage`` link them.
    curve
        The tier's response curve.
    revenue
        The tier's annual revenue, CNY (customers x monthly spend x 12).

    Returns
    -------
    ``(segment column, revenue x slope)`` terms: the revenue kept above what no service keeps, CNY
    a year, ``revenue x (kept(coverage) - kept(0))``. Add ``revenue x curve.kept(0)`` for the
    revenue kept itself (a constant, left out so objective values and their tolerances stay in the
    scale of what service changes).
    """
    parts = [(prog.var(0.0, width), revenue * slope) for width, slope in curve.segments()]
    prog.row([(y, 1.0) for y, _ in parts] + [(coverage, -1.0)], 0.0, 0.0)
    return parts
