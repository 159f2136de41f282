"""Rich rendering of the call-centre results: interval bars, the shift table, totals. Computes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.i18n import N_, _, value_word
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

    table = Table(
        title=_("Erlang C: {target}").format(target=result.target), title_justify="left", show_header=False
    )
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_row(_("offered load (Erlangs)"), f"{result.erlangs:,.3f}")
    table.add_row(_("agents (productive)"), str(result.agents))
    table.add_row(_("agents for the occupancy cap"), str(result.agents_for_occupancy))
    table.add_row(_("agents with shrinkage (on shift)"), str(result.agents_with_shrinkage))
    table.add_row(_("service level"), _pct(result.service_level))
    table.add_row(_("average speed of answer (s)"), _secs(result.asa_seconds))
    table.add_row(_("occupancy"), _pct(result.occupancy))
    table.add_row(_("P(wait)"), _pct(result.p_wait))
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
    # The figures take 36 columns; the bar has what is left of the console, up to BAR_WIDTH.
    scale = max(1, min(BAR_WIDTH, console.width - 37)) / peak if peak else 0.0
    heading = _("{day}: agents on shift per {minutes} min").format(
        day=_(day_type).capitalize(), minutes=result.interval_minutes
    )
    console.print(
        _("{heading} ({required}, {beyond}, {short}; {note})").format(
            heading=f"[bold]{heading}[/]",
            required=f"[cyan]█[/] {_('required')}",
            beyond=f"[dim]░[/] {_('scheduled beyond it')}",
            short=f"[bold red]▒[/] {_('short')}",
            note=_("SL/ASA at the scheduled agents after shrinkage"),
        )
    )
    labels = [_("start"), _("calls"), _("req"), _("sch"), _("SL"), _("ASA s")]
    console.print(
        "[dim]"
        + " ".join(_pad(label, w) for label, w in zip(labels, (5, 6, 4, 4, 6, 6), strict=True))
        + "[/]"
    )
    for i in rows:
        if i.calls == 0 and i.agents_scheduled == 0:
            continue
        console.print(
            f"{i.start:>5} {i.calls:>6,.0f} {i.agents_required:>4} {i.agents_scheduled:>4} "
            f"{_pct(i.service_level):>6} {_secs(i.asa_seconds):>6} {interval_bar(i, scale)}",
            overflow="crop",
            no_wrap=True,
        )


def _pad(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    return " " * max(0, width - cell_len(text)) + text


#: Day types as the tables show them (translated when shown).
_DAY_TYPES = (N_("weekday"), N_("weekend"), N_("holiday"))


def render_shifts(result: CallCentreResult, console: Console) -> None:
    """Agents starting each shift, by day type."""
    from rich.table import Table

    table = Table(title=_("Shift plan (agents starting each shift, per day)"), title_justify="left")
    for name, justify in (
        (_("day type"), "left"),
        (_("shift"), "left"),
        (_("start"), "left"),
        (_("length h"), "right"),
        (_("paid h"), "right"),
        (_("break min"), "right"),
        (_("agents"), "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in result.shifts:
        table.add_row(
            _(s.day_type),
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

    table = Table(title=_("Totals"), title_justify="left")
    for name in (
        N_("day type"),
        N_("days/yr"),
        N_("calls/day"),
        N_("peak on shift"),
        N_("paid h/day"),
        N_("over h/day"),
        N_("outbound h/day"),
    ):
        table.add_column(_(name), justify="left" if name == "day type" else "right")
    for d in result.days:
        table.add_row(
            _(d.day_type),
            str(d.days_per_year),
            f"{d.calls:,.0f}",
            str(d.agents_on_shift_peak),
            f"{d.paid_agent_hours:,.1f}",
            f"{d.scheduled_agent_hours - d.required_agent_hours:,.1f}",
            f"{d.outbound_hours:,.1f}",
        )
    print_table(console, table)
    console.print(
        _("Target {target}; AHT {aht} s; max occupancy {occupancy}; shrinkage {shrinkage}.").format(
            target=result.target,
            aht=f"{result.aht_seconds:g}",
            occupancy=_pct(result.max_occupancy),
            shrinkage=_pct(result.shrinkage),
        )
    )
    fte = _("FTE {fte}").format(fte=f"{result.fte:,.1f}")
    paid = _("{hours} paid agent-hours a year").format(hours=f"{result.paid_hours_per_year:,.0f}")
    cost = _("annual cost {cost} CNY").format(cost=f"{result.annual_cost:,.0f}")
    console.print(
        _("{fte} ({paid}); {cost}.").format(fte=f"[bold]{fte}[/]", paid=paid, cost=f"[bold]{cost}[/]")
    )
    if result.outbound is not None:
        render_outbound(result.outbound, console)
    else:
        console.print(_("Outbound phone contacts: not enabled (callcentre.outbound.enabled)."))


def render_outbound(out: OutboundResult, console: Console) -> None:
    """What the centre's spare agent time does for the field managers."""
    tiers = ", ".join(f"{t.tier} {t.hours:,.0f} h" for t in out.by_tier) or _("none")
    absorbed = _("{hours} h absorbed").format(hours=f"{out.absorbed_hours:,.0f}")
    console.print(
        _("Outbound ({serves}, {window}): {spare} spare agent-hours a year,").format(
            serves=", ".join(out.serves), window=out.window, spare=f"{out.available_hours:,.0f}"
        )
        + f" [bold]{absorbed}[/] ({tiers})."
    )
    freed = ", ".join(f"{n} {r}" for r, n in out.freed_heads.items() if n) or _("none")
    console.print(
        _("Field heads freed: {n} ({freed}); field cost {saving} CNY a year lower.").format(
            n=f"[bold]{out.freed_total}[/]", freed=freed, saving=f"{out.cost_saving:,.0f}"
        )
    )
    if "max_coverage" in (out.mode_without, out.mode_with):
        console.print(
            _(
                "Headcount is fixed or the limits bind (max_coverage), so the spare hours raise coverage "
                "rather than free heads; compare the coverage columns."
            )
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
        title=_("Day types of {year} (China calendar); peak day: {day}").format(
            year=prof.year, day=prof.peak_day
        ),
        title_justify="left",
    )
    for name in (
        _("day type"),
        _("calls from"),
        _("days/yr"),
        _("agents"),
        _("peak on shift"),
        _("peak at"),
        _("paid h/day"),
    ):
        table.add_column(name, justify="right")
    for column in table.columns[:2]:
        column.justify = "left"
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
    print_table(console, table)


def render_shift_grid(result: CallCentreResult, console: Console) -> None:
    """Profiled plan year: agents starting each shift, one column per day type."""
    from rich.table import Table

    prof = result.profiles
    assert prof is not None
    names = [d.day_type for d in prof.day_types]
    table = Table(title=_("Shift plan (agents starting each shift, per day)"), title_justify="left")
    table.add_column(_("shift"))
    table.add_column(_("start"))
    for name in names:
        table.add_column(DAY_TYPE_SHORT.get(name, name), justify="right")
    starts: dict[tuple[str, str], dict[str, int]] = {}
    for s in result.shifts:
        starts.setdefault((s.template, s.start), {})[s.day_type] = s.agents
    for (template, start), by_day in sorted(starts.items()):
        table.add_row(template, start, *(str(by_day[n]) if n in by_day else "" for n in names))
    table.add_row(
        "[bold]" + _("agents") + "[/]",
        "",
        *(f"[bold]{d.agents}[/]" for d in prof.day_types),
        end_section=True,
    )
    print_table(console, table)
    console.print(
        "[dim]"
        + ", ".join(f"{DAY_TYPE_SHORT[n]} = {n}" for n in names if n in DAY_TYPE_SHORT)
        + "; "
        + _("weekday/weekend = days with no profile of their own")
        + "[/]"
    )


def render_callcentre(result: CallCentreResult, console: Console) -> None:
    """The whole report: one interval chart per day type, the shift table, totals.

    With profiles: the day-type table, the peak day's interval chart only (every day type's
    intervals are in the JSON), the shift plan as one column per day type, totals.
    """
    if not result.ok:
        none = _("No shift plan for {scenario}").format(scenario=result.scenario)
        said = _("the solver said {status}.").format(status=value_word(result.status))
        console.print(f"[bold red]{none}[/]: " + said)
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
