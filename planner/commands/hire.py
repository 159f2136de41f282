"""``planner hire``: a month-by-month (or quarterly) hiring plan per role."""

from __future__ import annotations

from pathlib import Path

import click

from planner.commands.options import (
    echo_json,
    format_option,
    load_cli_scenario,
    make_console,
    print_warnings,
    scenario_argument,
    scenario_options,
)
from planner.i18n import _, value_word

#: Longest horizon accepted (mirrors planner.analyses.hiring.MAX_HORIZON without importing it).
MAX_HORIZON = 120


@click.command("hire")
@scenario_argument()
@scenario_options
@format_option("table", "json")
@click.option(
    "--horizon",
    type=click.IntRange(1, MAX_HORIZON),
    default=None,
    help="Number of periods to plan [default: the hiring section's `horizon`, else 24].",
)
@click.option(
    "--period",
    type=click.Choice(["month", "quarter", "year"]),
    default=None,
    help="Length of a period [default: the hiring section's `period`, else month]; "
    "month-based settings are converted.",
)
@click.option(
    "--objective",
    type=click.Choice(["min_cost", "min_redundancy"]),
    default=None,
    help="What to minimise [default: the hiring section's `objective`, else min_cost]; "
    "min_redundancy then takes the cheapest plan with the fewest redundancies.",
)
@click.option(
    "--mode",
    type=click.Choice(["integer", "lp"]),
    default=None,
    help="integer: whole people (default, or the hiring section's `mode`); "
    "lp: continuous, fractional people and expected leavers (the textbook formulation).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the plan as an Excel workbook (.xlsx): a summary sheet and one sheet per role.",
)
def hire_command(
    scenario: Path,
    sets: tuple[str, ...],
    solver: str,
    fmt: str,
    horizon: int | None,
    period: str | None,
    objective: str | None,
    mode: str | None,
    out: Path | None,
) -> None:
    """Hires, moves, redundancies and leavers per role per period, as requirements rise or fall.

    Reads the scenario's `hiring:` section (growth, churn, wastage, lead times, ramp-up, caps,
    retraining and downgrading, redundancy, overmanning, short time; see the README, planner hire)
    and minimises salary + hiring, move and redundancy costs + a penalty per uncovered standard
    hour. A hiring cap that binds shows as a coverage gap, not as an error.
    """
    from planner.errors import InputError, SolverError

    if out is not None and out.suffix.lower() != ".xlsx":
        raise InputError(_("expected an .xlsx file name, got {name!r}").format(name=out.name), source="--out")
    from planner.analyses.hiring import hiring_plan

    sc = load_cli_scenario(scenario, sets)
    result = hiring_plan(
        sc,
        horizon=horizon,
        period=period,  # type: ignore[arg-type]
        objective=objective,
        mode=mode,
        solver=solver,
    )
    print_warnings(result.warnings)
    if not result.ok:
        reason = _("{scenario}: no hiring plan; the solver stopped ({status})").format(
            scenario=scenario, status=value_word(result.status)
        )
        raise SolverError(reason)
    if out is not None:
        from planner.report.hiring import write_workbook

        write_workbook(result, out)
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.hiring import render_hiring

        render_hiring(result, make_console())
        if out is not None:
            click.echo(_("Wrote {path}").format(path=out))
