"""Benchmark of ``planner boundary``: prints wall time and peak memory (figures, not assertions).

Run from the repository root: ``python benchmarks/bench_boundary.py``. Measures

1. the CLI end to end on the shipped baseline with the unified-centre remedy (a subprocess, so
   start-up and imports count; peak RSS of that child);
2. ``analyse_boundaries`` in-process, baseline with remedy, best of 5;
3. the near-the-line roster figures on a synthetic 1,000,000-row roster (numpy-built, uniform spend
   inside each boundary tier's band), i.e. the vectorised pandas filter per boundary;
4. ``planner boundary --roster`` end to end on a 1,000,000-row roster from ``planner roster generate``,
   next to ``planner plan --roster`` on the same file (the roster reader dominates both; the difference
   is what the boundary report adds). Skip with ``--quick``.

The machine has 2 cores shared with other jobs; figures measured under load vary by tens of percent.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def bench_cli() -> None:
    args = [
        sys.executable,
        "cli.py",
        "boundary",
        "scenarios/baseline.yaml",
        "--remedy",
        "scenarios/unified-centre.yaml",
        "--format",
        "json",
    ]
    start = time.perf_counter()
    subprocess.run(args, cwd=REPO, check=True, capture_output=True)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"cli boundary baseline --remedy unified-centre: {wall:.2f} s wall, "
        f"peak RSS {peak_kib / 1024:.0f} MiB"
    )


def bench_analysis() -> None:
    from planner.analyses.boundary import analyse_boundaries
    from planner.data.scenario import load_scenario

    before = load_scenario(REPO / "scenarios" / "baseline.yaml")
    after = load_scenario(REPO / "scenarios" / "unified-centre.yaml")
    analyse_boundaries(before, remedy=after)  # warm up imports and solver
    times = []
    for _ in range(5):
        start = time.perf_counter()
        analyse_boundaries(before, remedy=after)
        times.append(time.perf_counter() - start)
    print(f"analyse_boundaries(baseline, remedy=unified-centre): best of 5 {min(times) * 1000:.0f} ms")


def bench_near(rows: int = 1_000_000) -> None:
    import numpy as np
    import pandas as pd

    from planner.analyses.boundary import _near, boundary_pairs
    from planner.data.scenario import load_scenario

    scenario = load_scenario(REPO / "scenarios" / "baseline.yaml")
    pairs = boundary_pairs(scenario.policy)
    rng = np.random.default_rng(7)
    tiers = [(p.lower_channel, p.lower_tier) for p in pairs]
    tiers += [(p.upper_channel, p.upper_tier) for p in pairs]
    pick = rng.integers(0, len(tiers), rows)
    low = np.array([t.low for _, t in tiers])[pick]
    high = np.array([t.high if t.high is not None else 2 * t.mid_spend for _, t in tiers])[pick]
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(rows).astype(str),
            "channel": pd.Categorical(np.array([c for c, _ in tiers])[pick]),
            "tier": pd.Categorical(np.array([t.id for _, t in tiers])[pick]),
            "monthly_spend": rng.uniform(low, high),
        }
    )
    roster = SimpleNamespace(accepted=frame)
    tracemalloc.start()
    start = time.perf_counter()
    for p in pairs:
        _near(p, roster)  # type: ignore[arg-type]
    wall = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"near-the-line figures, {rows:,}-row roster, {len(pairs)} boundaries: {wall:.2f} s, "
        f"peak traced memory {peak / 2**20:.0f} MiB"
    )


def _timed_child(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process (a fresh wait4 per child)."""
    import os

    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return wall, usage.ru_maxrss / 1024


def bench_roster_cli(rows: int = 1_000_000) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "customers.csv")
        gen = [sys.executable, "cli.py", "roster", "generate", "--customers", str(rows), "--seed", "7"]
        subprocess.run([*gen, "--out", path], cwd=REPO, check=True, capture_output=True)
        for name in ("boundary", "plan"):
            wall, peak = _timed_child([sys.executable, "cli.py", name, "--roster", path, "--format", "json"])
            print(f"cli {name} --roster ({rows:,} rows): {wall:.2f} s wall, peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    bench_cli()
    bench_analysis()
    bench_near()
    if "--quick" not in sys.argv:
        bench_roster_cli()
