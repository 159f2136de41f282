"""Rendering of comparisons, sweeps and batches: rich tables, terminal bars and PNG charts.

Reads the results of :mod:`planner.analyses.what_if` and :mod:`planner.analyses.branches`;
computes nothing new (a chart's bar length is scaling, not a figure).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.i18n import N_, _, pgettext, value_word
from planner.report.tables import fmt_int, fmt_pct, print_table

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.what_if import Comparison, ScenarioSummary, Sweep

BAR = "█"

#: Coverage columns a sweep table shows at most (the tiers served worst).
MAX_COVERAGE_COLUMNS = 4


def _cell(value: float | None, base: float | None, kind: str, first: bool) -> str:
    text = "-" if value is None else (fmt_pct(value) if kind == "pct" else fmt_int(value))
    if first or (value is None and base is None):
        return text
    if value is None or base is None:  # a role or tier only one side has differs too
        return f"[bold yellow]{text}[/] [dim]({_('new') if base is None else _('absent')})[/]"
    if abs(value - base) <= 1e-9 * max(1.0, abs(base)):
        return text
    delta = value - base
    shown = f"{delta * 100:+.1f} pt" if kind == "pct" else f"{delta:+,.0f}"
    return f"[bold yellow]{text}[/] [dim]({shown})[/]"


def render_comparison(comparison: Comparison, console: Console) -> None:
    """One side-by-side table; figures that differ from the first scenario are highlighted."""
    from rich.table import Table

    scenarios = comparison.scenarios
    base = scenarios[0]
    table = Table(
        title=_("Scenarios compared: (+N) / (-N) = difference from {base} (yellow)").format(
            base=base.scenario
        ),
        title_justify="left",
    )
    table.add_column("")
    for i, s in enumerate(scenarios):
        # Each later column says what its brackets are against.
        note = _("(base)") if i == 0 else _("(vs {base})").format(base=base.scenario)
        table.add_column(f"{s.scenario}\n{note}", justify="right")

    def row(label: str, getter: Any, kind: str = "int", style: str = "") -> None:
        values = [getter(s) for s in scenarios]
        table.add_row(label, *[_cell(v, values[0], kind, i == 0) for i, v in enumerate(values)], style=style)

    table.add_row(_("mode"), *[s.mode for s in scenarios])
    # "planned", not "required": under limits (max_coverage) the plan's heads fall short of the standards.
    row(_("managers planned"), lambda s: s.total_headcount, style="bold")
    row(_("managers today"), lambda s: s.current_headcount)
    row(_("cost planned (CNY/yr)"), lambda s: s.total_cost, style="bold")
    row(_("cost today (CNY/yr)"), lambda s: s.current_cost)
    row(_("revenue kept (CNY)"), lambda s: s.revenue_kept)
    row(_("revenue lost vs full service"), lambda s: s.revenue_lost)
    roles = list(dict.fromkeys(r for s in scenarios for r in s.roles))
    table.add_section()
    for role in roles:
        row(
            _("{role}: planned").format(role=role),
            lambda s, r=role: s.roles.get(r, {}).get("required_headcount"),
        )
        row(
            _("{role}: today").format(role=role),
            lambda s, r=role: s.roles.get(r, {}).get("current_headcount"),
        )
    table.add_section()
    tiers = list(dict.fromkeys(t for s in scenarios for t in s.tiers))
    full = 0
    for tier in tiers:
        for key, label in (("coverage", _("coverage")), ("coverage_at_current", _("at today's heads"))):
            values = [s.tiers.get(tier, {}).get(key) for s in scenarios]
            if all(v is not None and v >= 1 - 1e-9 for v in values):
                full += 1  # met in full in every scenario: a row of 100 % says nothing
                continue
            row(f"{tier} {label}", lambda s, t=tier, k=key: s.tiers.get(t, {}).get(k), "pct")
    if full:
        table.add_row(f"[dim]{_('+{n} coverage rows at 100 % everywhere').format(n=full)}[/]")
    table.add_section()
    for kind in (N_("designed"), N_("delivered"), N_("price"), N_("total")):
        row(_("inversions: {kind}").format(kind=_(kind)), lambda s, k=kind: s.inversions.get(k))
    print_table(console, table)
    changed = {d.scenario for d in comparison.differences}
    for s in scenarios[1:]:
        if s.scenario not in changed:
            console.print(
                _("{scenario}: no differences from {base}.").format(scenario=s.scenario, base=base.scenario)
            )
        elif s.status == "optimal" and base.status == "optimal":
            console.print(headcount_sentence(base, s))
    for s in scenarios:
        if s.explanation:
            console.print(f"[bold red]{s.scenario}[/]: {s.explanation}")


def headcount_sentence(base: ScenarioSummary, s: ScenarioSummary) -> str:
    """``s``'s planned heads against ``base``'s, in words; a capped plan's fewer heads are called a
    shortfall (its standards are not met), not a saving."""
    delta = s.total_headcount - base.total_headcount
    if delta == 0:
        text = _("{scenario}: {heads} managers planned, as many as {base}").format(
            scenario=s.scenario, heads=fmt_int(s.total_headcount), base=base.scenario
        )
    else:
        more = (
            _("{scenario}: {heads} managers planned, {n} more than {base}'s {base_heads}")
            if delta > 0
            else _("{scenario}: {heads} managers planned, {n} fewer than {base}'s {base_heads}")
        )
        text = more.format(
            scenario=s.scenario,
            heads=fmt_int(s.total_headcount),
            n=fmt_int(abs(delta)),
            base=base.scenario,
            base_heads=fmt_int(base.total_headcount),
        )
    if s.mode == "max_coverage":
        limits = f" ({', '.join(s.binding)})" if s.binding else ""
        text += _(
            "; its limits{limits} leave standards unmet, so fewer heads here are a shortfall, not a saving"
        ).format(limits=limits)
    return text + _(".")


def terminal_bars(
    labels: list[str],
    values: list[float],
    console: Console,
    width: int = 40,
    title: str = "",
    fmt: Callable[[float], str] = fmt_int,
    top: float | None = None,
) -> None:
    """A small horizontal bar chart in the terminal.

    ``fmt`` writes the figure after each bar; ``top`` is the value of a full bar (default: the
    largest value; 1.0 for shares, so 84 % never looks full).
    """
    if title:
        console.print(f"[bold]{title}[/]")
    top = top or max((abs(v) for v in values), default=0) or 1.0
    pad = max((len(lbl) for lbl in labels), default=0)
    # The bar shortens on a narrow console so label, bar and figure stay on one line.
    figures = max((len(fmt(v)) for v in values), default=0)
    width = max(5, min(width, console.width - pad - figures - 4))
    for label, value in zip(labels, values, strict=True):
        n = round(width * abs(value) / top)
        console.print(f"  {label:>{pad}} {BAR * n} {fmt(value)}", highlight=False)


def _parameter_label(path: str) -> str:
    """A short column name for a swept key: the tier for customers.key.crystal, the role and field
    for roles.key_manager.headcount (a bare "headcount" would not say whose)."""
    parts = path.split(".")
    # A space, not a dot, so a narrow terminal wraps the header rather than cutting it.
    return " ".join(parts[-2:]) if parts[0] == "roles" and len(parts) > 2 else parts[-1]


def _mode_word(mode: str) -> str:
    """A plan's mode in a few letters: ``meet`` (meet_standards), ``max cov`` (max_coverage)."""
    short = {"meet_standards": pgettext("mode", "meet"), "max_coverage": pgettext("mode", "max cov")}
    return short.get(mode, mode)


def render_sweep(result: Sweep, console: Console) -> None:
    """The sweep's table and a terminal chart of total headcount per point."""
    from rich.table import Table

    points = result.points
    roles = list(dict.fromkeys(r for p in points for r in p.headcount))
    tiers = list(dict.fromkeys(t for p in points for t in p.coverage))
    table = Table(
        title=_("Sweep of {scenario}: {parameters}").format(
            scenario=result.scenario, parameters=" x ".join(result.parameters)
        ),
        title_justify="left",
    )
    for name in result.parameters:
        widest = max((len(str(p.values[name])) for p in points), default=5)
        table.add_column(_parameter_label(name), justify="right", min_width=min(max(5, widest), 12))
    table.add_column(_("mode"), no_wrap=True)
    table.add_column(_("heads"), justify="right", min_width=3)
    table.add_column(_("cost (CNY)"), justify="right", no_wrap=True)
    # A budget sweep is the director's question "where does the next million go": show what it keeps.
    budget = "budget" in result.parameters
    if budget:
        table.add_column(_("kept (M CNY)"), justify="right", no_wrap=True)
        table.add_column(_("per +1M"), justify="right", no_wrap=True)
    for r in roles:
        table.add_column(r.removesuffix("_manager"), justify="right")

    # Coverage columns: the plan's coverage at each point for the tiers it leaves short, and
    # today's heads' coverage only where the sweep changes it (a sweep of today's headcount); a
    # budget or a customer count leaves today's heads alone, so that figure would repeat per row.
    ok = [p for p in points if p.status == "optimal"]
    candidates = coverage_columns(ok, tiers)
    worst_first = sorted(candidates, key=lambda c: (_low(ok, *c), _total(ok, *c), c))
    room = MAX_COVERAGE_COLUMNS - (2 if budget else 0)  # the revenue columns take two
    hidden = len(candidates) - room
    shown = [c for c in candidates if c in worst_first[:room]]
    for t, field in shown:
        short_name = t.split(".", 1)[-1]
        name = short_name if len(short_name) > 2 else t  # "B cov." would not say which channel
        header = _("{tier} cov.") if field == "coverage" else _("{tier} today")
        table.add_column(header.format(tier=name), justify="right", min_width=6)
    for p in points:
        table.add_row(
            *[str(p.values[n]) for n in result.parameters],
            {"meet_standards": pgettext("mode", "meet"), "max_coverage": pgettext("mode", "max cov")}.get(
                p.mode, p.mode
            )
            if p.status == "optimal"
            else value_word(p.status),
            fmt_int(p.total_headcount),
            fmt_int(p.total_cost),
            *(
                [
                    f"{p.revenue_kept / 1e6:,.2f}",
                    "-" if p.marginal_per_million is None else fmt_int(p.marginal_per_million),
                ]
                if budget
                else []
            ),
            *[fmt_int(p.headcount.get(r, 0)) for r in roles],
            *[fmt_pct(getattr(p, f).get(t)) if p.status == "optimal" else "-" for t, f in shown],
        )
    print_table(console, table, keys=len(result.parameters))
    legend = []
    if any(f == "coverage" for _t, f in shown):
        legend.append(_("cov. = coverage with the heads planned at that point"))
    if any(f == "coverage_at_current" for _t, f in shown):
        legend.append(_("today = coverage with today's headcount"))
    if legend:
        console.print(f"[dim]{'; '.join(legend)}.[/]")
    if hidden > 0:
        more = _("+{n} more coverage columns short of the standard: see --format json or --out").format(
            n=hidden
        )
        console.print(f"[dim]{more}[/]")
    labels = [", ".join(str(p.values[n]) for n in result.parameters) for p in points]
    terminal_bars(labels, [float(p.total_headcount) for p in points], console, title=_("Total headcount"))
    if budget:
        terminal_bars(
            labels,
            [p.revenue_lost for p in points],
            console,
            title=_("Revenue lost against full service (CNY a year)"),
        )
    if candidates:
        # The tier served worst anywhere in the sweep: the one to watch.
        worst, field = worst_first[0]
        what = _("coverage planned") if field == "coverage" else _("coverage with today's headcount")
        terminal_bars(
            labels,
            [_value(p, worst, field) if p.status == "optimal" else 0.0 for p in points],
            console,
            title=f"{worst} {what}",
            fmt=fmt_pct,
            top=1.0,
        )


def _value(point: Any, tier: str, field: str) -> float:
    """A point's coverage of ``tier`` (``field``: planned or today's); None (nothing to cover) = 1."""
    value = getattr(point, field).get(tier)
    return 1.0 if value is None else float(value)


def _low(points: list[Any], tier: str, field: str) -> float:
    return min((_value(p, tier, field) for p in points), default=1.0)


def _total(points: list[Any], tier: str, field: str) -> float:
    return sum(_value(p, tier, field) for p in points)


def coverage_columns(points: list[Any], tiers: list[str]) -> list[tuple[str, str]]:
    """(tier, field) pairs worth a sweep column, in policy order: ``coverage`` (the plan's) where
    the plan falls short anywhere, ``coverage_at_current`` where today's heads fall short and the
    sweep moves the figure."""
    planned = [(t, "coverage") for t in tiers if _low(points, t, "coverage") < 1 - 1e-9]
    today = [
        (t, "coverage_at_current")
        for t in tiers
        if _low(points, t, "coverage_at_current") < 1 - 1e-9
        and max((_value(p, t, "coverage_at_current") for p in points), default=1.0)
        - _low(points, t, "coverage_at_current")
        > 1e-9
    ]
    return planned + today


def write_sweep_outputs(result: Sweep, out: str | Path) -> list[Path]:
    """sweep.csv plus headcount.png, cost.png and coverage.png in ``out`` (each written atomically)."""
    import pandas as pd

    from planner.report.export import JSON_DECIMALS, ensure_dir, write_csv

    target = ensure_dir(out)
    frame = pd.DataFrame(result.rows()).round(JSON_DECIMALS)  # the JSON output's rounding
    written = [write_csv(target / "sweep.csv", frame)]
    written += _charts(result, frame, target)
    return written


def _charts(result: Sweep, frame: Any, target: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from planner.report.export import write_with

    x_name = result.parameters[0]
    groups: list[tuple[str, Any]] = [("", frame)]
    if len(result.parameters) == 2:
        second = result.parameters[1]
        groups = [(f"{second}={v}", g) for v, g in frame.groupby(second, sort=True)]
    heads = [c for c in frame.columns if c.startswith("heads.")]
    # Only tiers that fall short somewhere: a flat line at 100 % is noise.
    coverage = [
        c for c in frame.columns if c.startswith("coverage.") and (frame[c].dropna() < 1 - 1e-9).any()
    ]
    specs = [
        ("headcount.png", "Required headcount", ["total_headcount", *heads], "managers"),
        ("cost.png", "Annual cost", ["total_cost"], "CNY a year"),
        ("revenue.png", "Revenue lost against full service", ["revenue_lost"], "CNY a year"),
        ("coverage.png", "Coverage planned (and today's, where swept)", coverage, "share of standard"),
    ]
    written = []
    # One colour per series, one line style per value of the second parameter, so lines that
    # coincide (a figure the second key does not move) stay told apart in the legend.
    styles = ["-", "--", ":", "-."]
    for name, title, columns, ylabel in specs:
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
        for g, (label, group) in enumerate(groups):
            for c, col in enumerate(columns):
                if col not in group or group[col].isna().all():
                    continue
                series = col.split(".", 1)[-1] if "." in col else col
                if col.startswith("coverage_at_current."):
                    series += " today"
                ax.plot(
                    group[x_name],
                    group[col],
                    marker="o",
                    color=f"C{c % 10}",
                    linestyle=styles[g % len(styles)],
                    label=f"{series} {label}".strip(),
                )
        ax.set_title(f"{title} vs {x_name} ({result.scenario})")
        ax.set_xlabel(x_name)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        written.append(write_with(target / name, _png_writer(fig)))
        plt.close(fig)
    return written


def _png_writer(fig: Any) -> Callable[[Path], None]:
    """A writer that saves ``fig`` as PNG to the path it is given."""

    def write(tmp: Path) -> None:
        fig.savefig(tmp, format="png")

    return write


def write_branch_files(branches: dict[str, dict[str, Any]], out: str | Path) -> list[Path]:
    """Each branch scenario as YAML (file name -> document), written into ``out`` as one set."""
    import yaml

    from planner.report.fileset import write_set

    target = Path(out)
    with write_set(target) as staging:
        for name, doc in branches.items():
            (staging / name).write_text(
                yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
    return [target / name for name in branches]


def render_batch(rows: list[dict[str, Any]], console: Console, show: int = 20) -> None:
    """Totals, failed branches, and the branches with the lowest coverage at today's headcount."""
    from rich.table import Table

    ok = [r for r in rows if r["status"] == "ok"]
    bad = [r for r in rows if r["status"] != "ok"]
    console.print(
        _(
            "{n} branches: {ok} planned, {bad} failed; {needed} managers needed against {today} today, "
            "{cost} CNY a year"
        ).format(
            n=f"{len(rows):,}",
            ok=f"{len(ok):,}",
            bad=f"{len(bad):,}",
            needed=fmt_int(sum(r["total_headcount"] for r in ok)),
            today=fmt_int(sum(r["current_headcount"] for r in ok)),
            cost=fmt_int(sum(r["total_cost"] for r in ok)),
        )
    )
    if any(r.get("model") == "annual" for r in rows):
        console.print(
            _(
                "Sized by the annual-average model (--model annual): plan's \"annual\" column, the year's "
                "hours over a head's hours, no calendar. --model calendar gives plan's heads."
            )
        )
    if bad:
        table = Table(title=_("Failed branches"), title_justify="left")
        table.add_column(_("file"))
        table.add_column(_("reason"))
        for r in bad:
            table.add_row(r["file"], str(r["error"]))
        print_table(console, table)
    worst = sorted(
        ok,
        key=lambda r: r["lowest_coverage_at_current"] if r["lowest_coverage_at_current"] is not None else 1.0,
    )[:show]
    if worst:
        table = Table(
            title=_("Lowest coverage with today's headcount (first {n})").format(n=len(worst)),
            title_justify="left",
        )
        columns = (
            N_("branch"),
            N_("heads needed"),
            N_("today"),
            N_("gap"),
            N_("cost (CNY)"),
            N_("weakest tier"),
            N_("covered today"),
        )
        for col in columns:
            table.add_column(_(col), justify="left" if col in ("branch", "weakest tier") else "right")
        for r in worst:
            table.add_row(
                str(r["scenario"]),
                fmt_int(r["total_headcount"]),
                fmt_int(r["current_headcount"]),
                f"{r['gap']:+d}",
                fmt_int(r["total_cost"]),
                str(r["lowest_tier"]),
                fmt_pct(r["lowest_coverage_at_current"]),
            )
        print_table(console, table)
