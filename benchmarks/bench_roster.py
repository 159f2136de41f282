"""`planner roster check` speed and memory, against the code before issue 15, in the same run.

Run from the repository root:

    python benchmarks/bench_roster.py [ROWS] [--big ROWS] [--reference GIT-REF] [--runs N]

Cases: ROWS generated customers (default 1,000,000), the same file with every row rejected (an
unknown channel, each reject listed in the JSON), and ``--big`` rows (default 10,000,000; 0 skips
it) made by repeating the generated file with distinct ids. Each case runs ``roster check --format
json`` through the CLI with this checkout and with ``--reference`` (default: the commit before
issue 15's reader, extracted from git into a temporary folder and run with the same Python), and
prints wall seconds, CPU seconds, peak memory, the speed ratio, and whether the two JSON outputs
are byte-identical. Asserts nothing: on a shared machine the absolute figures are noisy; the ratio,
measured in the same conditions, is the figure to compare.

Targets (issue 15, 2 cores): 1,000,000 rows under 1.5 s and 700 MB; 10,000,000 rows under 15 s
and 4 GB.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: The last commit before the Arrow row checks (issue 15).
REFERENCE = "b7bcd1e"

#: Runs a command as its own child (stdout to a file) and prints its exit code, peak RSS (kB)
#: and CPU seconds (user + system).
MEASURE = (
    "import resource, subprocess, sys\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    r = subprocess.run(sys.argv[2:], stdout=out)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(r.returncode, u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
)


def measured(cmd: list[str], cwd: Path, stdout: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of ``cmd``."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(stdout), *cmd], cwd=cwd, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    code, rss_kb, cpu = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(cmd)} failed: {out.stderr}")
    return wall, float(cpu), int(rss_kb) / 1024


def extract(ref: str, into: Path) -> Path:
    """The repository at ``ref`` as plain files (``git archive``)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def compare(label: str, roster: Path, reference: Path, tmp: Path, runs: int, target: str) -> None:
    """Check ``roster`` with both codes ``runs`` times each (interleaved); print the best of each."""
    scenario = str(REPO / "scenarios" / "baseline.yaml")
    cmd = [
        sys.executable,
        "cli.py",
        "roster",
        "check",
        str(roster),
        "--scenario",
        scenario,
        "--format",
        "json",
    ]
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(runs):
        for name, where in (("reference", reference), ("this", REPO)):
            got = measured(cmd, where, tmp / f"{name}.json")
            best[name] = min(best.get(name, got), got)
    same = filecmp.cmp(tmp / "reference.json", tmp / "this.json", shallow=False)
    (wall, cpu, mb), (ref_wall, ref_cpu, ref_mb) = best["this"], best["reference"]
    print(
        f"  {label:24s} {wall:6.2f} s wall {cpu:6.2f} s CPU {mb:7.0f} MB | before: {ref_wall:6.2f} s "
        f"{ref_cpu:6.2f} s CPU {ref_mb:7.0f} MB | x{ref_wall / wall:.2f} wall, x{ref_cpu / cpu:.2f} CPU | "
        f"same JSON: {'yes' if same else 'NO'}   ({target})"
    )


def repeat(source: Path, target: Path, times: int) -> None:
    """``source`` repeated ``times`` times under one header, ids made distinct by a prefix."""
    with open(source, encoding="utf-8") as handle:
        header = handle.readline()
        body = handle.read()
    with open(target, "w", encoding="utf-8") as out:
        out.write(header)
        for k in range(times):  # generated ids all start with "C"
            out.write(f"C{k}-" + body[1:].replace("\nC", f"\nC{k}-"))


def all_rejected(source: Path, target: Path) -> None:
    """``source`` with every channel replaced by one the policy does not have."""
    import pandas as pd

    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame["channel"] = "retail"
    frame.to_csv(target, index=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=10_000_000)
    parser.add_argument("--reference", default=REFERENCE)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        reference = extract(args.reference, tmp / "reference")
        roster = tmp / "customers.csv"
        generate = ["roster", "generate", "--customers", str(args.rows), "--seed", "7", "--out", str(roster)]
        subprocess.run(
            [sys.executable, "cli.py", *generate],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        print(
            f"roster check, this checkout against {args.reference} (best of {args.runs}); "
            f"2-core machine shared with other work: absolute figures are noisy, compare the ratios"
        )
        compare(f"{args.rows:,} rows", roster, reference, tmp, args.runs, "target < 1.5 s, < 700 MB")
        bad = tmp / "all-rejected.csv"
        all_rejected(roster, bad)
        compare(f"{args.rows:,} all rejected", bad, reference, tmp, args.runs, "every reject in the JSON")
        if args.big:
            big = tmp / "big.csv"
            repeat(roster, big, max(1, args.big // args.rows))
            rows = max(1, args.big // args.rows) * args.rows
            compare(f"{rows:,} rows", big, reference, tmp, 1, "target < 15 s, < 4 GB")


if __name__ == "__main__":
    main()
