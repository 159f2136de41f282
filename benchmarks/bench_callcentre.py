"""`planner callcentre` with and without day profiles: wall time, shift programmes and their size.

The plain baseline plans 2 day types (weekday, weekend); scenarios/callcentre-profiles.yaml plans 5
(monday, friday, holiday, weekday, weekend) of the 2027 China calendar. Each analysis runs REPEATS
times (outbound off, so only the call centre is timed); the best run is printed, with the profiled
run's ratio to the plain one measured in the same process (absolute figures are noisy on a shared
2-core machine; the ratio less so).

Run: ``python benchmarks/bench_callcentre.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.analyses.callcentre import analyse_callcentre
from planner.data.scenario import load_scenario

REPO = Path(__file__).resolve().parent.parent
REPEATS = 5


def best_of(path: Path) -> tuple[float, int, int]:
    """Best wall time of REPEATS analyses, the day types planned and the shift variables per day."""
    sc = load_scenario(path)
    best = float("inf")
    res = None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        res = analyse_callcentre(sc, with_outbound=False)
        best = min(best, time.perf_counter() - t0)
    assert res is not None and res.ok
    shifts_per_day = len({(s.template, s.start) for s in res.shifts})
    return best, len(res.days), shifts_per_day


def main() -> None:
    """Print both timings and their ratio."""
    plain, n_plain, v_plain = best_of(REPO / "scenarios" / "baseline.yaml")
    prof, n_prof, v_prof = best_of(REPO / "scenarios" / "callcentre-profiles.yaml")
    print(f"baseline             {plain:7.3f} s  {n_plain} day types, {v_plain} (template, start) pairs used")
    print(f"callcentre-profiles  {prof:7.3f} s  {n_prof} day types, {v_prof} (template, start) pairs used")
    print(
        f"ratio profiled / plain: {prof / plain:.2f} "
        f"(best of {REPEATS}; {n_prof / n_plain:.1f}x the day types)"
    )


if __name__ == "__main__":
    main()
