"""Rich rendering of a :class:`~planner.model.headcount.PlanResult`; reads the result, computes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.i18n import _
from planner.report.tables import colon, coverage_style, fmt_int, fmt_pct, fmt_signed, labelled, print_table

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.analyses.objectives import ObjectiveComparison
    from planner.model.headcount import PlanResult


def mode_line(result: PlanResult) -> str:
    """One sentence naming the mode, the headcount basis and the binding limits."""
    if result.mode == "meet_standards":
        head = _("meet_standards: every tier's visit standard met at least cost")
    else:
        valued = (
            _("revenue kept maximised (response curves)")
            if result.objective == "response"
            else _("revenue at risk x coverage maximised (linear objective)")
        )
        head = _("max_coverage: the limits cannot meet every standard; {valued}").format(valued=valued)
    if result.headcount_basis == "current":
        head += _(" (headcount fixed at today's)")
    elif result.headcount_basis == "fixed":
        head += _(" (headcount fixed)")
    binding = ", ".join(result.binding) if result.binding else _("none")
    return _("{head}. Binding limits: {binding}.").format(head=head, binding=binding)


def cost_line(result: PlanResult, heads_label: str) -> str:
    """Today's cost beside the plan's, so a cut (``--set budget=-5%``) can be read off and typed."""
    today = _("Cost a year: today {cost} CNY ({heads} heads)").format(
        cost=fmt_int(result.current_total_cost), heads=fmt_int(result.current_total_headcount)
    )
    if result.headcount_basis in ("current", "fixed"):
        return _("{today}, the cost column's total.").format(today=today)
    delta = result.total_cost - result.current_total_cost
    share = f" ({delta / result.current_total_cost:+.1%})" if result.current_total_cost else ""
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    return _("{today}; {label} {cost} ({heads} heads): {change} CNY{share} against today.").format(
        today=today,
        label=heads_label,
        cost=fmt_int(result.total_cost),
        heads=fmt_int(result.total_headcount),
        change=f"{sign}{fmt_int(abs(delta))}",
        share=share,
    )


def render_plan(result: PlanResult, console: Console) -> None:
    """Print the plan: roles, tiers, the mode line and any shortfalls."""
    from rich.table import Table

    if not result.ok:
        no_plan = _("No plan for {scenario}").format(scenario=result.scenario)
        console.print(f"[bold red]{no_plan}[/]: {result.explanation}")
        return
    # With heads fixed (today's, or given) the plan does not size them: say so in the title and
    # call the column what it is, not "required" with a gap of 0.
    fixed = result.headcount_basis in ("current", "fixed")
    capped = not fixed and result.mode == "max_coverage"
    if fixed:
        basis = (
            _("today's heads, not sized (--headcount current)")
            if result.headcount_basis == "current"
            else _("heads fixed, not sized")
        )
        heads_label = _("heads used")
    elif capped:
        basis, heads_label = _("heads the limits allow, short of the standards"), _("planned")
    else:
        basis, heads_label = _("heads required to meet every standard"), _("required")
    title = _("Headcount plan: {scenario}").format(scenario=result.scenario) + f": {basis}"
    roles = Table(title=title, title_justify="left", show_footer=True)
    # The id never shortens (the label may wrap under it): a role must stay recognisable at 100 columns.
    roles.add_column(
        _("role"), footer=_("total"), min_width=max((len(r.role) for r in result.roles), default=4)
    )
    roles.add_column(_("today"), justify="right", footer=fmt_int(result.current_total_headcount))
    roles.add_column(heads_label, justify="right", footer=fmt_int(result.total_headcount))
    show_bound = any(r.annual_bound is not None for r in result.roles)
    if show_bound:
        bound_total = sum(r.annual_bound or 0 for r in result.roles)
        roles.add_column(_("annual"), justify="right", footer=fmt_int(bound_total))
    total_gap = result.total_headcount - result.current_total_headcount
    if not fixed:
        roles.add_column(_("gap"), justify="right", footer=fmt_signed(total_gap))
    roles.add_column(_("cost CNY/yr"), justify="right", footer=fmt_int(result.total_cost))
    roles.add_column(_("h/head"), justify="right")
    roles.add_column(_("used"), justify="right")
    roles.add_column(_("value/h"), justify="right")
    for r in result.roles:
        name = labelled(r.role, r.label)
        gap_style = "red" if r.gap > 0 else ("green" if r.gap < 0 else "")
        bound = [fmt_int(r.annual_bound) if r.annual_bound is not None else "-"] if show_bound else []
        roles.add_row(
            name,
            fmt_int(r.current_headcount),
            fmt_int(r.required_headcount),
            *bound,
            *([] if fixed else [f"[{gap_style}]{fmt_signed(r.gap)}[/]" if gap_style else fmt_signed(r.gap)]),
            fmt_int(r.annual_cost),
            fmt_int(r.hours_per_head),
            fmt_pct(r.utilization),
            f"{r.shadow_price_per_hour:,.1f}" if r.shadow_price_per_hour else "0",
        )
    print_table(console, roles)
    console.print(cost_line(result, heads_label))
    if result.year is not None:
        note = ""
        more = {
            r.role: r.required_headcount - r.annual_bound
            for r in result.roles
            if r.annual_bound is not None and r.required_headcount > r.annual_bound
        }
        if result.calendar_note and more:
            # The model's note (JSON ``calendar_note``), said here in the report's language.
            extra = _(", ").join(_("{n} more {role}").format(n=n, role=role) for role, n in more.items())
            note = ": " + _(
                "the {year} calendar needs {extra} than the annual average: holiday months and quarters "
                "hold fewer working days than their share of the visits, visits must be spaced, and each "
                "manager makes whole visits"
            ).format(year=result.year, extra=extra)
        console.print(
            _("Sized on the {year} calendar (China's holidays, make-up days){note}.").format(
                year=result.year, note=note
            )
            + " "
            + _("annual = the year's hours / hours a head.")
        )

    tiers = Table(title=_("Tiers (hours per year)"), title_justify="left")
    tiers.add_column(_("tier"), min_width=max((len(t.key) for t in result.tiers), default=4))
    tiers.add_column(_("customers"), justify="right")
    tiers.add_column(_("h/cust."), justify="right")
    tiers.add_column(_("need h"), justify="right")
    tiers.add_column(_("given h"), justify="right")
    tiers.add_column(_("coverage"), justify="right")
    show_current = any(t.coverage_at_current is not None for t in result.tiers)
    if show_current:
        tiers.add_column(_("today"), justify="right")
    tiers.add_column(_("cust/mgr"), justify="right")
    for t in result.tiers:
        if t.customers == 0 and t.required_hours == 0:
            continue
        name = labelled(f"{t.channel}.{t.tier}", t.label)
        row = [
            name,
            fmt_int(t.customers),
            f"{t.hours_per_customer:.2f}",
            fmt_int(t.required_hours),
            fmt_int(t.delivered_hours),
            f"[{coverage_style(t.coverage)}]{fmt_pct(t.coverage)}[/]",
        ]
        if show_current:
            c = t.coverage_at_current
            row.append(f"[{coverage_style(c)}]{fmt_pct(c)}[/]" if c is not None else "-")
        row.append(fmt_int(t.customers_per_manager) if t.customers_per_manager else "-")
        tiers.add_row(*row)
    print_table(console, tiers)
    console.print(mode_line(result))
    if result.limit_shadow_prices:
        prices = "; ".join(f"{k}: {v:,.4g}" for k, v in result.limit_shadow_prices.items())
        unit = _("revenue kept") if result.objective == "response" else _("revenue at risk covered")
        console.print(
            _("Shadow prices of the limits ({unit} per unit): {prices}").format(unit=unit, prices=prices)
        )
    if result.mode == "max_coverage":
        console.print(
            _(
                "Revenue kept: {kept} CNY a year; lost against full service: {lost} (by the tiers' "
                "response curves; tiers with no standard count as neither)."
            ).format(kept=fmt_int(result.revenue_kept), lost=fmt_int(result.revenue_lost))
        )
    short = result.shortfalls()
    if short:
        console.print(colon(f"[bold]{_('Where coverage falls short')}[/]"))
        for t in short:
            console.print(
                "  "
                + _("{tier}: {coverage} of standard, {hours} h a year short").format(
                    tier=f"{t.channel}.{t.tier}",
                    coverage=fmt_pct(t.coverage),
                    hours=fmt_int(t.shortfall_hours),
                )
            )
    elif show_current:
        today = [
            t for t in result.tiers if t.coverage_at_current is not None and t.coverage_at_current < 1 - 1e-6
        ]
        if today:
            worst = ", ".join(f"{t.channel}.{t.tier} {fmt_pct(t.coverage_at_current)}" for t in today)
            console.print(_("With today's headcount the standards slip: {worst}.").format(worst=worst))
            for t in today:
                parts = []
                if t.required_visits and t.visits_at_current is not None:
                    parts.append(
                        _("visits {done} of {due}").format(
                            done=fmt_int(t.visits_at_current), due=fmt_int(t.required_visits)
                        )
                    )
                if t.required_calls and t.calls_at_current is not None:
                    parts.append(
                        _("calls {done} of {due}").format(
                            done=fmt_int(t.calls_at_current), due=fmt_int(t.required_calls)
                        )
                    )
                if parts:
                    console.print(
                        "  "
                        + _("{tier} today: {contacts} a year").format(
                            tier=f"{t.channel}.{t.tier}", contacts=", ".join(parts)
                        )
                    )
    render_rounding(result, console)


def render_rounding(result: PlanResult, console: Console) -> None:
    """Where today's whole contacts land further from the model's fractional allocation than
    rounding (JSON ``rounding``): which tier, by how many hours, and why."""
    if not result.rounding:
        return
    console.print(
        colon(
            _(
                "Whole contacts at today's headcount against the model's fractional allocation (more than "
                "1% of a tier's hours or one visit apart)"
            )
        )
    )
    for g in result.rounding:
        words = (
            _("{tier}: {hours} h less ({delivered} against {model} h)")
            if g.difference < 0
            else _("{tier}: {hours} h more ({delivered} against {model} h)")
        )
        console.print(
            "  "
            + words.format(
                tier=g.tier,
                hours=fmt_int(abs(g.difference)),
                delivered=fmt_int(g.delivered_hours),
                model=fmt_int(g.model_hours),
            )
        )
    console.print(
        "  "
        + _(
            "Whole visits leave minutes over in some manager-weeks, and the spacing and period rules "
            "decide which tier's contacts fit them; the figures above are the whole contacts (what "
            "schedule --headcount current books)."
        )
    )


def render_objectives(comparison: ObjectiveComparison, console: Console) -> None:
    """Both ``max_coverage`` objectives in one table, valued by the same response curves."""
    from rich.table import Table

    order = list(comparison.revenue_kept)
    short = {"response": _("resp."), "linear": _("linear")}
    chosen = comparison.chosen
    table = Table(
        title=_(
            "Objectives compared (CNY a year, by the response curves; next hour: this plan's, {chosen})"
        ).format(chosen=chosen),
        title_justify="left",
        show_footer=True,
    )
    table.add_column(_("tier"), footer=_("total"), no_wrap=True)
    for o in order:
        table.add_column(_("service {objective}").format(objective=short.get(o, o)), justify="right")
    for o in order:
        table.add_column(
            _("lost {objective}").format(objective=short.get(o, o)),
            justify="right",
            footer=fmt_int(comparison.revenue_lost[o]),
        )
    table.add_column(_("next hour"), justify="right")
    for t in comparison.tiers:
        if all(c >= 1 - 1e-9 for c in t.coverage.values()):
            continue  # met in full under both: nothing to compare
        table.add_row(
            t.tier,
            *[f"[{coverage_style(t.coverage[o])}]{fmt_pct(t.coverage[o])}[/]" for o in order],
            *[fmt_int(t.revenue_lost[o]) for o in order],
            f"{t.value_of_next_hour.get(chosen, 0.0):,.1f}",
        )
    print_table(console, table)
    kept = "; ".join(f"{o} {fmt_int(comparison.revenue_kept[o])}" for o in order)
    console.print(_("Revenue kept: {kept} CNY a year (lost = against full service).").format(kept=kept))
    if len(order) == 2:
        gain = comparison.revenue_kept["response"] - comparison.revenue_kept["linear"]
        console.print(
            _(
                "The response objective keeps {gain} CNY a year more than the linear one with "
                "{response} against {linear} managers."
            ).format(
                gain=fmt_int(gain),
                response=fmt_int(comparison.total_headcount["response"]),
                linear=fmt_int(comparison.total_headcount["linear"]),
            )
        )
