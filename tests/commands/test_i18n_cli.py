"""``--help`` and click's usage errors under ``--lang zh`` / ``PLANNER_LANG=zh``; English unchanged."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from planner.commands import COMMANDS, main
from planner.commands.localise import display_width, help_messages, scan_lang
from planner.i18n import LANG_ENV, LOCALE_DIR, click_messages, reset_language

REPO = Path(__file__).resolve().parent.parent.parent
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "planner.po"

#: Every command line a person can ask help for.
COMMAND_PATHS = [[], *([name] for name in sorted(COMMANDS)), ["roster", "check"], ["roster", "generate"]]


@pytest.fixture(autouse=True)
def _english_after(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(LANG_ENV, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    yield
    reset_language()


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="zh", domain="planner")


def _run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False, prog_name="planner")


def _flat(text: str) -> str:
    """``text`` with every run of whitespace one space (help is re-wrapped to the terminal)."""
    return " ".join(text.split())


def _command(path: list[str]) -> click.Command:
    command: click.Command = main
    ctx = click.Context(main, info_name="planner")
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(ctx, name)
        assert found is not None
        command = found
    return command


def _own_help_texts(path: list[str]) -> list[str]:
    """The English texts planner's code gives this command's help (docstring, option help)."""
    where = " ".join(["planner", *path])
    return [
        msgid
        for (context, msgid), source in help_messages().items()
        if context is None and (source == where or source.startswith(where + " -"))
    ]


def test_help_texts_and_clicks_messages_all_have_chinese() -> None:
    """Every docstring, option help and word metavar of every command, and every message of
    click's own, has a Chinese entry (``scripts/catalogue.py update`` adds them)."""
    catalog = _catalog()
    helps = help_messages()
    # 15 commands (group, 13 top-level less the roster group, roster's two) each with a docstring
    assert sum(1 for (context, msgid) in helps if context is None and "\n\n" in msgid) >= 12
    assert (None, "Output format: rich tables for people, JSON for programs.") in helps
    assert ("metavar", "PATH=VALUE") in helps and ("metavar", "SCENARIO") in helps
    clicks = click_messages()
    assert (None, "Usage:") in clicks and (None, "No such option {name!r}.") in clicks
    assert (None, ("{value!r} is not {choice}.", "{value!r} is not one of {choices}.")) in clicks
    missing = []
    for context, msgid in [*helps, *clicks]:
        entry = catalog.get(msgid, context=context)
        forms = (
            entry.string
            if entry is not None and isinstance(entry.string, tuple)
            else ((entry.string,) if entry is not None else ("",))
        )
        if not all(f.strip() for f in forms):
            missing.append((context, msgid))
    assert not missing


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "planner")
def test_help_in_chinese(path: list[str]) -> None:
    """Under zh no English sentence of the command's own help is left, nor click's headings."""
    own = _own_help_texts(path)
    assert own  # every command documents itself
    for args in ([*path, "--lang", "zh", "--help"], [*path, "--help", "--lang", "zh"]):
        result = _run(*args)
        assert result.exit_code == 0, result.output
        flat = _flat(result.output)
        assert flat.startswith("用法: planner") and "选项:" in flat
        assert "显示此帮助并退出。" in flat
        for english in ("Usage:", "Options:", "Show this message and exit.", "[OPTIONS]", "default:"):
            assert english not in flat
        # the first 40 characters of any own text would survive wrapping as one run
        left = [text for text in own if _flat(text)[:40] in flat]
        assert not left, left
    env = _run(*path, "--help", env={LANG_ENV: "zh"})
    assert env.output == _run(*path, "--lang", "zh", "--help").output


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "planner")
def test_help_in_english_unchanged(path: list[str]) -> None:
    """English help shows every own text, and is the same before and after a Chinese run in
    the same process (the English is kept, not overwritten)."""
    before = _run(*path, "--help")
    assert before.exit_code == 0
    flat = _flat(before.output)
    assert flat.startswith("Usage: planner") and "Options:" in flat
    assert "Show this message and exit." in flat
    for text in _own_help_texts(path):
        assert _flat(text)[:40] in flat
    _run(*path, "--lang", "zh", "--help")
    _run(*path, "--lang", "zh", "--bogus")
    assert _run(*path, "--help").output == before.output
    assert _run(*path, "--lang", "en", "--help", env={LANG_ENV: "zh"}).output == before.output


def test_group_lang_reaches_the_command_and_the_command_wins() -> None:
    zh = _run("--lang", "zh", "plan", "--help").output
    assert zh == _run("plan", "--lang", "zh", "--help").output
    assert _run("--lang", "zh", "plan", "--lang", "en", "--help").output.startswith("Usage: planner plan")


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "planner")
def test_chinese_help_fits_the_terminal(path: list[str]) -> None:
    """Help is wrapped in terminal columns (a Chinese character takes two), at 100 and 80."""
    for columns in ("100", "80"):
        out = (
            CliRunner()
            .invoke(main, [*path, "--lang", "zh", "--help"], env={"COLUMNS": columns}, prog_name="planner")
            .output
        )
        widths = [
            sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
            for line in out.splitlines()
        ]
        assert max(widths) <= int(columns)
        # option help starts in the same column on every row: "  --set 键路径=值" pads to it
        starts = {
            sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in m.group(1))
            for line in out.splitlines()
            if (m := re.match(r"(  --\S+(?: \S+)?\s+)\S", line)) and "  " in line.strip()
        }
        assert len(starts) == 1, starts


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # bad option: names it, and click's suggestion
        (["plan", "--bogus"], ["没有选项 '--bogus'。"]),
        # bad choice: the option, the value and the choices
        (["plan", "--format", "xml"], ["'--format' 的值无效：'xml' 不在可选值 'table', 'json' 之中。"]),
        # bad integer, out of range
        (["plan", "--year", "abc"], ["'--year' 的值无效：'abc' 不是有效的数值（integer range）。"]),
        (["plan", "--year", "1999"], ["'--year' 的值无效：1999 不在范围 2001<=x<=2099 内。"]),
        # bad float
        (["erlang", "--calls", "many"], ["'--calls' 的值无效：'many' 不是有效的数值（float）。"]),
        # missing argument (named as the usage line names it)
        (["roster", "check"], ["缺少参数 '客户清单'", "用法: planner roster check [选项] 客户清单"]),
        # an option without its value
        (["plan", "--set"], ["选项 '--set' 需要 1 个值。"]),
        # no such command, with the suggestion
        (["pln"], ["没有命令 'pln'。", "用法: planner [选项] 命令 [参数]..."]),
    ],
)
def test_usage_errors_in_chinese(args: list[str], expected: list[str]) -> None:
    for run in (
        _run(*args[:1], "--lang", "zh", *args[1:]),
        _run("--lang", "zh", *args),
        _run(*args, env={LANG_ENV: "zh"}),
    ):
        assert run.exit_code == 2, run.output
        assert "错误：" in run.output
        for text in expected:
            assert text in run.output
        for english in ("Error:", "Usage:", "Invalid value", "No such", "Missing", "Try '", "is not"):
            assert english not in run.output
    english = _run(*args)
    assert english.exit_code == 2
    assert "Error: " in english.output and "错误" not in english.output


def test_english_usage_error_as_click_writes_it() -> None:
    out = _run("plan", "--format", "xml").output
    assert out == (
        "Usage: planner plan [OPTIONS] [SCENARIO]\n"
        "Try 'planner plan --help' for help.\n\n"
        "Error: Invalid value for '--format': 'xml' is not one of 'table', 'json'.\n"
    )


def test_scan_lang() -> None:
    assert scan_lang(["plan", "--lang", "zh"]) == "zh"
    assert scan_lang(["--lang=ZH", "plan", "--lang", "en"]) == "en"  # the last, as click keeps
    assert scan_lang(["plan", "--lang", "fr"]) is None  # left for click to refuse
    assert scan_lang(["plan", "--", "--lang", "zh"]) is None
    assert scan_lang(["plan", "--lang"]) is None


def test_display_width_counts_columns() -> None:
    from planner.i18n import set_language

    set_language("zh")
    assert display_width("用法: x") == 7  # two wide characters, then ": x"
    set_language("en")
    assert display_width("用法: x") == 5  # English: characters, as click counts


@pytest.mark.parametrize(
    ("sets", "english", "chinese"),
    [
        # planner/data/callcentre.py: a pydantic validator's message
        (
            "callcentre.shrinkage=1.5",
            "shrinkage must be in [0, 1) (e.g. 0.3 for 30 %), got 1.5",
            "shrinkage 必须在 [0, 1) 之内（如 0.3 表示 30 %），实为 1.5",
        ),
        # planner/data/scenario.py: an unknown tier with the channel's tiers listed
        (
            "customers.key.nope=3",
            "unknown tier 'nope' (tiers of key: crystal, bronze, silver, gold, platinum, diamond)",
            "未知层级 'nope'（key 的层级：crystal, bronze, silver, gold, platinum, diamond）",
        ),
    ],
)
def test_validation_messages_of_the_data_layer(
    sets: str, english: str, chinese: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    en = _run("plan", "--set", sets)
    assert en.exit_code == 2 and english in en.output
    zh = _run("plan", "--set", sets, "--lang", "zh")
    assert zh.exit_code == 2
    assert zh.output.startswith("错误：") and chinese in zh.output


def test_value_words() -> None:
    """Status and mode values people see in tables and HTML are words of the language; the
    values themselves (JSON) are untouched."""
    from planner.i18n import set_language, value_word
    from planner.model.solver import SolveStatus

    assert value_word(SolveStatus.OPTIMAL) == "optimal"
    assert value_word("max_coverage") == "max_coverage"
    set_language("zh")
    assert value_word(SolveStatus.OPTIMAL) == "最优"
    assert value_word(SolveStatus.INFEASIBLE) == "无可行解"
    assert value_word("max_coverage") == "最大覆盖"
    assert value_word("required") == "需求人数"
    assert value_word("something new") == "something new"
    assert value_word(None) == ""
    assert SolveStatus.OPTIMAL.value == "optimal"


def test_branch_summary_shows_status_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "120")
    zh = _run("branch", "--no-schedule", "--out", str(tmp_path / "zh"), "--lang", "zh")
    assert zh.exit_code == 0, zh.output
    assert "规划: 满足标准, 最优" in zh.output
    html = (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    assert "规划模式：满足标准；求解器状态：最优。" in html and "人数口径 需求人数" in html
    en = _run("branch", "--no-schedule", "--out", str(tmp_path / "en"))
    assert "meet_standards, optimal" in en.output
    data = json.loads((tmp_path / "zh" / "branch.json").read_text(encoding="utf-8"))
    assert data["statuses"]["plan"] == "optimal" and data["headcount"] == "required"  # JSON: values


def test_branch_workbook_shows_status_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """branch.xlsx's summary says the solver statuses and bases in the language asked for (JSON
    keeps the values: see test_branch_summary_shows_status_words)."""
    from openpyxl import load_workbook

    monkeypatch.chdir(REPO)

    def summary(lang: str) -> dict[str, object]:
        out = tmp_path / lang
        result = _run("branch", "--no-schedule", "--out", str(out), "--lang", lang)
        assert result.exit_code == 0, result.output
        sheet = load_workbook(out / "branch.xlsx").worksheets[0]
        return {str(label): value for label, value in sheet.iter_rows(min_row=2, values_only=True)}

    en = summary("en")
    assert en["status"] == en["plan status"] == en["call-centre status"] == "optimal"
    assert en["headcount basis"] == "required" and en["call centre counted today as"] == "planned"
    assert en["schedule status"] is None and en["hiring status"] is None  # not run: empty cells
    reset_language()
    zh = summary("zh")
    assert zh["状态"] == zh["规划状态"] == zh["客服中心状态"] == "最优"
    assert zh["人数口径"] == "需求人数" and zh["客服中心现有人数口径"] == "按规划计"
    assert zh["日程状态"] is None and zh["招聘状态"] is None
    assert "optimal" not in zh.values() and "required" not in zh.values()


def test_a_path_option_made_while_chinese_is_active_still_reads_file_in_english() -> None:
    # click names a Path type through its own gettext when the type is made, so a command module
    # first imported under zh used to keep 文件 as the word of its English help (and of the
    # catalogue check, which then asked for a translation of 文件).
    from planner.commands.localise import localise
    from planner.i18n import set_language

    set_language("zh")

    @click.command("probe")
    @click.option("--roster", type=click.Path(dir_okay=False))
    def probe(roster: str | None) -> None:  # pragma: no cover - only its help is read
        """Probe."""

    set_language("en")
    ctx = click.Context(probe, info_name="probe")
    assert "--roster FILE" in localise(probe, ctx).get_help(ctx)
    set_language("zh")
    ctx = click.Context(probe, info_name="probe")
    assert "--roster 文件" in localise(probe, ctx).get_help(ctx)


def test_a_choice_error_joins_its_choices_in_the_language_asked_for() -> None:
    # pydantic words the choices "'calendar' or 'none'"; under zh the "or" is 或, the rest the same.
    args = ["hire", "scenarios/key-growth-2006.yaml", "--set", "hiring.efficiency=half"]
    en, zh = _run(*args), _run("--lang", "zh", *args)
    assert en.exit_code == zh.exit_code == 2
    assert "hiring.efficiency: expected one of 'calendar' or 'none', got 'half'" in en.stderr
    assert "hiring.efficiency: 应为 'calendar' 或 'none' 之一，实际为 'half'" in zh.stderr
