"""``planner validate``: check policy and scenario files without solving anything."""

from __future__ import annotations

from pathlib import Path

import click

from planner.i18n import N_

#: What a checked file is read as (translated when shown).
KINDS = (N_("file"), N_("policy"), N_("scenario"))


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Check policy and scenario files (or every *.yaml in the directories given).

    A file with a top-level `channels:` key is read as a policy, anything else as a scenario.
    Prints one line per file; exits 2 if any file is wrong.
    """
    from planner.analyses.validate import validate_paths
    from planner.errors import PlannerError, printable
    from planner.i18n import _

    if not paths:
        paths = (Path("policies"), Path("scenarios"))
    results = validate_paths(paths)
    bad = 0
    for r in results:
        if r.error is None:
            extra = f" ({'; '.join(r.warnings)})" if r.warnings else ""
            click.echo(printable(f"{_('ok'):5} {_(r.kind):8} {r.path}{extra}"))
        else:
            bad += 1
            click.echo(printable(f"{_('error'):5} {_(r.kind):8} {r.error}"), err=True)
    click.echo(_("{n} file(s) checked, {bad} with errors").format(n=len(results), bad=bad))
    if bad:
        # The listing above is the report; the group turns this into the last error line and exit 2.
        message = _("{bad} of {n} file(s) have errors (listed above)")
        raise PlannerError(message.format(bad=bad, n=len(results)))
