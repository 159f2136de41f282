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
from planner.i18n import _


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
@click.option(
    "--near",
    "near_text",
    default=None,
    metavar="SHARE",
    help="With --roster: list the customers whose spend is within this share of each line, e.g. 10% "
    "or 0.1 (default 10%).",
)
@click.option(
    "--near-csv",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="With --roster: write every near customer of every line to this CSV file.",
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
    near_text: str | None,
    near_csv: Path | None,
) -> None:
    """Compare both sides of every line a customer can cross: on paper, in practice and in price.

    A line is where one tier meets the next one up: within a channel, and along the policy's ladder
    (commercial.A / key.crystal at 3,000 CNY a month above all). An inversion is the upper
    tier's customer getting fewer visits, phone contacts or service hours a year than the lower
    tier's (on paper: the policy; in practice: today's headcount), or a smaller discount, so
    the same spend costs more above the line. With --roster, customers per tier come from the
    roster and the report lists the customers within --near (10 %) of each line: who would cross it.
    """
    import dataclasses

    from planner.analyses.boundary import NEAR_FRACTION, analyse_boundaries, roster_shortfall
    from planner.data.scenario import load_scenario
    from planner.errors import InputError

    if roster is None:
        for given, option in ((near_text, "--near"), (near_csv, "--near-csv")):
            if given is not None:
                raise InputError(_("{option} needs --roster").format(option=option), source=option)
    near = NEAR_FRACTION if near_text is None else parse_share(near_text, "--near")
    # The roster's counts replace the scenario's and its rows give the customers near each line.
    written = load_cli_scenario(scenario, sets)
    sc, read = read_cli_roster(written, roster, columns)
    shortfall = roster_shortfall(written, read) if read is not None else []
    print_warnings([*sc.warnings, *shortfall])
    after = None
    if remedy is not None:
        if not remedy.exists():
            from planner.errors import InputError

            raise InputError(_("remedy scenario file not found"), source=remedy)
        after = load_scenario(remedy)
        if read is not None:
            # Same customers before and after: only the organisation changes.
            after = after.with_customers(read.counts())
        print_warnings(after.warnings)
    from planner.report import progress

    with progress.step(_("comparing the lines")):
        report = analyse_boundaries(
            sc, solver=solver, roster=read, remedy=after, all_lines=all_lines, year=year, near=near
        )
    # What the plan itself warns of (the scenario's and the remedy's were shown above).
    shown = [*sc.warnings, *shortfall]
    if after is not None:
        remedy_line = _("remedy {remedy}: {warning}")
        shown += [remedy_line.format(remedy=after.name, warning=w) for w in after.warnings]
    print_warnings(report.warnings, shown=shown)
    if shortfall:
        report = dataclasses.replace(report, warnings=[*shortfall, *report.warnings])
    if near_csv is not None:
        from planner.report.boundary import write_near_csv

        write_near_csv(report, near_csv)
        click.echo(_("wrote {path}").format(path=near_csv), err=True)
    if fmt == "json":
        echo_json(report)
    else:
        from planner.report.boundary import render_boundary_report

        render_boundary_report(report, make_console())


def parse_share(text: str, option: str) -> float:
    """``10%`` or ``0.1`` -> 0.1; refused unless above 0 and at most 1 (100 %)."""
    from planner.errors import InputError

    raw = text.strip()
    percent = raw.endswith("%")
    try:
        value = float(raw[:-1] if percent else raw)
    except ValueError:
        raise InputError(
            _("expected a share such as 10% or 0.1, got {text!r}").format(text=text), source=option
        ) from None
    value = value / 100 if percent else value
    if not 0 < value <= 1:  # also refuses nan
        raise InputError(
            _("expected a share above 0 and at most 100%, got {text!r}").format(text=text), source=option
        )
    return value
