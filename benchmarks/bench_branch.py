"""Benchmark: ``planner branch`` on a 1,000,000-customer roster, without the calendar workbook.

Target (issue 14): under 15 s wall and 3 GB peak memory on 2 cores. Reference, measured in the
same run: the same steps as separate commands (``plan``, ``schedule --out``, ``boundary``,
``callcentre``, each with ``--roster``), which read and validate the roster once each; the ratio
branch / separate is printed. Each command runs in its own process, so its peak memory
(``ru_maxrss`` of the children) is its own. Figures are noisy on a shared machine: compare the
ratio, not the seconds.

Run: ``python benchmarks/bench_branch.py [--customers 1000000] [--skip-reference]``
(the roster is made once with ``planner roster generate`` under benchmarks/out/ and reused).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
SCENARIO = REPO / "scenarios" / "baseline.yaml"
PLANNER = [sys.executable, "-c", "from planner.commands import run; run()"]


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd`` in a fresh process: wall seconds, its peak memory in GB, stderr's tail."""
    # A fork server would share ru_maxrss; a wrapper process per command keeps each peak apart.
    probe = [
        sys.executable,
        "-c",
        "import resource, subprocess, sys, json, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'rc': p.returncode, 'wall': wall, 'kb': rss, 'err': p.stderr[-400:]}))",
        *cmd,
    ]
    done = subprocess.run(probe, capture_output=True, text=True, check=True, cwd=REPO)
    data = json.loads(done.stdout)
    if data["rc"] != 0:
        raise SystemExit(f"failed ({data['rc']}): {' '.join(cmd[2:5])} ...\n{data['err']}")
    return data["wall"], data["kb"] / 1024 / 1024, data["err"]


def steps(roster: Path) -> None:
    """In-process: each step's seconds (the child mode of --steps)."""
    sys.path.insert(0, str(REPO))
    from planner.analyses.branch import analyse_branch
    from planner.analyses.schedule import customers_from_frame
    from planner.data.roster import read_roster
    from planner.data.scenario import load_scenario

    marks: list[tuple[str, float]] = [("read", time.perf_counter())]
    sc = load_scenario(SCENARIO)
    read = read_roster(roster, sc.policy)
    sc = sc.with_customers(read.counts())
    customers = customers_from_frame(read.accepted, str(roster))
    analyse_branch(
        sc, roster=read, customers=customers, progress=lambda s: marks.append((s, time.perf_counter()))
    )
    out = {name: round(marks[i + 1][1] - t, 2) for i, (name, t) in enumerate(marks[:-1])}
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--skip-reference", action="store_true", help="Time branch only.")
    parser.add_argument("--steps", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.steps is not None:
        steps(args.steps)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    roster = OUT / f"customers-{args.customers}.csv"
    if not roster.exists():
        print(f"making the roster ({args.customers:,} customers) ...", flush=True)
        subprocess.run(
            [*PLANNER, "roster", "generate", "--customers", str(args.customers), "--out", str(roster)],
            check=True,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
        )
    print(f"cores: {os.cpu_count()}; roster: {roster.name}")
    with tempfile.TemporaryDirectory(prefix="bench-branch-") as tmp:
        wall, gb, _ = timed(
            [*PLANNER, "branch", str(SCENARIO), "--roster", str(roster), "--out", f"{tmp}/pack"]
        )
        print(f"branch (one process):       {wall:6.1f} s  peak {gb:4.2f} GB  (target 15 s, 3 GB)")
        if not args.skip_reference:
            total, peak = 0.0, 0.0
            for name, extra in (
                ("plan", []),
                ("schedule", ["--out", f"{tmp}/schedule"]),
                ("boundary", []),
                ("callcentre", []),
            ):
                roster_args = [] if name == "callcentre" else ["--roster", str(roster)]
                w, g, _ = timed([*PLANNER, name, str(SCENARIO), *roster_args, *extra])
                total += w
                peak = max(peak, g)
                print(f"  {name:<24} {w:6.1f} s  peak {g:4.2f} GB")
            print(f"separate commands, summed:  {total:6.1f} s  peak {peak:4.2f} GB")
            print(f"ratio branch / separate:    {wall / total:6.2f}")
    done = subprocess.run(
        [sys.executable, __file__, "--steps", str(roster)], capture_output=True, text=True, check=True
    )
    print("branch steps in-process (s):", done.stdout.strip())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    print(f"(peak memory of this script's children: {peak:.2f} GB)")


if __name__ == "__main__":
    main()
