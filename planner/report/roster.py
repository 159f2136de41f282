"""Rich rendering of a roster check; reads the result, computes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from planner.i18n import _
from planner.report.tables import fmt_int, print_table

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.roster import RosterCheck

#: Rejected rows listed one by one in the table report (all of them are in the JSON).
SHOW_REJECTED = 20


def render_roster_check(check: RosterCheck, console: Console) -> None:
    """Accounting line, rejects, tiers, reclassification and churn exposure."""
    from rich.table import Table

    console.print(
        f"[bold]{check.source}[/]: "
        + _("{read} rows read = {accepted} accepted + {rejected} rejected").format(
            read=fmt_int(check.rows_read),
            accepted=fmt_int(check.rows_accepted),
            rejected=fmt_int(check.rows_rejected),
        )
    )
    if check.rows_rejected:
        reasons = Table(title=_("Rejected rows by reason"), title_justify="left")
        reasons.add_column(_("reason"))
        reasons.add_column(_("rows"), justify="right")
        for reason, n in check.reasons.items():
            reasons.add_row(reason, fmt_int(n))
        print_table(console, reasons)
        listed = Table(
            title=_("Rejected rows (first {n} of {total}; --format json lists all)").format(
                n=min(SHOW_REJECTED, check.rows_rejected), total=fmt_int(check.rows_rejected)
            ),
            title_justify="left",
        )
        listed.add_column(_("row"), justify="right")
        listed.add_column("customer_id")
        listed.add_column(_("reason"))
        for r in check.rejected[:SHOW_REJECTED]:
            listed.add_row(str(r["row"]), r["customer_id"] or "-", r["reason"])
        print_table(console, listed)

    tiers = Table(title=_("Accepted customers per tier"), title_justify="left", show_footer=True)
    tiers.add_column(_("tier"), footer=_("total"))
    tiers.add_column(_("customers"), justify="right", footer=fmt_int(sum(t.customers for t in check.tiers)))
    tiers.add_column(
        _("monthly revenue (CNY)"),
        justify="right",
        footer=fmt_int(sum(t.monthly_revenue for t in check.tiers)),
    )
    for t in check.tiers:
        if t.customers:
            tiers.add_row(f"{t.channel}.{t.tier}", fmt_int(t.customers), fmt_int(t.monthly_revenue))
    print_table(console, tiers)

    if check.reclassified:
        moves = Table(title=_("Reclassified: where today's spend puts them"), title_justify="left")
        moves.add_column(_("from"))
        moves.add_column(_("to"))
        moves.add_column(_("customers"), justify="right")
        moves.add_column(_("monthly revenue (CNY)"), justify="right")
        for m in check.reclassified:
            style = "bold" if m.from_.split(".")[0] != m.to.split(".")[0] else ""
            moves.add_row(m.from_, m.to, fmt_int(m.customers), fmt_int(m.monthly_revenue), style=style)
        print_table(console, moves)
    else:
        console.print(_("No customer's spend has left its listed tier."))

    for title, key, rows in (
        (_("Churn exposure by tier"), _("tier"), check.churn_tiers),
        (_("by industry"), _("industry"), check.churn_industries),
    ):
        table = Table(
            title=_("{title} (revenue at risk = monthly spend x 12 x churn risk)").format(title=title),
            title_justify="left",
        )
        table.add_column(key)
        table.add_column(_("customers"), justify="right")
        table.add_column(_("monthly revenue"), justify="right")
        table.add_column(_("at risk (CNY/yr)"), justify="right")
        for e in rows:
            table.add_row(e.key, fmt_int(e.customers), fmt_int(e.monthly_revenue), fmt_int(e.revenue_at_risk))
        print_table(console, table)
    for w in check.warnings:
        console.print(f"[dim]{w}[/]")


def roster_check_json(check: RosterCheck) -> str:
    """The check as JSON text: the same bytes as ``to_json(check)`` (see :func:`roster_check_json_chunks`)."""
    return "".join(roster_check_json_chunks(check))


def roster_check_json_chunks(check: RosterCheck, chunk_rows: int = 20_000) -> Iterator[str]:
    """The check as JSON, in pieces whose concatenation equals ``to_json(check)``, byte for byte.

    The generic encoder walks every rejected row in Python with indentation (several seconds and
    gigabytes for 1,000,000 rejects); here the rest goes through it and the rejected rows, whose
    layout is fixed (``row`` an int, ``customer_id`` and ``reason`` strings), are written directly,
    ``chunk_rows`` at a time so the whole text never sits in memory at once.
    """
    from json.encoder import encode_basestring as quote

    from planner.report.export import to_json

    data = check.to_dict()
    rejected = data["rejected"]
    text = to_json({k: [] if k == "rejected" else v for k, v in data.items()})
    if not rejected:
        yield text
        return
    marker = '\n  "rejected": [],\n'
    at = text.index(marker)
    yield text[:at] + '\n  "rejected": [\n'
    for start in range(0, len(rejected), chunk_rows):
        part = rejected[start : start + chunk_rows]
        lead = "" if start == 0 else ",\n"
        yield lead + ",\n".join(
            [
                f'    {{\n      "row": {int(r["row"])},\n'
                f'      "customer_id": {quote(str(r["customer_id"]))},\n'
                f'      "reason": {quote(str(r["reason"]))}\n    }}'
                for r in part
            ]
        )
    yield "\n  ],\n" + text[at + len(marker) :]
