"""``planner callcentre`` (a scenario's 10000 line: staffing, shifts, outbound) and ``planner erlang``."""

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
    year_option,
)


@click.command("callcentre")
@scenario_argument()
@scenario_options
@year_option
@format_option("table", "json")
def callcentre_command(
    scenario: Path, sets: tuple[str, ...], solver: str, year: int | None, fmt: str
) -> None:
    """Staff the 10000 call centre by Erlang C and plan its shifts at least cost.

    Per interval of a weekday and a weekend day: agents meeting the service target and the
    occupancy cap, grossed up for shrinkage; an integer program choosing how many agents start each
    shift so every interval is covered; FTE and annual cost; and, when callcentre.outbound is
    enabled, the field managers' phone contacts the spare agent time takes over. With
    callcentre.profiles, each day type of the plan year (--year; China's holidays) is planned on
    its own, and the peak day is named.
    """
    from planner.analyses.callcentre import analyse_callcentre
    from planner.errors import SolverError

    sc = load_cli_scenario(scenario, sets)
    print_warnings(sc.warnings)
    result = analyse_callcentre(sc, solver=solver, year=year)
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.callcentre import render_callcentre

        render_callcentre(result, make_console())
    if not result.ok:
        from planner.i18n import _

        raise SolverError(
            _("{scenario}: no shift plan ({status})").format(scenario=scenario, status=result.status)
        )


@click.command("erlang")
@click.option("--calls", type=float, required=True, help="Calls offered in the interval.")
@click.option("--interval-minutes", type=float, default=30, show_default=True, help="Length of the interval.")
@click.option("--aht", type=float, required=True, help="Average handle time, seconds (talk + wrap-up).")
@click.option(
    "--target", type=float, default=None, help="Service level: fraction answered within --answer-within."
)
@click.option(
    "--answer-within", type=float, default=20, show_default=True, help="Seconds for the service level."
)
@click.option(
    "--asa-target", type=float, default=None, help="Instead of --target: average speed of answer, s."
)
@click.option(
    "--shrinkage", type=float, default=0, show_default=True, help="Share of on-shift time lost, [0, 1)."
)
@click.option(
    "--max-occupancy",
    type=float,
    default=1,
    show_default=True,
    help="Highest share of time agents may be busy, (0, 1].",
)
@format_option("table", "json")
def erlang_command(
    calls: float,
    interval_minutes: float,
    aht: float,
    target: float | None,
    answer_within: float,
    asa_target: float | None,
    shrinkage: float,
    max_occupancy: float,
    fmt: str,
) -> None:
    """Agents one interval needs by Erlang C: the calculator for a single half-hour.

    Gives the fewest productive agents meeting the target (--target with --answer-within, or
    --asa-target) and --max-occupancy, the on-shift agents after --shrinkage, and the service level,
    average speed of answer, occupancy and probability of waiting those agents give.
    """
    from planner.analyses.callcentre import erlang_calculator
    from planner.data.callcentre import erlang_query

    query = erlang_query(
        calls, interval_minutes, aht, target, answer_within, asa_target, shrinkage, max_occupancy
    )
    print_warnings(query.warnings)
    result = erlang_calculator(query)
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.callcentre import render_erlang

        render_erlang(result, make_console())
