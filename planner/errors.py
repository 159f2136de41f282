"""The errors planner raises for bad input. The CLI turns every one into a message and exit status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The most characters of a user's value an error message quotes (the rest is cut with "...").
EXCERPT_CHARS = 40


def printable(text: str) -> str:
    """``text`` with every character a terminal could act on written as an escape.

    Control characters (ESC, CR, BEL...), format characters such as the bidi overrides
    (U+202A-U+202E, U+2066-U+2069) and other non-printable code points become ``\\x1b``,
    ``\\u202e``...; letters of any script, spaces and punctuation stay as they are.
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """A short, printable, quoted rendering of a user's value for an error message.

    Strings longer than ``limit`` characters are cut (``'abc...'``), so an error never repeats a
    whole line of a file that was not meant to be read; non-printable characters are escaped.
    """
    text = value if isinstance(value, str) else repr(value)
    text = printable(text)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'" if isinstance(value, str) else text


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
        self.source = printable(str(source)) if source is not None else None
        self.path = printable(path) if path is not None else None
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


class PartialFailure(PlannerError):
    """Some items of a run (branches of a batch...) failed, the others were done and written.

    ``errors`` are the failed items' own messages, each shown as an error line before ``str(err)``,
    which sums them up.
    """

    def __init__(self, message: str, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(message)


class InfeasibleError(PlannerError):
    """The limits a scenario sets cannot all hold at once (e.g. an impossible ``min_coverage``)."""


class SolverError(PlannerError):
    """No usable solver, or the solver failed in a way the input cannot explain."""


class OutputError(PlannerError):
    """An output could not be written (read-only folder, full disk, a folder where a file goes...).

    ``str(err)`` is ``PATH: cannot write: REASON``.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = printable(str(path))
        self.reason = reason
        super().__init__(f"{self.path}: cannot write: {reason}")
