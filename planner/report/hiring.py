"""Presenting a :class:`~planner.analyses.hiring.HiringResult`: rich tables, a terminal chart, an .xlsx file.

Nothing here computes a plan figure: every number comes from the result (sums of its rows for the
table footers excepted).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.report.tables import coverage_style as _cov_style
from planner.report.tables import fmt_int as _int
from planner.report.tables import fmt_pct as _pct
from planner.report.tables import print_table

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.hiring import HiringResult, PeriodRow

#: Rows of the terminal chart.
CHART_HEIGHT = 8


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
        how = "LP mode (continuous: fractional people, expected leavers)"
    else:
        how = f"integer mode (whole people; within {result.mip_gap:.2%} of the LP bound)"
    return f"{how}; objective {result.objective}"


def render_hiring(result: HiringResult, console: Console) -> None:
    """Print the plan: one table per role, its worst period, a chart, and the totals."""
    from rich.table import Table

    if not result.ok:
        console.print(
            f"[bold red]No hiring plan for {result.scenario}[/]: the solver stopped ({result.status}); "
            "try --solver cbc"
        )
        return
    unit = result.period_unit
    console.print(
        f"[bold]Hiring plan: {result.scenario}[/] - {result.horizon} {unit}s "
        f"({result.labels[0]} to {result.labels[-1]}); hours are per {unit}"
    )
    console.print(f"  {mode_line(result)}")
    show_layoffs = any(p.layoffs for p in result.periods)
    show_over = any(p.overmanned for p in result.periods)
    show_short = any(p.short_time for p in result.periods)
    # A plan whose requirement is all in heads (no tier needs hours) shows no hours columns or chart.
    show_hours = any(p.required_hours > 0 for p in result.periods) or all(
        p.required_heads is None for p in result.periods
    )
    for totals in result.roles:
        rows = result.rows(totals.role)
        name = f"{totals.role} ({totals.label})" if totals.label else totals.role
        table = Table(title=name, title_justify="left", show_footer=True)
        table.add_column("period", footer="total")
        heads = f"{totals.start_headcount} -> {_n(totals.end_headcount)}"
        by_heads = rows[0].required_heads is not None
        if by_heads:
            table.add_column("required heads", justify="right")
        table.add_column("headcount", justify="right", footer=heads)
        table.add_column("hires decided", justify="right", footer=_n(sum(p.hires_decided for p in rows)))
        table.add_column("hires start", justify="right", footer=_n(totals.hires))
        table.add_column("leavers", justify="right", footer=_n(totals.leavers))
        net = totals.transfers_in - totals.transfers_out
        table.add_column("transfers", justify="right", footer=_signed(net))
        if show_layoffs:
            table.add_column("layoffs", justify="right", footer=_n(totals.layoffs))
        if show_over:
            table.add_column("overmanned", justify="right")
        if show_short:
            table.add_column("short time", justify="right")
        if show_hours:
            table.add_column(
                "effective h", justify="right", footer=_int(sum(p.effective_hours for p in rows))
            )
            table.add_column("required h", justify="right", footer=_int(totals.required_hours))
            table.add_column("coverage", justify="right", footer=_pct(totals.coverage))
        for p in rows:
            moves = []
            if p.transfers_in:
                moves.append(f"+{_n(p.transfers_in)}")
            if p.transfers_out:
                moves.append(f"-{_n(p.transfers_out)}")
            cells = [p.period]
            if by_heads:
                cells.append(_n(p.required_heads or 0))
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
        if not show_hours:
            continue
        worst = (
            f"worst period {totals.worst_period}: {_pct(totals.worst_coverage)} covered"
            if totals.worst_coverage < 1 - 1e-9
            else "every period fully covered"
        )
        first = f"first hire decided {totals.first_hire_decided}; " if totals.first_hire_decided else ""
        console.print(f"  {worst}; {_int(totals.shortfall_hours)} h uncovered over the horizon")
        console.print(f"  {first}peak headcount {_n(totals.peak_headcount)}")
        console.print(chart(rows, width=console.width))
    if result.transfers:
        console.print("[bold]Transfers[/]:")
        for t in result.transfers:
            what = "" if t.kind == "transfer" else f" ({t.kind})"
            console.print(
                f"  {_n(t.count)} {t.from_role} -> {t.to_role}{what}: "
                f"decided {t.decided}, move in {t.effective}"
            )
    extra = ""
    if result.overmanning_cost or result.short_time_cost:
        extra = f", overmanning {_int(result.overmanning_cost)}, short time {_int(result.short_time_cost)}"
    if result.redundancies:
        extra += f"; {_n(result.redundancies)} made redundant"
    console.print(
        f"[bold]Totals[/]: {_n(result.total_hires)} hires; cost {_int(result.total_cost)} CNY "
        f"(salary {_int(result.salary_cost)}, hiring {_int(result.hiring_cost)}, "
        f"transfers {_int(result.transfer_cost)}, layoffs {_int(result.layoff_cost)}{extra})"
        + (
            f"; {_int(result.shortfall_hours)} standard hours uncovered "
            f"(penalty {_int(result.penalty_cost)} CNY at {result.penalty_per_hour:,.0f} CNY/h)"
            if show_hours
            else ""
        )
    )


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
    text.append(" " * axis + "█ effective  ", style="cyan")
    text.append("▒ required", style="magenta")
    text.append(f"   (hours per period{'; ' + str(group) + ' periods a column' if group > 1 else ''})\n")
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
                    "" if p.required_heads is None else p.required_heads,
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
