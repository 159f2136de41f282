"""Many branches at once. Prints its figures; asserts nothing.

Run from the repository root:  python benchmarks/bench_batch.py [BRANCHES]

Target (issue 8, 2 cores): 1,000 synthetic branches with --workers 2 under 60 s; the same through
a dask.distributed LocalCluster of 2 workers; throughput and the ratio against --workers 1.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from planner.analyses.branches import generate_branches, run_batch  # noqa: E402


def timed(label: str, files: list[Path], base: float | None = None, **kwargs: object) -> float:
    start = time.perf_counter()
    rows = run_batch(files, **kwargs)  # type: ignore[arg-type]
    wall = time.perf_counter() - start
    ok = sum(r["status"] == "ok" for r in rows)
    ratio = f"  x{base / wall:4.2f} vs --workers 1" if base else ""
    print(f"  {label:28} {wall:7.2f} s  {len(files) / wall:7.1f} branches/s  ({ok} ok){ratio}")
    return wall


def main() -> None:
    from distributed import LocalCluster

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        files = generate_branches(REPO / "scenarios" / "baseline.yaml", count, Path(tmp), seed=1)
        made = time.perf_counter() - start
        print(f"batch benchmark: {count:,} synthetic branches (generated in {made:.1f} s)")
        one = timed("--workers 1", files, workers=1)
        two = timed("--workers 2", files, base=one, workers=2)
        print(f"  target: --workers 2 under 60 s -> {'met' if two < 60 else 'NOT met'}")
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            timed("LocalCluster, 2 workers", files, base=one, dask_address=cluster.scheduler_address)


if __name__ == "__main__":
    main()
