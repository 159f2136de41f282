"""Portfolio and rebalance speed and memory: 1,000,000 customers, 1,000 managers, 50 districts.

Run from the repository root:

    python benchmarks/bench_portfolio.py [CUSTOMERS] [MANAGERS] [dense] [--reference=GIT-REF]

Each command runs with this checkout and with ``--reference`` (default: the commit before issue
15's roster reader, extracted by ``git archive`` and run with the same Python); the ratio and
whether the portfolio JSON is byte-identical are printed.

With ``dense``, customers are dealt to managers of their role whatever the district (every manager
then serves every district: the largest MIP for the same counts).

Targets (issue 13): `planner portfolio` under 5 s and `planner rebalance` under 30 s, each under
3 GB peak memory, end to end through the CLI (reading the 1M-row CSV included). Prints the figures
and the rebalance's optimality gap; asserts nothing.

The synthetic branch: the baseline scenario's customers scaled to CUSTOMERS, spread over 50
districts; MANAGERS managers split over the roles in proportion to the hours their tiers need, each
based in a district (round robin). A customer goes to a manager of his tier's role based in his
district (any of the role when none is), drawn with lognormal weights (sigma 0.5) so that loads
are uneven and some managers are over capacity; 0.5 % of customers have no manager; 10 managers
leave and 5 new key managers are added.
"""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

#: The last commit before issue 15's roster reader: the figures' reference, run in the same run.
REFERENCE = "b7bcd1e"

#: Runs a command as its own child, its stdout to a file, and prints that child's peak RSS (kB).
MEASURE = (
    "import resource, subprocess, sys\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    r = subprocess.run(sys.argv[2:], stdout=out)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(r.returncode, u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
)


def measured(cmd: list[str], stdout: Path, cwd: Path = REPO) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of ``cmd`` run from ``cwd`` (a checkout)."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(stdout), *cmd], cwd=cwd, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    code, rss_kb, cpu = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(cmd)} failed: {out.stderr}")
    return wall, int(rss_kb) / 1024, float(cpu)


def make_roster(path: Path, customers: int, managers: int, dense: bool = False) -> list[str]:
    """Write the synthetic roster; return the ids of 10 managers who leave."""
    import numpy as np

    from planner.analyses.roster import Profile, generate_roster
    from planner.data.scenario import load_scenario
    from planner.model.workload import role_hours_per_head, tier_hours_per_customer

    scenario = load_scenario(REPO / "scenarios/baseline.yaml")
    districts = [f"D{i:02d}" for i in range(1, 51)]
    profile = Profile({"other": 1.0}, {}, districts, 0.0, 0.0)
    frame = generate_roster(scenario, customers, 7, profile)
    rng = np.random.default_rng(11)
    roles = list(scenario.roles)
    role_of = {key: r for r in roles for key in scenario.served_tiers(r)}
    key = list(zip(frame["channel"], frame["tier"], strict=True))
    role = np.array([roles.index(role_of[k]) for k in key])
    hours = np.array([tier_hours_per_customer(scenario.policy.tier(*k)) for k in key])
    need = np.bincount(role, weights=hours, minlength=len(roles)) / np.array(
        [role_hours_per_head(scenario.roles[r]) for r in roles]
    )
    heads = np.maximum(1, np.floor(managers * need / need.sum())).astype(int)
    heads[int(np.argmax(heads))] += managers - heads.sum()
    manager_ids, manager_role, manager_base = [], [], []
    for r, n in enumerate(heads):
        for i in range(n):
            manager_ids.append(f"M{r}-{i + 1:04d}")
            manager_role.append(r)
            manager_base.append(i % len(districts))
    manager_role_a = np.array(manager_role)
    manager_base_a = np.array(manager_base)
    weight = rng.lognormal(0.0, 0.5, len(manager_ids))
    district = np.array([districts.index(d) for d in frame["district"]])
    chosen = np.empty(len(frame), dtype=np.int64)
    for r in range(len(roles)):
        for d in range(len(districts)):
            rows = np.flatnonzero((role == r) & (district == d))
            if len(rows) == 0:
                continue
            pool = np.flatnonzero((manager_role_a == r) & (manager_base_a == d))
            if len(pool) == 0 or dense:
                pool = np.flatnonzero(manager_role_a == r)
            p = weight[pool] / weight[pool].sum()
            chosen[rows] = pool[rng.choice(len(pool), size=len(rows), p=p)]
    ids = np.array(manager_ids, dtype=object)[chosen]
    ids[rng.random(len(frame)) < 0.005] = ""
    frame["manager_id"] = ids
    frame.to_csv(path, index=False, float_format="%.2f")
    key_managers = [m for m, r in zip(manager_ids, manager_role, strict=True) if roles[r] == "key_manager"]
    return key_managers[:: max(1, len(key_managers) // 10)][:10]


def extract(ref: str, into: Path) -> Path:
    """The repository at ``ref`` as plain files (``git archive``), run with the same Python."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--reference=")]
    ref = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--reference=")), REFERENCE)
    customers = int(args[0]) if len(args) > 0 else 1_000_000
    managers = int(args[1]) if len(args) > 1 else 1_000
    dense = len(args) > 2 and args[2] == "dense"
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "customers.csv"
        start = time.perf_counter()
        leaving = make_roster(roster, customers, managers, dense)
        reference = extract(ref, Path(tmp) / "reference")
        print(
            f"portfolio benchmark: {customers:,} customers, {managers:,} managers, 50 districts"
            f"{' (dense: every manager in every district)' if dense else ''} "
            f"({roster.stat().st_size / 1e6:.0f} MB CSV, made in {time.perf_counter() - start:.1f} s); "
            f"this checkout against {ref} in the same run (2-core machine shared with other work: "
            "absolute figures are noisy, compare the ratios)"
        )
        cli = [sys.executable, "cli.py"]
        portfolio = [*cli, "portfolio", str(REPO / "scenarios/baseline.yaml"), "--roster", str(roster)]
        portfolio += ["--format", "json"]
        runs = {}
        for name, where in (("reference", reference), ("this", REPO)):
            out = Path(tmp) / f"portfolio-{name}.json"
            runs[name] = measured(portfolio, out, where)
        same = filecmp.cmp(Path(tmp) / "portfolio-reference.json", Path(tmp) / "portfolio-this.json", False)
        result = json.loads((Path(tmp) / "portfolio-this.json").read_text())
        totals = result["totals"]
        (wall, mb, cpu), (ref_wall, ref_mb, ref_cpu) = runs["this"], runs["reference"]
        print(
            f"  portfolio   {wall:6.2f} s ({cpu:5.2f} s CPU) {mb:6.0f} MB | before: {ref_wall:6.2f} s "
            f"({ref_cpu:5.2f} s CPU) {ref_mb:6.0f} MB | x{ref_wall / wall:.2f} wall, "
            f"x{ref_cpu / cpu:.2f} CPU | "
            f"same JSON: {'yes' if same else 'NO'}   (target < 5 s, < 3 GB); "
            f"{totals['over_loaded']} over-loaded, {totals['under_loaded']} under-loaded managers"
        )
        for name, where in (("reference", reference), ("this", REPO)):
            out = Path(tmp) / f"rebalance-{name}.json"
            runs[name] = measured(
                [
                    *cli,
                    "rebalance",
                    str(REPO / "scenarios/baseline.yaml"),
                    "--roster",
                    str(roster),
                    "--out",
                    str(Path(tmp) / f"moves-{name}.csv"),
                    "--leaving",
                    ",".join(leaving),
                    "--new",
                    "key_manager=5",
                    "--time-limit",
                    "20",
                    "--format",
                    "json",
                ],
                out,
                where,
            )
        result = json.loads((Path(tmp) / "rebalance-this.json").read_text())
        gap = result["gap"]
        (wall, mb, cpu), (ref_wall, ref_mb, ref_cpu) = runs["this"], runs["reference"]
        print(
            f"  rebalance   {wall:6.2f} s ({cpu:5.2f} s CPU) {mb:6.0f} MB | before: {ref_wall:6.2f} s "
            f"({ref_cpu:5.2f} s CPU) {ref_mb:6.0f} MB | x{ref_wall / wall:.2f} wall, "
            f"x{ref_cpu / cpu:.2f} CPU   (target < 30 s, < 3 GB); "
            f"{result['move_count']:,} moves, {result['over_capacity_after']} managers still over, "
            f"MIP {result['variables']:,} variables x {result['constraints']:,} constraints, "
            f"status {result['status']}, optimality gap {'unknown' if gap is None else f'{gap:.4%}'}"
        )
        print(f"  moves by reason: {result['moves_by_reason']}")


if __name__ == "__main__":
    main()
