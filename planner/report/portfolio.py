"""Portfolios and rebalancing moves: rich tables, CSV and Excel. Reads results, computes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InputError
from planner.i18n import N_, _, value_word
from planner.report.tables import fmt_int, fmt_pct, print_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from rich.console import Console

    from planner.analyses.portfolio import Portfolio
    from planner.analyses.rebalance import Rebalance

#: Managers listed one by one in the rebalance table (all are in the files and the JSON).
SHOW_LOADS = 60
#: District names shown per manager in the portfolio table.
SHOW_DISTRICTS = 3
STYLE = {"over": "bold red", "under": "yellow", "": ""}
#: Move reasons and manager statuses as the tables show them (translated when shown).
_WORDS = (N_("no manager"), N_("leaving"), N_("over capacity"), N_("new"), N_("kept"))


def _flag_text(flag: str) -> str:
    return {"over": _("OVER"), "under": _("under"), "": ""}[flag]


def _districts(names: list[str]) -> str:
    shown = ", ".join(names[:SHOW_DISTRICTS])
    more = len(names) - SHOW_DISTRICTS
    return f"{shown} +{more}" if more > 0 else shown


def render_portfolio(result: Portfolio, console: Console) -> None:
    """Totals, tiers, each manager's load (over red, under yellow) and each district."""
    from rich.table import Table

    console.print(
        f"[bold]{result.source}[/]: "
        + _("{customers} customers, {managers} managers; standards need {hours} h a year").format(
            customers=fmt_int(result.customers),
            managers=fmt_int(len(result.managers)),
            hours=fmt_int(result.standard_hours),
        )
        + (_(" + {hours} h travel").format(hours=fmt_int(result.travel_hours)) if result.travel_hours else "")
        + _("; managers give {hours} h").format(hours=fmt_int(result.capacity_hours))
    )
    console.print(
        f"{_('over-loaded')}: [bold red]{len(result.over)}[/]   {_('under-loaded')}"
        + (f" (< {fmt_pct(result.underloaded_below)})" if result.underloaded_below is not None else "")
        + f": [yellow]{len(result.under)}[/]"
        + (
            "   "
            + _("without a manager: {customers} customers, {hours} h").format(
                customers=fmt_int(result.unassigned_customers), hours=fmt_int(result.unassigned_hours)
            )
            if result.unassigned_customers
            else ""
        )
    )
    tiers = Table(title=_("Customers per tier"), title_justify="left", show_footer=True)
    tiers.add_column(_("tier"), footer=_("total"))
    tiers.add_column(_("customers"), justify="right", footer=fmt_int(result.customers))
    tiers.add_column(_("hours a year"), justify="right", footer=fmt_int(result.standard_hours))
    for t in result.tiers:
        if t.customers:
            tiers.add_row(f"{t.channel}.{t.tier}", fmt_int(t.customers), fmt_int(t.required_hours))
    print_table(console, tiers)

    table = Table(title=_("Managers"), title_justify="left")
    for name, justify in (
        (_("manager"), "left"),
        (_("role"), "left"),
        (_("customers by tier"), "left"),
        (_("customers"), "right"),
        (_("hours needed"), "right"),
        (_("hours given"), "right"),
        (_("load"), "right"),
        ("", "left"),  # the flag beside the load it flags (a narrow terminal stacks districts below)
        (_("districts"), "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for m in result.managers:
        style = STYLE[m.flag]
        table.add_row(
            m.manager,
            m.role,
            " ".join(f"{k.split('.', 1)[1]}:{n}" for k, n in m.tiers.items()),
            fmt_int(m.customers),
            fmt_int(m.required_hours),
            fmt_int(m.capacity_hours),
            fmt_pct(m.load),
            _flag_text(m.flag),
            f"{len(m.districts)}: {_districts(m.districts)}",
            style=style,
        )
    print_table(console, table)

    districts = Table(title=_("Districts"), title_justify="left")
    districts.add_column(_("district"))
    districts.add_column(_("customers"), justify="right")
    districts.add_column(_("hours needed"), justify="right")
    districts.add_column(_("without manager"), justify="right")
    districts.add_column(_("managers"), justify="right")
    for d in result.districts:
        districts.add_row(
            d.district,
            fmt_int(d.customers),
            fmt_int(d.required_hours),
            fmt_int(d.unassigned),
            str(len(d.managers)),
        )
    print_table(console, districts)
    for w in result.warnings:
        console.print(f"[yellow]{_('note:')}[/] {w}")


def portfolio_frames(result: Portfolio) -> dict[str, pd.DataFrame]:
    """The portfolio as tables: ``managers``, ``districts``, ``tiers`` (columns in the README)."""
    import pandas as pd

    keys = [f"{t.channel}.{t.tier}" for t in result.tiers if t.customers]
    managers = pd.DataFrame(
        {
            "manager": [m.manager for m in result.managers],
            "role": [m.role for m in result.managers],
            "base_district": [m.base_district or "" for m in result.managers],
            "customers": [m.customers for m in result.managers],
            **{k: [m.tiers.get(k, 0) for m in result.managers] for k in keys},
            "hours_needed": [round(m.required_hours, 4) for m in result.managers],
            "travel_hours": [round(m.travel_hours, 4) for m in result.managers],
            "hours_given": [round(m.capacity_hours, 4) for m in result.managers],
            "load": [None if m.load is None else round(m.load, 6) for m in result.managers],
            "flag": [m.flag for m in result.managers],
            "districts": [";".join(m.districts) for m in result.managers],
        }
    )
    districts = pd.DataFrame(
        {
            "district": [d.district for d in result.districts],
            "customers": [d.customers for d in result.districts],
            "hours_needed": [round(d.required_hours, 4) for d in result.districts],
            "without_manager": [d.unassigned for d in result.districts],
            "managers": [len(d.managers) for d in result.districts],
            "manager_ids": [";".join(d.managers) for d in result.districts],
        }
    )
    tiers = pd.DataFrame(
        {
            "tier": [f"{t.channel}.{t.tier}" for t in result.tiers],
            "customers": [t.customers for t in result.tiers],
            "hours_needed": [round(t.required_hours, 4) for t in result.tiers],
        }
    )
    return {"managers": managers, "districts": districts, "tiers": tiers}


def rebalance_frames(result: Rebalance) -> dict[str, pd.DataFrame]:
    """The rebalance as tables: ``moves`` and ``loads`` (columns in the README)."""
    from dataclasses import asdict

    import pandas as pd

    loads = pd.DataFrame([asdict(c) for c in result.loads])
    for col in ("hours_before", "hours_after", "capacity_hours"):
        loads[col] = loads[col].round(4)
    for col in ("load_before", "load_after"):
        loads[col] = loads[col].astype(float).round(6)
    return {"moves": result.moves, "loads": loads}


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula (=, +, -, @ first) get a leading apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            text = out[col].astype(str)
            risky = text.str.match(r"^[=+\-@\t\r]").fillna(False).to_numpy(dtype=bool)
            if risky.any():
                out.loc[risky, col] = "'" + text[risky]
    return out


def write_tables(frames: dict[str, pd.DataFrame], out: str | Path, first: str) -> list[Path]:
    """Write tables atomically: ``.xlsx`` one sheet each; ``.csv`` ``first`` to ``out`` and each other
    table to ``<stem>-<name>.csv`` beside it."""
    from planner.report.export import write_with, write_xlsx_deterministic

    target = Path(out)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":

        def save(buffer: Any) -> None:
            with pd_excel_writer(buffer) as writer:
                for name, frame in frames.items():
                    _safe(frame).to_excel(writer, sheet_name=name, index=False)

        return [write_with(target, lambda tmp: write_xlsx_deterministic(save, tmp))]
    if suffix != ".csv":
        raise InputError(
            f"unknown output format {target.suffix or '(no extension)'!r}; expected .csv or .xlsx",
            source="--out",
        )
    written = []
    for name, frame in frames.items():
        path = target if name == first else target.with_name(f"{target.stem}-{name}.csv")
        written.append(write_with(path, _csv_writer(frame)))
    return written


def _csv_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        _safe(frame).to_csv(tmp, index=False, lineterminator="\n")

    return write


def pd_excel_writer(buffer: Any) -> Any:
    """A pandas ExcelWriter on openpyxl."""
    import pandas as pd

    return pd.ExcelWriter(buffer, engine="openpyxl")


def render_rebalance(result: Rebalance, console: Console) -> None:
    """Headline, moves per reason and tier, and the managers whose load changed."""
    from rich.table import Table

    gap = "-" if result.gap is None else f"{result.gap:.4%}"
    console.print(
        f"[bold]{result.source}[/]: "
        + _("{moves} moves; solver {solver} {status}, gap {gap}; {over} managers still over capacity").format(
            moves=fmt_int(len(result.moves)),
            solver=result.solver or "-",
            status=value_word(result.status),
            gap=gap,
            over=len(result.over_after),
        )
    )
    if result.leaving:
        console.print(_("leaving: {managers}").format(managers=", ".join(result.leaving)))
    news = ", ".join(f"{r}: {n}" for r, n in result.new_managers.items() if n) or _("none")
    console.print(_("new managers (from {source}): {news}").format(source=result.new_from, news=news))
    if len(result.moves):
        summary = Table(title=_("Moves"), title_justify="left")
        summary.add_column(_("by"))
        summary.add_column("", justify="left")
        summary.add_column(_("customers"), justify="right")
        for reason, n in result.moves_by_reason().items():
            summary.add_row(_("reason"), _(reason), fmt_int(n))
        for tier, n in result.moves_by_tier().items():
            summary.add_row(_("tier"), tier, fmt_int(n))
        print_table(console, summary)
    changed = [
        c for c in result.loads if c.moved_in or c.moved_out or c.status != "kept" or c.flag_after == "over"
    ]
    shown = changed[:SHOW_LOADS]
    table = Table(
        title=_("Loads before -> after ({shown} of {changed} changed; all in the loads file)").format(
            shown=len(shown), changed=len(changed)
        ),
        title_justify="left",
    )
    for name in (
        N_("manager"),
        N_("role"),
        N_("status"),
        N_("out"),
        N_("in"),
        N_("customers"),
        N_("load before"),
        N_("load after"),
        N_("districts"),
    ):
        table.add_column(_(name), justify="left" if name in ("manager", "role", "status") else "right")
    for c in shown:
        table.add_row(
            c.manager,
            c.role,
            _(c.status),
            fmt_int(c.moved_out),
            fmt_int(c.moved_in),
            f"{fmt_int(c.customers_before)} -> {fmt_int(c.customers_after)}",
            fmt_pct(c.load_before),
            fmt_pct(c.load_after),
            f"{c.districts_before} -> {c.districts_after}",
            style=STYLE[c.flag_after] if c.status != "leaving" else "",
        )
    print_table(console, table)
    for w in result.warnings:
        console.print(f"[yellow]{_('note:')}[/] {w}")
