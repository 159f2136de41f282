"""Rich rendering of the call-centre results: interval bars, the shift table, totals. Computes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.report.tables import fmt_pct as _pct
from planner.report.tables import print_table

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.callcentre import (
        CallCentreResult,
        ErlangResult,
        IntervalResult,
        OutboundResult,
    )

#: Widest bar, in characters.
BAR_WIDTH = 50


def _secs(x: float) -> str:
    return "inf" if x == float("inf") else f"{x:.1f}"


def render_erlang(result: ErlangResult, console: Console) -> None:
    """One interval's answer as a two-column table."""
    from rich.table import Table

    table = Table(title=f"Erlang C: {result.target}", title_justify="left", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_row("offered load (Erlangs)", f"{result.erlangs:,.3f}")
    table.add_row("agents (productive)", str(result.agents))
    table.add_row("agents for the occupancy cap", str(result.agents_for_occupancy))
    table.add_row("agents with shrinkage (on shift)", str(result.agents_with_shrinkage))
    table.add_row("service level", _pct(result.service_level))
    table.add_row("average speed of answer (s)", _secs(result.asa_seconds))
    table.add_row("occupancy", _pct(result.occupancy))
    table.add_row("P(wait)", _pct(result.p_wait))
    print_table(console, table)


def interval_bar(i: IntervalResult, scale: float) -> str:
    """Rich markup: ``█`` up to the requirement, ``░`` for over-staffing, red ``▒`` for a shortfall."""
    need = round(i.agents_required * scale)
    have = round(i.agents_scheduled * scale)
    if have >= need:
        return f"[cyan]{'█' * need}[/][dim]{'░' * (have - need)}[/]"
    return f"[cyan]{'█' * have}[/][bold red]{'▒' * (need - have)}[/]"


def render_intervals(result: CallCentreResult, console: Console, day_type: str) -> None:
    """Terminal bars of on-shift agents required vs scheduled, one row per interval of a day type."""
    rows = [i for i in result.intervals if i.day_type == day_type]
    peak = max((max(i.agents_required, i.agents_scheduled) for i in rows), default=0)
    scale = BAR_WIDTH / peak if peak else 0.0
    console.print(
        f"[bold]{day_type.capitalize()}: agents on shift per {result.interval_minutes} min[/] "
        "([cyan]█[/] required, [dim]░[/] scheduled beyond it, [bold red]▒[/] short; "
        "SL/ASA at the scheduled agents after shrinkage)"
    )
    console.print(f"[dim]{'start':>5} {'calls':>6} {'req':>4} {'sch':>4} {'SL':>6} {'ASA s':>6}[/]")
    for i in rows:
        if i.calls == 0 and i.agents_scheduled == 0:
            continue
        console.print(
            f"{i.start:>5} {i.calls:>6,.0f} {i.agents_required:>4} {i.agents_scheduled:>4} "
            f"{_pct(i.service_level):>6} {_secs(i.asa_seconds):>6} {interval_bar(i, scale)}",
            overflow="crop",
            no_wrap=True,
        )


def render_shifts(result: CallCentreResult, console: Console) -> None:
    """Agents starting each shift, by day type."""
    from rich.table import Table

    table = Table(title="Shift plan (agents starting each shift, per day)", title_justify="left")
    for name, justify in (
        ("day type", "left"),
        ("shift", "left"),
        ("start", "left"),
        ("length h", "right"),
        ("paid h", "right"),
        ("break min", "right"),
        ("agents", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in result.shifts:
        table.add_row(
            s.day_type,
            s.template,
            s.start,
            f"{s.length_hours:g}",
            f"{s.paid_hours:g}",
            f"{s.unpaid_break_minutes:g}",
            str(s.agents),
        )
    print_table(console, table)


def render_totals(result: CallCentreResult, console: Console) -> None:
    """Per day type and per year: calls, agents, paid and spare hours, FTE, cost."""
    from rich.table import Table

    table = Table(title="Totals", title_justify="left")
    for name in (
        "day type",
        "days/yr",
        "calls/day",
        "peak on shift",
        "paid h/day",
        "over h/day",
        "outbound h/day",
    ):
        table.add_column(name, justify="left" if name == "day type" else "right")
    for d in result.days:
        table.add_row(
            d.day_type,
            str(d.days_per_year),
            f"{d.calls:,.0f}",
            str(d.agents_on_shift_peak),
            f"{d.paid_agent_hours:,.1f}",
            f"{d.scheduled_agent_hours - d.required_agent_hours:,.1f}",
            f"{d.outbound_hours:,.1f}",
        )
    print_table(console, table)
    console.print(
        f"Target {result.target}; AHT {result.aht_seconds:g} s; max occupancy {_pct(result.max_occupancy)}; "
        f"shrinkage {_pct(result.shrinkage)}."
    )
    console.print(
        f"[bold]FTE {result.fte:,.1f}[/] ({result.paid_hours_per_year:,.0f} paid agent-hours a year); "
        f"[bold]annual cost {result.annual_cost:,.0f} CNY[/]."
    )
    if result.outbound is not None:
        render_outbound(result.outbound, console)
    else:
        console.print("Outbound phone contacts: not enabled (callcentre.outbound.enabled).")


def render_outbound(out: OutboundResult, console: Console) -> None:
    """What the centre's spare agent time does for the field managers."""
    tiers = ", ".join(f"{t.tier} {t.hours:,.0f} h" for t in out.by_tier) or "none"
    console.print(
        f"Outbound ({', '.join(out.serves)}, {out.window}): "
        f"{out.available_hours:,.0f} spare agent-hours a year, "
        f"[bold]{out.absorbed_hours:,.0f} h absorbed[/] ({tiers})."
    )
    freed = ", ".join(f"{n} {r}" for r, n in out.freed_heads.items() if n) or "none"
    console.print(
        f"Field heads freed: [bold]{out.freed_total}[/] ({freed}); "
        f"field cost {out.cost_saving:,.0f} CNY a year lower."
    )
    if "max_coverage" in (out.mode_without, out.mode_with):
        console.print(
            "Headcount is fixed or the limits bind (max_coverage), so the spare hours raise coverage "
            "rather than free heads; compare the coverage columns."
        )


def render_callcentre(result: CallCentreResult, console: Console) -> None:
    """The whole report: one interval chart per day type, the shift table, totals."""
    if not result.ok:
        console.print(f"[bold red]No shift plan for {result.scenario}[/]: the solver said {result.status}.")
        return
    for day in dict.fromkeys(i.day_type for i in result.intervals):
        render_intervals(result, console, day)
        console.print()
    render_shifts(result, console)
    render_totals(result, console)
