"""Progress on stderr for slow steps: a bar for a loop, a spinner for a single step.

Shown only when stderr is a terminal and ``planner --quiet`` was not given, and only once a step
has run for :data:`DELAY` seconds, so quick runs print nothing and stdout (JSON, tables) is never
touched. Callers below the commands (analyses, report writers) take a plain
``progress(done, total)`` callback; only this module knows about rich.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Seconds a step runs before its bar or spinner appears.
DELAY = 1.0

#: ``progress(done, total)``: what a loop calls after each item.
Callback = Callable[[int, int], None]


def enabled() -> bool:
    """True when progress should be drawn: stderr is a terminal and ``--quiet`` was not given."""
    try:
        import click

        ctx = click.get_current_context(silent=True)
        if ctx is not None and ctx.find_root().meta.get("quiet"):
            return False
    except ImportError:  # pragma: no cover - click is a dependency
        pass
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


class _Delayed:
    """A rich Progress started only after ``DELAY`` seconds, stopped (and erased) at the end."""

    def __init__(self, progress: Any, delay: float) -> None:
        self.progress = progress
        self.lock = threading.Lock()
        self.started = False
        self.closed = False
        self.timer = threading.Timer(delay, self._start)
        self.timer.daemon = True

    def _start(self) -> None:
        with self.lock:
            if not self.closed:
                self.progress.start()
                self.started = True

    def __enter__(self) -> _Delayed:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        with self.lock:
            self.closed = True
            if self.started:
                self.progress.stop()


def _progress(spinner: bool) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns: list[Any] = (
        [SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()]
        if spinner
        else [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    )
    return Progress(*columns, console=Console(stderr=True), transient=True)


def _noop(_done: int, _total: int) -> None:
    return None


@contextmanager
def bar(label: str, total: int | None = None, *, show: bool | None = None) -> Iterator[Callback]:
    """A progress bar for a loop of ``total`` items; yields the ``progress(done, total)`` callback.

    ``show`` overrides :func:`enabled` (tests). The total may also come with the first call.
    """
    if not (enabled() if show is None else show):
        yield _noop
        return
    progress = _progress(spinner=False)
    task = progress.add_task(label, total=total)

    def update(done: int, n: int) -> None:
        progress.update(task, completed=done, total=n)

    with _Delayed(progress, DELAY):
        yield update


@contextmanager
def step(label: str, *, show: bool | None = None) -> Iterator[None]:
    """A spinner with the elapsed time for one step with no count (a solve, a file read)."""
    if not (enabled() if show is None else show):
        yield
        return
    progress = _progress(spinner=True)
    progress.add_task(label, total=None)
    with _Delayed(progress, DELAY):
        yield
