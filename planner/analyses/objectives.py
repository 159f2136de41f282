"""The two ``max_coverage`` objectives side by side: where each puts the hours and what each keeps.

Both plans are valued on the same yardstick, the tiers' response curves, so the table says how much
revenue the old linear valuation (revenue at risk x coverage) leaves on the table. The plans come from
:func:`planner.model.headcount.plan`; this module only lines them up.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.data.scenario import Scenario
from planner.model.headcount import OBJECTIVES, HeadcountBasis, PlanResult, plan


@dataclass(frozen=True)
class ObjectiveTier:
    """One tier under both objectives (tiers with hours to give only)."""

    tier: str
    coverage: dict[str, float]
    revenue_kept: dict[str, float]
    revenue_lost: dict[str, float]
    value_of_next_hour: dict[str, float]


@dataclass(frozen=True)
class ObjectiveComparison:
    """Totals and tiers per objective (``response``, ``linear``); ``chosen`` is the plan's own."""

    chosen: str
    total_headcount: dict[str, int]
    total_cost: dict[str, float]
    revenue_kept: dict[str, float]
    revenue_lost: dict[str, float]
    revenue_at_risk_covered: dict[str, float]
    tiers: list[ObjectiveTier]


def compare_objectives(
    scenario: Scenario,
    result: PlanResult,
    *,
    headcount: HeadcountBasis = "optimal",
    solver: str = "auto",
    whole_contacts: bool = True,
) -> ObjectiveComparison:
    """Plan ``scenario`` with the other objective too and line both plans up against ``result``.

    ``whole_contacts`` is :func:`planner.model.headcount.plan`'s: give the one ``result`` was made with.
    """
    results = {result.objective: result}
    for objective in OBJECTIVES:
        if objective not in results:
            results[objective] = plan(
                scenario,
                headcount=headcount,
                solver=solver,
                with_current=False,
                objective=objective,
                whole_contacts=whole_contacts,
            )
    order = [o for o in OBJECTIVES if results[o].ok]
    tiers = []
    for t in result.tiers:
        if t.required_hours <= 0:
            continue
        per = {o: results[o].tier(t.channel, t.tier) for o in order}
        tiers.append(
            ObjectiveTier(
                tier=t.key,
                coverage={o: x.coverage for o, x in per.items()},
                revenue_kept={o: x.revenue_kept or 0.0 for o, x in per.items()},
                revenue_lost={o: x.revenue_lost or 0.0 for o, x in per.items()},
                value_of_next_hour={o: x.value_of_next_hour or 0.0 for o, x in per.items()},
            )
        )
    return ObjectiveComparison(
        chosen=result.objective,
        total_headcount={o: results[o].total_headcount for o in order},
        total_cost={o: results[o].total_cost for o in order},
        revenue_kept={o: results[o].revenue_kept for o in order},
        revenue_lost={o: results[o].revenue_lost for o in order},
        revenue_at_risk_covered={o: results[o].revenue_at_risk_covered for o in order},
        tiers=tiers,
    )
