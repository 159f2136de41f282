"""Many branches at once. Prints its figures; asserts nothing.

Run from the repository root:  python benchmarks/bench_batch.py [BRANCHES] [--reference DIR]

Targets (issue 15, 2 cores): 3,000 generated branches under 15 s with --workers 2 (`--model annual`,
the annual-average screen: printed with `--annual N`, default 3,000), and --workers 2 at
least x1.7 over --workers 1; --dask against a real `dask scheduler` and two `dask worker` processes
(started here on ephemeral ports, always stopped) giving the same rows as the local pool.

Printed, all measured in this run: per branch, the model's solve against everything else (reading,
validating, the pool); branches/s for --workers 1, --workers 2 and Dask; the ratio 2 vs 1 worker;
and the ratio against a reference checkout (default /work/main with the interpreter /work/venv, the
code before issue 15's changes) running the same `planner batch` command. On a shared machine the
absolute figures are noisy; the ratios within one run are the figures to read.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from planner.analyses.branches import generate_branches, run_batch  # noqa: E402

#: CPU time of one branch's load (parse + validate), the policy cache cold then warm (CPU, not wall:
#: on a loaded machine the wall time mostly measures the other sessions).
PER_BRANCH = """
import sys, time, statistics
from pathlib import Path
files = sys.argv[1:]
from planner.data.scenario import load_scenario
try:
    from planner.data.policy import clear_policy_cache
except ImportError:  # the reference has no cache
    clear_policy_cache = lambda: None
clear_policy_cache()
t = time.process_time(); load_scenario(files[0]); cold = time.process_time() - t
warm = []
for f in files:
    t = time.process_time(); load_scenario(f); warm.append(time.process_time() - t)
print(f"{cold * 1000:.2f} {statistics.median(warm) * 1000:.2f}")
"""


def load_times(python: str, cwd: Path, files: list[Path]) -> tuple[float, float]:
    """(first load, median warm load) in ms, in a fresh ``python`` run from ``cwd``."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [python, "-c", PER_BRANCH, *map(str, files)], cwd=cwd, env=env, check=True, capture_output=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def cli_batch(
    planner: str, cwd: Path, pattern: str, out: Path, workers: int, extra: tuple[str, ...] = ()
) -> tuple[float, float]:
    """Wall and CPU seconds of ``planner batch PATTERN --workers N`` run from ``cwd``.

    CPU: the command's own (from the operating system once it has exited) plus its worker
    processes' (sampled every 0.2 s while they run, so a worker's last fraction of a second may be
    missed: a slight undercount, the same for both codes)."""
    import psutil

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [planner, "batch", pattern, "--out", str(out), "--workers", str(workers), *extra],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen: dict[int, float] = {}
    try:
        me = psutil.Process(proc.pid)
        while proc.poll() is None:
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    seen[child.pid] = _cpu_seconds(child)
            time.sleep(0.2)
    except psutil.Error:
        pass
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 2):
        raise RuntimeError(err.decode()[-2000:])
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, own + sum(seen.values())


def _cpu_seconds(process: object) -> float:
    times = process.cpu_times()  # type: ignore[attr-defined]
    return float(times.user + times.system)


def timed(label: str, files: list[Path], **kwargs: object) -> tuple[float, float, list[dict[str, object]]]:
    """Run a batch; print wall time, branches/s and the CPU it used (this process and every process
    under it, sampled as chunks finish), so machine load can be told from overhead: with no
    overhead, CPU per branch is the same for every mode, and wall x cores obtained = CPU."""
    import psutil

    me = psutil.Process()
    seen: dict[int, float] = {}

    def sample(_done: int = 0, _total: int = 0) -> None:
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                seen[child.pid] = _cpu_seconds(child)

    sample()
    before_children = dict(seen)
    before_self = _cpu_seconds(me)
    start = time.perf_counter()
    rows = run_batch(files, progress=sample, **kwargs)  # type: ignore[arg-type]
    wall = time.perf_counter() - start
    cpu = _cpu_seconds(me) - before_self + sum(v - before_children.get(pid, 0.0) for pid, v in seen.items())
    ok = sum(r["status"] == "ok" for r in rows)
    print(
        f"  {label:34} {wall:7.2f} s  {len(files) / wall:6.2f} branches/s  ({ok} ok)  "
        f"CPU {cpu / len(files):6.2f} s a branch, {cpu / wall:4.2f} cores obtained"
    )
    return wall, cpu, rows


def _without_model(path: Path) -> bytes:
    """A results CSV without its ``model`` and ``warnings`` columns (the reference may predate them)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for name in ("model", "warnings"):
        if rows and name in rows[0]:
            k = rows[0].index(name)
            rows = [r[:k] + r[k + 1 :] for r in rows]
    return "\n".join(",".join(r) for r in rows).encode()


def annual_screen(
    count: int, tmp: Path, model_cpu: float, load_ms: float, planner: str, no_dask: bool
) -> None:
    """``planner batch --model annual`` on ``count`` branches: the 3,000-branch target (issue 15)."""
    folder = tmp / "annual"
    generate_branches(REPO / "scenarios" / "baseline.yaml", count, folder, seed=1)
    pattern = str(folder / "*.yaml")
    print(f"`--model annual` (plan's annual-average bound) on {count:,} branches, CLI end to end:")
    walls = {}
    for workers in (1, 2):
        wall, cpu = cli_batch(
            planner, REPO, pattern, tmp / f"annual{workers}.csv", workers, ("--model", "annual")
        )
        walls[workers] = wall
        print(
            f"  --workers {workers}                        {wall:7.2f} s  {count / wall:7.1f} branches/s  "
            f"CPU {cpu / count * 1000:5.1f} ms a branch"
        )
    same = (tmp / "annual1.csv").read_bytes() == (tmp / "annual2.csv").read_bytes()
    print(
        f"  --workers 2 vs --workers 1        x{walls[1] / walls[2]:5.2f} wall   (target x1.7); "
        f"same CSV: {same}"
    )
    calendar = count * (model_cpu + load_ms) / 1000 / 2
    print(
        f"  {count:,} branches with --workers 2: {walls[2]:.1f} s (target 15 s for 3,000); the calendar "
        f"model would take about {calendar:,.0f} s (measured above, 2 cores): x{calendar / walls[2]:,.0f}"
    )
    if not no_dask:
        from real_dask import real_dask

        files = sorted(folder.glob("*.yaml"))
        start = time.perf_counter()
        with real_dask(workers=2, cwd=REPO) as cluster:
            up = time.perf_counter() - start
            timed(
                f"--dask --model annual (up in {up:.1f} s)",
                files,
                dask_address=cluster.address,
                model="annual",
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("branches", nargs="?", type=int, default=12)
    parser.add_argument("--reference", type=Path, default=Path("/work/main"))
    parser.add_argument("--reference-python", type=Path, default=Path("/work/venv/bin/python"))
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument(
        "--annual",
        type=int,
        default=3000,
        metavar="N",
        help="branches for the `--model annual` screen (0 to skip)",
    )
    args = parser.parse_args()
    count = args.branches
    from planner.data.scenario import load_scenario
    from planner.model.headcount import plan

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "branches"
        start = time.perf_counter()
        files = generate_branches(REPO / "scenarios" / "baseline.yaml", count, folder, seed=1)
        made = time.perf_counter() - start
        print(f"batch benchmark: {count:,} synthetic branches (generated in {made:.1f} s); 2 shared cores")
        print(
            f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (other sessions' work included)"
        )

        # Per branch: the model against the rest, in this process.
        cold, warm = load_times(sys.executable, REPO, files[: min(count, 20)])
        solves, cpus = [], []
        for f in files[:3]:
            scenario = load_scenario(f)
            t, c = time.perf_counter(), time.process_time()
            plan(scenario)
            solves.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        model_ms = statistics.median(solves) * 1000
        model_cpu = statistics.median(cpus) * 1000
        print(
            f"  per branch: model solve (plan())  {model_cpu:9.1f} ms CPU, {model_ms:.0f} ms wall "
            "(median of 3)"
        )
        print(
            f"  per branch: load + validate        {warm:9.2f} ms CPU warm, {cold:.1f} ms the first (policy "
            f"read) = {warm / (warm + model_cpu):.2%} of a branch's CPU"
        )
        reference = args.reference_python.exists() and (args.reference / "planner").is_dir()
        if reference:
            ref_cold, ref_warm = load_times(
                str(args.reference_python), args.reference, files[: min(count, 20)]
            )
            print(
                f"  reference {args.reference}: load  {ref_warm:9.2f} ms CPU warm, {ref_cold:.1f} ms the "
                f"first -> x{ref_warm / warm:.1f} faster now"
            )

        one, one_cpu, local_rows = timed("--workers 1 (in process)", files, workers=1)
        two, two_cpu, _ = timed("--workers 2 (process pool)", files, workers=2)
        print(f"  --workers 2 vs --workers 1        x{one / two:5.2f} wall   (target x1.7)")
        print(
            f"  CPU a branch, 2 workers - 1 worker: {(two_cpu - one_cpu) / count * 1000:+.0f} ms (the pool's "
            f"overhead: starting workers, sending paths, rows back); model {model_cpu:.0f} ms CPU"
        )
        print(
            f"  3,000 branches, 2 free cores, this CPU: {3000 * two_cpu / count / 2:6.0f} s with --workers 2 "
            f"(target 15 s: needs a branch under {2 * 15 / 3000 * 1000:.0f} ms CPU)"
        )

        # The same command line, this code and the reference, in the same run.
        pattern = str(folder / "*.yaml")
        planner = str(Path(sys.executable).parent / "planner")
        mine, mine_cpu = cli_batch(planner, REPO, pattern, Path(tmp) / "mine.csv", 2)
        print(
            f"  `planner batch --workers 2` (CLI) {mine:7.2f} s  {count / mine:6.2f} branches/s  "
            f"CPU {mine_cpu / count:6.2f} s a branch"
        )
        if reference:
            ref_planner = str(args.reference_python.parent / "planner")
            ref, ref_cpu = cli_batch(ref_planner, args.reference, pattern, Path(tmp) / "ref.csv", 2)
            same = _without_model(Path(tmp) / "mine.csv") == _without_model(Path(tmp) / "ref.csv")
            print(
                f"  reference, same command           {ref:7.2f} s  {count / ref:6.2f} branches/s  "
                f"CPU {ref_cpu / count:6.2f} s a branch"
            )
            print(
                f"  this code vs the reference: x{ref / mine:4.2f} wall, x{ref_cpu / mine_cpu:4.2f} CPU; "
                f"results CSV byte-identical (without the `model` and `warnings` columns): {same}"
            )
        else:
            print(f"  (no reference at {args.reference}; pass --reference DIR --reference-python PY)")

        if args.annual > 0:
            annual_screen(args.annual, Path(tmp), model_cpu, warm, planner, args.no_dask)

        if not args.no_dask:
            from real_dask import real_dask

            start = time.perf_counter()
            with real_dask(workers=2, cwd=REPO) as cluster:
                up = time.perf_counter() - start
                wall, _, dask_rows = timed(
                    f"--dask (scheduler + 2 workers, up in {up:.1f} s)", files, dask_address=cluster.address
                )
            print(
                f"  --dask vs --workers 1             x{one / wall:5.2f}; "
                f"same rows as the local run: {dask_rows == local_rows}"
            )


if __name__ == "__main__":
    main()
