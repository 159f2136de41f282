"""Names with ESC sequences, CR, other control characters or bidi overrides are shown escaped."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.report.terminal import SafeConsole, terminal_text

REPO = Path(__file__).resolve().parents[2]
#: What a terminal would act on: clear screen + red, a bare CR, BEL, a right-to-left override, backspace.
HOSTILE = ["\x1b[2J\x1b[31m", "\r", "\x07", "\u202e", "\x08", "\u2066"]
RAW = {"\x1b", "\r", "\x07", "\u202e", "\x08", "\u2066"}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )


@given(st.text())
def test_terminal_text_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    shown = terminal_text(text)
    assert shown.isprintable() or set(shown) <= {" "} | {c for c in shown if c.isprintable()}
    if text.isprintable():
        assert shown == text


def test_label_in_the_plan_table() -> None:
    label = "e\x1b[31m\r\x07\u202ex"  # short enough not to be cut with an ellipsis
    yaml_label = label.encode("unicode_escape").decode()
    result = _run("plan", "--set", f'roles.key_manager.label="{yaml_label}"')
    assert result.returncode == 0, result.stderr
    assert not RAW & set(result.stdout), repr(result.stdout[:400])
    flat = re.sub(r"[\s│]", "", result.stdout)  # the label may wrap inside its column
    assert "(e\\x1b[31m\\x0d\\x07\\u202ex)" in flat


def test_scenario_name_in_titles_and_markup_that_does_not_parse() -> None:
    result = _run("plan", "--set", 'name="a[/]b\\e[31m\\u202e"')
    assert result.returncode == 0, result.stderr
    assert "Headcount plan: a[/]b\\x1b[31m\\u202e" in result.stdout
    assert not RAW & set(result.stdout)


# A CR inside a quoted CSV field is a roster-reading question (the reader splits lines there).
@pytest.mark.parametrize("bad", [h for h in HOSTILE if h != "\r"])
def test_roster_ids_in_the_rejected_rows_table(bad: str, tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        f"customer_id,channel,tier,monthly_spend\nC{bad}1,key,crystal,5000\nC{bad}2,nowhere,crystal,5000\n",
        encoding="utf-8",
    )
    result = _run("roster", "check", str(roster))
    assert "Traceback" not in result.stderr
    assert not RAW & set(result.stdout), repr(result.stdout)
    assert terminal_text(f"C{bad}2") in result.stdout


def test_console_keeps_columns_aligned() -> None:
    from rich.table import Table

    console = SafeConsole(width=60, record=True, color_system=None)
    table = Table()
    table.add_column("name")
    table.add_row("a\x1bb")
    table.add_row("plain")
    console.print(table)
    lines = console.export_text().splitlines()
    assert "a\\x1bb" in lines[3]
    assert len({len(line) for line in lines}) == 1  # every row as wide as the border
