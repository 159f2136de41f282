"""The branch's plan as ``planner plan`` reports it: with the call centre's outbound role when enabled."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from planner.analyses.callcentre import OutboundResult
    from planner.data.scenario import Scenario
    from planner.model.headcount import PlanResult


def branch_plan(
    scenario: Scenario,
    *,
    headcount: str = "required",
    solver: str = "auto",
    year: int | None = None,
    objective: str = "response",
) -> tuple[PlanResult, OutboundResult | None]:
    """The plan, and the outbound result when ``callcentre.outbound`` is enabled (its spare agent time
    is then one more, calls-only, role). The call-centre analysis is imported only for a scenario
    that has a call centre (start-up time)."""
    from planner.model.headcount import plan

    if scenario.spec.callcentre is not None:
        from planner.analyses.callcentre import plan_with_callcentre

        mix = plan_with_callcentre(
            scenario, headcount=headcount, solver=solver, year=year, objective=objective
        )
        if mix is not None:
            return mix
    return plan(scenario, headcount=headcount, solver=solver, year=year, objective=objective), None  # type: ignore[arg-type]
