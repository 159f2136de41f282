"""The errors planner raises for bad input. The CLI turns every one into a message and exit status 2."""

from __future__ import annotations

from pathlib import Path


class PlannerError(Exception):
    """Base class: something the user can fix. ``str(err)`` is the full message shown to them."""

    exit_code = 2


class InputError(PlannerError):
    """A file, key or value in the input is wrong.

    Parameters
    ----------
    message
        What was expected, in words.
    source
        The file (or ``--set``, ``--vary``...) the bad value came from.
    path
        Dotted key path inside that source, e.g. ``roles.key_manager.headcount``.
    line
        1-based line number in ``source`` where known.
    """

    def __init__(
        self,
        message: str,
        source: str | Path | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.source = str(source) if source is not None else None
        self.path = path
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.source:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
        if self.path:
            where = f"{where}: {self.path}" if where else self.path
        return f"{where}: {self.message}" if where else self.message


class InfeasibleError(PlannerError):
    """The limits a scenario sets cannot all hold at once (e.g. an impossible ``min_coverage``)."""


class SolverError(PlannerError):
    """No usable solver, or the solver failed in a way the input cannot explain."""
