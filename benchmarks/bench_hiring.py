"""Benchmark of ``planner hire``: prints wall time and peak memory (figures, not assertions).

Run from the repository root: ``python benchmarks/bench_hiring.py``. The target (issue 7) is
5 roles x 36 months under 5 s on 2 cores. Measures

1. the CLI end to end on a 5-role scenario over 36 months (a subprocess, so start-up and imports
   count; peak RSS of that child): the shipped unified-centre scenario (key, commercial, community,
   district and unified-centre managers, two roles sharing key.crystal and commercial.A) with a
   hiring section like key-growth-2006's (+1,500 key accounts over 2006, churn, attrition for
   every role, lead times, ramp-up, hiring and training caps, two transfer routes);
2. ``hiring_plan`` in-process on the same scenario, best of 3, with the number of integer solves
   the leavers' fixed point took, and the share of it the roles' calendar efficiency takes (one
   ``plan`` of the hire's first year, timed alone in the same run);
3. the shipped key-growth-2006 scenario (4 roles) over 24 months, in-process, best of 3;
4. restructuring (issue 16; target under 5 s): the shipped unified-centre-transition scenario
   (5 roles: hiring, key managers moved to the centre, commercial managers retrained, redundancy
   allowed in every role) over 36 months in integer mode, best of 3, wall and CPU seconds, with
   the MIP gap (the plan's distance from its LP relaxation, an upper bound on the true gap);
5. the Williams manpower-planning benchmark in LP mode, both objectives, against the published
   optima (841.8 redundancies; cost 498,677).

Wall time depends on the load; CPU seconds (the solver runs on one thread) much less.

The machine has 2 cores shared with other jobs; figures measured under load vary by tens of percent.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FIVE_ROLES = """\
extends: {base}
hiring:
  start: "2006-01"
  penalty_per_hour: 300
  growth:
    months: 12
    net: true
    added: {{key: {{crystal: 1000, bronze: 300, silver: 150, gold: 50}}}}
  churn: {{key: 0.0612, commercial: 0.10}}
  migration:
    - {{from_tier: commercial.A, to_tier: key.crystal, yearly_rate: 0.05}}
  roles:
    key_manager: {{attrition: {{first_year: 0.02, tenured: 0.008}}, lead_time_months: 2,
                  ramp: [0.5, 0.5, 0.5], max_hires_per_month: 8, training_capacity: 20,
                  cost_per_hire: 10000}}
    commercial_manager: {{attrition: {{first_year: 0.02, tenured: 0.01}}, lead_time_months: 1,
                         ramp: [0.5, 0.75], max_hires_per_month: 4, cost_per_hire: 6000}}
    community_manager: {{attrition: {{first_year: 0.015, tenured: 0.008}}, lead_time_months: 1,
                        ramp: [0.5], cost_per_hire: 3000}}
    district_manager: {{attrition: {{first_year: 0.015, tenured: 0.008}}, lead_time_months: 1,
                       ramp: [0.5], cost_per_hire: 3000}}
    unified_manager: {{attrition: {{first_year: 0.02, tenured: 0.008}}, lead_time_months: 2,
                      ramp: [0.5, 0.5, 0.75], max_hires_per_month: 5, training_capacity: 10,
                      cost_per_hire: 8000}}
  transfers:
    - {{from_role: commercial_manager, to_role: unified_manager, lead_time_months: 1,
       max_per_month: 2, cost: 3000, ramp: [0.75]}}
    - {{from_role: commercial_manager, to_role: key_manager, lead_time_months: 1,
       max_per_month: 1, cost: 3000, ramp: [0.75, 0.9]}}
"""


def five_role_scenario(folder: Path) -> Path:
    path = folder / "bench-hiring-5roles.yaml"
    path.write_text(FIVE_ROLES.format(base=REPO / "scenarios" / "unified-centre.yaml"), encoding="utf-8")
    return path


def bench_cli(path: Path) -> None:
    args = [sys.executable, "cli.py", "hire", str(path), "--horizon", "36", "--format", "json"]
    start = time.perf_counter()
    subprocess.run(args, cwd=REPO, check=True, capture_output=True)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"cli hire, 5 roles x 36 months: {wall:.2f} s wall, peak RSS {peak_kib / 1024:.0f} MiB")


def bench_in_process(path: Path, horizon: int, label: str) -> None:
    from planner.analyses.hiring import hiring_plan
    from planner.data.scenario import load_scenario
    from planner.model import hiring as model

    solves: list[int] = []
    original = model.solve

    def counting(*args: object, **kwargs: object) -> object:
        solves.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    model.solve = counting  # type: ignore[assignment]
    try:
        scenario = load_scenario(path)
        best = float("inf")
        result = None
        for _ in range(3):
            solves.clear()
            start = time.perf_counter()
            result = hiring_plan(scenario, horizon=horizon)
            best = min(best, time.perf_counter() - start)
    finally:
        model.solve = original  # type: ignore[assignment]
    assert result is not None
    roles = len(result.roles)
    # The roles' calendar efficiency (one plan() of the hire's first year), inside the time above.
    from planner.analyses.hiring import calendar_efficiency, calendar_months, hiring_spec

    year = calendar_months(scenario, hiring_spec(scenario), 1)[0][0]
    plan_best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        calendar_efficiency(scenario, year)
        plan_best = min(plan_best, time.perf_counter() - start)
    print(
        f"hiring_plan {label}, {roles} roles x {horizon} months: best of 3 {best:.2f} s "
        f"({len(solves)} solves incl. the relaxation's), status {result.status}, "
        f"{result.total_hires} hires, cost {result.total_cost:,.0f} CNY, "
        f"{result.shortfall_hours:,.0f} h uncovered; of which plan's calendar efficiency "
        f"{plan_best:.2f} s ({plan_best / best:.0%})"
    )


def bench_restructuring(horizon: int = 36) -> None:
    from planner.analyses.hiring import hiring_plan
    from planner.data.scenario import load_scenario

    scenario = load_scenario(REPO / "scenarios" / "unified-centre-transition.yaml")
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        result = hiring_plan(scenario, horizon=horizon, mode="integer")
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    assert result is not None
    moved = {
        kind: sum(t.count for t in result.transfers if t.kind == kind) for kind in ("transfer", "retrain")
    }
    print(
        f"restructuring (unified-centre-transition), {len(result.roles)} roles x {horizon} months, integer: "
        f"best of 3 {best_wall:.2f} s wall, {best_cpu:.2f} s CPU, MIP gap {result.mip_gap:.2%} "
        f"(to the LP bound), status {result.status}, {result.total_hires:g} hires, "
        f"{moved['transfer']:g} moved, {moved['retrain']:g} retrained, {result.redundancies:g} redundant, "
        f"cost {result.total_cost + result.penalty_cost:,.0f} CNY incl. penalty"
    )


def bench_williams() -> None:
    from planner.analyses.hiring import hiring_plan
    from planner.data.scenario import load_scenario

    scenario = load_scenario(REPO / "scenarios" / "williams-manpower.yaml")
    start = time.perf_counter()
    fewest = hiring_plan(scenario, mode="lp", objective="min_redundancy")
    cheapest = hiring_plan(scenario, mode="lp", objective="min_cost")
    wall = time.perf_counter() - start
    print(
        f"Williams manpower planning, LP: min redundancy {fewest.redundancies:,.1f} (published 841.8), "
        f"min cost {cheapest.total_cost:,.1f} (published 498,677); both in {wall:.2f} s"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = five_role_scenario(Path(tmp))
        bench_cli(path)
        bench_in_process(path, 36, "unified-centre + growth")
    bench_in_process(REPO / "scenarios" / "key-growth-2006.yaml", 24, "key-growth-2006")
    bench_restructuring()
    bench_williams()


if __name__ == "__main__":
    main()
