"""``planner schedule``: a week-by-week visit calendar per manager and customer for one year."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.i18n import _

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
@click.option(
    "--managers",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Managers table (.csv/.xlsx: manager_id, role[, base_district]) for a --roster naming managers.",
)
@click.option(
    "--moves",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Moves to apply first: the CSV `planner rebalance --out` writes (customer_id, from, to, ...).",
)
@click.option("--manager", "manager", default=None, metavar="ID", help="Print this manager's plan only.")
@click.option("--week", default=None, metavar="YYYY-Www", help="With --manager: that ISO week's visits.")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD", help="With --manager: that day's visits.")
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
    managers: Path | None,
    moves: Path | None,
    manager: str | None,
    week: str | None,
    day: str | None,
) -> None:
    """Who visits whom, on which day: a calendar meeting every tier's standard in every period.

    The heads are `plan`'s (required) or today's (current). Each customer (from --roster, else
    synthetic ids from the scenario's counts) gets one manager of a role serving its tier for the
    whole year, books balanced by yearly hours, and a working day for every visit and phone contact
    its tier's standard asks: every month, quarter or year it names, visits spaced at least half the
    even interval apart, no manager over capacity in any week.

    With a --roster naming managers (manager_id) every customer keeps his manager (after --moves);
    customers without one go to the lightest books of a role that serves their tier. Each contact
    gets a working day within the manager's daily hours, one district's visits on the same day
    where they fit. --manager ID with --week or --date prints that manager's plan.
    """
    from planner.analyses.schedule import build_schedule, customers_from_book, customers_from_frame
    from planner.errors import InfeasibleError, InputError
    from planner.model.headcount import plan_year

    if excel and out is None:
        raise InputError(
            _("--excel writes schedule.xlsx into the --out directory; add --out DIR"), source="--excel"
        )
    for option, value in (("--managers", managers), ("--moves", moves)):
        if value is not None and roster is None:
            raise InputError(
                _("{option} needs --roster (a customer list naming managers)").format(option=option),
                source=option,
            )
    view = parse_view(manager, week, day)
    sc, read = read_cli_roster(load_cli_scenario(scenario, sets), roster, columns)
    the_year = plan_year(sc, year)
    if view is not None:
        check_view_period(view, the_year)
    check_schedule_size(sc)
    print_warnings(sc.warnings)
    from planner.report import progress

    customers = None
    if read is not None and read.accepted["manager_id"].notna().any():
        from planner.data.managers import build_book, read_moves

        book = build_book(read, sc, managers)
        moved = read_moves(moves, book, sc) if moves is not None else None
        customers = customers_from_book(book, sc, moved)
    elif read is not None:
        for option, value in (("--managers", managers), ("--moves", moves)):
            if value is not None:
                raise InputError(
                    _("{option} needs a roster naming managers: {roster} has no manager_id").format(
                        option=option, roster=roster
                    ),
                    source=option,
                )
        customers = customers_from_frame(read.accepted, str(roster))
    with progress.step(_("booking the calendar")):
        result = build_schedule(
            sc,
            year=the_year,
            headcount=headcount,  # type: ignore[arg-type]
            customers=customers,
            solver=solver,
        )
    print_warnings(result.warnings, shown=sc.warnings)
    if view is not None and result.ok:
        from planner.analyses.schedule import manager_plan

        plan = manager_plan(result, view.manager, week=view.week, date=view.date)
        if fmt == "json":
            echo_json(plan)
        else:
            from planner.report.schedule import render_manager_plan

            render_manager_plan(plan, make_console())
        return
    if out is not None and result.ok:
        from planner.report.fileset import write_set
        from planner.report.schedule import write_schedule_excel, write_schedule_files

        with write_set(out) as staging:  # the CSVs and the workbook appear together or not at all
            with progress.step(_("writing schedule.csv and managers.csv")):
                write_schedule_files(result, staging)
            if excel:
                with progress.bar(_("writing schedule.xlsx")) as tick:
                    write_schedule_excel(result, staging, progress=tick)
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.schedule import render_schedule

        render_schedule(result, make_console())
        if out is not None and result.ok:
            files = "schedule.csv, managers.csv" + (", schedule.xlsx" if excel else "")
            click.echo(_("Wrote {files} to {path}").format(files=files, path=out))
    if not result.ok:
        raise InfeasibleError(
            _("{scenario}: {explanation}").format(scenario=scenario, explanation=result.explanation)
        )


#: The most rows (contacts a year) a calendar is built for: about 100 bytes a row in memory, so the
#: limit keeps a run near 4 GB on the 2-core, 24 GB machines this is sized for.
MAX_CONTACTS = 40_000_000


def check_schedule_size(scenario: Scenario, hint: str | None = None) -> None:
    """Refuse, before any work, a calendar with no contact or whose rows would not fit: say why
    (``hint``: what the command can do instead, added to the first)."""
    from planner.analyses.schedule import contacts_a_year
    from planner.errors import InputError

    contacts = contacts_a_year(scenario)
    if contacts == 0:
        why = _(
            "nothing to schedule: no customer of the scenario (or the roster) has a tier whose "
            "standard asks for a visit or a call"
        )
        raise InputError(
            _("{reason}; {hint}").format(reason=why, hint=hint) if hint else why,
            source=scenario.path if scenario.path is not None else scenario.name,
        )
    if contacts > MAX_CONTACTS:
        raise InputError(
            _(
                "the calendar would hold {contacts:,} contacts a year (about {gb:,.1f} GB); at most "
                "{max_contacts:,} are scheduled in one run: schedule part of the branch (--roster) or "
                "fewer customers"
            ).format(contacts=contacts, gb=contacts * 100 / 1e9, max_contacts=MAX_CONTACTS),
            source="schedule",
        )


@dataclass(frozen=True)
class View:
    """``--manager`` with ``--week`` or ``--date``: which part of the calendar to print."""

    manager: str
    week: str | None
    date: str | None


def parse_view(manager: str | None, week: str | None, day: str | None) -> View | None:
    """Check ``--manager``/``--week``/``--date`` before any work; None when no view is asked."""
    import datetime as dt
    import re

    from planner.errors import InputError

    if manager is None:
        for option, value in (("--week", week), ("--date", day)):
            if value is not None:
                raise InputError(
                    _("{option} needs --manager ID (whose plan to print)").format(option=option),
                    source=option,
                )
        return None
    if not manager.strip():
        raise InputError(_("expected a manager id, got an empty value"), source="--manager")
    if week is not None and day is not None:
        raise InputError(_("give --week or --date, not both"), source="--date")
    if week is not None and not re.fullmatch(r"\d{4}-W\d{2}", week):
        raise InputError(
            _("expected an ISO week like 2027-W12, got {week!r}").format(week=week), source="--week"
        )
    if day is not None:
        try:
            dt.date.fromisoformat(day)
        except ValueError:
            raise InputError(
                _("expected a date like 2027-03-16, got {day!r}").format(day=day), source="--date"
            ) from None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise InputError(
                _("expected a date like 2027-03-16, got {day!r}").format(day=day), source="--date"
            )
    return View(manager.strip(), week, day)


def check_view_period(view: View, year: int) -> None:
    """``--week``/``--date`` must fall in the plan year."""
    from planner.data.calendar import plan_calendar
    from planner.errors import InputError

    cal = plan_calendar(year)
    if view.week is not None and view.week not in cal.week_labels:
        raise InputError(
            _("week {week} is not in the plan year {year} (its weeks: {first} to {last})").format(
                week=view.week, year=year, first=cal.week_labels[0], last=cal.week_labels[-1]
            ),
            source="--week",
        )
    if view.date is not None and not view.date.startswith(f"{year}-"):
        raise InputError(
            _("date {date} is not in the plan year {year} ({year}-01-01 to {year}-12-31)").format(
                date=view.date, year=year
            ),
            source="--date",
        )
