"""``planner plan``: size every manager role of a scenario and report coverage."""

from __future__ import annotations

from pathlib import Path

import click

from planner.commands.options import (
    apply_roster,
    echo_json,
    format_option,
    headcount_option,
    load_cli_scenario,
    make_console,
    print_warnings,
    roster_options,
    scenario_argument,
    scenario_options,
    year_option,
)


@click.command("plan")
@scenario_argument()
@scenario_options
@format_option("table", "json")
@roster_options
@headcount_option
@year_option
def plan_command(
    scenario: Path,
    sets: tuple[str, ...],
    solver: str,
    fmt: str,
    roster: Path | None,
    columns: Path | None,
    headcount: str,
    year: int | None,
) -> None:
    """Headcount per manager role meeting every tier's visit standard at least cost.

    Sized on the plan year's working calendar: every month, quarter and year a standard names, with
    the visit spacing rules and whole visits per manager; the annual-average bound is shown beside.
    When the scenario's limits (budget, max_total_headcount, max_headcount) cannot meet every
    standard, the plan maximises value-weighted coverage instead and says where it falls short.
    """
    from planner.analyses.callcentre import OutboundResult, plan_with_callcentre
    from planner.model.headcount import plan

    sc = apply_roster(load_cli_scenario(scenario, sets), roster, columns)
    print_warnings(sc.warnings)
    # With callcentre.outbound enabled, the call centre's spare agent time is one more (calls-only) role.
    mix = plan_with_callcentre(sc, headcount=headcount, solver=solver, year=year)
    outbound: OutboundResult | None = None
    if mix is None:
        result = plan(sc, headcount=headcount, solver=solver, year=year)  # type: ignore[arg-type]
    else:
        result, outbound = mix
    if fmt == "json":
        echo_json(result if outbound is None else {**result.to_dict(), "callcentre_outbound": outbound})
    else:
        from planner.report.plan import render_plan

        console = make_console()
        render_plan(result, console)
        if outbound is not None:
            from planner.report.callcentre import render_outbound

            render_outbound(outbound, console)
    if not result.ok:
        from planner.errors import InfeasibleError

        raise InfeasibleError(f"{scenario}: {result.explanation}")
