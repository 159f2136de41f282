"""Options shared by several commands, defined once (``--set``, ``--format``, ``--solver``, ``--out``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.data.roster import Roster
    from planner.data.scenario import Scenario

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SCENARIO = "scenarios/baseline.yaml"


def scenario_argument(required: bool = False) -> Callable[[F], F]:
    """The scenario file argument (defaults to scenarios/baseline.yaml)."""
    if required:
        return click.argument("scenario", type=click.Path(path_type=Path, dir_okay=False), required=True)
    return click.argument(
        "scenario", type=click.Path(path_type=Path, dir_okay=False), default=DEFAULT_SCENARIO
    )


def set_option(f: F) -> F:
    """``--set dotted.path=value``, repeatable."""
    return click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="PATH=VALUE",
        help="Override a scenario key, e.g. --set customers.key.crystal=2700 (value read as YAML). "
        "Repeatable.",
    )(f)


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with ``table`` first (the default) and the given choices."""
    options = choices or ("table", "json")
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(options),
        default=options[0],
        show_default=True,
        help="Output format: rich tables for people, JSON for programs.",
    )


def solver_option(f: F) -> F:
    """``--solver auto|highs|cbc``."""
    return click.option(
        "--solver",
        type=click.Choice(["auto", "highs", "cbc"]),
        default="auto",
        show_default=True,
        help="LP/MIP solver: HiGHS (highspy) with CBC as fallback, or one of them only.",
    )(f)


def objective_option(f: F) -> F:
    """``--objective response|linear``: how ``max_coverage`` values an hour of service."""
    return click.option(
        "--objective",
        type=click.Choice(["response", "linear"]),
        default="response",
        show_default=True,
        help="max_coverage objective: response = revenue kept by each tier's response curve; "
        "linear = revenue at risk x coverage (the old valuation).",
    )(f)


def scenario_options(f: F) -> F:
    """``--set`` and ``--solver``: what every command taking a scenario accepts (plus ``--format``)."""
    return set_option(solver_option(f))


def year_option(f: F) -> F:
    """``--year``: the plan year whose working calendar sizes the plan (default: the scenario's)."""
    return click.option(
        "--year",
        type=click.IntRange(2001, 2099),
        default=None,
        help="Plan year (China's holidays and make-up days size the plan). Default: the scenario's "
        "`year`, else next calendar year.",
    )(f)


def headcount_option(f: F) -> F:
    """``--headcount required|current``: the same two words in every command."""
    return click.option(
        "--headcount",
        type=click.Choice(["required", "current"]),
        default="required",
        show_default=True,
        help="required: the least heads meeting every standard in the plan year's calendar; "
        "current: today's heads and what they deliver.",
    )(f)


def roster_options(f: F) -> F:
    """``--roster FILE`` (customers per tier from a customer list) and ``--columns MAP``."""
    f = click.option(
        "--columns",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="YAML mapping the roster's column names (e.g. 客户编号) onto planner's.",
    )(f)
    return click.option(
        "--roster",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Customer list (.csv, .xlsx, .parquet); its customers per tier replace the scenario's.",
    )(f)


def read_cli_roster(
    scenario: Scenario, roster: Path | None, columns: Path | None
) -> tuple[Scenario, Roster | None]:
    """Read ``--roster`` once: the scenario with the roster's customers per tier, and the roster.

    Rejected rows are left out with a warning on stderr (``planner roster check`` lists them).
    """
    if roster is None:
        if columns is not None:
            from planner.errors import InputError

            raise InputError("--columns needs --roster", source="--columns")
        return scenario, None
    from planner.data.roster import read_roster

    read = read_roster(roster, scenario.policy, columns)
    if read.rows_rejected:
        click.echo(
            f"Warning: {roster}: {read.rows_rejected:,} of {read.rows_read:,} rows rejected and left out "
            "(see `planner roster check`)",
            err=True,
        )
    return scenario.with_customers(read.counts()), read


def apply_roster(scenario: Scenario, roster: Path | None, columns: Path | None) -> Scenario:
    """The scenario with customers per tier taken from ``roster`` (unchanged when None)."""
    return read_cli_roster(scenario, roster, columns)[0]


def load_cli_scenario(path: Path, sets: tuple[str, ...]) -> Scenario:
    """Load a scenario for a command, with its --set overrides.

    When the user named no scenario and the default is missing (run from another folder), say
    so, and where the default was looked for, rather than "file not found" for a file they never
    named.
    """
    from planner.data.scenario import load_scenario

    if not path.exists() and _is_default("scenario", path):
        from planner.errors import InputError

        where = Path.cwd() / DEFAULT_SCENARIO
        raise InputError(
            f"no scenario was given and the default {DEFAULT_SCENARIO} is not here (looked for {where}); "
            "name a scenario file, or run planner from the folder holding scenarios/",
            source="planner",
        )
    return load_scenario(path, sets)


def _is_default(param: str, value: Path) -> bool:
    """Whether the command's ``param`` took its default value (the user did not type it)."""
    from click.core import ParameterSource

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    for name in (param, param.replace("-", "_")):
        if name in ctx.params:
            return ctx.get_parameter_source(name) == ParameterSource.DEFAULT and ctx.params[name] == value
    return False


def make_console(record: bool = False) -> Console:
    """The console reports render on (stdout; width from the terminal, 120 when piped)."""
    import shutil

    from planner.report.terminal import SafeConsole

    width = shutil.get_terminal_size((120, 24)).columns
    return SafeConsole(width=max(width, 100), record=record, highlight=False, soft_wrap=False)


def echo_json(data: Any) -> None:
    """Print deterministic JSON on stdout."""
    from planner.report.export import to_json

    click.echo(to_json(data))


def print_warnings(warnings: list[str] | tuple[str, ...]) -> None:
    """Warnings go to stderr so they never spoil JSON on stdout."""
    from planner.errors import printable

    for w in warnings:
        click.echo(f"Warning: {printable(w)}", err=True)
