"""Rich rendering of a :class:`~planner.analyses.boundary.BoundaryReport`; reads it, computes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from planner.i18n import N_, NP_, _, pgettext
from planner.report.tables import colon, print_table
from planner.report.tables import fmt_money as _money
from planner.report.tables import fmt_num as _num
from planner.report.tables import fmt_pct as _pct
from planner.report.tables import styled_pct as _pct_style

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.boundary import (
        Boundary,
        BoundaryReport,
        Inversion,
        NearFigures,
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
#: The words above, severity levels and band meetings, marked for the catalogue (N_) and
#: translated when shown (:func:`_word`).
_WORDS = (
    N_("on paper"),
    N_("in practice"),
    N_("price"),
    N_("visits"),
    N_("phone contacts"),
    N_("service hours"),
    N_("net monthly price"),
    N_("low"),
    N_("medium"),
    N_("high"),
    NP_("bands", "meet"),
    NP_("bands", "overlap"),
    NP_("bands", "gap"),
)


def _word(english: str) -> str:
    """A word of the tables above in the active language (the gettext lookup at show time)."""
    return _(english)


def _inverted(b: Boundary, kind: str, metric: str) -> bool:
    return any(i.kind == kind and i.metric == metric for i in b.inversions)


def _cell(text: str, bad: bool) -> str:
    return f"[bold red]{text}[/]" if bad else text


def inversion_line(i: Inversion) -> str:
    """``high 57%  key.crystal customers get 0.43 phone contacts a month in practice against ...``."""
    style = LEVEL_STYLE.get(i.level, "")
    return f"[{style}]{_word(i.level):>6} {i.severity:>4.0%}[/]  {i.message}"


def render_summary(report: BoundaryReport, console: Console) -> None:
    """One row per boundary: where, how the bands sit, the verdict, inversions by level."""
    from rich.table import Table

    table = Table(
        title=_("Chicken head vs phoenix tail: {scenario}").format(scenario=report.scenario),
        title_justify="left",
    )
    table.add_column(_("boundary (lower / upper)"))
    table.add_column(_("at CNY/month"), justify="right")
    table.add_column(_("bands"))
    table.add_column(_("verdict"))
    table.add_column(_("inversions"), justify="right")
    for b in report.boundaries:
        n = len(b.inversions)
        levels = ", ".join(
            f"{sum(1 for i in b.inversions if i.level == w)} {_word(w)}"
            for w in ("high", "medium", "low")
            if any(i.level == w for i in b.inversions)
        )
        table.add_row(
            b.name if b.crossable else f"{b.name} [dim]({_('not crossable')})[/]",
            _money(b.spend),
            pgettext("bands", b.meeting),
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
        row(_("visits a year"), "visits_per_year", 2),
        row(_("phone contacts a year"), "contacts_per_year", 2),
        row(_("service hours a year"), "hours_per_year", 2),
        row(_("h/yr per 10k CNY at {spend}").format(spend=_money(b.spend)), "hours_per_10k_at_boundary", 2),
        row(_("h/yr per 10k CNY mid-band"), "hours_per_10k_mid", 2),
        (
            _("coverage of standard"),
            _pct(1.0),
            _pct(1.0),
            _pct(p.lower.coverage),
            _pct(p.upper.coverage),
        ),
        (
            _("customers per manager"),
            "",
            "",
            _num(p.lower.customers_per_manager, 0),
            _num(p.upper.customers_per_manager, 0),
        ),
        same(_("customers"), f"{d.lower.customers:,}", f"{d.upper.customers:,}"),
        same(_("visit standard"), d.lower.visit_standard, d.upper.visit_standard),
        same(_("contact standard"), d.lower.contact_standard, d.upper.contact_standard),
        same(_("style"), d.lower.style, d.upper.style),
        same(_("discount"), f"{b.price.lower_discount:.0%}", f"{b.price.upper_discount:.0%}"),
        same(
            _("price of {spend} CNY").format(spend=_money(b.spend)),
            _money(b.price.price_just_below),
            _cell(_money(b.price.price_just_above), _inverted(b, "price", "net_monthly_price")),
        ),
    ]


def render_boundary(b: Boundary, console: Console) -> None:
    """Both sides of one boundary, on paper and in practice, then each inversion in words."""
    from rich.table import Table

    title = _("{name} at {spend} CNY a month (bands {meeting})").format(
        name=b.name, spend=_money(b.spend), meeting=pgettext("bands", b.meeting)
    )
    table = Table(title=title, title_justify="left")
    table.add_column(_("per customer"))
    paper, practice = _word("on paper"), _word("in practice")
    table.add_column(f"{b.lower}\n{paper}", justify="right")
    table.add_column(f"{b.upper}\n{paper}", justify="right")
    table.add_column(f"{b.lower}\n{practice}", justify="right")
    table.add_column(f"{b.upper}\n{practice}", justify="right")
    for r in _figure_rows(b):
        table.add_row(*r)
    print_table(console, table)
    console.print("  " + colon(f"[bold]{_('Verdict')}[/]", b.verdict))
    if b.inversions:
        for i in b.inversions:
            console.print("  " + inversion_line(i))
    else:
        console.print(
            "  "
            + colon(f"[green]{_('no inversion')}[/]", _("the upper tier gets at least as much, for no more"))
        )
    if b.near is not None:
        n = b.near
        text = "  " + _(
            "Near the line ({low}-{high} CNY a month): {lower} {lower_n} customers ({lower_rev} CNY a "
            "month), {upper} {upper_n} ({upper_rev} CNY a month); {below} would pay less just below the line"
        ).format(
            low=_money(n.window_low),
            high=_money(n.window_high),
            lower=n.lower.tier,
            lower_n=f"{n.lower.customers:,}",
            lower_rev=f"{n.lower.monthly_revenue:,.0f}",
            upper=n.upper.tier,
            upper_n=f"{n.upper.customers:,}",
            upper_rev=f"{n.upper.monthly_revenue:,.0f}",
            below=f"{n.pay_less_below:,}",
        )
        if n.overpay_per_month > 0:
            text += _("; {upper}'s pay {more} CNY a month more than the same spend costs below it").format(
                upper=n.upper.tier, more=f"{n.overpay_per_month:,.0f}"
            )
        console.print(text + ".")
        render_near_customers(n, console)
    console.print()


#: Near customers listed per line in the terminal (all of them in the JSON and --near-csv).
NEAR_SHOWN = 10


def render_near_customers(n: NearFigures, console: Console, show: int = NEAR_SHOWN) -> None:
    """The customers closest to the line, who would cross it with a small change in spend."""
    from rich.table import Table

    if not n.customers:
        return
    table = Table(
        title=f"  Who could cross (within {n.fraction:.0%}, closest first)",
        title_justify="left",
    )
    table.add_column("customer")
    table.add_column("tier")
    table.add_column("side")
    table.add_column("CNY/month", justify="right")
    table.add_column("vs line", justify="right")
    for c in n.customers[:show]:
        table.add_row(c.customer_id, c.tier, c.side, _money(c.monthly_spend), f"{c.distance:+.1%}")
    console.print(table)
    if len(n.customers) > show:
        console.print(f"  [dim]+{len(n.customers) - show:,} more: see --near-csv FILE or --format json[/]")


def near_rows(report: BoundaryReport) -> list[dict[str, object]]:
    """One row per near customer per line (the --near-csv columns)."""
    rows: list[dict[str, object]] = []
    for b in report.boundaries:
        if b.near is None:
            continue
        for c in b.near.customers:
            rows.append(
                {
                    "line": b.name,
                    "line_spend": b.spend,
                    "customer_id": c.customer_id,
                    "tier": c.tier,
                    "side": c.side,
                    "monthly_spend": c.monthly_spend,
                    "distance": round(c.distance, 6),
                }
            )
    return rows


def write_near_csv(report: BoundaryReport, target: str | Path) -> Path:
    """``--near-csv``: every near customer of every line, written atomically and formula-safe."""
    import pandas as pd

    from planner.report.export import write_csv

    columns = ["line", "line_spend", "customer_id", "tier", "side", "monthly_spend", "distance"]
    return write_csv(target, pd.DataFrame(near_rows(report), columns=columns))


def render_remedy(remedy: RemedyComparison, console: Console) -> None:
    """Before and after side by side: headcount, cost, boundary tiers' coverage, inversions left."""
    from rich.table import Table

    before, after = remedy.before, remedy.after
    table = Table(
        title=_("Remedy: before and after (coverage at each scenario's own today's headcount)"),
        title_justify="left",
    )
    table.add_column("")
    table.add_column(_("before: {scenario}").format(scenario=before.scenario), justify="right")
    table.add_column(_("after: {scenario}").format(scenario=after.scenario), justify="right")
    table.add_row(_("managers today"), f"{before.headcount:,}", f"{after.headcount:,}")
    table.add_row(_("cost today (CNY/yr)"), f"{before.annual_cost:,.0f}", f"{after.annual_cost:,.0f}")
    table.add_row(
        _("managers required (plan, compare)"),
        f"{before.required_headcount:,}",
        f"{after.required_headcount:,}",
    )
    table.add_row(_("cost required (CNY/yr)"), f"{before.required_cost:,.0f}", f"{after.required_cost:,.0f}")
    for key in before.coverage:
        b, a = before.coverage[key], after.coverage.get(key)
        table.add_row(_("coverage {tier}").format(tier=key), _pct_style(b), _pct_style(a))
    for key in before.customers_per_manager:
        table.add_row(
            _("customers/manager {tier}").format(tier=key),
            _num(before.customers_per_manager[key], 0),
            _num(after.customers_per_manager.get(key), 0),
        )
    for kind in ("designed", "delivered", "price"):
        nb = sum(1 for i in before.inversions if i.kind == kind)
        na = sum(1 for i in after.inversions if i.kind == kind)
        shown = _cell(str(na), True) if na else "[green]0[/]"
        table.add_row(_("inversions {kind}").format(kind=_word(KIND_WORD[kind])), str(nb), shown)
    print_table(console, table)
    removed = remedy.removed()
    if removed:
        console.print(colon(f"[bold]{_('Removed by the remedy')}[/]"))
        for i in removed:
            what = f"{_word(KIND_WORD[i.kind])}: {_word(METRIC_WORD.get(i.metric, i.metric))}"
            console.print(f"  [green]-[/] {i.boundary}: {what}")
    if after.inversions:
        left: dict[str, int] = {}
        for i in after.inversions:
            left[i.boundary] = left.get(i.boundary, 0) + 1
        where = ", ".join(f"{name} ({n})" for name, n in left.items())
        left_text = _("{n} inversions, at {where}.").format(n=len(after.inversions), where=where)
        console.print(colon(f"[bold]{_('Left after the remedy')}[/]", left_text))
    else:
        console.print(f"[green]{_('No inversion left after the remedy.')}[/]")


def render_boundary_report(report: BoundaryReport, console: Console) -> None:
    """The whole report: summary, each boundary, and the remedy if there is one."""
    render_summary(report, console)
    if not report.boundaries:
        console.print(_("No boundaries: the policy has fewer than two field channels whose bands meet."))
    console.print()
    sound = [b for b in report.boundaries if not b.inversions]
    for b in report.boundaries:
        if b.inversions:
            render_boundary(b, console)
    if sound:
        some = len(sound) < len(report.boundaries)
        which = (
            _("No inversion on the {n} other lines") if some else _("No inversion on any of the {n} lines")
        ).format(n=len(sound))
        console.print(
            colon(
                f"[green]{which}[/]",
                _("sound on paper, in practice and in price (figures in --format json)."),
            )
        )
    if report.remedy is not None:
        render_remedy(report.remedy, console)
    from planner.analyses.boundary import SEVERITY_THRESHOLDS

    levels = ", ".join(f"{_word(word)} < {limit:.0%}" for limit, word in SEVERITY_THRESHOLDS)
    legend = _(
        "In practice = at today's headcount in the plan year's calendar (planner plan --headcount "
        "current): visits and phone contacts as the calendar delivers them. Severity = relative gap at the "
        "line: {levels}, high otherwise."
    ).format(levels=levels)
    console.print(f"[dim]{legend}[/]")


__all__ = ["render_boundary", "render_boundary_report", "render_remedy", "render_summary"]
