"""Benchmark: `planner schedule` at scale, against a reference build measured in the same run.

Two cases, each run end to end through the CLI in a child process (imports, roster reading and
validation, the calendar model, booking, dates and the CSVs included; peak memory is the child's
``ru_maxrss``):

- ``synthetic``: the baseline scenario scaled to CUSTOMERS (1,000,000 by default), synthetic ids,
  ``--out`` CSVs. Target (issue 15): under 6 s.
- ``roster``: a roster of CUSTOMERS customers naming MANAGERS managers (1,000) over 50 districts
  (benchmarks/bench_portfolio.py's generator), dated calendar keeping every customer's manager,
  ``--out`` CSVs. Target (issue 13): under 30 s and 3 GB. Its days are checked from the CSVs,
  for both builds: manager-days over the manager's daily minutes (his role's customer hours a year
  over the year's working days), days holding one contact longer than a day, and visits and calls
  delivered against what the roster's customers' standards ask.

Each case also runs with the reference (``--ref-python`` running ``--ref-code``; by default
/work/venv with /work/main, the main line's code) so the ratio printed is measured under the same
machine load. A reference older than named managers schedules the roster the old way (managers
reassigned): the same command, not the same work. The calendar model's size (variables,
constraints) and its solve time are printed for the synthetic case.

Run: ``python benchmarks/bench_schedule.py [--customers 1000000] [--managers 1000] [--runs 1]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

#: Runs planner from a given source tree as a grandchild; prints its exit code and peak RSS (kB).
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = sys.argv[1]\n"
    "cmd = [sys.executable, '-c', 'import sys; sys.path.insert(0, sys.argv[1]); sys.argv = sys.argv[1:]; "
    'sys.argv[0] = "planner"; from planner.commands import run; run()\', code, *sys.argv[2:]]\n'
    "r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stderr.write(r.stderr[-2000:])\n"
)


def measured(python: str, code: Path, args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``planner ARGS`` run by ``python`` from source tree ``code``."""
    start = time.perf_counter()
    out = subprocess.run([python, "-c", MEASURE, str(code), *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    code_s, rss_kb = out.stdout.split()
    if code_s != "0":
        raise SystemExit(f"planner {' '.join(args)} failed ({python}, {code}): {out.stderr}")
    return wall, int(rss_kb) / 1024


def scaled_scenario(customers: int, path: Path) -> None:
    """The baseline scenario with every tier scaled to ``customers`` in all (largest remainders)."""
    import yaml

    base_path = REPO / "scenarios" / "baseline.yaml"
    data = yaml.safe_load(base_path.read_text(encoding="utf-8"))
    counts = {(c, t): int(n) for c, tiers in data["customers"].items() for t, n in tiers.items()}
    total = sum(counts.values())
    exact = {k: n * customers / total for k, n in counts.items()}
    scaled = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: -(exact[k] - scaled[k]))[: customers - sum(scaled.values())]:
        scaled[k] += 1
    out: dict[str, dict[str, int]] = {}
    for (c, t), n in scaled.items():
        out.setdefault(c, {})[t] = n
    data["customers"] = out
    data["name"] = f"baseline-{customers}"
    policy = data.get("policy")
    if isinstance(policy, str) and not Path(policy).is_absolute():
        data["policy"] = str((base_path.parent / policy).resolve())
    for key in ("callcentre",):
        section = data.get(key)
        if isinstance(section, dict) and isinstance(section.get("forecast"), str):
            section["forecast"] = str((base_path.parent / section["forecast"]).resolve())
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def model_size(customers: int) -> str:
    """The calendar model's size and solve time for the scaled baseline (this tree's code)."""
    from planner.data.scenario import load_scenario
    from planner.model.calendar import solve_calendar
    from planner.model.headcount import calendar_problem

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        scaled_scenario(customers, path)
        scenario = load_scenario(path)
    problem = calendar_problem(scenario, 2027)
    start = time.perf_counter()
    sol = solve_calendar(problem)
    took = time.perf_counter() - start
    from planner.model.calendar import allocation_size

    cols, rows = allocation_size(problem, {r: float(h) for r, h in sol.heads.items()})
    size = f"{cols:,} variables, {rows:,} constraints"
    slots, streams = problem.calendar.n_slots, len(sol.streams)
    return f"{slots} slots x {streams} streams; one allocation LP: {size}; solve_calendar {took:.2f} s"


def day_figures(out: Path, year: int = 2027) -> tuple[str, dict[str, int]]:
    """Days over their manager's minutes in ``out/schedule.csv``, and contacts per tier and kind."""
    import pandas as pd

    from planner.data.calendar import plan_calendar
    from planner.data.scenario import load_scenario
    from planner.model.workload import role_hours_per_head

    scenario = load_scenario(REPO / "scenarios" / "baseline.yaml")
    working = plan_calendar(year).working_days
    per_role = {r: role_hours_per_head(role) * 60 / working for r, role in scenario.roles.items()}
    rows = pd.read_csv(
        out / "schedule.csv", usecols=["manager_id", "role", "channel", "tier", "date", "kind", "minutes"]
    )
    days = rows.groupby(["manager_id", "role", "date"], sort=False)["minutes"].agg(["sum", "size", "max"])
    cap = days.index.get_level_values("role").map(per_role).to_numpy(dtype=float)
    excess = days["sum"].to_numpy() - cap
    alone = (days["size"].to_numpy() == 1) & (days["max"].to_numpy() > cap + 1e-6)
    over = (excess > 1e-6) & ~alone
    text = (
        f"{int(over.sum()):,} of {len(days):,} manager-days over ({100 * over.mean():.2f} %), max excess "
        f"{max(0.0, float(excess[over].max()) if over.any() else 0.0):,.0f} min; {int(alone.sum()):,} days "
        "hold one contact longer than a day"
    )
    made = rows.groupby(["channel", "tier", "kind"]).size()
    delivered = {f"{c}.{t} {k}s": int(n) for (c, t, k), n in made.items()}
    return text, delivered


def required(roster: Path) -> dict[str, int]:
    """Visits and calls a year the roster's customers' standards ask, per tier and kind."""
    import pandas as pd

    from planner.data.scenario import load_scenario

    policy = load_scenario(REPO / "scenarios" / "baseline.yaml").policy
    counts = pd.read_csv(roster, usecols=["channel", "tier"]).value_counts()
    out = {}
    for (c, t), n in counts.items():
        tier = policy.tier(c, t)
        for kind, std in (("visit", tier.visits), ("call", tier.calls)):
            if std.per_year:
                out[f"{c}.{t} {kind}s"] = int(n) * std.per_year
    return out


def main() -> None:
    """Build the inputs, run each case with this tree and the reference, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--managers", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=1, help="Runs per case and build (the minimum is kept).")
    parser.add_argument("--ref-python", default="/work/venv/bin/python")
    parser.add_argument("--ref-code", type=Path, default=Path("/work/main"))
    parser.add_argument("--case", choices=["synthetic", "roster", "both"], default="both")
    args = parser.parse_args()
    from bench_portfolio import make_roster

    print(
        f"schedule benchmark: {args.customers:,} customers; this tree {REPO} ({sys.executable}) against "
        f"reference {args.ref_code} ({args.ref_python}); min of {args.runs} run(s)"
    )
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        cases: list[tuple[str, list[str], float, float]] = []
        if args.case in ("synthetic", "both"):
            scaled_scenario(args.customers, tmp / "scenario.yaml")
            cases.append(("synthetic", [str(tmp / "scenario.yaml"), "--year", "2027"], 6.0, 3072.0))
        if args.case in ("roster", "both"):
            make_roster(tmp / "customers.csv", args.customers, args.managers)
            cases.append(
                (
                    "roster",
                    ["scenarios/baseline.yaml", "--roster", str(tmp / "customers.csv"), "--year", "2027"],
                    30.0,
                    3072.0,
                )
            )
        for name, base, target_s, target_mb in cases:
            figures = {}
            for label, python, code in (
                ("this", sys.executable, REPO),
                ("ref", args.ref_python, args.ref_code),
            ):
                best = (float("inf"), 0.0)
                for run in range(args.runs):
                    out = tmp / f"{name}-{label}-{run}"
                    wall, mb = measured(python, code, ["schedule", *base, "--out", str(out)])
                    best = min(best, (wall, mb))
                figures[label] = best
            (this_s, this_mb), (ref_s, ref_mb) = figures["this"], figures["ref"]
            print(
                f"  {name:9s} this {this_s:6.2f} s {this_mb:7,.0f} MB | reference {ref_s:6.2f} s "
                f"{ref_mb:7,.0f} MB | x{ref_s / this_s:.2f} faster | target < {target_s:.0f} s, "
                f"< {target_mb:,.0f} MB: {'met' if this_s < target_s and this_mb < target_mb else 'NOT met'}"
            )
            if name == "roster":
                with open(tmp / f"{name}-this-0" / "schedule.csv", encoding="utf-8") as f:
                    rows = sum(1 for _ in f) - 1
                print(f"            {rows:,} dated contacts, {args.managers:,} managers named, 50 districts")
                due = required(tmp / "customers.csv")
                made: dict[str, dict[str, int]] = {}
                for label in ("this", "ref"):
                    text, made[label] = day_figures(tmp / f"{name}-{label}-0")
                    print(f"            days ({label}): {text}")
                print("            delivered / due per tier (this | reference), where they differ:")
                for key in sorted(due):
                    this_n, ref_n = made["this"].get(key, 0), made["ref"].get(key, 0)
                    if this_n != ref_n:
                        print(
                            f"              {key:26s} {this_n:>9,} {this_n / due[key]:7.2%} | "
                            f"{ref_n:>9,} {ref_n / due[key]:7.2%} of {due[key]:,}"
                        )
        if args.case in ("synthetic", "both"):
            print(f"  calendar model ({args.customers:,} customers): {model_size(args.customers)}")
    print("  (a shared 2-core machine while other work runs: absolute figures are noisy, the ratio less so)")


if __name__ == "__main__":
    main()
