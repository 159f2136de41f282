"""Multi-file outputs as one set: staging folder, manifest, interrupts and write errors."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.report.fileset import MANIFEST, read_manifest, write_set

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "tests" / "data" / "schedule" / "small.yaml"


def leftovers(folder: Path) -> list[str]:
    """Staging or old folders and temporary files left anywhere under ``folder``."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith((".tmp", ".old")))


def test_a_new_set_appears_whole_with_its_manifest(tmp_path):
    target = tmp_path / "out"
    with write_set(target) as staging:
        assert not target.exists()  # nothing visible while writing
        (staging / "a.csv").write_text("x\n1\n")
        (staging / "b.csv").write_text("y\n")
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST, "a.csv", "b.csv"]
    manifest = read_manifest(target)
    assert manifest == {
        "a.csv": {"bytes": 4, "sha256": hashlib.sha256(b"x\n1\n").hexdigest()},
        "b.csv": {"bytes": 2, "sha256": hashlib.sha256(b"y\n").hexdigest()},
    }
    assert leftovers(tmp_path) == []


def test_a_second_set_replaces_the_first_whole(tmp_path):
    target = tmp_path / "out"
    with write_set(target) as staging:
        for name in ("a.csv", "b.csv", "c.xlsx"):
            (staging / name).write_text("old")
    with write_set(target) as staging:
        (staging / "a.csv").write_text("new")
    # c.xlsx and b.csv of the first run do not linger beside the second run's a.csv.
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST, "a.csv"]
    assert (target / "a.csv").read_text() == "new"
    assert leftovers(tmp_path) == []


def test_files_planner_did_not_write_are_left_alone(tmp_path):
    target = tmp_path / "out"
    with write_set(target) as staging:
        (staging / "a.csv").write_text("old")
        (staging / "b.csv").write_text("old")
    (target / "notes.txt").write_text("mine")
    with write_set(target) as staging:
        (staging / "a.csv").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST, "a.csv", "notes.txt"]
    assert (target / "notes.txt").read_text() == "mine"
    assert list(json.loads((target / MANIFEST).read_text())["files"]) == ["a.csv"]


def test_an_error_while_writing_changes_nothing(tmp_path):
    target = tmp_path / "out"
    with write_set(target) as staging:
        (staging / "a.csv").write_text("old")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    with pytest.raises(InputError) as err, write_set(target) as staging:
        (staging / "a.csv").write_text("new")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(err.value) == (
        f"{target}: cannot write the output files: No space left on device; nothing was changed in the folder"
    )
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert leftovers(tmp_path) == []
    with pytest.raises(KeyboardInterrupt), write_set(target) as staging:
        (staging / "a.csv").write_text("new")
        raise KeyboardInterrupt
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert leftovers(tmp_path) == []


def test_a_file_as_target_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="expected a folder for the output files"), write_set(tmp_path / "f"):
        pass


SELF_SIGNAL = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from planner.report.fileset import write_set

    target = Path(sys.argv[1])
    with write_set(target) as staging:
        (staging / "a.csv").write_text("new")
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
        (staging / "b.csv").write_text("new")
    """
)


@pytest.mark.parametrize(("sig", "code"), [("SIGTERM", 143), ("SIGINT", -signal.SIGINT)])
def test_a_signal_while_writing_leaves_no_temporary_files(tmp_path, sig, code):
    target = tmp_path / "out"
    with write_set(target) as staging:
        (staging / "a.csv").write_text("old")
    result = subprocess.run(
        [sys.executable, "-c", SELF_SIGNAL, str(target), sig], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == code, result.stderr
    assert (target / "a.csv").read_text() == "old"
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST, "a.csv"]
    assert leftovers(tmp_path) == []


def test_schedule_out_is_one_set(cli, tmp_path):
    out = tmp_path / "cal"
    args = ["schedule", SMALL, "--year", "2027", "--out", out]
    assert cli(*args, "--excel").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST,
        "managers.csv",
        "schedule.csv",
        "schedule.xlsx",
    ]
    # Without --excel the next run's set has no workbook: the old one does not stay beside new CSVs.
    assert cli(*args, "--set", "roles.key_manager.headcount=3").exit_code in (0, 2)
    names = sorted(p.name for p in out.iterdir())
    assert "schedule.xlsx" not in names
    manifest = read_manifest(out)
    assert manifest is not None and sorted(manifest) == [n for n in names if n != MANIFEST]
    for name, entry in manifest.items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()


def test_generate_replaces_an_earlier_set(cli, tmp_path):
    out = tmp_path / "g"
    assert cli("batch", "scenarios/baseline.yaml", "--generate", "5", "--out", out).exit_code == 0
    assert cli("batch", "scenarios/baseline.yaml", "--generate", "3", "--out", out).exit_code == 0
    assert sorted(p.name for p in out.glob("*.yaml")) == [f"branch-000{i}.yaml" for i in (1, 2, 3)]


def test_sweep_out_is_one_set(cli, tmp_path):
    out = tmp_path / "s"
    result = cli(
        "sweep", "scenarios/baseline.yaml", "--vary", "customers.key.crystal=1000,3000", "--out", out
    )
    assert result.exit_code == 0
    assert sorted(read_manifest(out) or {}) == [
        "cost.png",
        "coverage.png",
        "headcount.png",
        "revenue.png",
        "sweep.csv",
    ]
    assert f"wrote {out / 'sweep.csv'}" in result.stderr
    assert leftovers(tmp_path) == []


def _small_file_limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="resource limits need a POSIX child")
def test_a_write_that_fails_for_space_is_one_line_and_leaves_nothing(tmp_path):
    # RLIMIT_FSIZE makes any write past 600 bytes fail with EFBIG (Python ignores SIGXFSZ), as a
    # full disk fails with ENOSPC: the same path through the set writer. A branch file is ~1.5 KB.
    out = tmp_path / "g"
    result = subprocess.run(
        [sys.executable, "cli.py", "batch", "scenarios/baseline.yaml", "--generate", "3", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_small_file_limit,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        f"Error: {out}: cannot write the output files: File too large; nothing was changed in the folder"
    )
    assert not out.exists()
    assert leftovers(tmp_path) == []
