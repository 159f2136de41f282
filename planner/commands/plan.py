"""``planner plan``: size every manager role of a scenario and report coverage."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.commands.options import (
    apply_roster,
    echo_json,
    format_option,
    headcount_option,
    load_cli_scenario,
    make_console,
    objective_option,
    print_warnings,
    roster_options,
    scenario_argument,
    scenario_options,
    year_option,
)
from planner.i18n import _

if TYPE_CHECKING:
    pass


@click.command("plan")
@scenario_argument()
@scenario_options
@format_option("table", "json")
@roster_options
@headcount_option
@year_option
@objective_option
def plan_command(
    scenario: Path,
    sets: tuple[str, ...],
    solver: str,
    fmt: str,
    roster: Path | None,
    columns: Path | None,
    headcount: str,
    year: int | None,
    objective: str,
) -> None:
    """Headcount per manager role meeting every tier's visit standard at least cost.

    Sized on the plan year's working calendar: every month, quarter and year a standard names, with
    the visit spacing rules and whole visits per manager; the annual-average bound is shown beside.
    When the scenario's limits (budget, max_total_headcount, max_headcount) cannot meet every
    standard, the plan maximises the revenue kept (each tier's response curve; --objective linear:
    revenue at risk x coverage) and says where it falls short, with both objectives side by side.
    """
    from planner.analyses.plan import branch_plan
    from planner.report import progress

    sc = apply_roster(load_cli_scenario(scenario, sets), roster, columns)
    print_warnings(sc.warnings)
    with progress.step(_("planning")):
        result, outbound = branch_plan(sc, headcount=headcount, solver=solver, year=year, objective=objective)
        objectives = None
        if outbound is None and result.ok and result.mode == "max_coverage":
            from planner.analyses.objectives import compare_objectives

            objectives = compare_objectives(sc, result, headcount=headcount, solver=solver)  # type: ignore[arg-type]
    # The plan's own warnings (the scenario's were shown above): on stderr in either format.
    print_warnings(result.warnings, shown=sc.warnings)
    if fmt == "json":
        data = result.to_dict()
        if outbound is not None:
            data["callcentre_outbound"] = outbound
        if objectives is not None:
            data["objectives_compared"] = objectives
        echo_json(data)
    else:
        from planner.report.plan import render_objectives, render_plan

        console = make_console()
        render_plan(result, console)
        if objectives is not None:
            render_objectives(objectives, console)
        if outbound is not None:
            from planner.report.callcentre import render_outbound

            render_outbound(outbound, console)
    if not result.ok:
        from planner.errors import InfeasibleError

        raise InfeasibleError(
            _("{scenario}: {explanation}").format(scenario=scenario, explanation=result.explanation)
        )
