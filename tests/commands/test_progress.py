"""Progress on stderr: drawn on a terminal (after a delay), never with --quiet, never on stdout,
and the callbacks the slow steps call count what they say."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent

# Runs the CLI with progress shown at once (no 1 s delay), so a tiny sweep draws its bar.
RUN = (
    "import sys; from planner.report import progress; progress.DELAY = 0; "
    "from planner.commands import main; main(sys.argv[1:], prog_name='planner')"
)
SWEEP = [
    "sweep",
    "tests/data/boundary/clean.yaml",
    "--vary",
    "customers.small.s1=100,200",
    "--format",
    "json",
]


def _run_on_a_terminal(args: list[str]) -> tuple[str, str]:
    """stdout (a pipe) and stderr (a pseudo-terminal) of ``planner ARGS``."""
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", RUN, *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=slave,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        out, _ = proc.communicate(timeout=300)
    finally:
        os.close(master)
    assert proc.returncode == 0
    return out.decode(), b"".join(chunks).decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_bar_on_a_terminal_and_clean_json() -> None:
    out, err = _run_on_a_terminal(SWEEP)
    assert "sweep" in err and "2/2" in err  # the bar, with its count
    assert len(json.loads(out)["points"]) == 2  # stdout is the JSON alone


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_quiet_draws_nothing() -> None:
    out, err = _run_on_a_terminal(["--quiet", *SWEEP])
    assert "sweep" not in err and "2/2" not in err
    assert len(json.loads(out)["points"]) == 2


def test_not_a_terminal_draws_nothing(cli) -> None:
    result = cli("sweep", "tests/data/boundary/clean.yaml", "--vary", "customers.small.s1=100,200")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_compare_calls_back_per_scenario() -> None:
    from planner.analyses.what_if import compare
    from planner.data.scenario import load_scenario

    calls: list[tuple[int, int]] = []
    scenarios = [load_scenario(REPO / "tests/data/boundary/clean.yaml")] * 2
    compare(scenarios, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


def test_schedule_workbook_calls_back_per_sheet_and_save(tmp_path: Path) -> None:
    from planner.analyses.schedule import build_schedule
    from planner.data.scenario import load_scenario
    from planner.report.schedule import write_schedule_excel

    result = build_schedule(load_scenario(REPO / "tests/data/boundary/clean.yaml"), year=2027)
    managers = result.schedule["manager_id"].nunique()
    calls: list[tuple[int, int]] = []
    write_schedule_excel(result, tmp_path, progress=lambda d, n: calls.append((d, n)))
    # one call per manager's sheet, then one when the file is saved
    assert calls == [(i, managers + 1) for i in range(1, managers + 2)]
    assert (tmp_path / "schedule.xlsx").exists()
