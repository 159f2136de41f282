"""Many branches (分公司) at once: each scenario file planned independently, results merged.

Locally with a process pool, or on an existing dask.distributed cluster. A branch that fails
(a bad file, an impossible request) becomes a row with ``status = "error"`` and its reason; it
never loses the other branches' results.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from planner.errors import InputError, PlannerError
from planner.i18n import _, current_language

#: Columns every row has, in this order; ``heads.<role>`` columns follow, sorted.
BASE_COLUMNS = (
    "file",
    "scenario",
    "status",
    "error",
    "mode",
    "model",
    "total_headcount",
    "current_headcount",
    "gap",
    "total_cost",
    "current_cost",
    "revenue_at_risk_covered",
    "revenue_kept",
    "revenue_lost",
    "lowest_tier",
    "lowest_coverage",
    "lowest_coverage_at_current",
    "warnings",
)


#: Which model sizes each branch: ``calendar`` (what ``plan`` reports: the calendar-aware model,
#: about a second or two of CPU a branch) or ``annual`` (the annual-average bound ``plan`` shows
#: beside it in its ``annual`` column: a few milliseconds a branch, to screen thousands of branches).
MODELS = ("calendar", "annual")

#: How long to keep trying to reach a Dask scheduler before giving up (an error naming --dask).
DASK_CONNECT_TIMEOUT = "10s"

#: Seconds a Dask scheduler has to connect and answer the handshake (a service that accepts the
#: connection and never replies would otherwise hold ``batch`` forever).
DASK_HANDSHAKE_SECONDS = 10.0

#: How an error row whose worker process died begins.
LOST = "worker lost: "


def expand_patterns(patterns: Sequence[str]) -> list[Path]:
    """Files matching the glob patterns (or named directly), sorted, each file once.

    A name without glob characters that is not a file, and a glob that matches no file, stay in
    the list as they were typed: :func:`solve_branch` turns each into a failed row ("file not
    found"), so a typo is never a branch silently left out. The same file under two spellings
    (``x.yaml``, ``./x.yaml``, a symlink to it) is planned once, under the spelling that is not a
    symlink, has the fewest parts and sorts first.
    """
    found: set[Path] = set()
    for pattern in patterns:
        if not glob.has_magic(pattern):
            found.add(Path(pattern))
            continue
        # Directories a glob matches are not branches; anything else is (a FIFO or device it
        # matches becomes a failed row, "not a regular file", never a branch silently left out).
        matches = [Path(m) for m in glob.glob(pattern, recursive=True) if not Path(m).is_dir()]
        found.update(matches or [Path(pattern)])
    if not any(p.is_file() for p in found):  # nothing to plan at all: one error, no results file
        raise InputError(_("no scenario files match"), source=", ".join(patterns))
    chosen: dict[str, Path] = {}
    for path in sorted(found, key=lambda p: (p.is_symlink(), len(p.parts), p)):
        chosen.setdefault(os.path.realpath(path), path)
    return sorted(chosen.values())


def _missing_reason(path: str) -> str | None:
    """Why ``path`` cannot be a branch file (None when it is a regular file)."""
    if os.path.isfile(path):
        return None
    if glob.has_magic(path):
        return _("no scenario file matches this pattern")
    if os.path.isdir(path):
        return _("is a directory; name its files or quote a glob such as 'DIR/*.yaml'")
    if os.path.exists(path):
        return _("not a regular file (a device, pipe or socket); only regular files are read")
    return _("file not found")


def solve_branch(
    path: str, solver: str = "auto", sets: Sequence[str] = (), model: str = "calendar"
) -> dict[str, Any]:
    """Plan one branch file (with ``--set`` overrides); never raises: the row says what went wrong.

    ``model`` (see :data:`MODELS`): ``calendar`` gives ``plan``'s figures, ``annual`` the annual
    model's (``plan``'s ``annual`` column: heads, cost and coverage of the year's hours alone).
    """
    from planner.data.scenario import load_scenario
    from planner.model.headcount import annual_plan, plan

    row: dict[str, Any] = {c: None for c in BASE_COLUMNS}
    row["file"] = path
    row["model"] = model
    missing = _missing_reason(path)
    if missing is not None:
        row.update(status="error", error=missing)
        return row
    try:
        scenario = load_scenario(path, sets)
        row["scenario"] = scenario.name
        result = (
            plan(scenario, solver=solver) if model == "calendar" else annual_plan(scenario, solver=solver)
        )
    except PlannerError as exc:
        row.update(status="error", error=str(exc))
        return row
    except Exception as exc:  # a bug must not lose the other branches either
        row.update(
            status="error", error=_("unexpected {kind}: {error}").format(kind=type(exc).__name__, error=exc)
        )
        return row
    # The plan's warnings (the scenario's own among them), as plan prints them; None when none.
    row["warnings"] = "; ".join(result.warnings) or None
    if not result.ok:
        row.update(status="error", error=result.explanation, mode=result.mode)
        return row
    tiers = [t for t in result.tiers if t.required_hours > 0]
    lowest = min(
        tiers,
        key=lambda t: (t.coverage_at_current if t.coverage_at_current is not None else t.coverage, t.key),
    )
    row.update(
        status="ok",
        mode=result.mode,
        total_headcount=result.total_headcount,
        current_headcount=result.current_total_headcount,
        gap=result.total_headcount - result.current_total_headcount,
        total_cost=result.total_cost,
        current_cost=result.current_total_cost,
        revenue_at_risk_covered=result.revenue_at_risk_covered,
        revenue_kept=result.revenue_kept,
        revenue_lost=result.revenue_lost,
        lowest_tier=lowest.key,
        lowest_coverage=lowest.coverage,
        lowest_coverage_at_current=lowest.coverage_at_current,
    )
    for r in result.roles:
        row[f"heads.{r.role}"] = r.required_headcount
    return row


def _solve_chunk(
    paths: Sequence[str],
    solver: str,
    sets: Sequence[str] = (),
    lang: str | None = None,
    model: str = "calendar",
) -> list[dict[str, Any]]:
    """Plan ``paths``; ``lang``: the caller's language, which a Dask worker does not inherit
    (a process pool's workers get it from :func:`_worker_start`)."""
    if lang is not None:
        from planner.i18n import set_language

        set_language(lang)
    return [solve_branch(p, solver, sets, model) for p in paths]


#: Modules the fork server imports once, so no worker pays for them (each is forked warm).
PRELOAD = (
    "planner.analyses.branches",
    "planner.data.scenario",
    "planner.model.headcount",
    "planner.model.calendar",
    "planner.model.booking",
)


def chunk_size(total: int, workers: int) -> int:
    """Branches per task: enough tasks that the workers finish together, few enough to amortise.

    Each branch is a model solve of a second or more, so the per-task cost (a few milliseconds
    to send the paths and pickle the rows back) matters little; what matters is the tail, a
    worker busy with a last big chunk while the other idles. About 16 tasks per worker keep that
    tail under a sixteenth of the run; a chunk holds at most 25 branches.
    """
    return max(1, min(25, total // (max(workers, 2) * 16)))


def _pool(workers: int) -> Any:
    """A process pool whose workers come from a fork server that has already imported the model.

    Forking the caller directly copies whatever threads it runs (a Dask client's event loop, a
    solver's thread pool) in a half state and can stall the children; a fork server is a clean,
    single-threaded process, and preloading the model there keeps each worker's start cheap.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "forkserver" not in multiprocessing.get_all_start_methods():  # e.g. Windows
        return ProcessPoolExecutor(
            max_workers=workers, initializer=_worker_start, initargs=(current_language(),)
        )
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_start, initargs=(current_language(),)
    )


def _worker_start(lang: str | None = None) -> None:
    """In each worker: Ctrl-C (sent to the whole process group) is the parent's to handle; the
    parent then ends the workers (see :func:`_end_pool`) instead of each printing a traceback.
    Messages are in the parent's language ``lang`` (a fork server's worker does not inherit it)."""
    import signal

    if lang is not None:
        from planner.i18n import set_language

        set_language(lang)

    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: Seconds a worker has to exit after SIGTERM before it is killed.
WORKER_GRACE_SECONDS = 2.0


def _end_pool(pool: Any) -> None:
    """Stop a pool now: queued work cancelled, every worker process terminated (killed if it does
    not go within :data:`WORKER_GRACE_SECONDS`). The fork server and the resource tracker exit
    by themselves once this process does (their pipes from it close), and no worker holds them."""
    import time

    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + WORKER_GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)


def _chunk_rows(chunk: Sequence[str], future: Any) -> list[dict[str, Any]]:
    """The rows of one chunk's future; if its worker died, an error row per branch instead.

    ``solve_branch`` never raises, so an exception here means the worker process itself was lost
    (killed, out of memory, a crash in the solver): those branches are reported, the rest kept.
    """
    try:
        rows: list[dict[str, Any]] = future.result()
        return rows
    except Exception as exc:
        reason = f"{LOST}{type(exc).__name__}: {exc}"
        return [{**dict.fromkeys(BASE_COLUMNS), "file": p, "status": "error", "error": reason} for p in chunk]


def _retry_lost(
    rows: list[dict[str, Any]], work: Callable[..., list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Plan again, one at a time, the branches a dead worker took down with it.

    A crashed process breaks the whole pool, so innocent branches still queued fail with the
    culprit. Each is retried alone in a fresh one-process pool: one that kills its process again
    is the culprit and keeps an error row; the others get their real results.
    """
    lost = [i for i, r in enumerate(rows) if r["status"] == "error" and str(r["error"]).startswith(LOST)]
    if not lost:
        return rows
    rows = list(rows)
    pool = _pool(1)
    try:
        for i in lost:
            path = rows[i]["file"]
            row = _chunk_rows([path], pool.submit(work, [path]))[0]
            if str(row["error"]).startswith(LOST):
                row["error"] = _("the worker process died planning this branch ({reason})").format(
                    reason=row["error"][len(LOST) :]
                )
                pool.shutdown(wait=True)
                pool = _pool(1)
            rows[i] = row
    except BaseException:  # an interrupt: no worker may outlive the run
        _end_pool(pool)
        raise
    pool.shutdown(wait=True)
    return rows


def run_batch(
    files: Sequence[Path],
    *,
    workers: int = 1,
    dask_address: str | None = None,
    solver: str = "auto",
    sets: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
    model: str = "calendar",
) -> list[dict[str, Any]]:
    """Plan every file; rows come back in the order of ``files``.

    ``workers`` > 1 uses a local process pool; ``dask_address`` sends the work to a running
    dask.distributed scheduler (the workers must see the same files: paths are made absolute).
    ``sets`` (``--set PATH=VALUE``) apply to every branch; a key a branch lacks fails that branch only.
    ``model`` is :data:`MODELS`' ``calendar`` (``plan``'s figures) or ``annual`` (its annual bound).
    """
    from functools import partial

    from planner.data.yaml_io import parse_assignment

    sets = list(sets)
    for text in sets:  # a malformed --set would fail every branch: refuse it once, up front
        parse_assignment(text)
    # Absolute (Dask workers see other working directories); a glob that matched nothing stays as typed.
    paths = [str(f) if glob.has_magic(str(f)) else str(Path(f).resolve()) for f in files]
    total = len(paths)
    if workers < 1:
        raise InputError(
            _("expected --workers >= 1, got {workers}").format(workers=workers), source="--workers"
        )
    if model not in MODELS:
        raise InputError(
            _("expected one of {expected}, got {value}").format(
                expected=", ".join(MODELS), value=repr(model)
            ),
            source="--model",
        )
    work = partial(_solve_chunk, solver=solver, sets=sets, model=model)
    size = chunk_size(total, workers)
    chunks = [paths[i : i + size] for i in range(0, total, size)]
    rows: list[dict[str, Any]] = []
    if dask_address is not None:
        rows = _run_dask(chunks, dask_address, work, progress, total)
    elif workers == 1:
        for chunk in chunks:
            rows.extend(work(chunk))
            if progress:
                progress(len(rows), total)
    else:
        # No more processes than chunks: --workers 500 on five files starts five.
        pool = _pool(min(workers, len(chunks)))
        try:
            futures = [pool.submit(work, chunk) for chunk in chunks]
            for chunk, future in zip(chunks, futures, strict=True):  # in submission order
                rows.extend(_chunk_rows(chunk, future))
                if progress:
                    progress(len(rows), total)
        except BaseException:  # SIGINT, SIGTERM (as an exception): end every worker before leaving
            _end_pool(pool)
            raise
        pool.shutdown(wait=True)
        rows = _retry_lost(rows, work)
    for row, path, original in zip(rows, paths, files, strict=True):
        row["file"] = str(original)
        row["model"] = model  # a lost worker's rows too
        # A load error begins with the path the worker read (absolute): name the file as it was given.
        if isinstance(row["error"], str) and row["error"].startswith(path) and path != str(original):
            row["error"] = str(original) + row["error"][len(path) :]
    return rows


def _run_dask(
    chunks: list[list[str]],
    address: str,
    work: Callable[..., list[dict[str, Any]]],
    progress: Callable[[int, int], None] | None,
    total: int,
) -> list[dict[str, Any]]:
    from distributed import Client

    probe_dask(address, DASK_HANDSHAKE_SECONDS)
    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a malformed address
        raise InputError(
            _("cannot reach the Dask scheduler: {error}").format(error=exc), source="--dask"
        ) from None
    try:
        futures = client.map(work, chunks, lang=current_language(), pure=False)
        done = 0
        results = []
        for chunk, future in zip(chunks, futures, strict=True):  # in submission order
            part = _chunk_rows(chunk, future)
            results.extend(part)
            done += len(part)
            if progress:
                progress(done, total)
        return results
    finally:
        client.close()


def probe_dask(address: str, seconds: float) -> None:
    """Check that ``address`` is a Dask scheduler answering within ``seconds``, or raise InputError.

    distributed's own connect bounds the TCP connection but then waits for the scheduler's
    handshake without a limit, and reads whatever length a foreign service's first bytes spell
    (an HTTP server's "HTTP/1.1" asks for exbibytes). Here the whole handshake runs under one
    deadline and anything but Dask's reply is refused.
    """
    import asyncio
    import socket

    from distributed.comm import connect
    from distributed.comm.addressing import parse_address, parse_host_port

    where = f"{address}"
    try:
        scheme, location = parse_address(address)
        host, port = parse_host_port(location) if scheme == "tcp" else (None, None)
    except (ValueError, TypeError) as exc:  # a malformed address
        raise InputError(
            _("cannot reach the Dask scheduler: {error}").format(error=exc), source="--dask"
        ) from None
    if host is not None and port is not None:
        # First the plain connection, so "nobody listens" and "listens but says nothing" differ.
        try:
            socket.create_connection((host, port), timeout=seconds).close()
        except OSError as exc:
            reason = _("no answer") if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
            raise InputError(
                _("cannot reach the Dask scheduler at {address}: {reason}").format(
                    address=where, reason=reason
                ),
                source="--dask",
            ) from None

    async def handshake() -> dict[str, Any]:
        comm = await connect(address, timeout=seconds)
        try:
            return dict(comm.remote_info)
        finally:
            comm.abort()

    try:
        info = asyncio.run(asyncio.wait_for(handshake(), seconds))
    except TimeoutError:
        raise InputError(
            _(
                "{address} accepted the connection but gave no Dask handshake within {seconds} s; "
                "is it a Dask scheduler (usually tcp://HOST:8786)?"
            ).format(address=where, seconds=f"{seconds:g}"),
            source="--dask",
        ) from None
    except ValueError as exc:
        raise InputError(
            _("cannot reach the Dask scheduler: {error}").format(error=exc), source="--dask"
        ) from None
    except OSError as exc:
        raise InputError(
            _("cannot reach the Dask scheduler at {address}: {reason}").format(address=where, reason=exc),
            source="--dask",
        ) from None
    except (MemoryError, Exception) as exc:  # a foreign protocol's bytes decoded as Dask frames
        raise InputError(
            _("{address} is not a Dask scheduler (its reply is not Dask's protocol: {kind})").format(
                address=where, kind=type(exc).__name__
            ),
            source="--dask",
        ) from None
    if "python" not in info:
        raise InputError(
            _("{address} is not a Dask scheduler (unexpected handshake)").format(address=where),
            source="--dask",
        )


def to_frame(rows: list[dict[str, Any]]) -> Any:
    """The merged table: base columns, then ``heads.<role>`` columns in name order."""
    import pandas as pd

    from planner.report.export import JSON_DECIMALS

    extra = sorted({k for row in rows for k in row} - set(BASE_COLUMNS))
    frame = pd.DataFrame(rows, columns=[*BASE_COLUMNS, *extra])
    for col in extra:
        frame[col] = frame[col].astype("Int64")
    for col in ("total_headcount", "current_headcount", "gap"):
        frame[col] = frame[col].astype("Int64")
    # The same rounding as the JSON output (147186148.8, not 147186148.79999998).
    return frame.round(JSON_DECIMALS)


def check_results_path(out: str | Path) -> Path:
    """The results file, if its extension is one :func:`write_results` writes (checked before any work)."""
    target = Path(out)
    if target.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(
            _("expected a .csv or .parquet file, got {name}").format(name=repr(target.name)), source="--out"
        )
    if target.is_dir():
        raise InputError(
            _("expected a file for the results, {path} is a directory").format(path=target), source="--out"
        )
    return target


def write_results(rows: list[dict[str, Any]], out: str | Path) -> Path:
    """Write the merged table as CSV or Parquet (by extension), atomically."""
    from planner.report.export import write_csv, write_with

    target = check_results_path(out)
    frame = to_frame(rows)
    if target.suffix.lower() == ".csv":
        return write_csv(target, frame)
    return write_with(target, lambda tmp: frame.to_parquet(tmp, index=False))


# ----------------------------------------------------------------------------- synthetic branches


def generate_branches(
    base: str | Path, count: int, out_dir: str | Path, seed: int = 0, sets: Sequence[str] = ()
) -> list[Path]:
    """Write ``count`` varied copies of the scenario ``base`` (with ``sets`` applied) into ``out_dir``
    as one set (see :mod:`planner.report.fileset`).

    Deterministic for a ``seed``. Each branch scales every tier's customers by its own factor
    (lognormal, median 1, about +/-30 %) and every role's headcount by another (+/-20 %), so
    branches range from comfortably staffed to short. The policy path is rewritten to resolve from
    ``out_dir``.
    """
    import numpy as np

    from planner.data.scenario import load_scenario_document, scenario_from_document
    from planner.report.what_if import write_branch_files

    if count <= 0:
        raise InputError(
            _("expected a positive number of branches, got {count}").format(count=count), source="--generate"
        )
    doc = load_scenario_document(base, sets)
    scenario_from_document(doc, path=Path(base))  # a bad base is refused here, with its line
    data = doc.data
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise InputError(
            _("expected a directory for the branch files, {path} is a file").format(path=target),
            source="--out",
        )
    policy = os.path.relpath(data["policy"], target.resolve())
    rng = np.random.default_rng(seed)
    width = max(4, len(str(count)))
    branches: dict[str, dict[str, Any]] = {}
    base_name = data.get("name") or Path(base).stem
    overrides = data.get("policy_overrides")
    for i in range(1, count + 1):
        size = float(rng.lognormal(0.0, 0.3))
        staff = float(rng.uniform(0.8, 1.2))
        customers = {
            ch: {t: round(n * size * float(rng.uniform(0.9, 1.1))) for t, n in tiers.items()}
            for ch, tiers in data.get("customers", {}).items()
        }
        roles = {}
        for rid, role in data.get("roles", {}).items():
            role = dict(role)
            role["headcount"] = round(role["headcount"] * size * staff)
            roles[rid] = role
        # Sections with file paths of their own (callcentre forecasts) or horizons (hiring) stay out.
        branch = {k: v for k, v in data.items() if k in ("budget", "max_total_headcount", "min_coverage")}
        branch = {
            "name": f"{base_name}-branch-{i:0{width}d}",
            "description": (
                f"synthetic branch {i} of {count} (seed {seed}): size x{size:.2f}, staffing x{staff:.2f}"
            ),
            "policy": policy,
            "customers": customers,
            "roles": roles,
            **branch,
        }
        if overrides:
            branch["policy_overrides"] = overrides
        branches[f"branch-{i:0{width}d}.yaml"] = branch
    # All files appear at once, replacing an earlier set whole (no stale branch-0150 from a run of 200).
    return write_branch_files(branches, target)
