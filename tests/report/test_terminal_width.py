"""Terminal reports fit 80 and 100 columns: no table cuts an id, a value or a header (issue 14).

Each command runs once per language through the CLI; the report it renders is recorded (the
``render_*`` function and its arguments) and rendered again on consoles 80, 100 and 200 columns
wide, the widths a user's terminal gives :func:`planner.commands.options.make_console`. At 80 and
100 columns there must be no ellipsis (rich's mark for a cut cell), no line wider than the
console (a cropped table edge), and every tier id and every figure the wide rendering shows must be
there in full (not folded over two lines).
"""

from __future__ import annotations

import functools
import importlib
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from planner.commands import main
from planner.i18n import reset_language, set_language
from planner.report.terminal import SafeConsole

REPO = Path(__file__).resolve().parent.parent.parent
WIDTHS = (80, 100)
#: A tier id of the baseline policy's channels (key.crystal, commercial.A, public.premium...).
TIER_ID = re.compile(r"\b(?:key|commercial|public|mobile)\.[A-Za-z+]+")
#: A figure or an id with a figure in it (183,330, 61.4%, 2006-Q1, 2027-W05): a run of printable
#: ASCII holding a digit. Box lines, spaces and Chinese text end it.
FIGURE = re.compile(r"[!-~]*\d[!-~]*")

#: command name -> CLI arguments (the baseline scenario and the scenarios the README shows).
COMMANDS: dict[str, list[str]] = {
    "plan": ["plan"],
    "boundary": ["boundary"],
    "compare": [
        "compare",
        "scenarios/baseline.yaml",
        "scenarios/key-growth-2006.yaml",
        "scenarios/unified-centre.yaml",
    ],
    "sweep": ["sweep", "scenarios/baseline.yaml", "--vary", "customers.key.crystal=1000,4000"],
    "sweep-budget": ["sweep", "scenarios/budget-freeze.yaml", "--vary", "budget=14000000,19000000"],
    "hire": ["hire", "scenarios/key-growth-2006.yaml", "--horizon", "8", "--period", "quarter"],
    "callcentre": ["callcentre"],
    "schedule": ["schedule"],
    "portfolio": ["portfolio", "scenarios/baseline.yaml", "--roster", "{roster}"],
    "rebalance": ["rebalance", "scenarios/baseline.yaml", "--roster", "{roster}", "--out", "{tmp}/moves.csv"],
    "roster check": ["roster", "check", "{roster}"],
}

REPORT_MODULES = ("boundary", "callcentre", "hiring", "plan", "portfolio", "roster", "schedule", "what_if")


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roster") / "customers.csv"
    result = CliRunner().invoke(
        main, ["roster", "generate", "--customers", "3000", "--seed", "7", "--out", str(path)]
    )
    assert result.exit_code == 0, result.output
    return path


def _record(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, tuple[Any, ...], dict[str, Any]]]:
    """Wrap every ``render_*`` of the report modules; return the list the outermost calls go to."""
    calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = []
    depth = [0]
    for name in REPORT_MODULES:
        module = importlib.import_module(f"planner.report.{name}")
        for attr in dir(module):
            original = getattr(module, attr)
            if not attr.startswith("render_") or not callable(original):
                continue

            def wrapper(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
                if depth[0] == 0:
                    calls.append((__original, args, kwargs))
                depth[0] += 1
                try:
                    return __original(*args, **kwargs)
                finally:
                    depth[0] -= 1

            monkeypatch.setattr(module, attr, functools.wraps(original)(wrapper))
    return calls


def _render(calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]], width: int, lang: str) -> str:
    """The recorded reports rendered again on a console ``width`` columns wide."""
    console = SafeConsole(width=width, file=StringIO(), highlight=False, soft_wrap=False, color_system=None)
    set_language(lang)
    try:
        with console.capture() as captured:
            for function, args, kwargs in calls:
                args = tuple(console if isinstance(a, SafeConsole) else a for a in args)
                function(*args, **kwargs)
    finally:
        reset_language()
    return captured.get()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_reports_fit_80_and_100_columns(
    command: str, lang: str, roster: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    calls = _record(monkeypatch)
    args = [a.format(roster=roster, tmp=tmp_path) for a in COMMANDS[command]]
    result = CliRunner().invoke(main, [*args, "--lang", lang], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert calls, f"{command} rendered no report"
    wide = _render(calls, 200, lang)
    tiers = set(TIER_ID.findall(wide))
    figures = set(FIGURE.findall(wide))
    for width in WIDTHS:
        text = _render(calls, width, lang)
        assert "…" not in text, f"{command} at {width} columns cuts a cell:\n{text}"
        too_wide = [line for line in text.splitlines() if cell_len(line) > width]
        assert not too_wide, f"{command} at {width} columns: lines wider than the console: {too_wide[:3]}"
        missing = tiers - set(TIER_ID.findall(text))
        assert not missing, f"{command} at {width} columns loses tier ids {missing}"
        broken = figures - set(FIGURE.findall(text))
        assert not broken, f"{command} at {width} columns breaks figures {sorted(broken)[:10]}"


def test_no_forced_console_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console takes the terminal's width as it is (COLUMNS), even below 100."""
    from planner.commands.options import make_console

    monkeypatch.setenv("COLUMNS", "80")
    assert make_console().width == 80


def test_stacked_table_repeats_row_names_and_keeps_every_column() -> None:
    """A table too wide for the console is printed as parts, each with the row names first."""
    from rich.table import Table

    from planner.report.tables import print_table

    table = Table(title="wide")
    table.add_column("tier")
    for i in range(12):
        table.add_column(f"column{i:02d}", justify="right")
    table.add_row("commercial.A", *[f"{1000 * i:,}" for i in range(12)])
    console = SafeConsole(width=60, file=StringIO(), highlight=False, color_system=None)
    with console.capture() as captured:
        print_table(console, table)
    text = captured.get()
    assert "…" not in text
    assert all(cell_len(line) <= 60 for line in text.splitlines())
    parts = text.count("commercial.A")
    assert parts >= 2  # stacked: the row name repeated in each part
    for i in range(12):
        assert f"column{i:02d}" in text and f"{1000 * i:,}" in text
    assert text.count("wide") == 1  # the title once, on the first part


def test_long_table_checked_on_its_widest_rows() -> None:
    """A long table is measured on a sample of rows; the one wide cell deep inside still counts."""
    from rich.table import Table

    from planner.report.tables import SAMPLE_ABOVE, print_table

    table = Table()
    for name in ("manager", "role", "load", "districts"):
        table.add_column(name)
    rows = 3 * SAMPLE_ABOVE
    for i in range(rows):
        districts = "North" if i != rows // 2 else "North-South-East-West-Centre-Harbour-Airport"
        table.add_row(f"KM-{i:03d}", "key_manager", "[bold red]99.0%[/]", districts)
    console = SafeConsole(width=60, file=StringIO(), highlight=False, color_system=None)
    with console.capture() as captured:
        print_table(console, table)
    text = captured.get()
    assert "…" not in text
    assert all(cell_len(line) <= 60 for line in text.splitlines())
    assert "North-South-East-West-Centre-Harbour-Airport" in text and f"KM-{rows - 1:03d}" in text
