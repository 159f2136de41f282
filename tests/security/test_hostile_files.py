"""Files read and echoed, devices and pipes, YAML recursion: one line, exit 2, nothing leaked or hung."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.data.yaml_io import MAX_FILE_BYTES, read_limited
from planner.errors import InputError, excerpt, printable

REPO = Path(__file__).resolve().parents[2]
#: A line shaped like /etc/shadow's; it must never come back in an error.
SECRET = "root:$6$s3cr3tSALT$hashhashhashhashhashhash:20228:0:99999:7:::"


def _run(*args: str, timeout: float = 60, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


class _InProcess:
    """A run through click's runner (quick): the same fields as a finished subprocess."""

    def __init__(self, *args: str) -> None:
        from click.testing import CliRunner

        from planner.commands import main

        result = CliRunner().invoke(main, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        self.returncode = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr


def _one_line_error(result: subprocess.CompletedProcess[str] | _InProcess) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    # click's own usage errors (a directory where a file is wanted) add a usage hint above the line.
    lines = [x for x in result.stderr.strip().splitlines() if x.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    if not result.stderr.startswith("Usage:"):
        assert result.stderr.count("\n") == 1, result.stderr
    return lines[0]


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    p = tmp_path / "shadow"
    p.write_text("\n".join([SECRET, "daemon:*:20228:0:99999:7:::", "bin:*:20228:0:99999:7:::"]) + "\n")
    return p


def test_excerpt_is_short_and_printable() -> None:
    assert excerpt("x" * 100) == "'" + "x" * 37 + "...'"
    assert len(excerpt("x" * 100)) == 42  # 40 characters between the quotes
    assert excerpt("a\x1b[2Jb") == "'a\\x1b[2Jb'"
    assert printable("abc\u202eevil") == "abc\\u202eevil"
    assert printable("水晶 ok") == "水晶 ok"


@pytest.mark.parametrize(
    "how",
    ["set-policy", "policy-key", "extends", "scenario", "columns"],
)
def test_a_foreign_file_is_named_not_dumped(how: str, secret_file: Path, tmp_path: Path) -> None:
    baseline = REPO / "scenarios" / "baseline.yaml"
    if how == "set-policy":
        args = ["plan", str(baseline), "--set", f"policy={secret_file}"]
    elif how == "policy-key":
        rel = os.path.relpath(secret_file, tmp_path)
        scenario = tmp_path / "s.yaml"
        scenario.write_text(baseline.read_text().replace("../policies/telecom-4plus1.yaml", rel))
        args = ["plan", str(scenario)]
    elif how == "extends":
        scenario = tmp_path / "s.yaml"
        scenario.write_text(f"extends: {secret_file}\nname: x\n")
        args = ["plan", str(scenario)]
    elif how == "scenario":
        args = ["plan", str(secret_file)]
    else:
        roster = tmp_path / "r.csv"
        roster.write_text("customer_id,channel,tier,monthly_spend\nC1,key,crystal,5000\n")
        args = ["plan", str(baseline), "--roster", str(roster), "--columns", str(secret_file)]
    line = _one_line_error(_InProcess(*args))
    assert str(secret_file) in line
    assert "not a" in line  # "not a policy file", "not a scenario file", "not a column map"
    for part in ("s3cr3t", "daemon", "hashhash"):
        assert part not in line


def test_long_values_are_cut_in_errors(tmp_path: Path) -> None:
    baseline = REPO / "scenarios" / "baseline.yaml"
    long = "y" * 300
    line = _one_line_error(_InProcess("plan", str(baseline), "--set", f"budget={long}"))
    assert "y" * 38 not in line and "y" * 30 in line
    line = _one_line_error(_InProcess("plan", str(baseline), "--set", f"{long}=1"))
    assert "y" * 41 not in line


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("key", ["policy", "scenario", "forecast", "roster"])
def test_devices_are_refused_at_once(device: str, key: str, tmp_path: Path) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} missing")
    _refused_at_once(key, device, tmp_path)


@pytest.mark.parametrize("key", ["policy", "scenario", "extends", "forecast", "roster"])
def test_fifos_and_directories_are_refused_at_once(key: str, tmp_path: Path) -> None:
    fifo = tmp_path / ("pipe.csv" if key == "roster" else "pipe.yaml")
    os.mkfifo(fifo)  # nobody ever writes to it: reading it would hang
    line = _refused_at_once(key, str(fifo), tmp_path)
    assert "device, pipe or socket" in line
    folder = tmp_path / ("dir.csv" if key == "roster" else "dir.yaml")
    folder.mkdir()
    assert "directory" in _refused_at_once(key, str(folder), tmp_path)


def _refused_at_once(key: str, path: str, tmp_path: Path) -> str:
    baseline = REPO / "scenarios" / "baseline.yaml"
    if key == "policy":
        args = ["plan", str(baseline), "--set", f"policy={path}"]
    elif key == "scenario":
        args = ["plan", path]
    elif key == "extends":
        scenario = tmp_path / "s.yaml"
        scenario.write_text(f"extends: {path}\n")
        args = ["plan", str(scenario)]
    elif key == "forecast":
        args = [
            "callcentre",
            str(REPO / "scenarios" / "callcentre-outbound.yaml"),
            "--set",
            f"callcentre.forecast={path}",
        ]
    else:
        args = ["plan", str(baseline), "--roster", path]
    line = _one_line_error(_run(*args, timeout=30))
    assert path in line or key == "roster"
    return line


def test_size_limit_is_enforced_while_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# x\n" * (MAX_FILE_BYTES // 4 + 1))
    with pytest.raises(InputError, match="too large"):
        read_limited(big, MAX_FILE_BYTES)
    ok = tmp_path / "ok.yaml"
    ok.write_bytes(b"a" * 10)
    assert read_limited(ok, 10) == b"a" * 10
    with pytest.raises(InputError, match="the limit is 9 bytes"):
        read_limited(ok, 9)


@pytest.mark.parametrize(
    "text",
    [
        "loop: &r [*r]\n",
        "[" * 900 + "]" * 900 + "\n",
        "{a: " * 900 + "1" + "}" * 900 + "\n",
        "".join("  " * i + "-\n" for i in range(900)),
        "".join(" " * i + f"k{i}:\n" for i in range(900)),
    ],
    ids=["recursive-alias", "flow-lists", "flow-maps", "block-lists", "block-maps"],
)
def test_yaml_recursion_is_one_line_and_validate_goes_on(text: str, tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    bad = folder / "a-bad.yaml"
    bad.write_text(text)
    (folder / "b-good.yaml").write_text((REPO / "policies" / "telecom-4plus1.yaml").read_text())
    line = _one_line_error(_InProcess("plan", str(bad)))
    assert str(bad) in line and ("deep" in line or "itself" in line)
    result = _InProcess("validate", str(folder))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "ok    policy" in result.stdout and "b-good.yaml" in result.stdout
    assert "2 file(s) checked, 1 with errors" in result.stdout
