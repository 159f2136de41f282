"""``planner schedule``: a week-by-week visit calendar per manager and customer for one year."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # pragma: no cover
    from planner.data.scenario import Scenario

from planner.commands.options import (
    echo_json,
    format_option,
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


@click.command("schedule")
@scenario_argument()
@scenario_options
@format_option("table", "json")
@roster_options
@year_option
@headcount_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Directory for schedule.csv and managers.csv (created if missing).",
)
@click.option("--excel", is_flag=True, help="Also write schedule.xlsx into --out (one sheet per manager).")
def schedule_command(
    scenario: Path,
    sets: tuple[str, ...],
    solver: str,
    fmt: str,
    roster: Path | None,
    columns: Path | None,
    year: int | None,
    headcount: str,
    out: Path | None,
    excel: bool,
) -> None:
    """Who visits whom, on which day: a calendar meeting every tier's standard in every period.

    The heads are `plan`'s (required) or today's (current). Each customer (from --roster, else
    synthetic ids from the scenario's counts) gets one manager of a role serving its tier for the
    whole year, books balanced by yearly hours, and a working day for every visit and phone contact
    its tier's standard asks: every month, quarter or year it names, visits spaced at least half the
    even interval apart, no manager over capacity in any week.
    """
    from planner.analyses.schedule import build_schedule, customers_from_frame
    from planner.errors import InfeasibleError, InputError
    from planner.model.headcount import plan_year

    if excel and out is None:
        raise InputError(
            "--excel writes schedule.xlsx into the --out directory; add --out DIR", source="--excel"
        )
    sc, read = read_cli_roster(load_cli_scenario(scenario, sets), roster, columns)
    the_year = plan_year(sc, year)
    check_schedule_size(sc)
    print_warnings(sc.warnings)
    from planner.report import progress

    customers = customers_from_frame(read.accepted, str(roster)) if read is not None else None
    with progress.step("booking the calendar"):
        result = build_schedule(
            sc,
            year=the_year,
            headcount=headcount,  # type: ignore[arg-type]
            customers=customers,
            solver=solver,
        )
    print_warnings([w for w in result.warnings if w not in sc.warnings])
    if out is not None and result.ok:
        from planner.report.fileset import write_set
        from planner.report.schedule import write_schedule_excel, write_schedule_files

        with write_set(out) as staging:  # the CSVs and the workbook appear together or not at all
            with progress.step("writing schedule.csv and managers.csv"):
                write_schedule_files(result, staging)
            if excel:
                with progress.bar("writing schedule.xlsx") as tick:
                    write_schedule_excel(result, staging, progress=tick)
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.schedule import render_schedule

        render_schedule(result, make_console())
        if out is not None and result.ok:
            files = "schedule.csv, managers.csv" + (", schedule.xlsx" if excel else "")
            click.echo(f"Wrote {files} to {out}")
    if not result.ok:
        raise InfeasibleError(f"{scenario}: {result.explanation}")


#: The most rows (contacts a year) a calendar is built for: about 100 bytes a row in memory, so the
#: limit keeps a run near 4 GB on the 2-core, 24 GB machines this is sized for.
MAX_CONTACTS = 40_000_000


def check_schedule_size(scenario: Scenario) -> None:
    """Refuse, before any work, a calendar whose rows would not fit: say how many and why."""
    from planner.analyses.schedule import contacts_a_year
    from planner.errors import InputError

    contacts = contacts_a_year(scenario)
    if contacts > MAX_CONTACTS:
        raise InputError(
            f"the calendar would hold {contacts:,} contacts a year (about {contacts * 100 / 1e9:,.1f} GB); "
            f"at most {MAX_CONTACTS:,} are scheduled in one run: schedule part of the branch (--roster) "
            "or fewer customers",
            source="schedule",
        )
