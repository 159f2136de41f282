"""Options shared by several commands, defined once (``--set``, ``--format``, ``--solver``, ``--out``,
``--lang``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from planner.data.roster import Roster
    from planner.data.scenario import Scenario

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SCENARIO = "scenarios/baseline.yaml"

#: Share of a roster's rows that may be rejected before planning with the rest is refused (a
#: tool setting, not a domain figure: 1 % of a branch's list is a few hundred customers at most).
DEFAULT_MAX_REJECT_SHARE = 0.01


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Under ``planner``, nothing: its group read ``--lang`` from the arguments before parsing
    them (the last one, as here; else ``PLANNER_LANG``). A command run on its own (tests): the
    ``--lang`` or ``PLANNER_LANG`` given, else English."""
    from click.core import ParameterSource

    from planner.commands import LANG_SCANNED
    from planner.i18n import reset_language, set_language

    if ctx.meta.get(LANG_SCANNED):
        return value
    if value and ctx.get_parameter_source(param.name or "lang") not in (ParameterSource.DEFAULT, None):
        set_language(value)
    else:
        reset_language()
    return value


def lang_option() -> click.Option:
    """``--lang en|zh`` (or ``PLANNER_LANG``): the language of tables, verdicts, warnings and errors.

    Processed before every other option (eager), so errors found while parsing the rest are in
    that language too. JSON keys stay English. :class:`planner.commands.LazyGroup` gives it to
    every command, so no command declares it.
    """
    from planner.i18n import LANG_ENV, LANGUAGES

    return click.Option(
        ["--lang"],
        type=click.Choice(LANGUAGES, case_sensitive=False),
        default="en",
        envvar=LANG_ENV,
        show_default=True,
        show_envvar=True,
        is_eager=True,
        expose_value=False,
        callback=_set_lang,
        help="Language of tables, verdicts, warnings and errors (zh: Chinese). JSON keys stay English.",
    )


def add_lang_option(command: click.Command) -> click.Command:
    """``command`` (and, for a group, each of its subcommands) with :func:`lang_option` added once."""
    if not any(p.name == "lang" for p in command.params):
        command.params.append(lang_option())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_lang_option(sub)
    return command


def scenario_argument(required: bool = False) -> Callable[[F], F]:
    """The scenario file argument (defaults to scenarios/baseline.yaml)."""
    if required:
        return click.argument("scenario", type=click.Path(path_type=Path, dir_okay=False), required=True)
    return click.argument(
        "scenario", type=click.Path(path_type=Path, dir_okay=False), default=DEFAULT_SCENARIO
    )


def set_option(f: F) -> F:
    """``--set dotted.path=value``, repeatable."""
    return click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="PATH=VALUE",
        help="Override a scenario key, e.g. --set customers.key.crystal=2700 (value read as YAML). "
        "Repeatable.",
    )(f)


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with ``table`` first (the default) and the given choices."""
    options = choices or ("table", "json")
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(options),
        default=options[0],
        show_default=True,
        help="Output format: rich tables for people, JSON for programs.",
    )


def solver_option(f: F) -> F:
    """``--solver auto|highs|cbc``."""
    return click.option(
        "--solver",
        type=click.Choice(["auto", "highs", "cbc"]),
        default="auto",
        show_default=True,
        help="LP/MIP solver: HiGHS (highspy) with CBC as fallback, or one of them only.",
    )(f)


def objective_option(f: F) -> F:
    """``--objective response|linear``: how ``max_coverage`` values an hour of service."""
    return click.option(
        "--objective",
        type=click.Choice(["response", "linear"]),
        default="response",
        show_default=True,
        help="max_coverage objective: response = revenue kept by each tier's response curve; "
        "linear = revenue at risk x coverage (the old valuation).",
    )(f)


def scenario_options(f: F) -> F:
    """``--set`` and ``--solver``: what every command taking a scenario accepts (plus ``--format``)."""
    return set_option(solver_option(f))


def year_option(f: F) -> F:
    """``--year``: the plan year whose working calendar sizes the plan (default: the scenario's)."""
    return click.option(
        "--year",
        type=click.IntRange(2001, 2099),
        default=None,
        help="Plan year (China's holidays and make-up days size the plan). Default: the scenario's "
        "`year`, else next calendar year.",
    )(f)


def headcount_option(f: F) -> F:
    """``--headcount required|current``: the same two words in every command."""
    return click.option(
        "--headcount",
        type=click.Choice(["required", "current"]),
        default="required",
        show_default=True,
        help="required: the least heads meeting every standard in the plan year's calendar; "
        "current: today's heads and what they deliver.",
    )(f)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a roster reading option in ``ctx.meta`` for :func:`read_cli_roster` (commands that take
    ``--roster`` need not name each one)."""
    ctx.meta.setdefault("roster", {})[param.name] = value
    return value


def roster_reading_options(check: bool = False, stored: bool = False) -> Callable[[F], F]:
    """``--sheet``, ``--header-row``, ``--max-reject-share`` and (unless ``check``, for
    ``roster check`` which only reports) ``--accept-rejects``.

    With ``stored`` their values go to ``ctx.meta["roster"]`` (see :func:`read_cli_roster`)
    instead of the command's arguments.
    """
    extra: dict[str, Any] = {"expose_value": False, "callback": _remember} if stored else {}
    options = [
        click.option(
            "--sheet",
            default=None,
            metavar="NAME|N",
            help="Excel roster: the sheet to read, by name or number from 1 (default: the first).",
            **extra,
        ),
        click.option(
            "--header-row",
            type=click.IntRange(min=1),
            default=None,
            metavar="N",
            help="Excel roster: the spreadsheet row holding the column names "
            "(default: the first of the top rows that names every required column).",
            **extra,
        ),
        click.option(
            "--max-reject-share",
            type=click.FloatRange(0, 1),
            default=DEFAULT_MAX_REJECT_SHARE,
            show_default=True,
            help="Warn about a roster when more than this share of its rows is rejected."
            if check
            else "Refuse a roster when more than this share of its rows is rejected.",
            **extra,
        ),
        click.option(
            "--accept-rejects",
            is_flag=True,
            default=False,
            help="Go on with the accepted rows even when too many are rejected or a channel "
            "loses every customer.",
            **extra,
        ),
    ]
    if check:
        options.pop()

    def decorate(f: F) -> F:
        for option in reversed(options):
            f = option(f)
        return f

    return decorate


def roster_options(f: F) -> F:
    """``--roster FILE`` (customers per tier from a customer list), ``--columns MAP`` and the
    reading options of :func:`roster_reading_options` (kept in the click context)."""
    f = roster_reading_options(stored=True)(f)
    f = click.option(
        "--columns",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="YAML mapping the roster's column names (e.g. 客户编号) onto planner's.",
    )(f)
    return click.option(
        "--roster",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Customer list (.csv, .xlsx, .parquet); its customers per tier replace the scenario's.",
    )(f)


def roster_gate(
    roster: Roster, scenario: Scenario, max_reject_share: float, accept: bool, whole_branch: bool = True
) -> list[str]:
    """Warnings about ``roster``'s rejected rows; refuses it (exit 2) when rows or (with
    ``whole_branch``) a whole channel would be lost, unless ``accept`` (``--accept-rejects``)."""
    from planner.analyses.roster import rejection_summary, roster_losses
    from planner.errors import InputError
    from planner.i18n import _

    problems = roster_losses(roster, scenario, max_reject_share, whole_branch)
    if problems and not accept:
        raise InputError(
            "; ".join(problems)
            + _(
                ". Planning without them would understate the work: see `planner roster check`, fix the "
                "file or --columns, or pass --accept-rejects to go on with the accepted rows"
            ),
            source=roster.source,
        )
    warnings = [_("roster {source}: {note}").format(source=roster.source, note=note) for note in roster.notes]
    if roster.rows_rejected:
        warnings.append(rejection_summary(roster))
    if problems:
        warnings.extend(
            _("roster {source}: {problem} (--accept-rejects given)").format(source=roster.source, problem=p)
            for p in problems
        )
    return warnings


def read_cli_roster(
    scenario: Scenario, roster: Path | None, columns: Path | None, whole_branch: bool = True
) -> tuple[Scenario, Roster | None]:
    """Read ``--roster`` once: the scenario with the roster's customers per tier, and the roster.

    Rejected rows are left out with a warning (in the scenario's warnings, so on stderr and in
    the JSON ``warnings``); too many, or a channel emptied, refuse the roster (see
    :func:`roster_gate`).
    """
    import dataclasses

    ctx = click.get_current_context(silent=True)
    given: dict[str, Any] = ctx.meta.get("roster", {}) if ctx is not None else {}
    if roster is None:
        from planner.errors import InputError

        if columns is not None:
            raise InputError(_("--columns needs --roster"), source="--columns")
        for name in ("sheet", "header_row", "accept_rejects"):
            if given.get(name):
                option = "--" + name.replace("_", "-")
                raise InputError(_("{option} needs --roster").format(option=option), source=option)
        return scenario, None
    from planner.data.roster import Layout, read_roster
    from planner.report import progress

    layout = Layout(sheet=given.get("sheet"), header_row=given.get("header_row"))
    with progress.step(_("reading {name}").format(name=roster.name)):
        read = read_roster(roster, scenario.policy, columns, layout)
    share = given.get("max_reject_share")
    warnings = roster_gate(
        read,
        scenario,
        DEFAULT_MAX_REJECT_SHARE if share is None else share,
        bool(given.get("accept_rejects")),
        whole_branch,
    )
    planned = scenario.with_customers(read.counts())
    return dataclasses.replace(planned, warnings=(*planned.warnings, *warnings)), read


def apply_roster(scenario: Scenario, roster: Path | None, columns: Path | None) -> Scenario:
    """The scenario with customers per tier taken from ``roster`` (unchanged when None)."""
    return read_cli_roster(scenario, roster, columns)[0]


def load_cli_scenario(path: Path, sets: tuple[str, ...]) -> Scenario:
    """Load a scenario for a command, with its --set overrides.

    When the user named no scenario and the default is missing (run from another folder), say
    so, and where the default was looked for, rather than "file not found" for a file they never
    named.
    """
    from planner.data.scenario import load_scenario

    if not path.exists() and _is_default("scenario", path):
        from planner.errors import InputError

        where = Path.cwd() / DEFAULT_SCENARIO
        raise InputError(
            _(
                "no scenario was given and the default {default_scenario} is not here (looked for "
                "{where}); name a scenario file, or run planner from the folder holding scenarios/"
            ).format(default_scenario=DEFAULT_SCENARIO, where=where),
            source="planner",
        )
    return load_scenario(path, sets)


def _is_default(param: str, value: Path) -> bool:
    """Whether the command's ``param`` took its default value (the user did not type it)."""
    from click.core import ParameterSource

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    for name in (param, param.replace("-", "_")):
        if name in ctx.params:
            return ctx.get_parameter_source(name) == ParameterSource.DEFAULT and ctx.params[name] == value
    return False


def make_console(record: bool = False) -> Console:
    """The console reports render on (stdout; width from the terminal or ``COLUMNS``, 120 when piped).

    No minimum width is forced: every report's tables fit 80 columns (tests/report/test_terminal_width.py).
    """
    import shutil

    from planner.report.terminal import SafeConsole

    width = shutil.get_terminal_size((120, 24)).columns
    return SafeConsole(width=max(width, 20), record=record, highlight=False, soft_wrap=False)


def echo_json(data: Any) -> None:
    """Print deterministic JSON on stdout."""
    from planner.report.export import to_json

    click.echo(to_json(data))


def print_warnings(warnings: Iterable[str], shown: Iterable[str] = ()) -> None:
    """Warnings go to stderr so they never spoil JSON on stdout; those in ``shown`` (printed
    already, e.g. the scenario's before a result that carries them too) are left out."""
    from planner.errors import printable
    from planner.i18n import _

    skip = set(shown)
    for w in warnings:
        if w in skip:
            continue
        click.echo(_("Warning: {message}").format(message=printable(w)), err=True)
