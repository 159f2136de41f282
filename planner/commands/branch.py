"""``planner branch``: everything for one branch from one reading of its scenario and roster."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from planner.commands.options import (
    headcount_option,
    load_cli_scenario,
    make_console,
    print_warnings,
    read_cli_roster,
    roster_options,
    scenario_argument,
    scenario_options,
    year_option,
)
from planner.i18n import _, value_word


@click.command("branch")
@scenario_argument()
@scenario_options
@roster_options
@headcount_option
@year_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for report.html, branch.xlsx, branch.json and the schedule files (created if missing; "
    "written as one set).",
)
@click.option(
    "--remedy",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="SCENARIO",
    help="A remedy scenario (e.g. scenarios/unified-centre.yaml): the boundary section shows before "
    "and after, with the roster's customers on both sides. Default: the scenario's `remedy:` key.",
)
@click.option("--excel", is_flag=True, help="Also write the full calendar workbook schedule.xlsx (slow).")
@click.option("--no-schedule", is_flag=True, help="Skip the dated schedule (no schedule files).")
def branch_command(
    scenario: Path,
    sets: tuple[str, ...],
    solver: str,
    roster: Path | None,
    columns: Path | None,
    headcount: str,
    year: int | None,
    out: Path,
    remedy: Path | None,
    excel: bool,
    no_schedule: bool,
) -> None:
    """One branch, one answer: plan, dated schedule, boundaries, call centre and hiring, in one pack.

    Reads the scenario and the roster once; runs `plan`, the dated `schedule`, `boundary` (with
    --remedy: before and after), the call centre (when the scenario has one) and `hire` (when it
    has a hiring section). Branch totals include the call centre's agents. Writes report.html (one
    self-contained file: opens offline, prints on A4), branch.xlsx, branch.json, schedule.csv and
    managers.csv into --out as one set, and prints a one-screen summary.
    """
    from planner.errors import InfeasibleError, InputError

    if out.exists() and not out.is_dir():
        raise InputError(
            _("expected a folder for the output files, {out} is a file").format(out=out), source="--out"
        )
    if excel and no_schedule:
        raise InputError(_("--excel writes the schedule's workbook; drop --no-schedule"), source="--excel")
    sc, read = read_cli_roster(load_cli_scenario(scenario, sets), roster, columns)
    if not no_schedule:
        from planner.commands.schedule import check_schedule_size

        check_schedule_size(sc, hint=_("--no-schedule makes the pack without a calendar"))
    print_warnings(sc.warnings)
    after = None
    named = remedy is None and sc.spec.remedy is not None
    if named:
        remedy = Path(str(sc.spec.remedy))  # resolved against the file naming it
    if remedy is not None:
        from planner.data.scenario import load_scenario

        if not remedy.exists():
            if named:
                raise InputError(
                    _("remedy scenario file not found: {remedy}").format(remedy=remedy),
                    source=str(sc.path or scenario),
                    path="remedy",
                )
            raise InputError(_("remedy scenario file not found"), source=remedy)
        after = load_scenario(remedy)
        if read is not None:
            after = after.with_customers(read.counts())  # same customers before and after
        print_warnings(after.warnings)
    customers = None
    if read is not None and not no_schedule:
        from planner.analyses.schedule import customers_from_frame

        customers = customers_from_frame(read.accepted, str(roster))
    from planner.analyses.branch import analyse_branch

    result = analyse_branch(
        sc,
        progress=_progress(),
        roster=read,
        customers=customers,
        remedy=after,
        headcount=headcount,
        year=year,
        solver=solver,
        with_schedule=not no_schedule,
    )
    print_warnings(result.warnings)
    from planner.report.branch import render_branch_summary, write_branch_pack

    files = write_branch_pack(result, out, excel=excel)
    render_branch_summary(result, make_console(), out, files)
    if not result.ok:
        failed = [
            name
            for name, status in (
                ("plan", result.plan_status),
                ("schedule", result.schedule_status),
                ("callcentre", result.callcentre_status),
                ("hiring", result.hiring_status),
            )
            if status is not None and not status.is_ok
        ]
        steps = ", ".join(failed)
        raise InfeasibleError(
            _("{scenario}: no answer from {steps} ({status}); the pack shows what was found").format(
                scenario=scenario, steps=steps, status=value_word(result.status)
            )
        )


def _progress() -> Callable[[str], None] | None:
    """Each step's name on stderr as it starts, when stderr is a terminal (never in a pipe or log)."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(step: str) -> None:
        if step != "done":
            click.echo(_("branch: {step} ...").format(step=step), err=True)

    return show
