"""The ``planner`` command line: a click group whose commands each live in their own module.

Modules are imported only when their command runs (or when ``--help`` lists them), and each keeps
heavy imports (pandas, pulp, highspy, matplotlib) inside its function, so ``planner --help`` is
instant. Every :class:`planner.errors.PlannerError` becomes a one-line message and exit status 2.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from planner import __version__

#: command name -> "module:attribute" under planner.commands. Add a line to add a command.
COMMANDS: dict[str, str] = {
    "boundary": "boundary:boundary_command",
    "branch": "branch:branch_command",
    "batch": "what_if:batch_command",
    "callcentre": "callcentre:callcentre_command",
    "compare": "what_if:compare_command",
    "erlang": "callcentre:erlang_command",
    "hire": "hire:hire_command",
    "plan": "plan:plan_command",
    "portfolio": "portfolio:portfolio_command",
    "rebalance": "portfolio:rebalance_command",
    "roster": "roster:roster_group",
    "schedule": "schedule:schedule_command",
    "sweep": "what_if:sweep_command",
    "validate": "validate:validate_command",
}


#: ``ctx.meta`` key set once the group has read ``--lang`` from the arguments (see
#: :meth:`LazyGroup.parse_args`).
LANG_SCANNED = "planner.lang_scanned"


class LazyGroup(click.Group):
    """A group that imports a command's module only when it is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attr = target.partition(":")
        module = importlib.import_module(f"planner.commands.{module_name}")
        command: click.Command = getattr(module, attr)
        from planner.commands.localise import localise
        from planner.commands.options import add_lang_option

        return localise(add_lang_option(command), ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Set the language ``--lang`` names (anywhere in ``args``) or ``PLANNER_LANG`` before click
        parses anything, so a usage error or ``--help`` is in that language whatever the order."""
        from planner.commands.localise import localise, scan_lang
        from planner.i18n import reset_language, set_language

        reset_language()
        lang = scan_lang(args)
        if lang is not None:
            set_language(lang)
        ctx.meta[LANG_SCANNED] = True
        localise(self, ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from planner.errors import PlannerError

        try:
            return super().invoke(ctx)
        except PlannerError as exc:
            # One line, whatever the message quotes: control characters and newlines escaped.
            from planner.errors import PartialFailure, printable
            from planner.i18n import _

            for line in exc.errors if isinstance(exc, PartialFailure) else ():
                click.echo(_("Error: {message}").format(message=printable(line)), err=True)
            click.echo(_("Error: {message}").format(message=printable(str(exc))), err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`planner ... | head`): stop quietly, as other tools do.
            _silence_stdout()
            ctx.exit(0)
        except OSError as exc:
            # An operating-system error no layer turned into a PlannerError (stdout full or closed...).
            from planner.i18n import _

            click.echo(_("Error: {message}").format(message=_os_error_line(exc)), err=True)
            ctx.exit(2)


def _os_error_line(exc: OSError) -> str:
    """``PATH: REASON`` for an OS error; an error naming no file is standard output failing."""
    from planner.errors import printable
    from planner.i18n import _

    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return _("<stdout>: cannot write: {reason}").format(reason=reason)
    return printable(f"{exc.filename}: {reason}")


def _silence_stdout() -> None:
    """Point standard output at the null device so the final flush cannot fail again."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests): nothing to do
        pass


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="planner")
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress bars or spinners on stderr (they show only on a terminal, after a second).",
)
@click.pass_context
def main(ctx: click.Context, quiet: bool) -> None:
    """Plan account-manager and call-centre headcount for a telecom branch's "4+1" channels.

    Policies (policies/*.yaml) set each channel's tiers and visit standards; scenarios
    (scenarios/*.yaml) set customers, roles and limits. Run `planner plan` to size the baseline.
    """
    ctx.meta["quiet"] = quiet


def _add_group_lang() -> None:
    from planner.commands.localise import install_wide_text
    from planner.commands.options import add_lang_option
    from planner.i18n import install_click_translations

    add_lang_option(main)  # `planner --lang zh --help`, `planner --lang zh plan`
    install_click_translations()
    install_wide_text()


_add_group_lang()


def run() -> None:
    """Console-script entry point.

    Output still buffered when the command ends is flushed here, so a pipe closed early exits 0
    quietly and a full or closed standard output is one line on stderr and exit 2 (instead of
    Python's "Exception ignored" at shutdown).
    """
    import errno
    import os
    import sys

    # planner uses no pydantic plugins; without this pydantic scans every installed package's entry
    # points for them when the first schema is built (about 20 ms of each run). A user who wants
    # plugins sets the variable themselves.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if sys.stdout is None:  # started with standard output closed (`planner ... >&-`)
        from planner.i18n import _

        closed = _("<stdout>: cannot write: {reason}").format(reason=_("standard output is closed"))
        click.echo(_("Error: {message}").format(message=closed), err=True)
        raise SystemExit(2)
    code: Any = 0
    try:
        main(prog_name="planner", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as exc:
        _silence_stdout()
        if exc.errno != errno.EPIPE:
            from planner.i18n import _

            click.echo(_("Error: {message}").format(message=_os_error_line(exc)), err=True)
            code = 2
    raise SystemExit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
