"""The branch pack on disk and on screen: ``report.html``, ``branch.xlsx``, ``branch.json``, the
schedule files (one atomic set), and a one-screen terminal summary. Computes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.i18n import NP_, _, pgettext, value_word
from planner.report.html import plan_word, tier_name

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.branch import BranchResult

#: Excel number formats by kind.
INT, NUM1, NUM2, PCT, MONEY = "#,##0", "#,##0.0", "#,##0.00", "0.0%", "#,##0"

#: The files of a pack, in the order the summary lists them.
PACK_FILES = ("report.html", "branch.xlsx", "branch.json")


# --------------------------------------------------------------------------------------- workbook


class _Sheet:
    """One worksheet: a bold, frozen header row, then rows whose numbers get their formats."""

    def __init__(self, wb: Any, title: str, columns: Sequence[tuple[str, str | None]], taken: set[str]):
        from openpyxl.styles import Font

        from planner.report.export import append_row, sheet_title

        self.ws = wb.create_sheet(sheet_title(title, taken))
        self.formats = [fmt for _name, fmt in columns]
        append_row(self.ws, [name for name, _fmt in columns])
        for cell in self.ws[1]:
            cell.font = Font(bold=True)
        self.ws.freeze_panes = "A2"
        for i, (name, _fmt) in enumerate(columns):
            from openpyxl.utils import get_column_letter

            self.ws.column_dimensions[get_column_letter(i + 1)].width = max(10, min(48, len(name) + 4))

    def row(self, values: Sequence[Any], formats: Sequence[str | None] | None = None) -> None:
        """Append ``values``; numbers get ``formats`` (default: the columns')."""
        from planner.report.export import append_row

        append_row(self.ws, values)
        for cell, fmt in zip(self.ws[self.ws.max_row], formats or self.formats, strict=False):
            if fmt and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = fmt


#: ``callcentre_today_basis`` when the scenario has no call centre (``planned`` is in VALUE_WORDS).
_BASIS_WORDS = (NP_("value", "none"),)


def _status(x: Any) -> str:
    """A solver status (or basis) as people read it in the active language; "" when there is none."""
    return value_word(x)


def write_branch_xlsx(result: BranchResult, target: Path) -> None:
    """``branch.xlsx``: ``Summary`` and one sheet per section, written clock-free to ``target``."""
    import datetime

    from openpyxl import Workbook

    from planner.report.export import XLSX_TIME, write_xlsx_deterministic

    r, t = result, result.totals
    wb = Workbook()
    stamp = datetime.datetime(*XLSX_TIME)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "planner"
    wb.remove(wb.active)
    taken: set[str] = set()

    summary = _Sheet(wb, _("Summary"), [(_("figure"), None), (_("value"), None)], taken)
    summary.ws.column_dimensions["A"].width = 44
    summary.ws.column_dimensions["B"].width = 22
    rows: list[tuple[str, Any, str | None]] = [
        (_("scenario"), r.scenario, None),
        (_("plan year"), r.year, "0"),
        (_("headcount basis"), value_word(r.headcount), None),
        (_("roster"), r.roster or "", None),
        (_("remedy"), r.remedy or "", None),
        (_("status"), _status(r.status), None),
        (_("plan status"), _status(r.plan_status), None),
        (_("schedule status"), _status(r.schedule_status), None),
        (_("call-centre status"), _status(r.callcentre_status), None),
        (_("hiring status"), _status(r.hiring_status), None),
        (_("heads required (managers + agents)"), t.heads_required, NUM1),
        (_("heads today"), t.heads_today, NUM1),
        (_("gap"), t.gap, NUM1),
        (_("managers required"), t.managers_required, INT),
        (_("managers today"), t.managers_today, INT),
        (_("call-centre agents (FTE)"), t.agents, NUM1),
        (_("cost required, CNY a year"), t.cost_required, MONEY),
        (_("cost today, CNY a year"), t.cost_today, MONEY),
        (_("managers' cost required"), t.managers_cost_required, MONEY),
        (_("managers' cost today"), t.managers_cost_today, MONEY),
        (_("call-centre cost"), t.agents_cost, MONEY),
        (_("call centre counted today as"), _status(t.callcentre_today_basis), None),
    ]
    for i, g in enumerate(r.worst_gaps()):
        label = _("worst coverage today #{n}: {tier}").format(n=i + 1, tier=tier_name(g.tier, g.label))
        rows.append((label, g.coverage_today, PCT))
    for name, value, fmt in rows:
        summary.row([name, value], [None, fmt])

    roles = _Sheet(
        wb,
        _("Headcount"),
        [
            (_("role"), None),
            (_("label"), None),
            (_("today"), INT),
            (plan_word(r), NUM1),
            (_("gap"), NUM1),
            (_("annual bound"), INT),
            (_("hours used"), PCT),
            (_("cost CNY/yr"), MONEY),
        ],
        taken,
    )
    for role in r.plan.roles:
        roles.row(
            [
                role.role,
                role.label or "",
                role.current_headcount,
                role.required_headcount,
                role.gap,
                role.annual_bound,
                role.utilization,
                role.annual_cost,
            ]
        )
    if r.callcentre is not None and r.callcentre.ok:
        roles.row(
            [
                _("callcentre_agents"),
                _("FTE"),
                None,
                r.callcentre.fte,
                None,
                None,
                None,
                r.callcentre.annual_cost,
            ]
        )
    roles.row([_("total"), "", t.heads_today, t.heads_required, t.gap, None, None, t.cost_required])

    tiers = _Sheet(
        wb,
        _("Coverage"),
        [
            (_("tier"), None),
            (_("label"), None),
            (_("customers"), INT),
            (_("hours needed"), INT),
            (_("hours given"), INT),
            (_("coverage planned"), PCT),
            (_("coverage today"), PCT),
            (_("visits needed"), INT),
            (_("visits today"), INT),
            (_("calls needed"), INT),
            (_("calls today"), INT),
        ],
        taken,
    )
    for tr in r.plan.tiers:
        tiers.row(
            [
                tr.key,
                tr.label or "",
                tr.customers,
                tr.required_hours,
                tr.delivered_hours,
                tr.coverage,
                tr.coverage_at_current,
                tr.required_visits,
                tr.visits_at_current,
                tr.required_calls,
                tr.calls_at_current,
            ]
        )

    bound = _Sheet(
        wb,
        _("Boundary"),
        [
            (pgettext("boundary", "line"), None),
            (_("spend CNY/month"), MONEY),
            (_("lower coverage today"), PCT),
            (_("upper coverage today"), PCT),
            (_("lower discount"), PCT),
            (_("upper discount"), PCT),
            (_("verdict"), None),
            (_("inversions"), None),
            (_("roster customers near, below"), INT),
            (_("roster customers near, above"), INT),
        ],
        taken,
    )
    for b in r.boundary.boundaries:
        bound.row(
            [
                b.name,
                b.spend,
                b.delivered.lower.coverage,
                b.delivered.upper.coverage,
                b.price.lower_discount,
                b.price.upper_discount,
                b.verdict,
                "; ".join(i.message for i in b.inversions),
                None if b.near is None else b.near.lower.customers,
                None if b.near is None else b.near.upper.customers,
            ]
        )
    remedy = r.boundary.remedy
    if remedy is not None:
        rem = _Sheet(wb, _("Remedy"), [(_("figure"), None), (_("before"), None), (_("after"), None)], taken)
        rem.row([_("scenario"), remedy.before.scenario, remedy.after.scenario])
        for key, label, fmt in (
            ("headcount", _("today's heads"), INT),
            ("annual_cost", _("today's cost CNY/yr"), MONEY),
            ("required_headcount", _("heads every standard needs"), INT),
            ("required_cost", _("cost every standard needs CNY/yr"), MONEY),
        ):
            rem.row([label, getattr(remedy.before, key), getattr(remedy.after, key)], [None, fmt, fmt])
        for tier in sorted(set(remedy.before.coverage) | set(remedy.after.coverage)):
            rem.row(
                [
                    _("coverage {tier}").format(tier=tier),
                    remedy.before.coverage.get(tier),
                    remedy.after.coverage.get(tier),
                ],
                [None, PCT, PCT],
            )
        rem.row(
            [_("inversions"), len(remedy.before.inversions), len(remedy.after.inversions)], [None, INT, INT]
        )

    cc = r.callcentre
    if cc is not None:
        calls = _Sheet(
            wb,
            _("Call centre"),
            [
                (_("day type"), None),
                (_("start"), None),
                (_("calls"), NUM1),
                (_("Erlangs"), NUM2),
                (_("agents (Erlang C)"), INT),
                (_("agents required"), INT),
                (_("agents scheduled"), INT),
                (_("service level"), PCT),
                (_("ASA s"), NUM1),
                (_("occupancy"), PCT),
            ],
            taken,
        )
        for it in cc.intervals:
            calls.row(
                [
                    it.day_type,
                    it.start,
                    it.calls,
                    it.erlangs,
                    it.agents_erlang,
                    it.agents_required,
                    it.agents_scheduled,
                    it.service_level,
                    it.asa_seconds,
                    it.occupancy,
                ]
            )
        shifts = _Sheet(
            wb,
            _("Shifts"),
            [
                (_("day type"), None),
                (_("shift"), None),
                (_("start"), None),
                (_("paid hours"), NUM1),
                (_("agents"), INT),
            ],
            taken,
        )
        for sh in cc.shifts:
            shifts.row([sh.day_type, sh.template, sh.start, sh.paid_hours, sh.agents])

    h = r.hiring
    if h is not None and h.ok:
        hire = _Sheet(
            wb,
            _("Hiring"),
            [
                (_("period"), None),
                (_("role"), None),
                (_("headcount"), NUM1),
                (_("hires"), NUM1),
                (_("leavers"), NUM1),
                (_("transfers in"), NUM1),
                (_("transfers out"), NUM1),
                (_("required hours"), INT),
                (_("required heads"), NUM1),
                (_("delivered hours"), INT),
                (_("coverage"), PCT),
            ],
            taken,
        )
        for p in h.periods:
            hire.row(
                [
                    p.period,
                    p.role,
                    p.headcount,
                    p.hires,
                    p.leavers,
                    p.transfers_in,
                    p.transfers_out,
                    p.required_hours,
                    p.required_heads,
                    p.delivered_hours,
                    p.coverage,
                ]
            )

    s = r.schedule
    if s is not None and s.ok:
        sch = _Sheet(
            wb,
            _("Schedule"),
            [
                (_("role"), None),
                (_("managers"), INT),
                (_("customers"), INT),
                (_("scheduled hours"), INT),
                (_("capacity hours"), INT),
                (_("peak week load"), PCT),
                (_("peak week"), None),
                (_("weeks over capacity"), INT),
            ],
            taken,
        )
        for rs in s.roles:
            sch.row(
                [
                    rs.role,
                    rs.managers,
                    rs.customers,
                    rs.scheduled_hours,
                    rs.capacity_hours,
                    rs.peak_utilization,
                    rs.peak_week,
                    rs.weeks_over_capacity,
                ]
            )

    notes = _Sheet(
        wb,
        _("Assumptions"),
        [(_("figure"), None), (_("value"), None), (_("why"), None), (_("file"), None), (_("line"), INT)],
        taken,
    )
    notes.ws.column_dimensions["C"].width = 80
    for a in r.assumptions:
        notes.row([a.subject or _("(whole file)"), a.value, a.note, a.file, a.line])

    if r.warnings:
        warn = _Sheet(wb, _("Warnings"), [(_("warning"), None)], taken)
        warn.ws.column_dimensions["A"].width = 120
        for w in r.warnings:
            warn.row([w])

    write_xlsx_deterministic(wb.save, target)


# ------------------------------------------------------------------------------------------ files


def write_branch_pack(result: BranchResult, out: Path, excel: bool = False) -> list[str]:
    """Write the pack into ``out`` as one set (see :mod:`planner.report.fileset`); the file names."""
    from planner.report.export import to_json
    from planner.report.fileset import write_set
    from planner.report.html import render_html

    names = list(PACK_FILES)
    with write_set(out) as staging:
        (staging / "report.html").write_text(render_html(result), encoding="utf-8")
        write_branch_xlsx(result, staging / "branch.xlsx")
        (staging / "branch.json").write_text(to_json(result) + "\n", encoding="utf-8")
        if result.schedule is not None and result.schedule.ok:
            from planner.report.schedule import write_schedule_excel, write_schedule_files

            names += [p.name for p in write_schedule_files(result.schedule, staging)]
            if excel:
                names.append(write_schedule_excel(result.schedule, staging).name)
    return names


# --------------------------------------------------------------------------------------- terminal


def render_branch_summary(
    result: BranchResult, console: Console, out: Path | None = None, files: Sequence[str] = ()
) -> None:
    """One screen: totals, the worst gaps, each section's one-line verdict, the files written."""
    from rich.table import Table

    r, t = result, result.totals
    table = Table(
        title=_("Branch {scenario}, {year}").format(scenario=r.scenario, year=r.year),
        title_justify="left",
        show_header=True,
    )
    table.add_column(_("figure"))
    table.add_column(plan_word(r), justify="right")
    table.add_column(_("today"), justify="right")
    table.add_row(_("managers"), f"{t.managers_required:,}", f"{t.managers_today:,}")
    if r.callcentre is not None:
        agents = f"{t.agents:,.1f}"
        table.add_row(_("call-centre agents (FTE)"), agents, agents + "*")
    table.add_row(_("heads, total"), f"{t.heads_required:,.1f}", f"{t.heads_today:,.1f}")
    table.add_row(_("cost CNY/yr"), f"{t.cost_required:,.0f}", f"{t.cost_today:,.0f}")
    console.print(table)
    if r.callcentre is not None:
        console.print(_("* the scenario gives no count of today's agents: counted as planned."))
    lines: list[tuple[str, str]] = []
    gaps = ", ".join(f"{tier_name(g.tier, g.label)} {g.coverage_today:.1%}" for g in r.worst_gaps())
    lines.append((_("worst coverage today"), gaps or _("every standard met")))
    lines.append((_("plan"), f"{value_word(r.plan.mode)}, {value_word(r.plan_status)}"))
    if r.schedule is not None:
        lines.append((_("schedule"), value_word(r.schedule_status)))
    inversions = len(r.boundary.inversions())
    verdict = _("{n} inversion(s) on {m} line(s)").format(n=inversions, m=len(r.boundary.boundaries))
    if r.boundary.remedy is not None:
        after = len(r.boundary.remedy.after.inversions)
        verdict += "; " + _("remedy {name}: {n} left").format(name=r.boundary.remedy.after.scenario, n=after)
    lines.append((_("boundary"), verdict))
    if r.callcentre is not None:
        lines.append((_("call centre"), f"{r.callcentre.fte:,.1f} FTE, {value_word(r.callcentre_status)}"))
    if r.hiring is not None:
        lines.append(
            (_("hiring"), f"{r.hiring.total_hires:,.1f} " + _("hires") + f", {value_word(r.hiring_status)}")
        )
    lines.append((_("assumptions listed"), f"{len(r.assumptions)}"))
    from rich.text import Text

    for name, text in lines:
        console.print(Text.assemble((name, "bold"), ": ", text))
    if out is not None and files:
        console.print(_("Wrote {files} to {out}").format(files=", ".join(files), out=out), markup=False)
