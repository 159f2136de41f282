"""Roster speed and memory at 1,000,000 rows. Prints its figures; asserts nothing.

Run from the repository root:  python benchmarks/bench_roster.py [ROWS]

Targets (issue 3, 2 cores): `planner roster check` and `planner plan --roster` on a 1,000,000-row
CSV each under 10 s wall and under 2 GB peak memory. Also times the worst case for the report: the
same file with every row rejected, each listed in ``--format json``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Runs a command as its own child and prints that child's peak RSS (kB on Linux).
MEASURE = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def measured(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``cmd`` run from the repository root."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    code, rss_kb = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(cmd)} failed: {out.stderr}")
    return wall, int(rss_kb) / 1024


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "customers.csv"
        gen_s, gen_mb = measured(
            [
                sys.executable,
                "cli.py",
                "roster",
                "generate",
                "--customers",
                str(rows),
                "--seed",
                "7",
                "--out",
                str(roster),
            ]
        )
        print(f"roster benchmark, {rows:,} rows ({roster.stat().st_size / 1e6:.0f} MB CSV); 2-core machine")
        print(f"  roster generate        {gen_s:6.2f} s  {gen_mb:7.0f} MB")
        check_s, check_mb = measured(
            [sys.executable, "cli.py", "roster", "check", str(roster), "--format", "json"]
        )
        print(f"  roster check           {check_s:6.2f} s  {check_mb:7.0f} MB   (targets < 10 s, < 2,048 MB)")
        plan_s, plan_mb = measured(
            [sys.executable, "cli.py", "plan", "--roster", str(roster), "--format", "json"]
        )
        print(f"  plan --roster          {plan_s:6.2f} s  {plan_mb:7.0f} MB   (targets < 10 s, < 2,048 MB)")
        # Worst case for the report: every row rejected (an unknown channel), all listed in the JSON.
        bad = Path(tmp) / "all-rejected.csv"
        _all_rejected(roster, bad)
        bad_s, bad_mb = measured([sys.executable, "cli.py", "roster", "check", str(bad), "--format", "json"])
        print(f"  check, all rejected    {bad_s:6.2f} s  {bad_mb:7.0f} MB   (every row listed in the JSON)")


def _all_rejected(source: Path, target: Path) -> None:
    """``source`` with every channel replaced by one the policy does not have."""
    import pandas as pd

    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame["channel"] = "retail"
    frame.to_csv(target, index=False)


if __name__ == "__main__":
    main()
