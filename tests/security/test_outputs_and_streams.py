"""Write errors, file modes, pipes, the default scenario and implausible-value warnings, via the real CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "scenarios" / "baseline.yaml"


def _run(*args: str, cwd: Path = REPO, **kw: object) -> subprocess.CompletedProcess[str]:
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args],
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        timeout=120,
        **kw,  # type: ignore[arg-type]
    )


def _error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    line = _error_line(
        _run("roster", "generate", "--customers", "10", "--out", str(tmp_path / "f" / "r.csv"))
    )
    assert (
        line == f"Error: {tmp_path / 'f' / 'r.csv'}: cannot write: {tmp_path / 'f'} is a file, not a folder"
    )


def test_output_is_a_directory(tmp_path: Path, cli: Callable[..., Any], tiny: Callable[..., Path]) -> None:
    (tmp_path / "out" / "managers.csv").mkdir(parents=True)
    result = cli("schedule", tiny(small=20), "--year", "2027", "--out", tmp_path / "out")
    assert result.exit_code == 2
    line = result.stderr.strip().splitlines()[-1]
    assert (
        line
        == f"Error: {tmp_path / 'out' / 'managers.csv'}: cannot write: it is a directory; give a file name"
    )
    assert str(tmp_path / "out" / "managers.csv") in line and "directory" in line


def test_device_as_output_is_refused() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    # Writing into a device's place would replace the device (as root): refused, file untouched.
    sheet = Path("/dev/full")
    before = sheet.stat().st_mode
    from planner.errors import OutputError
    from planner.report.export import write_text_atomic

    with pytest.raises(OutputError, match="/dev/full: cannot write: it is a device"):
        write_text_atomic(sheet, "x")
    assert stat.S_ISCHR(sheet.stat().st_mode) and sheet.stat().st_mode == before


def test_read_only_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., object]
) -> None:
    """As root a read-only folder is writable, so the OS's refusal is made to happen."""

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = tmp_path / "ro" / "r.csv"
    result = cli("roster", "generate", "--customers", "10", "--out", out)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr == f"Error: {out}: cannot write: Permission denied\n"  # type: ignore[attr-defined]


def test_full_disk_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., object]
) -> None:
    import pandas as pd

    def full(self: object, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    out = tmp_path / "r.csv"
    result = cli("roster", "generate", "--customers", "10", "--out", out)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr == f"Error: {out}: cannot write: No space left on device\n"  # type: ignore[attr-defined]
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_stdout_full_and_closed() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        result = _run("plan", "--format", "json", stdout=full)  # type: ignore[arg-type]
    assert result.returncode == 2
    assert result.stderr == "Error: <stdout>: cannot write: No space left on device\n"
    closed = subprocess.run(
        f"{sys.executable} cli.py plan >&-", shell=True, capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert closed.returncode == 2
    assert closed.stderr == "Error: <stdout>: cannot write: standard output is closed\n"


@pytest.mark.parametrize("args", [["plan"], ["plan", "--format", "json"], ["validate"]])
def test_piped_into_head_exits_quietly(args: list[str]) -> None:
    cmd = " ".join([sys.executable, "cli.py", *args])
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {cmd} | head -n 1"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.stderr == ""
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_outputs_respect_the_umask(umask: int, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    old = os.umask(umask)
    try:
        result = _run("roster", "generate", "--customers", "10", "--out", str(out))
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_no_scenario_and_no_default_here(tmp_path: Path) -> None:
    line = _error_line(_run("plan", cwd=tmp_path))
    assert "no scenario was given" in line
    assert str(tmp_path / "scenarios" / "baseline.yaml") in line
    # A scenario the user did name is still "file not found".
    assert _error_line(_run("plan", "nope.yaml", cwd=tmp_path)) == "Error: nope.yaml: file not found"


def test_aht_in_minutes_is_warned() -> None:
    result = _run("erlang", "--calls", "100", "--aht", "4", "--target", "0.8", "--format", "json")
    assert result.returncode == 0
    assert result.stderr.startswith("Warning: --aht 4 s is under 10 s")
    assert "240 s" in result.stderr
    quiet = _run("erlang", "--calls", "100", "--aht", "240", "--target", "0.8", "--format", "json")
    assert quiet.stderr == ""


def test_budget_below_one_head_is_warned() -> None:
    # The cheapest role of baseline.yaml (a district manager) costs 50,000 CNY a year.
    result = _run("plan", "--set", "budget=0.95", "--format", "json")
    assert "budget 0.95 CNY a year is below one head's annual cost (50,000)" in result.stderr
    import json

    assert any("below one head" in w for w in json.loads(result.stdout)["warnings"])
    fine = _run("plan", "--set", "budget=50000", "--format", "json")
    assert "below one head" not in fine.stderr


def test_any_other_os_error_is_one_line(monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Any]) -> None:
    """An OS error no layer turned into a message still ends as one line naming its file, exit 2."""
    import planner.data.scenario as scenario

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error", "scenarios/baseline.yaml")

    monkeypatch.setattr(scenario, "load_scenario", broken)
    result = cli("plan")
    assert result.exit_code == 2
    assert result.stderr == "Error: scenarios/baseline.yaml: Input/output error\n"
