"""Rich rendering of a :class:`~planner.analyses.boundary.BoundaryReport`; reads it, computes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.report.tables import fmt_money as _money
from planner.report.tables import fmt_num as _num
from planner.report.tables import fmt_pct as _pct
from planner.report.tables import print_table
from planner.report.tables import styled_pct as _pct_style

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.boundary import (
        Boundary,
        BoundaryReport,
        Inversion,
        RemedyComparison,
    )

LEVEL_STYLE = {"low": "yellow", "medium": "bold yellow", "high": "bold red"}
KIND_WORD = {"designed": "on paper", "delivered": "in practice", "price": "price"}
METRIC_WORD = {
    "visits_per_year": "visits",
    "contacts_per_year": "phone contacts",
    "hours_per_year": "service hours",
    "net_monthly_price": "net monthly price",
}


def _inverted(b: Boundary, kind: str, metric: str) -> bool:
    return any(i.kind == kind and i.metric == metric for i in b.inversions)


def _cell(text: str, bad: bool) -> str:
    return f"[bold red]{text}[/]" if bad else text


def inversion_line(i: Inversion) -> str:
    """``high 57%  key.crystal customers get 0.43 phone contacts a month in practice against ...``."""
    style = LEVEL_STYLE.get(i.level, "")
    return f"[{style}]{i.level:>6} {i.severity:>4.0%}[/]  {i.message}"


def render_summary(report: BoundaryReport, console: Console) -> None:
    """One row per boundary: where, how the bands sit, the verdict, inversions by level."""
    from rich.table import Table

    table = Table(title=f"Chicken head vs phoenix tail: {report.scenario}", title_justify="left")
    table.add_column("boundary (lower / upper)")
    table.add_column("at CNY/month", justify="right")
    table.add_column("bands")
    table.add_column("verdict")
    table.add_column("inversions", justify="right")
    for b in report.boundaries:
        n = len(b.inversions)
        levels = ", ".join(
            f"{sum(1 for i in b.inversions if i.level == w)} {w}"
            for w in ("high", "medium", "low")
            if any(i.level == w for i in b.inversions)
        )
        table.add_row(
            b.name if b.crossable else f"{b.name} [dim](not crossable)[/]",
            _money(b.spend),
            b.meeting,
            b.verdict,
            f"[bold red]{n}[/] ({levels})" if n else "[green]0[/]",
        )
    print_table(console, table)


def _figure_rows(b: Boundary) -> list[tuple[str, str, str, str, str]]:
    d, p = b.designed, b.delivered

    def row(label: str, metric: str, digits: int) -> tuple[str, str, str, str, str]:
        return (
            label,
            _num(getattr(d.lower, metric), digits),
            _cell(_num(getattr(d.upper, metric), digits), _inverted(b, "designed", metric)),
            _num(getattr(p.lower, metric), digits),
            _cell(_num(getattr(p.upper, metric), digits), _inverted(b, "delivered", metric)),
        )

    def same(label: str, low: str, up: str) -> tuple[str, str, str, str, str]:
        return (label, low, up, low, up)

    return [
        row("visits a year", "visits_per_year", 2),
        row("phone contacts a year", "contacts_per_year", 2),
        row("service hours a year", "hours_per_year", 2),
        row(f"h/yr per 10k CNY at {_money(b.spend)}", "hours_per_10k_at_boundary", 2),
        row("h/yr per 10k CNY mid-band", "hours_per_10k_mid", 2),
        (
            "coverage of standard",
            _pct(1.0),
            _pct(1.0),
            _pct(p.lower.coverage),
            _pct(p.upper.coverage),
        ),
        (
            "customers per manager",
            "",
            "",
            _num(p.lower.customers_per_manager, 0),
            _num(p.upper.customers_per_manager, 0),
        ),
        same("customers", f"{d.lower.customers:,}", f"{d.upper.customers:,}"),
        same("visit standard", d.lower.visit_standard, d.upper.visit_standard),
        same("contact standard", d.lower.contact_standard, d.upper.contact_standard),
        same("style", d.lower.style, d.upper.style),
        same("discount", f"{b.price.lower_discount:.0%}", f"{b.price.upper_discount:.0%}"),
        same(
            f"price of {_money(b.spend)} CNY",
            _money(b.price.price_just_below),
            _cell(_money(b.price.price_just_above), _inverted(b, "price", "net_monthly_price")),
        ),
    ]


def render_boundary(b: Boundary, console: Console) -> None:
    """Both sides of one boundary, on paper and in practice, then each inversion in words."""
    from rich.table import Table

    title = f"{b.name} at {_money(b.spend)} CNY a month (bands {b.meeting})"
    table = Table(title=title, title_justify="left")
    table.add_column("per customer")
    table.add_column(f"{b.lower}\non paper", justify="right")
    table.add_column(f"{b.upper}\non paper", justify="right")
    table.add_column(f"{b.lower}\nin practice", justify="right")
    table.add_column(f"{b.upper}\nin practice", justify="right")
    for r in _figure_rows(b):
        table.add_row(*r)
    print_table(console, table)
    console.print(f"  [bold]Verdict[/]: {b.verdict}.")
    if b.inversions:
        for i in b.inversions:
            console.print("  " + inversion_line(i))
    else:
        console.print("  [green]no inversion[/]: the upper tier gets at least as much, for no more")
    if b.near is not None:
        n = b.near
        text = (
            f"  Near the line ({_money(n.window_low)}-{_money(n.window_high)} CNY a month): "
            f"{n.lower.tier} {n.lower.customers:,} customers "
            f"({n.lower.monthly_revenue:,.0f} CNY a month), "
            f"{n.upper.tier} {n.upper.customers:,} ({n.upper.monthly_revenue:,.0f} CNY a month); "
            f"{n.pay_less_below:,} would pay less just below the line"
        )
        if n.overpay_per_month > 0:
            text += (
                f"; {n.upper.tier}'s pay {n.overpay_per_month:,.0f} CNY a month more than the same "
                "spend costs below it"
            )
        console.print(text + ".")
    console.print()


def render_remedy(remedy: RemedyComparison, console: Console) -> None:
    """Before and after side by side: headcount, cost, boundary tiers' coverage, inversions left."""
    from rich.table import Table

    before, after = remedy.before, remedy.after
    table = Table(
        title="Remedy: before and after (coverage at each scenario's own today's headcount)",
        title_justify="left",
    )
    table.add_column("")
    table.add_column(f"before: {before.scenario}", justify="right")
    table.add_column(f"after: {after.scenario}", justify="right")
    table.add_row("managers today", f"{before.headcount:,}", f"{after.headcount:,}")
    table.add_row("cost today (CNY/yr)", f"{before.annual_cost:,.0f}", f"{after.annual_cost:,.0f}")
    table.add_row(
        "managers required (plan, compare)", f"{before.required_headcount:,}", f"{after.required_headcount:,}"
    )
    table.add_row("cost required (CNY/yr)", f"{before.required_cost:,.0f}", f"{after.required_cost:,.0f}")
    for key in before.coverage:
        b, a = before.coverage[key], after.coverage.get(key)
        table.add_row(f"coverage {key}", _pct_style(b), _pct_style(a))
    for key in before.customers_per_manager:
        table.add_row(
            f"customers/manager {key}",
            _num(before.customers_per_manager[key], 0),
            _num(after.customers_per_manager.get(key), 0),
        )
    for kind in ("designed", "delivered", "price"):
        nb = sum(1 for i in before.inversions if i.kind == kind)
        na = sum(1 for i in after.inversions if i.kind == kind)
        shown = _cell(str(na), True) if na else "[green]0[/]"
        table.add_row(f"inversions {KIND_WORD[kind]}", str(nb), shown)
    print_table(console, table)
    removed = remedy.removed()
    if removed:
        console.print("[bold]Removed by the remedy[/]:")
        for i in removed:
            what = f"{KIND_WORD[i.kind]}: {METRIC_WORD.get(i.metric, i.metric)}"
            console.print(f"  [green]-[/] {i.boundary}: {what}")
    if after.inversions:
        left: dict[str, int] = {}
        for i in after.inversions:
            left[i.boundary] = left.get(i.boundary, 0) + 1
        where = ", ".join(f"{name} ({n})" for name, n in left.items())
        console.print(f"[bold]Left after the remedy[/]: {len(after.inversions)} inversions, at {where}.")
    else:
        console.print("[green]No inversion left after the remedy.[/]")


def render_boundary_report(report: BoundaryReport, console: Console) -> None:
    """The whole report: summary, each boundary, and the remedy if there is one."""
    render_summary(report, console)
    if not report.boundaries:
        console.print("No boundaries: the policy has fewer than two field channels whose bands meet.")
    console.print()
    sound = [b for b in report.boundaries if not b.inversions]
    for b in report.boundaries:
        if b.inversions:
            render_boundary(b, console)
    if sound:
        some = len(sound) < len(report.boundaries)
        which = f"the {len(sound)} other" if some else f"any of the {len(sound)}"
        console.print(
            f"[green]No inversion on {which} lines[/]: sound on paper, in practice and in price "
            "(figures in --format json)."
        )
    if report.remedy is not None:
        render_remedy(report.remedy, console)
    from planner.analyses.boundary import SEVERITY_THRESHOLDS

    levels = ", ".join(f"{word} < {limit:.0%}" for limit, word in SEVERITY_THRESHOLDS)
    console.print(
        "[dim]In practice = at today's headcount in the plan year's calendar (planner plan --headcount "
        "current): visits and phone contacts as the calendar delivers them. Severity = relative gap at the "
        f"line: {levels}, high otherwise.[/]"
    )


__all__ = ["render_boundary", "render_boundary_report", "render_remedy", "render_summary"]
