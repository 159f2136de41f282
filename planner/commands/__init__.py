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
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from planner.errors import PlannerError

        try:
            return super().invoke(ctx)
        except PlannerError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="planner")
def main() -> None:
    """Plan account-manager and call-centre headcount for a telecom branch's "4+1" channels.

    Policies (policies/*.yaml) set each channel's tiers and visit standards; scenarios
    (scenarios/*.yaml) set customers, roles and limits. Run `planner plan` to size the baseline.
    """


def run() -> None:
    """Console-script entry point."""
    main(prog_name="planner")


if __name__ == "__main__":  # pragma: no cover
    run()
