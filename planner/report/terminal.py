"""Text users typed, shown safely on a terminal: one console that escapes what a terminal would act on.

Names, ids and labels come from users' files (a roster's customer ids, a scenario's role ids, a
policy's tier labels). Printed raw, an ESC sequence could recolour or clear the screen, a CR
overwrite a line, a bidi override (U+202E) reverse what follows. :class:`SafeConsole` is the
console every report renders on: each string it renders (table cells, titles, printed lines) has
those characters written as escapes (``\\x1b``, ``\\x0d``, ``\\u202e``) before layout, so columns
stay aligned, and any that reach the output another way are escaped on the way out. A name
that is not valid rich markup (``a[/]b``) is shown as typed instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.errors import MarkupError
from rich.segment import Segment
from rich.text import Text

from planner.errors import printable


def terminal_text(text: str) -> str:
    """``text`` with control, format and bidi characters escaped (see :func:`planner.errors.printable`)."""
    return printable(text)


class SafeConsole(Console):
    """A rich console that never sends users' control characters to the terminal."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        # A newline is layout (multi-line headers and cells), not something a terminal acts on.
        safe = _escape_keep_newlines(text)
        try:
            return super().render_str(safe, **kwargs)
        except MarkupError:
            return super().render_str(safe, **{**kwargs, "markup": False})

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        # A safety net for Text objects built directly: escape what render_str did not see.
        cleaned = (
            seg
            if seg.control or seg.text.isprintable()
            else Segment(_escape_keep_newlines(seg.text), seg.style)
            for seg in buffer
        )
        return super()._render_buffer(cleaned)

    def on_broken_pipe(self) -> None:
        # rich exits 1 when the reader goes away (`planner plan | head`); stop quietly instead.
        from planner.commands import _silence_stdout

        self.quiet = True
        _silence_stdout()
        raise SystemExit(0)


def _escape_keep_newlines(text: str) -> str:
    return "\n".join(printable(part) for part in text.split("\n"))
