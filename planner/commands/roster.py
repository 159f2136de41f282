"""``planner roster check`` and ``planner roster generate``: customer lists in, checked or synthesised."""

from __future__ import annotations

from pathlib import Path

import click

from planner.commands.options import (
    format_option,
    load_cli_scenario,
    make_console,
    print_warnings,
    roster_reading_options,
    set_option,
)
from planner.i18n import _

DEFAULT_PROFILE = "scenarios/data/roster-profile.yaml"


@click.group("roster")
def roster_group() -> None:
    """Check a customer roster (CSV, Excel, Parquet) or generate a synthetic one."""


@roster_group.command("check")
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--scenario",
    type=click.Path(path_type=Path, dir_okay=False),
    default="scenarios/baseline.yaml",
    show_default=True,
    help="Scenario whose policy gives the channels, tiers and bands.",
)
@click.option("--columns", type=click.Path(path_type=Path, dir_okay=False), help="Column-name mapping YAML.")
@roster_reading_options(check=True)
@set_option
@format_option("table", "json")
def check_command(
    roster: Path,
    scenario: Path,
    columns: Path | None,
    sheet: str | None,
    header_row: int | None,
    max_reject_share: float,
    sets: tuple[str, ...],
    fmt: str,
) -> None:
    """Row accounting, customers per tier, reclassification and churn exposure of a roster.

    Every row is accepted or rejected with its row number and reason, so rows read = accepted +
    rejected. Customers whose spend now puts them in another tier or channel (the key-account list
    is fixed once a year at 3,000 CNY a month) are listed as from -> to moves. A roster that
    planning commands would refuse (more than --max-reject-share of its rows rejected, or a
    channel with customers in the scenario and none in the roster) is reported in full with the
    reasons among its warnings; the check itself exits 0.
    """
    import dataclasses

    from planner.analyses.roster import check_roster, roster_losses
    from planner.data.roster import Layout, read_roster

    sc = load_cli_scenario(scenario, sets)
    from planner.report import progress

    with progress.step(_("reading {name}").format(name=roster.name)):
        read = read_roster(roster, sc.policy, columns, Layout(sheet=sheet, header_row=header_row))
    result = check_roster(read, sc)
    problems = roster_losses(read, sc, max_reject_share)
    if problems:
        result = dataclasses.replace(result, warnings=[*result.warnings, *problems])
    if fmt == "json":
        from planner.report.roster import roster_check_json_chunks

        for chunk in roster_check_json_chunks(result):
            click.echo(chunk, nl=False)
        click.echo()
    else:
        from planner.report.roster import render_roster_check

        render_roster_check(result, make_console())


@roster_group.command("generate")
@click.option(
    "--scenario",
    type=click.Path(path_type=Path, dir_okay=False),
    default="scenarios/baseline.yaml",
    show_default=True,
    help="Scenario whose customers per tier the roster follows (scaled).",
)
@click.option("--customers", type=int, required=True, help="Rows to generate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same file).")
@click.option(
    "--profile",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_PROFILE,
    show_default=True,
    help="Industries, districts and spend drift of the synthetic customers.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Output file: .csv, .xlsx or .parquet.",
)
@set_option
def generate_command(
    scenario: Path, customers: int, seed: int, profile: Path, out: Path, sets: tuple[str, ...]
) -> None:
    """Write a deterministic synthetic roster shaped like the scenario."""
    from planner.analyses.roster import generate_roster, load_profile, write_roster

    sc = load_cli_scenario(scenario, sets)
    print_warnings(sc.warnings)
    frame = generate_roster(sc, customers, seed, load_profile(profile))
    from planner.report.fileset import sigterm_raises

    with sigterm_raises():  # SIGTERM unwinds, so the temporary file is removed
        write_roster(frame, out)
    click.echo(_("wrote {n:,} customers to {path}").format(n=len(frame), path=out), err=True)
