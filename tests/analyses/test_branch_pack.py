"""``analyse_branch`` and its report: totals with the call centre, the HTML against the JSON, the workbook."""

from __future__ import annotations

import io
import itertools
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from planner.analyses.branch import BranchResult, analyse_branch
from planner.data.scenario import load_scenario
from planner.model.headcount import plan
from planner.model.solver import SolveStatus
from planner.report.export import to_json

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "scenarios/baseline.yaml"
REMEDY = REPO / "scenarios/unified-centre.yaml"
#: key.crystal's coverage at today's heads, from plan alone (the pack must show this figure).
CRYSTAL_TODAY = plan(load_scenario(BASELINE), headcount="current").tier("key", "crystal").coverage


@pytest.fixture(scope="module")
def branch() -> BranchResult:
    sc = load_scenario(BASELINE)
    return analyse_branch(sc, remedy=load_scenario(REMEDY), with_schedule=False)


@pytest.fixture(scope="module")
def data(branch: BranchResult) -> dict[str, Any]:
    return json.loads(to_json(branch))


# ----------------------------------------------------------------------------------- totals


def test_totals_include_the_call_centre_checked_against_callcentre(branch: BranchResult) -> None:
    from planner.analyses.callcentre import analyse_callcentre
    from planner.model.headcount import plan

    sc = load_scenario(BASELINE)
    cc = analyse_callcentre(sc)
    planned = plan(sc)
    # The call centre's FTE is its paid hours over a year's paid hours per agent (2,000 h in the
    # baseline): 331,720 / 2,000 = 165.86, the 165.9 agents `planner callcentre` shows.
    assert cc.paid_hours_per_year == pytest.approx(331_720)
    assert cc.fte == pytest.approx(331_720 / 2000)
    assert round(cc.fte, 1) == 165.9
    # Its cost is 40,000 CNY an agent a year [scenario].
    assert cc.annual_cost == pytest.approx(165.86 * 40_000)
    t = branch.totals
    assert t.agents == pytest.approx(cc.fte)
    assert t.managers_required == planned.total_headcount == 212
    assert t.heads_required == pytest.approx(212 + 165.86)
    assert t.heads_today == pytest.approx(176 + 165.86)  # 110 + 48 + 15 + 3 managers today
    assert t.gap == pytest.approx(36)
    assert t.cost_required == pytest.approx(planned.total_cost + 165.86 * 40_000)
    assert t.cost_today == pytest.approx(planned.current_total_cost + 165.86 * 40_000)


def test_statuses_are_the_enum(branch: BranchResult) -> None:
    assert branch.status is SolveStatus.OPTIMAL
    assert branch.plan_status is SolveStatus.OPTIMAL
    assert branch.callcentre_status is SolveStatus.OPTIMAL
    assert branch.schedule_status is None  # not asked for
    assert branch.hiring_status is None  # baseline has no hiring section
    assert branch.hiring is None


def test_worst_gaps_are_today_coverage_worst_first(branch: BranchResult) -> None:
    gaps = branch.worst_gaps()
    assert [g.tier for g in gaps] == ["key.crystal", "key.bronze", "mobile.site"]
    crystal = gaps[0]
    # 110 key managers' whole contacts deliver about 60 % of crystal's standard: what plan
    # --headcount current says, asked here on its own.
    assert crystal.required_visits == 3200 * 8
    assert crystal.coverage_today == pytest.approx(CRYSTAL_TODAY)
    assert 0.59 < CRYSTAL_TODAY < 0.62
    assert all(a.coverage_today <= b.coverage_today for a, b in itertools.pairwise(gaps))


def test_remedy_is_compared(branch: BranchResult) -> None:
    remedy = branch.boundary.remedy
    assert remedy is not None
    assert remedy.before.scenario == "baseline"
    assert remedy.after.scenario == "unified-centre"


def test_assumptions_are_listed(branch: BranchResult) -> None:
    subjects = {(a.subject, a.value) for a in branch.assumptions}
    assert ("roles.key_manager.hours_per_year", "2000") in subjects
    assert ("callcentre.aht_seconds", "240") in subjects
    assert ("key.bronze.visit_minutes", "120") in subjects  # policy tiers named by id
    files = {a.file for a in branch.assumptions}
    assert any(f.endswith("baseline.yaml") for f in files)
    assert any(f.endswith("telecom-4plus1.yaml") for f in files)


# ----------------------------------------------------------------------------------- HTML


class _Figures(HTMLParser):
    """Collects (data-json, data-fmt, text) of every marked element, the tags seen, numeric cells."""

    VOID = frozenset({"wbr", "br", "meta", "col", "rect", "line", "circle", "polyline"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()
        self.stack: list[tuple[str, str | None, str | None, list[str], bool]] = []
        self.unbound_numeric_cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in self.VOID:
            return
        a = dict(attrs)
        numeric = tag == "td" and "num" in (a.get("class") or "").split()
        self.stack.append((tag, a.get("data-json"), a.get("data-fmt"), [], numeric))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self.stack:
            name, path, fmt, text, numeric = self.stack.pop()
            content = "".join(text)
            if self.stack:
                self.stack[-1][3].append(content)
            if path is not None:
                self.figures.append((path, fmt or "", content))
            elif numeric and content.strip() not in ("", "-"):
                self.unbound_numeric_cells.append(content)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1][3].append(data)


def resolve(data: Any, path: str) -> Any:
    """``plan.roles[0].gap`` or ``boundary.remedy.before.coverage["key.crystal"]`` in ``data``."""
    for name, index, key in re.findall(r'\.?([A-Za-z_]\w*)|\[(\d+)\]|\["([^"]+)"\]', path):
        if name:
            data = data[name]
        elif index:
            data = data[int(index)]
        else:
            data = data[key]
    return data


def shown(text: str, fmt: str) -> float:
    return float(text.replace(",", "").replace("%", "").replace("+", ""))


#: Half a unit of the last digit each format shows.
TOLERANCE = {"int": 0.5, "money": 0.5, "signed": 0.5, "num1": 0.05, "signed1": 0.05, "pct": 0.05}


def check_figures(html: str, data: dict[str, Any]) -> int:
    parser = _Figures()
    parser.feed(html)
    assert parser.figures, "no figures marked"
    for path, fmt, text in parser.figures:
        value = resolve(data, path)
        if fmt == "text" or value is None:
            assert text == ("-" if value is None else str(value)), path
            continue
        got = shown(text, fmt)
        want = value * 100 if fmt == "pct" else value
        assert math.isclose(got, want, abs_tol=TOLERANCE[fmt] + 1e-9), (path, text, value)
    assert parser.unbound_numeric_cells == []
    return len(parser.figures)


def test_every_figure_in_the_html_equals_the_json(branch: BranchResult, data: dict[str, Any]) -> None:
    from planner.report.html import render_html

    html = render_html(branch)
    n = check_figures(html, data)
    assert n > 100
    # The headline figures are there, as the JSON has them.
    assert 'data-json="totals.heads_required" data-fmt="num1">377.9<' in html
    assert 'data-json="callcentre.fte" data-fmt="num1">165.9<' in html
    assert f'data-json="gaps[0].coverage_today" data-fmt="pct">{CRYSTAL_TODAY:.1%}<' in html


def test_html_is_self_contained_and_deterministic(branch: BranchResult) -> None:
    from planner.report.html import render_html

    html = render_html(branch)
    assert html == render_html(branch)
    lowered = html.lower()
    for needle in ("<script", "<link", "<img", "<iframe", "@import", "url(", "http://", "https://", "src="):
        assert needle not in lowered, needle
    assert "@media print" in html and "size: A4" in html
    parser = _Figures()
    parser.feed(html)
    assert {"svg", "table", "style"} <= parser.tags
    for section in ("coverage", "headcount", "boundary", "callcentre", "hiring", "assumptions"):
        assert f'<section id="{section}"' in html


def test_html_escapes_user_text() -> None:
    from planner.report.html import render_html

    evil = "<script>alert(1)</script>"
    sc = load_scenario(BASELINE, (f"roles.key_manager.label={evil}",))
    result = analyse_branch(sc, with_schedule=False)
    html = render_html(result)
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_tier_labels_shown_with_ids_and_chinese_first_in_zh(branch: BranchResult) -> None:
    from planner.i18n import set_language
    from planner.report.html import render_html

    assert "key.crystal (水晶)" in render_html(branch)
    set_language("zh")
    try:
        html = render_html(branch)
    finally:
        set_language("en")
    assert "水晶 key.crystal" in html
    assert '<html lang="zh-CN">' in html


def test_hiring_section_when_the_scenario_has_one() -> None:
    from planner.report.html import render_html

    sc = load_scenario(REPO / "scenarios/key-growth-2006.yaml")
    result = analyse_branch(sc, with_schedule=False)
    assert result.hiring is not None and result.hiring_status is SolveStatus.OPTIMAL
    data = json.loads(to_json(result))
    html = render_html(result)
    check_figures(html, data)
    assert "Headcount per role, period by period" in html
    assert data["hiring"]["total_hires"] == pytest.approx(result.hiring.total_hires)


def test_hiring_reads_the_packs_plan_rather_than_solving_it_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # hire's roles' efficiency comes from plan(headcount="required"); the pack has that plan at hand
    # when the hire starts in the plan year, and passes it: no plan is solved for hire alone (hire's
    # own call is the only one with with_current=False), and the efficiency is what hire alone finds.
    import planner.model.headcount as headcount
    from planner.analyses.hiring import hiring_plan

    sc = load_scenario(REPO / "scenarios/key-growth-2006.yaml", ["hiring.start=2027-01"])
    alone = hiring_plan(sc)
    calls: list[dict[str, Any]] = []
    original = headcount.plan

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(headcount, "plan", recording)
    result = analyse_branch(sc, with_schedule=False)
    assert result.hiring is not None
    assert calls and not any(c.get("with_current") is False for c in calls)
    assert result.hiring.efficiency == alone.efficiency
    assert [p.required_heads for p in result.hiring.periods] == [p.required_heads for p in alone.periods]


# ----------------------------------------------------------------------------------- workbook


def test_workbook_sheets_numbers_and_formats(branch: BranchResult, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from planner.report.branch import write_branch_xlsx

    target = tmp_path / "branch.xlsx"
    write_branch_xlsx(branch, target)
    first = target.read_bytes()
    write_branch_xlsx(branch, target)
    assert target.read_bytes() == first  # same result, same bytes
    wb = load_workbook(io.BytesIO(first))
    # No hiring section and no schedule asked for: no Hiring or Schedule sheet.
    assert wb.sheetnames[:8] == [
        "Summary",
        "Headcount",
        "Coverage",
        "Boundary",
        "Remedy",
        "Call centre",
        "Shifts",
        "Assumptions",
    ]
    assert wb.sheetnames[8:] in ([], ["Warnings"])
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
    summary = {row[0].value: row[1] for row in wb["Summary"].iter_rows(min_row=2)}
    heads = summary["heads required (managers + agents)"]
    assert isinstance(heads.value, float) and heads.value == pytest.approx(212 + 165.86)
    assert heads.number_format == "#,##0.0"
    cost = summary["cost required, CNY a year"]
    assert cost.value == pytest.approx(branch.totals.cost_required) and cost.number_format == "#,##0"
    assert summary["call-centre agents (FTE)"].value == pytest.approx(165.86)
    crystal = next(r for r in wb["Coverage"].iter_rows(min_row=2) if r[0].value == "key.crystal")
    assert crystal[6].value == pytest.approx(CRYSTAL_TODAY) and crystal[6].number_format == "0.0%"
    roles = {r[0].value: r for r in wb["Headcount"].iter_rows(min_row=2)}
    assert roles["key_manager"][3].value == 147 and roles["key_manager"][2].value == 110
    assert roles["total"][3].value == pytest.approx(377.86)
    intervals = list(wb["Call centre"].iter_rows(min_row=2, values_only=True))
    assert len(intervals) == len(branch.callcentre.intervals)  # type: ignore[union-attr]


def test_workbook_text_is_formula_safe(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from planner.report.branch import write_branch_xlsx

    sc = load_scenario(BASELINE, ("roles.key_manager.label==HYPERLINK(1)",))
    result = analyse_branch(sc, with_schedule=False)
    target = tmp_path / "b.xlsx"
    write_branch_xlsx(result, target)
    ws = load_workbook(target)["Headcount"]
    label = next(r[1] for r in ws.iter_rows(min_row=2) if r[0].value == "key_manager")
    assert label.value == "=HYPERLINK(1)"
    assert label.data_type == "s"


# ----------------------------------------------------------------------------------- parallel


def test_forked_analyses_give_the_same_result(tiny: Any) -> None:
    sc = load_scenario(tiny(small=120, big=30))
    together = analyse_branch(sc, parallel=True)
    alone = analyse_branch(sc, parallel=False)
    assert together.schedule_status is SolveStatus.OPTIMAL
    assert to_json(together) == to_json(alone)


def test_a_failed_fork_falls_back_to_running_here(tiny: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.analyses.branch as branch_module

    def broken() -> None:
        raise RuntimeError("worker lost")

    sc = load_scenario(tiny(small=120, big=30))
    expected = to_json(analyse_branch(sc, parallel=False))
    monkeypatch.setattr(branch_module, "_run_forked_job", broken)  # the forked child inherits it
    assert to_json(analyse_branch(sc, parallel=True)) == expected


def test_roster_pack_shows_customers_near_each_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from planner.analyses.schedule import customers_from_frame
    from planner.commands import main
    from planner.data.roster import read_roster
    from planner.report.html import render_html

    roster = tmp_path / "customers.csv"
    made = CliRunner().invoke(
        main, ["roster", "generate", "--scenario", str(BASELINE), "--customers", "5000", "--out", str(roster)]
    )
    assert made.exit_code == 0, made.output
    sc = load_scenario(BASELINE)
    read = read_roster(roster, sc.policy)
    sc = sc.with_customers(read.counts())
    result = analyse_branch(sc, roster=read, customers=customers_from_frame(read.accepted, str(roster)))
    assert result.roster == str(roster)
    # Scheduled: the roster's customers whose tier's standard asks at least one visit or call.
    asked = {(c, t.id) for c, t in sc.tiers() if t.visits.per_year + t.calls.per_year > 0}
    expected = sum(n for key, n in read.counts().items() if key in asked)
    assert result.schedule is not None and result.schedule.customers_scheduled == expected
    html = render_html(result)
    check_figures(html, json.loads(to_json(result)))
    assert "Roster customers near each line" in html
    assert all(b.near is not None for b in result.boundary.boundaries)
