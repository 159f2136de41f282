"""What every terminal report shares: number, percent and money formats, coverage colours, and
:func:`print_table`, which prints a rich table whole at any width (stacked when too wide).

Defined once here; the report modules import them (issue 11: no copy per module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console
    from rich.table import Table

#: Coverage at or above this share of the standard shows yellow (below it, red); at 1, green.
NEAR_MET = 0.9
#: Tolerance for "met in full" (a share of 1 computed in floating point).
MET_TOLERANCE = 1e-9
#: rich's mark for a cell it had to cut.
ELLIPSIS = "…"
#: A table with more rows is checked for cuts on a sample of them (see :func:`_sample`).
SAMPLE_ABOVE = 40


def fmt_int(x: float) -> str:
    """``12345.6`` -> ``12,346``."""
    return f"{x:,.0f}"


def fmt_num(x: float | None, digits: int = 2) -> str:
    """``1234.567`` -> ``1,234.57`` (``digits`` decimals); None -> ``-``."""
    return "-" if x is None else f"{x:,.{digits}f}"


def fmt_pct(x: float | None) -> str:
    """``0.4263`` -> ``42.6%``; None -> ``-``."""
    return "-" if x is None else f"{x:.1%}"


def fmt_signed(n: int) -> str:
    """``3`` -> ``+3``; ``-2`` -> ``-2``; ``0`` -> ``0``."""
    return f"+{n}" if n > 0 else str(n)


def fmt_money(x: float) -> str:
    """A price without trailing zeros: ``3000.0`` -> ``3,000``; ``99.5`` -> ``99.5``."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def coverage_style(x: float | None) -> str:
    """Green when met, yellow when close (>= 90 %), red when well short; "" for None."""
    if x is None:
        return ""
    if x >= 1 - MET_TOLERANCE:
        return "green"
    return "yellow" if x >= NEAR_MET else "bold red"


def styled_pct(x: float | None) -> str:
    """:func:`fmt_pct` in its :func:`coverage_style` colour (rich markup); None -> ``-``."""
    if x is None:
        return "-"
    return f"[{coverage_style(x)}]{fmt_pct(x)}[/]"


def _plain(cell: object) -> str:
    """A cell's text as shown (rich markup taken out; markup that does not parse shown as typed)."""
    text = str(cell)
    if "[" not in text:
        return text
    from rich.errors import MarkupError
    from rich.text import Text

    try:
        return Text.from_markup(text).plain
    except MarkupError:
        return text


def _sample(table: Table) -> Table:
    """``table`` with only the rows that set its columns' widths: per column, its widest cell and
    the cell with its longest word. rich lays a table out from those two widths of each column, so
    the sample is cut exactly where the whole table would be, at a fraction of the cost (a
    portfolio lists every manager)."""
    import copy

    from rich.cells import cell_len

    n = table.row_count
    if n <= SAMPLE_ABOVE:
        return table
    keep: set[int] = set()
    for column in table.columns:
        cells = [_plain(c) for c in column._cells]
        keep.add(max(range(n), key=lambda i: cell_len(cells[i])))
        keep.add(max(range(n), key=lambda i: max((cell_len(w) for w in cells[i].split()), default=0)))
    rows = sorted(keep)
    probe = copy.copy(table)
    probe.rows = [table.rows[i] for i in rows]
    probe.columns = []
    for column in table.columns:
        sampled = copy.copy(column)
        sampled._cells = [column._cells[i] for i in rows]
        probe.columns.append(sampled)
    return probe


def _breakable(table: Table) -> Table:
    """A copy of ``table`` for finding cuts: each Chinese character written as ``x`` and a space (two
    cells, a line may break after it, as a folding column breaks Chinese) and every column back to
    cutting with an ellipsis, so a figure or an id that does not fit shows as cut."""
    import copy

    from rich.cells import cell_len

    def spaced(value: object) -> object:
        if not isinstance(value, str) or cell_len(value) == len(value):
            return value
        return "".join("x " if cell_len(ch) == 2 else ch for ch in value)

    probe = copy.copy(table)
    probe.columns = []
    for column in table.columns:
        plain = copy.copy(column)
        plain.header = spaced(column.header)  # type: ignore[assignment]
        plain.footer = spaced(column.footer)  # type: ignore[assignment]
        plain._cells = [spaced(c) for c in column._cells]  # type: ignore[misc]
        plain.overflow = "ellipsis"
        probe.columns.append(plain)
    return probe


def _cuts(table: Table, width: int) -> bool:
    """Whether rich, at ``width`` columns, would cut a cell or header of ``table``: an ellipsis, or
    a table wider than the console (its right edge cropped)."""
    from io import StringIO

    from rich.cells import cell_len

    from planner.report.terminal import SafeConsole

    # The console reports print on (user text is escaped, markup that does not parse shown as is).
    probe = SafeConsole(width=width, file=StringIO(), color_system=None, highlight=False, soft_wrap=False)
    with probe.capture() as captured:
        probe.print(_breakable(_sample(table)), crop=False)
    text = captured.get()
    return ELLIPSIS in text or any(cell_len(line) > width for line in text.splitlines())


def _part(table: Table, indexes: list[int], first: bool) -> Table:
    """A copy of ``table`` with only the columns at ``indexes`` (the title on the first part only)."""
    import copy

    part = copy.copy(table)
    part.columns = []
    for n, i in enumerate(indexes):
        column = copy.copy(table.columns[i])
        column._cells = list(column._cells)
        column._index = n
        part.columns.append(column)
    if not first:
        part.title = None
    return part


def _fold_wide_text(table: Table) -> None:
    """Let columns holding Chinese text break it anywhere (rich breaks lines only at spaces, and
    Chinese has none): such a column folds a run longer than itself instead of cutting it with an
    ellipsis. Ids and figures, set apart by spaces, still move to the next line whole."""
    from rich.cells import cell_len

    def wide(value: object) -> bool:
        return isinstance(value, str) and cell_len(value) != len(value)

    for column in table.columns:
        if wide(column.header) or any(wide(c) for c in column._cells):
            column.overflow = "fold"


def stacked(table: Table, width: int, keys: int = 1) -> list[Table]:
    """``table`` as it fits ``width`` columns without a cut: itself, or parts of its columns printed
    one under the other, each repeating the first ``keys`` columns (the row's names)."""
    _fold_wide_text(table)
    if not _cuts(table, width) or len(table.columns) <= keys + 1:
        return [table]
    head = list(range(min(keys, len(table.columns))))
    parts: list[list[int]] = []
    current: list[int] = []
    for i in range(len(head), len(table.columns)):
        trial = [*current, i]
        if current and _cuts(_part(table, head + trial, not parts), width):
            parts.append(current)
            current = [i]
        else:
            current = trial
    if current:
        parts.append(current)
    return [_part(table, head + cols, n == 0) for n, cols in enumerate(parts)]


def print_table(console: Console, table: Table, keys: int = 1) -> None:
    """Print ``table`` so no id, value or header is cut: whole when it fits the console, else
    stacked (see :func:`stacked`)."""
    for part in stacked(table, console.width, keys):
        console.print(part)


def colon(label: str, text: str = "") -> str:
    """``label: text`` (``label:`` without text) with the colon of the active language (``：`` in Chinese)."""
    from planner.i18n import _

    return _("{label}: {text}").format(label=label, text=text) if text else _("{label}:").format(label=label)


def labelled(key: str, label: str | None) -> str:
    """A tier or role id with the policy's label: ``key.crystal (水晶)`` in English, ``水晶 key.crystal``
    in Chinese (the label a Chinese reader knows first, the id after it)."""
    from planner.i18n import current_language

    if not label:
        return key
    return f"{label} {key}" if current_language() == "zh" else f"{key} ({label})"
