"""Presenting a :class:`~planner.analyses.hiring.HiringResult`: rich tables, a terminal chart, an .xlsx file.

Nothing here computes a plan figure: every number comes from the result (sums of its rows for the
table footers excepted).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.i18n import N_, _, value_word
from planner.report.tables import colon, labelled, print_table
from planner.report.tables import coverage_style as _cov_style
from planner.report.tables import fmt_int as _int
from planner.report.tables import fmt_pct as _pct

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.hiring import HiringResult, PeriodRow

#: Rows of the terminal chart.
CHART_HEIGHT = 8
#: Period units and transfer kinds as the report shows them (translated when shown).
_WORDS = (N_("month"), N_("quarter"), N_("year"), N_("transfer"), N_("retrain"), N_("downgrade"))


def _n(x: float) -> str:
    """A count of people: whole as it is, fractional (LP mode) to one decimal."""
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return f"{x:,.1f}"


def _blank(x: float) -> str:
    return _n(x) if x else ""


def _signed(n: float) -> str:
    return f"+{_n(n)}" if n > 0 else _n(n)


def mode_line(result: HiringResult) -> str:
    """How the plan was solved, in words (integer or LP mode, objective, gap)."""
    if result.mode == "lp":
        how = _("LP mode (continuous: fractional people, expected leavers)")
    else:
        how = _("integer mode (whole people; within {gap} of the LP bound)").format(
            gap=f"{result.mip_gap:.2%}"
        )
    return _("{how}; objective {objective}").format(how=how, objective=result.objective)


def _heads(p: PeriodRow) -> str:
    """The requirement in heads: as given, or to one decimal (it is hours / a head's hours)."""
    if p.required_heads is None:
        return ""
    return _n(p.required_heads) if p.heads_given else f"{p.required_heads:,.1f}"


def heads_note(result: HiringResult, role: str) -> str:
    """One line under a role's table: where its requirement in heads comes from."""
    rows = result.rows(role)
    if rows and rows[0].heads_given:
        return _("required heads: given in the scenario (hiring.requirements.heads)")
    e = result.role_efficiency(role)
    if e is None or e.plan_heads is None:
        return _("required heads: required hours / a head's full hours (hiring.efficiency: none)")
    return _(
        "required heads from plan's calendar model: a {role} delivers {share} of its hours in {year} "
        "(plan: {heads})"
    ).format(role=role, share=_pct(e.efficiency), year=e.year, heads=e.plan_heads)


def render_hiring(result: HiringResult, console: Console) -> None:
    """Print the plan: one table per role, its worst period, a chart, and the totals."""
    from rich.table import Table

    if not result.ok:
        none = _("No hiring plan for {scenario}").format(scenario=result.scenario)
        console.print(
            f"[bold red]{none}[/]: "
            + _("the solver stopped ({status}); try --solver cbc").format(status=value_word(result.status))
        )
        return
    unit = _(result.period_unit)
    title = _("Hiring plan: {scenario}").format(scenario=result.scenario)
    console.print(
        f"[bold]{title}[/] - "
        + _("{n} x {unit} ({first} to {last}); hours are per {unit}").format(
            n=result.horizon, unit=unit, first=result.labels[0], last=result.labels[-1]
        )
    )
    console.print(f"  {mode_line(result)}")
    show_layoffs = any(p.layoffs for p in result.periods)
    show_over = any(p.overmanned for p in result.periods)
    show_short = any(p.short_time for p in result.periods)
    # A plan whose requirement is all in heads (no tier needs hours) shows no hours columns or chart.
    show_hours = any(p.required_hours > 0 for p in result.periods) or not all(
        p.heads_given for p in result.periods
    )
    for totals in result.roles:
        rows = result.rows(totals.role)
        name = labelled(totals.role, totals.label)
        table = Table(title=name, title_justify="left", show_footer=True)
        table.add_column(_("period"), footer=_("total"))
        heads = f"{totals.start_headcount} -> {_n(totals.end_headcount)}"
        table.add_column(_("required heads"), justify="right")
        table.add_column(_("headcount"), justify="right", footer=heads)
        table.add_column(_("hires decided"), justify="right", footer=_n(sum(p.hires_decided for p in rows)))
        table.add_column(_("hires start"), justify="right", footer=_n(totals.hires))
        table.add_column(_("leavers"), justify="right", footer=_n(totals.leavers))
        net = totals.transfers_in - totals.transfers_out
        table.add_column(_("transfers"), justify="right", footer=_signed(net))
        if show_layoffs:
            table.add_column(_("layoffs"), justify="right", footer=_n(totals.layoffs))
        if show_over:
            table.add_column(_("overmanned"), justify="right")
        if show_short:
            table.add_column(_("short time"), justify="right")
        if show_hours:
            table.add_column(
                _("effective h"), justify="right", footer=_int(sum(p.effective_hours for p in rows))
            )
            table.add_column(_("required h"), justify="right", footer=_int(totals.required_hours))
            table.add_column(_("coverage"), justify="right", footer=_pct(totals.coverage))
        for p in rows:
            moves = []
            if p.transfers_in:
                moves.append(f"+{_n(p.transfers_in)}")
            if p.transfers_out:
                moves.append(f"-{_n(p.transfers_out)}")
            cells = [p.period, _heads(p)]
            cells += [
                _n(p.headcount),
                _blank(p.hires_decided),
                _blank(p.hires),
                _blank(p.leavers),
                " ".join(moves),
            ]
            if show_layoffs:
                cells.append(_blank(p.layoffs))
            if show_over:
                cells.append(_blank(p.overmanned))
            if show_short:
                cells.append(_blank(p.short_time))
            if show_hours:
                cells += [
                    _int(p.effective_hours),
                    _int(p.required_hours),
                    f"[{_cov_style(p.coverage)}]{_pct(p.coverage)}[/]",
                ]
            table.add_row(*cells)
        print_table(console, table)
        console.print("  " + heads_note(result, totals.role))
        if not show_hours:
            continue
        worst = (
            _("worst period {period}: {coverage} covered").format(
                period=totals.worst_period, coverage=_pct(totals.worst_coverage)
            )
            if totals.worst_coverage < 1 - 1e-9
            else _("every period fully covered")
        )
        first = (
            _("first hire decided {period}; ").format(period=totals.first_hire_decided)
            if totals.first_hire_decided
            else ""
        )
        uncovered = _("{hours} h uncovered over the horizon").format(hours=_int(totals.shortfall_hours))
        console.print("  " + _("{first}; {second}").format(first=worst, second=uncovered))
        console.print(f"  {first}" + _("peak headcount {n}").format(n=_n(totals.peak_headcount)))
        console.print(chart(rows, width=console.width))
    if result.transfers:
        console.print(colon(f"[bold]{_('Transfers')}[/]"))
        for t in result.transfers:
            what = "" if t.kind == "transfer" else f" ({_(t.kind)})"
            console.print(
                f"  {_n(t.count)} {t.from_role} -> {t.to_role}{what}: "
                + _("decided {decided}, move in {effective}").format(decided=t.decided, effective=t.effective)
            )
    extra = ""
    if result.overmanning_cost or result.short_time_cost:
        extra = _(", overmanning {over}, short time {short}").format(
            over=_int(result.overmanning_cost), short=_int(result.short_time_cost)
        )
    if result.redundancies:
        extra += _("; {n} made redundant").format(n=_n(result.redundancies))
    summary = _(
        "{hires} hires; cost {cost} CNY (salary {salary}, hiring {hiring}, transfers {transfers}, "
        "layoffs {layoffs}{extra})"
    ).format(
        hires=_n(result.total_hires),
        cost=_int(result.total_cost),
        salary=_int(result.salary_cost),
        hiring=_int(result.hiring_cost),
        transfers=_int(result.transfer_cost),
        layoffs=_int(result.layoff_cost),
        extra=extra,
    )
    if show_hours:
        summary += _("; {hours} standard hours uncovered (penalty {penalty} CNY at {rate} CNY/h)").format(
            hours=_int(result.shortfall_hours),
            penalty=_int(result.penalty_cost),
            rate=f"{result.penalty_per_hour:,.0f}",
        )
    console.print(colon(f"[bold]{_('Totals')}[/]", summary))


def chart(rows: list[PeriodRow], width: int = 100, height: int = CHART_HEIGHT) -> Any:
    """A terminal column chart: effective hours (█, cyan) beside required hours (▒, magenta) per period.

    Periods are grouped (means) when there are more than fit in ``width``.
    """
    from rich.text import Text

    n = len(rows)
    axis = 10
    fit = max(1, (width - axis - 2) // 2)
    group = max(1, math.ceil(n / fit))
    eff: list[float] = []
    req: list[float] = []
    labels: list[str] = []
    for g in range(0, n, group):
        chunk = rows[g : g + group]
        eff.append(sum(p.effective_hours for p in chunk) / len(chunk))
        req.append(sum(p.required_hours for p in chunk) / len(chunk))
        labels.append(chunk[0].period)
    values = [*eff, *req]
    top = max([*values, 0.0])
    bottom = min(values) if values else 0.0
    # Start the axis as far below the lowest value as the values spread, not at zero, so that a
    # 10 % gap shows in 8 rows.
    base = max(0.0, bottom - (top - bottom)) if top > bottom else 0.0
    text = Text()
    text.append(" " * axis + "█ " + _("effective") + "  ", style="cyan")
    text.append("▒ " + _("required"), style="magenta")
    per = _("hours per period")
    if group > 1:
        per += "; " + _("{n} periods a column").format(n=group)
    text.append(f"   ({per})\n")
    span = top - base
    for level in range(height, 0, -1):
        edge = f"{top:,.0f}" if level == height else (f"{base:,.0f}" if level == 1 else "")
        text.append(edge.rjust(axis - 1) + "│")
        threshold = base + span * (level - 0.5) / height
        for e, r in zip(eff, req, strict=True):
            text.append("█" if span > 0 and e >= threshold else " ", style="cyan")
            text.append("▒" if span > 0 and r >= threshold else " ", style="magenta")
        text.append("\n")
    text.append(" " * (axis - 1) + "└" + "─" * (2 * len(eff)) + "\n")
    last = labels[-1]
    gap = max(1, 2 * len(eff) - len(labels[0]) - len(last))
    text.append(" " * axis + labels[0] + " " * gap + last)
    return text


def write_workbook(result: HiringResult, path: str | Path) -> Path:
    """Write the plan as .xlsx: a ``Summary`` sheet, one sheet per role, and a ``Customers`` sheet.

    The file is written atomically and is byte-identical for the same result.
    """
    from planner.report.export import write_with

    return write_with(path, lambda tmp: _write_xlsx(result, tmp))


def _efficiency_cells(result: HiringResult, role: str) -> list[Any]:
    """A role's efficiency, plan's heads and the calendar's year (blank when not from plan)."""
    e = result.role_efficiency(role)
    if e is None:
        return ["", "", ""]
    return [round(e.efficiency, 6), "" if e.plan_heads is None else e.plan_heads, e.year or ""]


def _write_xlsx(result: HiringResult, target: Path) -> None:
    import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from planner.report.export import XLSX_TIME, append_row, sheet_title, write_xlsx_deterministic

    bold = Font(bold=True)
    wb = Workbook()
    stamp = datetime.datetime(*XLSX_TIME)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "planner"
    ws = wb.active
    ws.title = "Summary"
    summary: list[tuple[str, Any]] = [
        ("scenario", result.scenario),
        ("status", result.status),
        ("mode", result.mode),
        ("objective", result.objective),
        ("gap to the LP bound", round(result.mip_gap, 6)),
        ("period", result.period_unit),
        ("horizon (periods)", result.horizon),
        ("first period", result.labels[0] if result.labels else ""),
        ("last period", result.labels[-1] if result.labels else ""),
        ("total cost (CNY)", round(result.total_cost, 2)),
        ("  salary", round(result.salary_cost, 2)),
        ("  hiring", round(result.hiring_cost, 2)),
        ("  transfers", round(result.transfer_cost, 2)),
        ("  layoffs", round(result.layoff_cost, 2)),
        ("  overmanning", round(result.overmanning_cost, 2)),
        ("  short time", round(result.short_time_cost, 2)),
        ("total hires", result.total_hires),
        ("made redundant", result.redundancies),
        ("uncovered standard hours", round(result.shortfall_hours, 2)),
        ("shortfall penalty (CNY)", round(result.penalty_cost, 2)),
    ]
    for key, value in summary:
        append_row(ws, [key, value])
    append_row(ws, [])
    role_cols = [
        "role",
        "label",
        "start headcount",
        "end headcount",
        "peak headcount",
        "hires",
        "leavers",
        "transfers in",
        "transfers out",
        "layoffs",
        "required hours",
        "delivered hours",
        "uncovered hours",
        "coverage",
        "worst period",
        "worst coverage",
        "salary cost",
        "hiring cost",
        "first hire decided",
        "efficiency",
        "plan heads",
        "calendar year",
    ]
    append_row(ws, role_cols)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for r in result.roles:
        append_row(
            ws,
            [
                r.role,
                r.label or "",
                r.start_headcount,
                r.end_headcount,
                r.peak_headcount,
                r.hires,
                r.leavers,
                r.transfers_in,
                r.transfers_out,
                r.layoffs,
                round(r.required_hours, 2),
                round(r.delivered_hours, 2),
                round(r.shortfall_hours, 2),
                round(r.coverage, 6),
                r.worst_period,
                round(r.worst_coverage, 6),
                round(r.salary_cost, 2),
                round(r.hiring_cost, 2),
                r.first_hire_decided or "",
                *_efficiency_cells(result, r.role),
            ],
        )
    if result.transfers:
        append_row(ws, [])
        append_row(ws, ["transfer from", "to", "decided", "moves in", "people", "kind"])
        for cell in ws[ws.max_row]:
            cell.font = bold
        for t in result.transfers:
            append_row(ws, [t.from_role, t.to_role, t.decided, t.effective, t.count, t.kind])
    ws.column_dimensions["A"].width = 26

    taken = {"summary", "customers"}
    cols = [
        "period",
        "headcount",
        "hires decided",
        "hires starting",
        "leavers",
        "transfers in",
        "transfers out",
        "layoffs",
        "effective heads",
        "effective hours",
        "required hours",
        "delivered hours",
        "coverage",
        "required heads",
        "overmanned",
        "short time",
    ]
    for r in result.roles:
        sheet = wb.create_sheet(sheet_title(r.role, taken))
        append_row(sheet, cols)
        for cell in sheet[1]:
            cell.font = bold
        for p in result.rows(r.role):
            append_row(
                sheet,
                [
                    p.period,
                    p.headcount,
                    p.hires_decided,
                    p.hires,
                    p.leavers,
                    p.transfers_in,
                    p.transfers_out,
                    p.layoffs,
                    round(p.effective_heads, 4),
                    round(p.effective_hours, 2),
                    round(p.required_hours, 2),
                    round(p.delivered_hours, 2),
                    round(p.coverage, 6),
                    "" if p.required_heads is None else round(p.required_heads, 4),
                    round(p.overmanned, 4),
                    round(p.short_time, 4),
                ],
            )
        sheet.freeze_panes = "B2"
    cust = wb.create_sheet("Customers")
    append_row(cust, ["period", "tier", "customers", "required hours", "delivered hours"])
    for cell in cust[1]:
        cell.font = bold
    for tp in result.tiers:
        if tp.customers == 0 and tp.required_hours == 0:
            continue
        hours = [round(tp.required_hours, 2), round(tp.delivered_hours, 2)]
        append_row(cust, [tp.period, tp.tier, tp.customers, *hours])

    write_xlsx_deterministic(wb.save, target)
