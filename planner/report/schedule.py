"""Showing and writing a :class:`~planner.analyses.schedule.ScheduleResult`; reads it, computes nothing new.

- :func:`render_schedule`: rich tables (roles, tiers by quarter, the busiest weeks, what is missed).
- :func:`write_schedule_files`: ``schedule.csv`` and ``managers.csv``, each written atomically.
- :func:`write_schedule_excel`: ``schedule.xlsx``, a summary sheet and one customer x week grid per
  manager, in openpyxl's write-only mode (rows streamed, empty cells not stored).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from planner.i18n import N_, _
from planner.report.export import (
    append_row,
    sheet_title,
    write_csv,
    write_with,
    write_xlsx_deterministic,
)
from planner.report.tables import coverage_style as _style
from planner.report.tables import fmt_int, fmt_pct, print_table

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.schedule import ManagerPlan, ScheduleResult

#: Grid cell text per kind ("V" visit, "C" call); two contacts in a week read "V C".
CELL = {"visit": "V", "call": "C"}
#: Headcount choices as the title shows them (translated when shown).
_WORDS = (N_("required"), N_("current"))


def _short(standard: str) -> str:
    """``2 per quarter`` -> ``2/qtr``: keeps the tier table inside 100 columns."""
    count, _sep, per = standard.partition(" per ")
    return f"{count}/{ {'quarter': 'qtr', 'month': 'mo', 'year': 'yr'}.get(per, per) }"


def render_schedule(result: ScheduleResult, console: Console) -> None:
    """Print the calendar's summary."""
    from rich import box
    from rich.table import Table

    if not result.ok:
        none = _("No calendar for {scenario} {year}").format(scenario=result.scenario, year=result.year)
        console.print(f"[bold red]{none}[/]: {result.explanation}")
        return
    title = _("Visit calendar {year}: {scenario}, {headcount} headcount, {customers} customers").format(
        year=result.year,
        scenario=result.scenario,
        headcount=_(result.headcount),
        customers=fmt_int(result.customers_scheduled),
    )
    roles = Table(title=title, title_justify="left")
    roles.add_column(_("role"), no_wrap=True)
    for col in (
        N_("managers"),
        N_("customers"),
        N_("peak week"),
        N_("peak"),
        N_("top mgr"),
        N_(">95% wks"),
        N_("spread"),
    ):
        roles.add_column(_(col), justify="right", no_wrap=True)
    for r in result.roles:
        roles.add_row(
            r.role,
            str(r.managers),
            fmt_int(r.customers),
            r.peak_week,
            fmt_pct(r.peak_utilization),
            fmt_pct(r.max_manager_utilization),
            str(r.weeks_over_95),
            fmt_pct(r.books_spread),
        )
    print_table(console, roles)

    tiers = Table(
        title=_("Standards met per quarter (scheduled / due)"), title_justify="left", box=box.SIMPLE_HEAD
    )
    tiers.add_column(_("tier"), no_wrap=True)
    for col in (N_("cust."), N_("visits"), N_("calls"), "Q1", "Q2", "Q3", "Q4", N_("V short"), N_("C short")):
        tiers.add_column(_(col), justify="right", no_wrap=True, min_width=6 if col[0] == "Q" else None)
    for t in result.tiers:
        if t.required_visits == 0 and t.required_calls == 0:
            continue
        quarters = [f"[{_style(q)}]{fmt_pct(q)}[/]" for q in t.quarter_met]
        tiers.add_row(
            t.key,
            fmt_int(t.customers),
            _short(t.visit_standard),
            _short(t.call_standard),
            *quarters,
            fmt_int(t.shortfall_visits),
            fmt_int(t.shortfall_calls),
        )
    print_table(console, tiers)

    worst = Table(title=_("Busiest weeks (all roles)"), title_justify="left")
    for col in (
        N_("week"),
        N_("starts"),
        N_("working days"),
        N_("hours"),
        N_("capacity"),
        N_("utilisation"),
        N_("holidays"),
    ):
        worst.add_column(_(col), justify="left" if col in ("week", "starts", "holidays") else "right")
    for w in result.worst_weeks():
        worst.add_row(
            w.week,
            w.start,
            str(w.working_days),
            fmt_int(w.hours),
            fmt_int(w.capacity_hours),
            fmt_pct(w.utilization),
            ", ".join(w.holidays) or "-",
        )
    print_table(console, worst)

    short = [t for t in result.tiers if t.short]
    if short:
        gap = Table(title=_("Coverage gap: contacts no manager can make"), title_justify="left")
        for col in (
            N_("tier"),
            N_("visits missed"),
            N_("calls missed"),
            N_("periods short"),
            N_("worst periods"),
        ):
            gap.add_column(_(col), justify="left" if col in ("tier", "worst periods") else "right")
        for t in short:
            top = sorted(t.short, key=lambda m: (-m.missed, m.period, m.kind))[:3]
            gap.add_row(
                t.key,
                fmt_int(t.shortfall_visits),
                fmt_int(t.shortfall_calls),
                str(len(t.short)),
                ", ".join(f"{m.period} {_(m.kind + 's')} -{fmt_int(m.missed)}" for m in top),
            )
        print_table(console, gap)
    else:
        console.print(
            _("Every customer gets every visit and call its tier's standard asks, in every period.")
        )
    if result.day_short:
        days = Table(
            title=_("No room in the day plan: contacts the slots' minutes hold but whole days do not"),
            title_justify="left",
        )
        for col in (N_("tier"), N_("kind"), N_("contacts"), N_("hours")):
            days.add_column(_(col), justify="left" if col in ("tier", "kind") else "right")
        for d in result.day_short:
            days.add_row(d.key, _(d.kind + "s"), fmt_int(d.contacts), fmt_int(d.hours))
        print_table(console, days)


def render_manager_plan(plan: ManagerPlan, console: Console) -> None:
    """Print one manager's days (contacts, minutes against his day, districts), then each contact.

    Ids and districts come from the user's files: they are shown as plain text, never as markup.
    """
    from rich.table import Table
    from rich.text import Text

    from planner.report.terminal import terminal_text

    def text(value: str) -> Text:
        return Text(terminal_text(value))

    title = text(f"{plan.manager} ({plan.role}), {plan.period}: {fmt_int(len(plan.rows))} contacts")
    days = Table(title=title, title_justify="left")
    for col in ("date", "contacts", "visits", "minutes", "of day", "districts visited"):
        days.add_column(col, justify="left" if col in ("date", "districts visited") else "right")
    for d in plan.days:
        share = d.minutes / plan.day_minutes if plan.day_minutes > 0 else 0.0
        days.add_row(
            d.date,
            str(d.contacts),
            str(d.visits),
            fmt_int(d.minutes),
            fmt_pct(share),
            text(", ".join(d.districts) or "-"),
        )
    console.print(days)
    if not plan.rows:
        console.print(text(f"No contacts for {plan.manager} in {plan.period}."))
        return
    rows = Table(box=None)
    cols = [c for c in ("date", "customer_id", "tier", "district", "kind", "minutes") if c in plan.rows[0]]
    for col in cols:
        rows.add_column(col, justify="right" if col == "minutes" else "left", no_wrap=True)
    for r in plan.rows:
        cells = [f"{r['channel']}.{r['tier']}" if c == "tier" else r[c] for c in cols]
        rows.add_row(*(text(fmt_int(v) if isinstance(v, (int, float)) else str(v)) for v in cells))
    console.print(rows)


def write_schedule_files(result: ScheduleResult, out: str | Path) -> list[Path]:
    """Write ``schedule.csv`` and ``managers.csv`` into ``out`` (created if needed), atomically."""
    out = Path(out)
    return [
        write_csv(out / "schedule.csv", result.schedule),
        write_csv(out / "managers.csv", result.managers),
    ]


def write_schedule_excel(
    result: ScheduleResult, out: str | Path, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Write ``schedule.xlsx``: a summary sheet, then one sheet per manager (customers x ISO weeks).

    ``progress(done, total)`` is called after each manager's sheet and once more when the file is
    saved (total = managers + 1).
    """
    import numpy as np
    from openpyxl import Workbook

    out = Path(out)
    frame = result.schedule

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        summary = wb.create_sheet("summary")
        append_row(
            summary, [f"Visit calendar {result.year}", result.scenario, f"{result.headcount} headcount"]
        )
        append_row(summary, [])
        append_row(summary, ["role", "managers", "customers", "peak utilisation", "weeks > 95%"])
        for r in result.roles:
            append_row(
                summary, [r.role, r.managers, r.customers, round(r.peak_utilization, 4), r.weeks_over_95]
            )
        append_row(summary, [])
        append_row(
            summary,
            ["tier", "customers", "required visits", "scheduled visits", "required calls", "scheduled calls"],
        )
        for t in result.tiers:
            append_row(
                summary,
                [
                    t.key,
                    t.customers,
                    t.required_visits,
                    t.scheduled_visits,
                    t.required_calls,
                    t.scheduled_calls,
                ],
            )
        if len(frame) == 0:
            write_xlsx_deterministic(wb.save, tmp)
            return
        weeks = sorted(set(frame["week"].tolist()))
        col_of = {w: i for i, w in enumerate(weeks)}
        # One pass over the rows, already sorted by manager: group boundaries by position.
        mgr = frame["manager_id"].to_numpy()
        cust = frame["customer_id"].to_numpy()
        week = frame["week"].to_numpy()
        kind = frame["kind"].to_numpy()
        tier = (frame["channel"] + "." + frame["tier"]).to_numpy()
        bounds = np.flatnonzero(mgr[1:] != mgr[:-1]) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(mgr)]])
        header = ["customer", "tier", *weeks]
        titles = {"summary"}
        sheets = len(starts)
        for n, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            ws = wb.create_sheet(sheet_title(str(mgr[a]), titles))
            append_row(ws, header)
            rows: dict[str, list[str | None]] = {}
            tiers: dict[str, str] = {}
            for i in range(a, b):
                c = cust[i]
                row = rows.get(c)
                if row is None:
                    row = rows[c] = [None] * len(weeks)
                    tiers[c] = tier[i]
                k = col_of[week[i]]
                cell = row[k]
                row[k] = CELL[kind[i]] if cell is None else f"{cell} {CELL[kind[i]]}"
            for c in sorted(rows):
                append_row(ws, [c, tiers[c], *rows[c]])
            if progress is not None:
                progress(n + 1, sheets + 1)
        write_xlsx_deterministic(wb.save, tmp)
        if progress is not None:
            progress(sheets + 1, sheets + 1)

    return write_with(out / "schedule.xlsx", write)
