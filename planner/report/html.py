"""The branch report as one self-contained HTML file: opens offline, prints on A4, computes nothing.

Everything is inline: the CSS (with an ``@media print`` A4 layout), the charts (SVG from
:mod:`planner.report.charts`); no script, no web font, no image file, no link to anything. Every
text from users' files (names, labels, ids, notes) is escaped with :func:`html.escape`. Each figure
that comes from ``branch.json`` is wrapped in an element carrying ``data-json`` (its key path in the
JSON, e.g. ``totals.heads_required`` or ``plan.tiers[0].coverage_at_current``) and ``data-fmt``
(how it is written: ``int``, ``num1``, ``pct``, ``money``, ``text``), so a reader or a test can
check the page against the JSON. The same result gives the same bytes (no clock, no random ids).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from planner.i18n import _, current_language, value_word
from planner.report.charts import Bar, Series, coverage_colour, hbar_chart, line_chart

if TYPE_CHECKING:  # pragma: no cover
    from planner.analyses.branch import BranchResult

#: How each ``data-fmt`` writes a number.
FORMATS = {
    "int": lambda x: f"{x:,.0f}",
    "num1": lambda x: f"{x:,.1f}",
    "signed1": lambda x: f"{x:+,.1f}",
    "signed": lambda x: f"{x:+,.0f}",
    "pct": lambda x: f"{x:.1%}",
    "money": lambda x: f"{x:,.0f}",
}


def fig(value: Any, path: str, fmt: str = "int", tag: str = "span", cls: str = "") -> str:
    """One figure of ``branch.json``: its text, marked with its key path and format."""
    if value is None:
        text = "-"
    elif fmt == "text":
        text = str(value)
    else:
        text = FORMATS[fmt](float(value))
    klass = f' class="{cls}"' if cls else ""
    return f'<{tag}{klass} data-json="{escape(path)}" data-fmt="{fmt}">{escape(text)}</{tag}>'


def td(value: Any, path: str, fmt: str = "int", cls: str = "num") -> str:
    """A table cell holding one figure."""
    return fig(value, path, fmt, tag="td", cls=cls)


def text_td(text: str | None, cls: str = "") -> str:
    """A table cell of (escaped) text."""
    klass = f' class="{cls}"' if cls else ""
    return f"<td{klass}>{escape(text or '')}</td>"


def tier_name(key: str, label: str | None) -> str:
    """``key.crystal (水晶)``; in Chinese the label first: ``水晶 key.crystal``."""
    if not label:
        return key
    return f"{label} {key}" if current_language() == "zh" else f"{key} ({label})"


def plan_word(result: BranchResult) -> str:
    """The plan column's name: ``required``, or (``--headcount current``) what today's heads plan."""
    return _("required") if result.headcount == "required" else _("planned at today's heads")


def _table(headers: Sequence[str], rows: Sequence[str], cls: str = "", numeric: Sequence[int] = ()) -> str:
    """A table; the ``numeric`` columns' headers align right, as their figures do."""
    head = "".join(
        f'<th class="num">{escape(h)}</th>' if i in numeric else f"<th>{escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    klass = f' class="{cls}"' if cls else ""
    body = "\n".join(f"<tr>{r}</tr>" for r in rows)
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}">\n<h2>{escape(title)}</h2>\n{body}\n</section>'


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


CSS = """
:root { --ink: #1a1a1a; --muted: #5b5b5b; --line: #d0d0d0; --bad: #b33c00; --good: #00704f; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei",
  "PingFang SC", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px 32px;
  line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.0em; margin: 16px 0 6px; }
.sub { color: var(--muted); margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card .big { font-size: 1.8em; font-weight: 700; display: block; }
.card .k { color: var(--muted); font-size: 0.9em; }
.card ol { margin: 4px 0 0; padding-left: 1.2em; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 0.92em; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.compact td:first-child { white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
.bad { color: var(--bad); font-weight: 600; }
.good { color: var(--good); }
.note { color: var(--muted); font-size: 0.9em; }
svg.chart { width: 100%; height: auto; display: block; margin: 6px 0 4px; }
svg text { font-family: inherit; font-size: 12px; fill: var(--ink); }
svg text.tick, svg text.legend { fill: var(--muted); font-size: 11px; }
table.compact { width: auto; min-width: 60%; }
table.lines { table-layout: fixed; }
table.lines col.c0 { width: 17%; } table.lines col.c1 { width: 11%; } table.lines col.c2,
table.lines col.c3 { width: 9%; } table.lines col.c4 { width: 20%; } table.lines col.c5 { width: 34%; }
.assumptions table { table-layout: fixed; font-size: 0.82em; }
.assumptions td { overflow-wrap: anywhere; }
.assumptions col.line { width: 7%; } .assumptions col.figure { width: 27%; }
.assumptions col.value { width: 20%; } .assumptions col.why { width: 46%; }
ul.warnings { color: var(--bad); font-size: 0.9em; }
@media (max-width: 760px) { .cards { grid-template-columns: 1fr; } body { padding: 12px; } }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: auto; }
  table.compact, svg.chart, .card { break-inside: avoid; page-break-inside: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .cards { grid-template-columns: repeat(3, 1fr); }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def _card(title: str, body: str) -> str:
    return f'<div class="card"><span class="k">{escape(title)}</span>{body}</div>'


def _headline(r: BranchResult) -> str:
    t = r.totals
    today, gap = escape(_("today")), escape(_("gap"))
    heads = _card(
        _("Heads needed (managers + call-centre agents)")
        if r.headcount == "required"
        else _("Heads at today's headcount (managers + call-centre agents)"),
        fig(t.heads_required, "totals.heads_required", "num1", cls="big")
        + f'<span class="k">{today} {fig(t.heads_today, "totals.heads_today", "num1")}; '
        + f"{gap} {fig(t.gap, 'totals.gap', 'signed1')}</span><br>"
        + f'<span class="k">{fig(t.managers_required, "totals.managers_required")} '
        + f"{escape(_('managers'))} + {fig(t.agents, 'totals.agents', 'num1')} {escape(_('agents'))}</span>",
    )
    cost = _card(
        _("Cost, CNY a year"),
        fig(t.cost_required, "totals.cost_required", "money", cls="big")
        + f'<span class="k">{today} {fig(t.cost_today, "totals.cost_today", "money")}</span><br>'
        + f'<span class="k">{escape(_("call centre"))} '
        + f"{fig(t.agents_cost, 'totals.agents_cost', 'money')}</span>",
    )
    worst = r.worst_gaps()
    if worst:
        items = "".join(
            f"<li>{escape(tier_name(g.tier, g.label))}: "
            + fig(g.coverage_today, f"gaps[{i}].coverage_today", "pct", cls="bad")
            + "</li>"
            for i, g in enumerate(worst)
        )
        gaps = f"<ol>{items}</ol>"
    else:
        met = escape(_("Every tier meets its standard at today's headcount."))
        gaps = f'<p class="good">{met}</p>'
    gaps_card = _card(_("Worst coverage at today's headcount"), gaps)
    basis = ""
    if t.callcentre_today_basis == "planned":
        basis = _p(
            _(
                "The scenario gives no count of today's call-centre agents: today's heads and cost "
                "count the call centre as planned, so the gap is the managers' alone."
            )
        )
    return f'<div class="cards">{heads}{cost}{gaps_card}</div>\n<div class="note">{basis}</div>'


def _coverage(r: BranchResult) -> str:
    bars = []
    for i, t in enumerate(r.plan.tiers):
        if t.required_hours <= 0:
            continue
        if t.coverage_at_current is not None:
            value, path = t.coverage_at_current, f"plan.tiers[{i}].coverage_at_current"
        else:
            value, path = t.coverage, f"plan.tiers[{i}].coverage"
        bars.append(Bar(tier_name(t.key, t.label), value, f"{value:.1%}", path, coverage_colour(value)))
    chart = hbar_chart(
        bars,
        title=_("Coverage per tier at today's headcount"),
        scale_max=1.0,
        reference=1.0,
        reference_label=_("standard"),
    )
    note = _p(
        _("Share of each tier's visit and phone-contact standard today's managers deliver in the plan year.")
    )
    return _section("coverage", _("Coverage per tier at today's headcount"), note + chart)


def _roles(r: BranchResult) -> str:
    rows = []
    for i, role in enumerate(r.plan.roles):
        p = f"plan.roles[{i}]"
        name = f"{role.role} ({role.label})" if role.label else role.role
        rows.append(
            text_td(name)
            + td(role.current_headcount, f"{p}.current_headcount")
            + td(role.required_headcount, f"{p}.required_headcount")
            + td(role.gap, f"{p}.gap", "signed")
            + td(role.utilization, f"{p}.utilization", "pct")
            + td(role.annual_cost, f"{p}.annual_cost", "money")
        )
    if r.callcentre is not None and r.callcentre.ok:
        rows.append(
            text_td(_("call-centre agents (FTE)"))
            + '<td class="num">-</td>'
            + td(r.callcentre.fte, "callcentre.fte", "num1")
            + '<td class="num">-</td><td class="num">-</td>'
            + td(r.callcentre.annual_cost, "callcentre.annual_cost", "money")
        )
    t = r.totals
    rows.append(
        text_td(_("branch total"))
        + td(t.heads_today, "totals.heads_today", "num1")
        + td(t.heads_required, "totals.heads_required", "num1")
        + td(t.gap, "totals.gap", "signed1")
        + '<td class="num"></td>'
        + td(t.cost_required, "totals.cost_required", "money")
    )
    table = _table(
        [_("role"), _("today"), plan_word(r), _("gap"), _("hours used"), _("cost CNY/yr")],
        rows,
        numeric=(1, 2, 3, 4, 5),
    ).replace(f"<tr>{rows[-1]}</tr>", f'<tr class="total">{rows[-1]}</tr>')
    plan = r.plan
    mode = _p(
        _("Plan mode: {mode}; solver status: {status}.").format(
            mode=value_word(plan.mode), status=value_word(r.plan_status)
        )
    )
    return _section("headcount", _("Headcount per role"), table + mode)


def _boundary(r: BranchResult) -> str:
    rows = []
    for i, b in enumerate(r.boundary.boundaries):
        p = f"boundary.boundaries[{i}]"
        lower = b.delivered.lower
        upper = b.delivered.upper
        issues = "; ".join(inv.message for inv in b.inversions) or _("no inversion")
        rows.append(
            text_td(b.name)
            + td(b.spend, f"{p}.spend", "money")
            + td(lower.coverage, f"{p}.delivered.lower.coverage", "pct")
            + td(upper.coverage, f"{p}.delivered.upper.coverage", "pct")
            + text_td(b.verdict, "bad" if b.inversions else "good")
            + text_td(issues)
        )
    body = _table(
        [
            _("line (lower / upper)"),
            _("spend CNY/month"),
            _("lower today"),
            _("upper today"),
            _("verdict"),
            _("inversions"),
        ],
        rows,
        cls="lines",
        numeric=(1, 2, 3),
    )
    cols = "".join(f'<col class="c{i}">' for i in range(6))
    body = body.replace("<thead>", f"<colgroup>{cols}</colgroup><thead>", 1)
    near_rows = []
    for i, b in enumerate(r.boundary.boundaries):
        if b.near is None:
            continue
        p = f"boundary.boundaries[{i}].near"
        near_rows.append(
            text_td(b.name)
            + td(b.near.window_low, f"{p}.window_low", "money")
            + td(b.near.window_high, f"{p}.window_high", "money")
            + td(b.near.lower.customers, f"{p}.lower.customers")
            + td(b.near.upper.customers, f"{p}.upper.customers")
            + td(b.near.overpay_per_month, f"{p}.overpay_per_month", "money")
        )
    if near_rows:
        body += f"<h3>{escape(_('Roster customers near each line'))}</h3>" + _table(
            [
                _("line (lower / upper)"),
                _("spend from"),
                _("spend to"),
                _("below the line"),
                _("above the line"),
                _("overpay CNY/month"),
            ],
            near_rows,
            cls="compact",
            numeric=(1, 2, 3, 4, 5),
        )
    remedy = r.boundary.remedy
    if remedy is None:
        body += _p(_("No remedy scenario given (planner branch --remedy SCENARIO)."))
    else:
        sides = [("before", remedy.before), ("after", remedy.after)]
        # The tiers the remedy changes or leaves short; the others are met on both sides.
        tiers = [
            k
            for k in sorted(set(remedy.before.coverage) | set(remedy.after.coverage))
            if {remedy.before.coverage.get(k), remedy.after.coverage.get(k)} != {1.0}
        ]
        headers = [
            _("figure"),
            _("before: {name}").format(name=remedy.before.scenario),
            _("after: {name}").format(name=remedy.after.scenario),
        ]
        lines = []
        for key, label, fmt in (
            ("headcount", _("today's heads"), "int"),
            ("annual_cost", _("today's cost CNY/yr"), "money"),
            ("required_headcount", _("heads every standard needs"), "int"),
            ("required_cost", _("cost every standard needs CNY/yr"), "money"),
        ):
            lines.append(
                text_td(label)
                + "".join(
                    td(getattr(side, key), f"boundary.remedy.{name}.{key}", fmt) for name, side in sides
                )
            )
        for tier in tiers:
            lines.append(
                text_td(_("coverage {tier}").format(tier=tier))
                + "".join(
                    td(side.coverage.get(tier), f'boundary.remedy.{name}.coverage["{tier}"]', "pct")
                    for name, side in sides
                )
            )
        lines.append(
            text_td(_("inversions"))
            + "".join(
                text_td("; ".join(i.message for i in side.inversions) or _("none")) for _n, side in sides
            )
        )
        body += f"<h3>{escape(_('Remedy: before and after'))}</h3>" + _table(
            headers, lines, cls="compact", numeric=(1, 2)
        )
        body += _p(_("Coverage rows: the tiers below their standard on either side; the rest are met."))
    return _section("boundary", _("Chicken head vs phoenix tail: the boundaries"), body)


def _callcentre(r: BranchResult) -> str:
    cc = r.callcentre
    if cc is None:
        return _section("callcentre", _("Call centre"), _p(_("The scenario has no call centre.")))
    if not cc.ok:
        return _section(
            "callcentre",
            _("Call centre"),
            _p(_("No shift plan: {status}.").format(status=value_word(cc.status))),
        )
    by_day: dict[str, list[Any]] = {}
    for it in cc.intervals:
        by_day.setdefault(it.day_type, []).append(it)
    days = list(by_day)
    labels = [it.start for it in by_day[days[0]]]
    series = []
    for day in days:
        series.append(
            Series(
                _("{day}: required").format(day=day),
                [i.agents_required for i in by_day[day]],
                dashed=True,
                step=True,
            )
        )
        series.append(
            Series(
                _("{day}: scheduled").format(day=day), [i.agents_scheduled for i in by_day[day]], step=True
            )
        )
    ticks = max(1, len(labels) // 12)
    chart = line_chart(
        labels,
        series,
        title=_("Agents on shift through the day"),
        y_label=_("agents on shift"),
        tick_every=ticks,
    )
    rows = [
        text_td(_("service target")) + td(cc.target, "callcentre.target", "text"),
        text_td(_("agents (FTE)")) + td(cc.fte, "callcentre.fte", "num1"),
        text_td(_("annual cost CNY")) + td(cc.annual_cost, "callcentre.annual_cost", "money"),
        text_td(_("paid hours a year")) + td(cc.paid_hours_per_year, "callcentre.paid_hours_per_year", "int"),
    ]
    for i, d in enumerate(cc.days):
        rows.append(
            text_td(_("{day}: peak on shift").format(day=d.day_type))
            + td(d.agents_on_shift_peak, f"callcentre.days[{i}].agents_on_shift_peak")
        )
        rows.append(
            text_td(_("{day}: days a year").format(day=d.day_type))
            + td(d.days_per_year, f"callcentre.days[{i}].days_per_year")
        )
    table = _table([_("figure"), _("value")], rows, cls="compact", numeric=(1,))
    return _section("callcentre", _("Call centre: intraday staffing"), chart + table)


def _hiring(r: BranchResult) -> str:
    h = r.hiring
    if h is None:
        return _section("hiring", _("Hiring timeline"), _p(_("The scenario has no hiring section.")))
    if not h.ok:
        return _section(
            "hiring",
            _("Hiring timeline"),
            _p(_("No hiring plan: {status}.").format(status=value_word(h.status))),
        )
    labels = list(h.labels)
    series = []
    for role in h.roles:
        series.append(Series(role.role, [p.headcount for p in h.rows(role.role)], step=True))
    ticks = max(1, len(labels) // 12)
    chart = line_chart(
        labels, series, title=_("Headcount per role, period by period"), y_label=_("heads"), tick_every=ticks
    )
    rows = []
    where = {e.role: i for i, e in enumerate(h.efficiency)}
    for i, role in enumerate(h.roles):
        p = f"hiring.roles[{i}]"
        e = where.get(role.role)
        # The share of a head's hours the role delivers in plan's calendar (blank without one).
        packing = (
            td(h.efficiency[e].efficiency, f"hiring.efficiency[{e}].efficiency", "pct")
            if e is not None
            else "<td></td>"
        )
        rows.append(
            text_td(role.role)
            + td(role.start_headcount, f"{p}.start_headcount")
            + td(role.hires, f"{p}.hires", "num1")
            + td(role.leavers, f"{p}.leavers", "num1")
            + td(role.end_headcount, f"{p}.end_headcount", "num1")
            + td(role.coverage, f"{p}.coverage", "pct")
            + packing
            + td(role.first_hire_decided, f"{p}.first_hire_decided", "text", cls="")
        )
    table = _table(
        [
            _("role"),
            _("start"),
            _("hires"),
            _("leavers"),
            _("end"),
            _("coverage"),
            _("efficiency"),
            _("first hire decided"),
        ],
        rows,
        numeric=(1, 2, 3, 4, 5, 6),
    )
    totals = _p(_("Total cost over the horizon, CNY: ")).replace(
        "</p>", f"{fig(h.total_cost, 'hiring.total_cost', 'money')}</p>"
    )
    return _section("hiring", _("Hiring timeline"), chart + table + totals)


def _schedule(r: BranchResult) -> str:
    s = r.schedule
    if s is None:
        return ""
    if not s.ok:
        return _section(
            "schedule",
            _("Dated schedule"),
            _p(_("No schedule: {why}").format(why=s.explanation or value_word(s.status))),
        )
    rows = []
    for i, role in enumerate(s.roles):
        p = f"schedule.roles[{i}]"
        rows.append(
            text_td(role.role)
            + td(role.managers, f"{p}.managers")
            + td(role.customers, f"{p}.customers")
            + td(role.peak_utilization, f"{p}.peak_utilization", "pct")
            + td(role.peak_week, f"{p}.peak_week", "text", cls="")
            + td(role.weeks_over_capacity, f"{p}.weeks_over_capacity")
        )
    table = _table(
        [
            _("role"),
            _("managers"),
            _("customers"),
            _("peak week load"),
            _("peak week"),
            _("weeks over capacity"),
        ],
        rows,
        numeric=(1, 2, 3, 5),
    )
    scheduled = fig(s.customers_scheduled, "schedule.customers_scheduled")
    intro = f"<p>{escape(_('Customers scheduled:'))} {scheduled}; "
    intro += f"{escape(_('files'))}: schedule.csv, managers.csv.</p>"
    return _section("schedule", _("Dated schedule"), intro + table)


def _why(note: str) -> str:
    """A note without its leading ``[assumption]`` marker (the section says they all are)."""
    import re

    return re.sub(r"^\[assumptions?\]\s*", "", note, flags=re.IGNORECASE)


def _assumptions(r: BranchResult) -> str:
    intro = _p(
        _(
            "Every figure the scenario and its policy mark [assumption] in their comments: the "
            "source does not give it, so the project chose it. Change them in the files named."
        )
    )
    by_file: dict[str, list[int]] = {}
    for i, a in enumerate(r.assumptions):
        by_file.setdefault(a.file, []).append(i)
    cols = '<colgroup><col class="line"><col class="figure"><col class="value"><col class="why"></colgroup>'
    tables = []
    for file, indexes in by_file.items():
        rows = []
        for i in indexes:
            a, p = r.assumptions[i], f"assumptions[{i}]"
            if a.subject:
                wrapped = escape(a.subject).replace(".", ".<wbr>")  # line breaks at the dots
                subject = f'<td data-json="{p}.subject" data-fmt="text">{wrapped}</td>'
            else:
                subject = text_td(_("(the whole file)"))
            rows.append(
                td(a.line, f"{p}.line")
                + subject
                + td(a.value, f"{p}.value", "text", cls="")
                + text_td(_why(a.note))
            )
        table = _table([_("line"), _("figure"), _("value"), _("why")], rows, numeric=(0,))
        tables.append(f"<h3>{escape(file)}</h3>" + table.replace("<thead>", cols + "<thead>", 1))
    head = escape(_("Assumptions used"))
    body = intro + "\n".join(tables)
    return f'<section id="assumptions" class="assumptions">\n<h2>{head}</h2>\n{body}\n</section>'


def render_html(result: BranchResult) -> str:
    """The whole report as one HTML document (text; the caller writes it)."""
    from planner import __version__

    r = result
    title = _("Branch report: {scenario}, {year}").format(scenario=r.scenario, year=r.year)
    sub = _("Scenario {scenario}; plan year {year}; headcount basis {basis}; roster {roster}.").format(
        scenario=r.scenario,
        year=r.year,
        basis=value_word(r.headcount),
        roster=r.roster or _("none (scenario counts)"),
    )
    made = _("Made by planner {version}.").format(version=__version__)
    warnings = ""
    if r.warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in r.warnings)
        warnings = _section("warnings", _("Warnings"), f'<ul class="warnings">{items}</ul>')
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if current_language() == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="planner {escape(__version__)}">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        f'<header><h1>{escape(title)}</h1><p class="sub">{escape(sub)}</p></header>',
        _headline(r),
        _coverage(r),
        _roles(r),
        _boundary(r),
        _callcentre(r),
        _hiring(r),
        _schedule(r),
        _assumptions(r),
        warnings,
        f'<footer class="note"><p>{escape(made)}</p></footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
