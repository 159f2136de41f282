"""``planner portfolio`` and ``planner rebalance``: each manager's load today, and the fewest moves to fit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.commands.options import (
    echo_json,
    format_option,
    load_cli_scenario,
    make_console,
    print_warnings,
    scenario_argument,
    scenario_options,
    set_option,
)
from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from planner.data.managers import Book
    from planner.data.scenario import Scenario


def _book_options(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option(
        "--managers",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Managers table (.csv/.xlsx: manager_id, role[, base_district]); without it each manager's "
        "role is the one role serving his customers' tiers.",
    )(f)
    f = click.option(
        "--columns",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="YAML mapping the roster's column names onto planner's.",
    )(f)
    return click.option(
        "--roster",
        type=click.Path(path_type=Path, dir_okay=False),
        required=True,
        help="Customer list (.csv, .xlsx, .parquet) with manager_id and district columns.",
    )(f)


def _load_book(
    scenario: Path, sets: tuple[str, ...], roster: Path, columns: Path | None, managers: Path | None
) -> tuple[Scenario, Book]:
    from planner.commands.options import read_cli_roster
    from planner.data.managers import build_book

    sc = load_cli_scenario(scenario, sets)
    sc, read = read_cli_roster(sc, roster, columns, whole_branch=False)
    assert read is not None
    print_warnings(sc.warnings)
    return sc, build_book(read, sc, managers)


def _check_out(out: Path | None, allowed: tuple[str, ...]) -> None:
    from planner.errors import InputError

    if out is None:
        return
    if out.suffix.lower() not in allowed:
        raise InputError(
            _("unknown output format {value!r}; expected {allowed}").format(
                value=out.suffix or "(no extension)", allowed=" or ".join(allowed)
            ),
            source="--out",
        )
    if out.is_dir():
        raise InputError(_("is a directory; expected a file name"), source="--out")


@click.command("portfolio")
@scenario_argument()
@set_option
@_book_options
@format_option("table", "json")
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Also write the tables: .csv or .xlsx."
)
def portfolio_command(
    scenario: Path,
    sets: tuple[str, ...],
    roster: Path,
    columns: Path | None,
    managers: Path | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Each manager's load today: customers by tier, hours needed against hours given, districts.

    Over-loaded managers (above 100 % of their hours) show in red, under-loaded ones (below the
    scenario's portfolio.underloaded_below) in yellow. A districts: table in the scenario adds travel
    to visits away from a manager's base district.
    """
    from planner.analyses.portfolio import portfolio

    _check_out(out, (".csv", ".xlsx"))
    sc, book = _load_book(scenario, sets, roster, columns, managers)
    result = portfolio(book, sc)
    if out is not None:
        from planner.report.portfolio import portfolio_frames, write_tables

        paths = write_tables(portfolio_frames(result), out, "managers")
        click.echo(_("wrote {path}").format(path=", ".join(str(p) for p in paths)), err=True)
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.portfolio import render_portfolio

        render_portfolio(result, make_console())


def parse_new(text: str | None, roles: list[str]) -> dict[str, int] | None:
    """``--new``: ``N`` (the only role with managers) or ``role=N[,role=N]``; None when not given."""
    from planner.errors import InputError

    if text is None:
        return None
    text = text.strip()
    if text.isdigit():
        if len(roles) != 1:
            raise InputError(
                _(
                    "give new managers per role, e.g. --new {role}={text} (the roster's managers have "
                    "roles {roles})"
                ).format(
                    role=roles[0] if roles else "key_manager", text=text, roles=", ".join(roles) or _("none")
                ),
                source="--new",
            )
        return {roles[0]: int(text)}
    out: dict[str, int] = {}
    for part in text.split(","):
        role, sep, count = part.partition("=")
        if not sep or not count.strip().isdigit():
            raise InputError(
                _("expected N or role=N[,role=N], got {part!r}").format(part=part), source="--new"
            )
        out[role.strip()] = int(count.strip())
    return out


@click.command("rebalance")
@scenario_argument()
@scenario_options
@_book_options
@format_option("table", "json")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Moves file: .csv (loads go to <stem>-loads.csv beside it) or .xlsx (sheets moves, loads).",
)
@click.option(
    "--leaving", default=None, metavar="ID,ID", help="Managers who leave: all their customers move."
)
@click.option(
    "--new",
    "new",
    default=None,
    metavar="N|ROLE=N",
    help="New managers (NEW-1, ...): N, or role=N per role. Default: plan's required headcount minus "
    "the managers who stay.",
)
@click.option("--time-limit", type=float, default=120.0, show_default=True, help="Solver seconds.")
def rebalance_command(
    scenario: Path,
    sets: tuple[str, ...],
    solver: str,
    roster: Path,
    columns: Path | None,
    managers: Path | None,
    fmt: str,
    out: Path,
    leaving: str | None,
    new: str | None,
    time_limit: float,
) -> None:
    """Move customers between managers of a role so each fits his hours, with the fewest moves.

    A move costs the customer's tier value (crystal dearer than A+); tiers from the scenario's
    portfolio.protect_spend_from up move only when nothing else fits; taking a new district costs
    portfolio.new_district_cost. Within a group the lowest-spend customers move first.
    """
    from planner.analyses.rebalance import rebalance
    from planner.report.portfolio import rebalance_frames, write_tables

    _check_out(out, (".csv", ".xlsx"))
    sc, book = _load_book(scenario, sets, roster, columns, managers)
    roles = sorted({m.role for m in book.managers})
    leavers = [x.strip() for x in leaving.split(",") if x.strip()] if leaving else []
    result = rebalance(book, sc, leavers, parse_new(new, roles), solver=solver, time_limit=time_limit)
    paths = write_tables(rebalance_frames(result), out, "moves")
    click.echo(_("wrote {path}").format(path=", ".join(str(p) for p in paths)), err=True)
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.portfolio import render_rebalance

        render_rebalance(result, make_console())
