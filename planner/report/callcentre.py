"""Rich rendering of the call-centre results: interval bars, the shift table, totals. Computes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def _pct(x: float) -> str:
    return f"{x:.1%}"


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
    console.print(table)


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
    console.print(table)


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
    console.print(table)
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


#: Short column headers for day types in the profiled shift table (the legend is printed under it).
DAY_TYPE_SHORT = {
    "monday": "mon",
    "tuesday": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
    "holiday": "hol",
    "weekday": "wkday",
    "weekend": "wkend",
}


def render_day_types(result: CallCentreResult, console: Console) -> None:
    """Profiled plan year: per day type, its calls' profile, days, agents working and the peak."""
    from rich.table import Table

    prof = result.profiles
    assert prof is not None
    table = Table(
        title=f"Day types of {prof.year} (China calendar); peak day: {prof.peak_day}", title_justify="left"
    )
    for name in ("day type", "calls from", "days/yr", "agents", "peak on shift", "peak at", "paid h/day"):
        table.add_column(name, justify="left" if name in ("day type", "calls from") else "right")
    for d in prof.day_types:
        table.add_row(
            f"[bold]{d.day_type}[/]" if d.day_type == prof.peak_day else d.day_type,
            d.profile,
            str(d.days_per_year),
            str(d.agents),
            str(d.agents_on_shift_peak),
            d.peak_at,
            f"{d.paid_agent_hours:,.1f}",
        )
    console.print(table)


def render_shift_grid(result: CallCentreResult, console: Console) -> None:
    """Profiled plan year: agents starting each shift, one column per day type."""
    from rich.table import Table

    prof = result.profiles
    assert prof is not None
    names = [d.day_type for d in prof.day_types]
    table = Table(title="Shift plan (agents starting each shift, per day)", title_justify="left")
    table.add_column("shift")
    table.add_column("start")
    for name in names:
        table.add_column(DAY_TYPE_SHORT.get(name, name), justify="right")
    starts: dict[tuple[str, str], dict[str, int]] = {}
    for s in result.shifts:
        starts.setdefault((s.template, s.start), {})[s.day_type] = s.agents
    for (template, start), by_day in sorted(starts.items()):
        table.add_row(template, start, *(str(by_day[n]) if n in by_day else "" for n in names))
    table.add_row("[bold]agents[/]", "", *(f"[bold]{d.agents}[/]" for d in prof.day_types), end_section=True)
    console.print(table)
    console.print(
        "[dim]"
        + ", ".join(f"{DAY_TYPE_SHORT[n]} = {n}" for n in names if n in DAY_TYPE_SHORT)
        + "; weekday/weekend = days with no profile of their own[/]"
    )


def render_callcentre(result: CallCentreResult, console: Console) -> None:
    """The whole report: one interval chart per day type, the shift table, totals.

    With profiles: the day-type table, the peak day's interval chart only (every day type's
    intervals are in the JSON), the shift plan as one column per day type, totals.
    """
    if not result.ok:
        console.print(f"[bold red]No shift plan for {result.scenario}[/]: the solver said {result.status}.")
        return
    if result.profiles is not None:
        render_day_types(result, console)
        console.print()
        render_intervals(result, console, result.profiles.peak_day)
        console.print("[dim]Other day types' intervals: --format json.[/]")
        console.print()
        render_shift_grid(result, console)
        render_totals(result, console)
        return
    for day in dict.fromkeys(i.day_type for i in result.intervals):
        render_intervals(result, console, day)
        console.print()
    render_shifts(result, console)
    render_totals(result, console)
