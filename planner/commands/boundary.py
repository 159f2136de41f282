"""``planner boundary``: chicken head vs phoenix tail, where a channel's top tier meets the next's bottom."""

from __future__ import annotations

from pathlib import Path

import click

from planner.commands.options import (
    echo_json,
    format_option,
    load_cli_scenario,
    make_console,
    print_warnings,
    read_cli_roster,
    roster_options,
    scenario_argument,
    scenario_options,
    year_option,
)


@click.command("boundary")
@scenario_argument()
@scenario_options
@format_option("table", "json")
@click.option(
    "--remedy",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="SCENARIO",
    help="A remedy scenario (e.g. scenarios/unified-centre.yaml): show before and after side by side. "
    "--set applies to the main scenario only.",
)
@click.option(
    "--all-lines",
    is_flag=True,
    help="Also compare lines no customer can cross by spending more (e.g. public.premium / "
    "commercial.D), marked as such.",
)
@year_option
@roster_options
def boundary_command(
    scenario: Path,
    sets: tuple[str, ...],
    solver: str,
    fmt: str,
    remedy: Path | None,
    all_lines: bool,
    year: int | None,
    roster: Path | None,
    columns: Path | None,
) -> None:
    """Compare both sides of every line a customer can cross: on paper, in practice and in price.

    A line is where one tier meets the next one up: within a channel, and along the policy's ladder
    (commercial.A / key.crystal at 3,000 CNY a month above all). An inversion is the upper
    tier's customer getting fewer visits, phone contacts or service hours a year than the lower
    tier's (on paper: the policy; in practice: today's headcount), or a smaller discount, so
    the same spend costs more above the line. With --roster, customers per tier come from the
    roster and the report counts the customers within 10 % of each boundary.
    """
    from planner.analyses.boundary import analyse_boundaries
    from planner.data.scenario import load_scenario

    # The roster's counts replace the scenario's and its rows give the customers near each line.
    sc, read = read_cli_roster(load_cli_scenario(scenario, sets), roster, columns)
    print_warnings(sc.warnings)
    after = None
    if remedy is not None:
        if not remedy.exists():
            from planner.errors import InputError

            raise InputError("remedy scenario file not found", source=remedy)
        after = load_scenario(remedy)
        if read is not None:
            # Same customers before and after: only the organisation changes.
            after = after.with_customers(read.counts())
        print_warnings(after.warnings)
    report = analyse_boundaries(sc, solver=solver, roster=read, remedy=after, all_lines=all_lines, year=year)
    if fmt == "json":
        echo_json(report)
    else:
        from planner.report.boundary import render_boundary_report

        render_boundary_report(report, make_console())
