"""Speed of the core planner. Prints its figures; asserts nothing (targets are for people to read).

Run from the repository root:  python benchmarks/bench_plan.py [--reference GIT-REF]

``--reference`` (default: the commit before the annual model left pulp, issue 15) is extracted from
git into a temporary folder and run with the same Python beside this checkout: the 50 x 200 annual
models and the cold imports print its figure and the ratio (reference / this), measured in the
same run.

Targets (on 2 cores): `planner plan` end to end on the baseline < 1 s; `planner --help` < 0.3 s; a
synthetic 50-role x 200-tier scenario solved < 2 s. Printed too: the calendar model's size and solve
time on the baseline (slots, streams, variables; LP, books). Where roles share no tier, the annual
model's integer headcount must equal its LP bound rounded up: printed as a check.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from planner.data.scenario import load_scenario  # noqa: E402
from planner.model.headcount import (  # noqa: E402
    annual_plan,
    calendar_problem,
    ceil_heads,
    lp_bound_headcount,
    plan,
)


def wall(cmd: list[str], repeat: int = 5) -> float:
    """Median wall seconds of running ``cmd`` from the repository root."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic(
    directory: Path,
    roles: int = 50,
    tiers_per_channel: int = 4,
    shared: bool = False,
    budget: float | None = None,
) -> Path:
    """Write a policy with ``roles`` channels of ``tiers_per_channel`` tiers and a scenario serving them.

    Role i serves channel i; with ``shared`` it also serves channel i+1's bottom tier, so roles compete.
    """
    channels = {}
    customers = {}
    for c in range(roles):
        tiers = []
        for t in range(tiers_per_channel):
            tiers.append(
                {
                    "id": f"t{t}",
                    "spend": [1000 * t, 1000 * (t + 1)],
                    "visits": {"count": 1 + t, "per": "quarter"},
                    "calls": {"count": 1, "per": "month"},
                    "visit_minutes": 60 + 7 * c % 50,
                    "call_minutes": 10,
                    "discount": 0.01 * t,
                    "churn_risk": 0.05,
                }
            )
        channels[f"c{c}"] = {"tiers": tiers}
        customers[f"c{c}"] = {f"t{t}": 50 + (37 * c + 11 * t) % 400 for t in range(tiers_per_channel)}
    role_specs = {}
    for c in range(roles):
        serves = [f"c{c}"]
        if shared:
            serves.append(f"c{(c + 1) % roles}.t0")
        role_specs[f"r{c}"] = {
            "serves": serves,
            "headcount": 5,
            "hours_per_year": 2000,
            "customer_time_share": 0.5 + (c % 5) / 20,
            "annual_cost": 80000 + 1000 * (c % 7),
        }
    # The shipped policy's default response shape, so a budget run exercises the response segments.
    shape = [[0, 1.0], [0.25, 0.81775], [0.5, 0.69625], [0.75, 0.6274], [1, 0.595]]
    (directory / "policy.yaml").write_text(
        yaml.safe_dump({"channels": channels, "response": {"churn_lost": shape}})
    )
    path = directory / ("shared.yaml" if shared else "separate.yaml")
    doc = {"policy": "policy.yaml", "customers": customers, "roles": role_specs}
    if budget is not None:
        doc["budget"] = budget
        path = path.with_name(f"budget-{path.name}")
    path.write_text(yaml.safe_dump(doc))
    return path


#: The last commit before the annual model moved onto planner/model/lp.py (issue 15).
REFERENCE_REF = "94a89d9"

#: Times ``annual_plan`` on a scenario in a child process (so the reference's own code is imported):
#: prints the least seconds of ``repeat`` runs.
TIME_ANNUAL = (
    "import sys, time\n"
    "sys.path.insert(0, '.')\n"
    "from planner.data.scenario import load_scenario\n"
    "from planner.model.headcount import annual_plan\n"
    "scenario = load_scenario(sys.argv[1])\n"
    "best = None\n"
    "for _ in range(int(sys.argv[3])):\n"
    "    start = time.perf_counter()\n"
    "    result = annual_plan(scenario, with_current=False, objective=sys.argv[2])\n"
    "    took = time.perf_counter() - start\n"
    "    best = took if best is None else min(best, took)\n"
    "print(best, result.total_headcount, result.total_cost)\n"
)


def annual_seconds(
    where: Path, scenario: Path, objective: str = "response", repeat: int = 2
) -> tuple[float, str]:
    """Least seconds of ``annual_plan`` on ``scenario`` with the code in ``where``; heads and cost."""
    out = subprocess.run(
        [sys.executable, "-c", TIME_ANNUAL, str(scenario), objective, str(repeat)],
        cwd=where,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), f"{out[1]} heads, {float(out[2]):,.0f} CNY"


def compile_bytecode(root: Path) -> None:
    """Byte-compile ``root``'s package (what an installed package has), quietly."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "planner")], check=True)


def extract(ref: str, into: Path) -> Path:
    """The repository at ``ref`` as plain files (``git archive``), byte-compiled."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    compile_bytecode(into)
    return into


def reference_figures(ref: str) -> None:
    """The 50 x 200 annual models (separate, shared, shared at 80 % budget) here and at ``ref``."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        reference = extract(ref, tmp / "reference")
        print(f"  annual model 50 x 200 against {ref} (least of 3 interleaved runs each, same run):")
        cases = []
        for shared in (False, True):
            (tmp / str(shared)).mkdir()
            cases.append(
                (
                    "sharing tiers" if shared else "separate tiers",
                    synthetic(tmp / str(shared), shared=shared),
                    "response",
                )
            )
        full = annual_plan(load_scenario(cases[1][1]), with_current=False).total_cost
        (tmp / "budget").mkdir()
        budget = synthetic(tmp / "budget", shared=True, budget=0.8 * full)
        cases += [("80 % budget, response", budget, "response"), ("80 % budget, linear", budget, "linear")]
        for label, path, objective in cases:
            # Interleaved (this, before, this, before, ...), least of each: load shared by both.
            this_s = ref_s = math.inf
            for _ in range(3):
                took, this_out = annual_seconds(REPO, path, objective, repeat=1)
                this_s = min(this_s, took)
                took, ref_out = annual_seconds(reference, path, objective, repeat=1)
                ref_s = min(ref_s, took)
            same = "same plan" if this_out == ref_out else f"DIFFERENT: {ref_out} before"
            print(
                f"    {label:24} {this_s:6.3f} s | before {ref_s:6.3f} s | x{ref_s / this_s:.2f}   "
                f"({this_out}; {same})"
            )
        import_figures(reference)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default=REFERENCE_REF, help="git ref to measure beside this checkout")
    args = parser.parse_args()
    print("planner core benchmark (2-core machine; figures are medians)")
    # As installed: `pip install` byte-compiles the package, and Python caches bytecode on first
    # import unless PYTHONDONTWRITEBYTECODE is set (as it is on some machines, where every run would
    # compile the package again, about 0.1 s). Both trees are compiled once before any timing.
    compile_bytecode(REPO)
    print("  (bytecode compiled first, as an installed package has it)")
    help_s = wall([sys.executable, "cli.py", "--help"])
    print(f"  planner --help                      {help_s:6.3f} s   (target < 0.3 s)")
    plan_s = wall([sys.executable, "cli.py", "plan"])
    print(f"  planner plan (baseline, end to end) {plan_s:6.3f} s   (target < 1 s)")
    json_s = wall([sys.executable, "cli.py", "plan", "scenarios/budget-freeze.yaml", "--format", "json"])
    print(f"  planner plan budget-freeze --json   {json_s:6.3f} s")
    reference_figures(args.reference)
    calendar_figures()

    with tempfile.TemporaryDirectory() as tmp:
        for shared in (False, True):
            path = synthetic(Path(tmp), shared=shared)
            scenario = load_scenario(path)
            start = time.perf_counter()
            result = annual_plan(scenario, with_current=False)
            solve_s = time.perf_counter() - start
            label = "sharing tiers" if shared else "separate tiers"
            print(
                f"  annual model 50 x 200, {label:14} {solve_s:6.3f} s   (target < 2 s; "
                f"{result.total_headcount} heads, {result.mode})"
            )
            if not shared:
                bound = lp_bound_headcount(scenario)
                mismatches = [
                    r for r, h in bound.items() if result.role(r).required_headcount != ceil_heads(h, 1.0)
                ]
                verdict = "OK" if not mismatches else f"MISMATCH in {', '.join(mismatches)}"
                print(f"  integer headcount == ceil(LP bound) for every role: {verdict}")
        start = time.perf_counter()
        result = plan(load_scenario(synthetic(Path(tmp), shared=False)), with_current=False, year=2027)
        solve_s = time.perf_counter() - start
        print(
            f"  calendar model 50 x 200, separate   {solve_s:6.3f} s   ({result.total_headcount} heads, "
            f"{sum(r.annual_bound or 0 for r in result.roles)} by the annual average)"
        )
        # max_coverage: the shared case with 80 % of the budget meeting every standard costs.
        full = annual_plan(load_scenario(synthetic(Path(tmp), shared=True)), with_current=False).total_cost
        path = synthetic(Path(tmp), shared=True, budget=0.8 * full)
        for objective in ("response", "linear"):
            start = time.perf_counter()
            result = annual_plan(load_scenario(path), with_current=False, objective=objective)  # type: ignore[arg-type]
            solve_s = time.perf_counter() - start
            print(
                f"  annual 50 x 200, 80 % budget, {objective:8} {solve_s:6.3f} s   ({result.mode}, "
                f"{result.total_headcount} heads, revenue kept {result.revenue_kept:,.0f})"
            )


def import_ms(
    python: str, cwd: Path, args: list[str], repeat: int = 3
) -> tuple[float, list[tuple[float, str]]]:
    """Least total import time (ms) over ``repeat`` cold runs of ``python -X importtime cli.py ARGS``,
    with that run's largest top-level imports (cumulative ms, module)."""
    import os

    best: tuple[float, list[tuple[float, str]]] | None = None
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for _ in range(repeat):
        proc = subprocess.run(
            [python, "-X", "importtime", "cli.py", *args], cwd=cwd, env=env, capture_output=True, text=True
        )
        top = []
        for line in proc.stderr.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            _, cumulative, name = line.split("|", 2)
            if name.startswith(" ") and not name.startswith("  "):  # a top-level import
                top.append((int(cumulative) / 1000, name.strip()))
        total = sum(ms for ms, _ in top)
        if best is None or total < best[0]:
            best = (total, sorted(top, reverse=True)[:5])
    assert best is not None
    return best


def import_figures(reference: Path) -> None:
    """Import time of a cold `planner plan` (python -X importtime), against the reference checkout."""
    for label, args in (
        ("plan (baseline, has a call centre)", ["plan"]),
        ("plan williams-manpower (none)", ["plan", "scenarios/williams-manpower.yaml"]),
    ):
        total, top = import_ms(sys.executable, REPO, args)
        line = f"  imports of a cold {label:36} {total:6.0f} ms"
        ref_total, _ = import_ms(sys.executable, reference, args)
        line += f"   (reference: {ref_total:.0f} ms -> x{ref_total / total:.2f})"
        print(line)
        print("    largest: " + ", ".join(f"{name} {ms:.0f}" for ms, name in top))


def calendar_figures() -> None:
    """The calendar model on the baseline: its size, the LP and the books, in process."""
    from planner.model.booking import book_branch
    from planner.model.calendar import solve_calendar

    scenario = load_scenario(REPO / "scenarios" / "baseline.yaml")
    problem = calendar_problem(scenario, 2027)
    start = time.perf_counter()
    sol = solve_calendar(problem)
    lp_s = time.perf_counter() - start
    start = time.perf_counter()
    books = book_branch(problem, sol, {t.key: t.customers for t in problem.tiers}, full=True)
    book_s = time.perf_counter() - start
    slots = problem.calendar.n_slots
    print(
        f"  calendar model, baseline 2027: {slots} slots x {len(sol.streams)} streams = "
        f"{slots * len(sol.streams):,} contact variables"
    )
    print(f"    LP (heads, allocation, spread)    {lp_s:6.3f} s")
    ips = sum(b.books.ip_books for b in books.values())
    print(
        f"    books (whole contacts)            {book_s:6.3f} s   ({ips} books needed the integer programme)"
    )
    for r, b in books.items():
        print(f"    {r:20} {b.books.heads:5} heads ({sol.heads[r]} before whole contacts)")
    start = time.perf_counter()
    plan(scenario)
    print(f"    plan() in process, both bases     {time.perf_counter() - start:6.3f} s")


if __name__ == "__main__":
    main()
