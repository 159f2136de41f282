"""``planner compare``, ``planner sweep`` and ``planner batch``: what-if questions at scale."""

from __future__ import annotations

from pathlib import Path

import click

from planner.analyses.branches import MODELS
from planner.commands.options import (
    echo_json,
    format_option,
    make_console,
    objective_option,
    print_warnings,
    scenario_argument,
    scenario_options,
    set_option,
    solver_option,
)
from planner.i18n import _


@click.command("compare")
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@scenario_options
@objective_option
@format_option("table", "json")
def compare_command(
    scenarios: tuple[Path, ...], sets: tuple[str, ...], solver: str, objective: str, fmt: str
) -> None:
    """Scenarios side by side: headcount and cost per role, coverage per tier, boundary inversions.

    Figures that differ from the first scenario are highlighted. --set applies to every scenario.
    """
    from planner.analyses.what_if import compare
    from planner.data.scenario import load_scenario
    from planner.report import progress

    loaded = [load_scenario(path, sets) for path in scenarios]
    with progress.bar("compare", len(loaded)) as tick:
        result = compare(loaded, solver=solver, objective=objective, progress=tick)  # type: ignore[arg-type]
    print_warnings([f"{s.scenario}: {w}" for s in result.scenarios for w in s.warnings])
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.what_if import render_comparison

        render_comparison(result, make_console())


@click.command("sweep")
@scenario_argument(required=True)
@click.option(
    "--vary",
    "varies",
    multiple=True,
    required=True,
    metavar="PATH=START:STOP:STEP|A,B,C",
    help="A scenario key and its values (stop included); twice for a grid.",
)
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), help="Write sweep.csv and PNG charts here."
)
@scenario_options
@objective_option
@format_option("table", "json")
def sweep_command(
    scenario: Path,
    varies: tuple[str, ...],
    out: Path | None,
    sets: tuple[str, ...],
    solver: str,
    objective: str,
    fmt: str,
) -> None:
    """Plan a scenario at every value of one or two keys; table, CSV and charts.

    Example: planner sweep scenarios/baseline.yaml --vary customers.key.crystal=1000:4000:250 --out sweep/

    With --vary budget=... the table adds revenue kept and the marginal revenue per extra 1 M CNY.
    """
    import math

    from planner.analyses.what_if import parse_vary, sweep
    from planner.report import progress

    parsed = [parse_vary(v) for v in varies]
    with progress.bar("sweep", math.prod(len(v.values) for v in parsed)) as tick:
        result = sweep(
            scenario,
            parsed,
            sets=sets,
            solver=solver,
            progress=tick,
            objective=objective,  # type: ignore[arg-type]
        )
    n = len(result.points)
    print_warnings(
        [
            w if k == n else _("{warning} (at {k} of {n} points)").format(warning=w, k=k, n=n)
            for w, k in result.warning_counts()
        ]
    )
    written = []
    if out is not None:
        from planner.report.fileset import write_set
        from planner.report.what_if import write_sweep_outputs

        with write_set(out) as staging:
            written = [out / p.name for p in write_sweep_outputs(result, staging)]
    if fmt == "json":
        echo_json(result)
    else:
        from planner.report.what_if import render_sweep

        render_sweep(result, make_console())
    for path in written:
        click.echo(_("wrote {path}").format(path=path), err=True)


@click.command("batch")
@click.argument("patterns", nargs=-1, required=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="results .csv/.parquet, or with --generate a directory.",
)
@click.option("--workers", type=int, default=1, show_default=True, help="Local worker processes.")
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Run on a dask.distributed scheduler, e.g. tcp://host:8786.",
)
@click.option(
    "--generate",
    type=int,
    default=None,
    metavar="N",
    help="Instead: write N synthetic branch scenarios from PATTERN (one base scenario) into --out.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --generate.")
@set_option
@click.option(
    "--model",
    type=click.Choice(MODELS),
    default="calendar",
    show_default=True,
    help="calendar: plan's figures (a second or two a branch); annual: plan's annual-average bound "
    "(milliseconds a branch, to screen thousands).",
)
@solver_option
@format_option("table", "json")
def batch_command(
    patterns: tuple[str, ...],
    out: Path,
    workers: int,
    dask_address: str | None,
    generate: int | None,
    seed: int,
    sets: tuple[str, ...],
    model: str,
    solver: str,
    fmt: str,
) -> None:
    """Plan many branch scenario files independently and merge the results into one table.

    PATTERNS are files or quoted globs ('branches/*.yaml'). --set applies to every branch. A
    branch that fails is a row with status "error" and its reason; the others are kept. Exit
    status 2 if any branch failed (the table is still written). With --generate N, PATTERNS is
    one base scenario and N varied branch files are written into the --out directory.
    """
    if generate is not None:
        from planner.analyses.branches import generate_branches

        if len(patterns) != 1:
            from planner.errors import InputError

            raise InputError(_("--generate takes exactly one base scenario"), source="--generate")
        files = generate_branches(patterns[0], generate, out, seed, sets)
        click.echo(_("wrote {n:,} branch scenarios to {path}").format(n=len(files), path=out), err=True)
        return
    from planner.analyses.branches import check_results_path, expand_patterns, run_batch, write_results
    from planner.report import progress
    from planner.report.fileset import sigterm_raises

    check_results_path(out)  # a wrong extension is refused before the work, not after
    files = expand_patterns(patterns)
    # SIGTERM unwinds like Ctrl-C, so the worker processes are ended on the way out.
    with sigterm_raises(), progress.bar("batch", len(files)) as tick:
        rows = run_batch(
            files,
            workers=workers,
            dask_address=dask_address,
            solver=solver,
            sets=sets,
            progress=tick,
            model=model,
        )
    with sigterm_raises():  # an interrupted write leaves no temporary file
        write_results(rows, out)
    failed = [r for r in rows if r["status"] != "ok"]
    warned = sum(1 for r in rows if r.get("warnings"))
    if warned:
        print_warnings(
            [
                _("{k} of {n} branches have warnings (the warnings column of {out})").format(
                    k=f"{warned:,}", n=f"{len(rows):,}", out=out
                )
            ]
        )
    if fmt == "json":
        echo_json({"out": str(out), "branches": len(rows), "failed": len(failed), "rows": rows})
    else:
        from planner.report.what_if import render_batch

        render_batch(rows, make_console())
        click.echo(_("wrote {path}").format(path=out), err=True)
    if failed:
        from planner.errors import PartialFailure

        errors = []
        for r in failed:
            reason = str(r["error"])
            # Load errors already begin with the file (and line); say it once.
            errors.append(reason if reason.startswith(r["file"]) else f"{r['file']}: {reason}")
        raise PartialFailure(
            _('{failed} of {n} branches failed (status "error" in {out}); {ok} planned').format(
                failed=f"{len(failed):,}", n=f"{len(rows):,}", out=out, ok=f"{len(rows) - len(failed):,}"
            ),
            errors,
        )
