"""``--lang zh|en``: the gettext catalogue, its coverage of the code's messages, and the CLI in Chinese."""

from __future__ import annotations

import json
import re
import string
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from planner.commands import main
from planner.i18n import (
    LANG_ENV,
    LOCALE_DIR,
    _,
    current_language,
    pgettext,
    reset_language,
    set_language,
    source_messages,
)

REPO = Path(__file__).resolve().parent.parent.parent
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "planner.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(autouse=True)
def _english_after(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(LANG_ENV, raising=False)
    yield
    reset_language()


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="zh", domain="planner")


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_message_in_the_code_has_a_chinese_entry() -> None:
    """A message passed to _() (or marked N_) without a Chinese translation fails here: run
    ``python scripts/catalogue.py update``, translate, ``compile``."""
    catalog = _catalog()
    used = source_messages()
    assert len(used) > 300  # the scan finds the report modules' messages
    missing = [
        f"{msgid!r} ({where})"
        for (context, msgid), where in used.items()
        if not ((entry := catalog.get(msgid, context=context)) is not None and entry.string.strip())
    ]
    assert not missing, "no Chinese for:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders() -> None:
    """``{scenario}`` in the English must be in the Chinese, and no other name (str.format would fail)."""
    wrong = [
        (m.id, m.string)
        for m in _catalog()
        if m.id and m.string and not isinstance(m.id, tuple) and _fields(m.id) != _fields(m.string)
    ]
    assert not wrong
    # click's plural messages: the one Chinese form is used for every count, so it takes the
    # names of the plural form (click passes every form's names to format)
    plurals = [m for m in _catalog() if isinstance(m.id, tuple)]
    assert plurals
    wrong = [(m.id, m.string) for m in plurals if any(_fields(f) != _fields(m.id[1]) for f in m.string)]
    assert not wrong


def test_compiled_catalogue_is_up_to_date() -> None:
    """planner.mo is what planner.po compiles to (``python scripts/catalogue.py compile``)."""
    buffer = BytesIO()
    write_mo(buffer, _catalog(), use_fuzzy=False)
    assert MO.read_bytes() == buffer.getvalue()


def test_source_scan_finds_literal_messages(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        'from planner.i18n import _, N_, pgettext\nA = N_("one")\nx = _("two {n}").format(n=1)\n'
        'y = pgettext("bands", "gap")\nz = _(A)\n',
        encoding="utf-8",
    )
    found = source_messages(tmp_path / "pkg")
    assert set(found) == {(None, "one"), (None, "two {n}"), ("bands", "gap")}
    assert found[(None, "two {n}")] == "pkg/m.py:3"


def test_language_api() -> None:
    assert current_language() == "en"
    assert _("coverage") == "coverage"
    set_language("zh")
    assert current_language() == "zh"
    assert _("coverage") == "覆盖率"
    assert _("Headcount plan: {scenario}").format(scenario="baseline") == "人员配置规划：baseline"
    assert pgettext("bands", "gap") == "断档"  # the same English word, two Chinese ones
    assert _("gap") == "缺口"
    assert _("a message with no entry") == "a message with no entry"
    set_language("EN")
    assert _("coverage") == "coverage"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        set_language("fr")


def test_environment_variable_names_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "zh")
    assert current_language() == "zh"
    monkeypatch.setenv(LANG_ENV, "klingon")
    assert current_language() == "en"


def _run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


#: Headers the plan's tables show in English; none may be left under --lang zh.
PLAN_HEADERS = ["role", "today", "required", "gap", "cost CNY/yr", "tier", "customers", "coverage"]


def _header_cells(text: str) -> set[str]:
    cells: set[str] = set()
    for line in text.splitlines():
        if line.startswith("┃"):
            cells.update(c.strip() for c in line.strip("┃").split("┃"))
    return cells


def test_plan_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "120")
    result = _run("plan", "--lang", "zh")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "人员配置规划：baseline" in out
    for word in ("岗位", "现有", "需求", "缺口", "覆盖率", "客户数", "合计"):
        assert word in out
    assert "水晶 key.crystal" in out and "大客户经理 key_manager" in out  # label first, then the id
    assert not _header_cells(out) & set(PLAN_HEADERS)
    english = _run("plan", "--lang", "en").output
    assert "key.crystal (水晶)" in english
    assert set(PLAN_HEADERS) - {"cost CNY/yr"} <= _header_cells(english)


@pytest.mark.parametrize(
    "args",
    [
        ["boundary"],
        ["callcentre"],
        ["hire", "scenarios/key-growth-2006.yaml", "--horizon", "4", "--period", "quarter"],
    ],
)
def test_report_headers_go_through_the_catalogue(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every header a report shows in English is translated under --lang zh."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "160")
    english = _header_cells(_run(*args, "--lang", "en").output)
    chinese = _header_cells(_run(*args, "--lang", "zh").output)
    translated = {m.id for m in _catalog() if m.id and m.string}
    shown = {h for h in english if h in translated}
    assert shown  # the English report has headers from the catalogue
    assert not shown & chinese


def test_boundary_verdicts_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "160")
    out = _run("boundary", "--lang", "zh").output
    assert "鸡头凤尾" in out
    assert "服务标准与实际服务均正常" in out and "价格倒挂" in out
    assert "service sound" not in out


def test_json_keys_stay_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    en = json.loads(_run("plan", "--format", "json").output)
    zh = json.loads(_run("plan", "--format", "json", "--lang", "zh").output)

    def keys(data: object) -> set[str]:
        if isinstance(data, dict):
            return set(data) | {k for v in data.values() for k in keys(v)}
        if isinstance(data, list):
            return {k for v in data for k in keys(v)}
        return set()

    assert keys(zh) == keys(en)
    assert zh["total_headcount"] == en["total_headcount"]


def test_errors_in_chinese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)
    result = _run("plan", str(tmp_path / "missing.yaml"), "--lang", "zh")
    assert result.exit_code == 2
    assert re.fullmatch(r"错误：.*missing\.yaml: 找不到文件\n", result.output)
    result = _run("plan", "--set", "roles.key_manager.headcount=many", "--lang", "zh")
    assert result.exit_code == 2
    assert result.output.startswith("错误：") and "应为整数" in result.output
    assert "Traceback" not in result.output
    result = _run("plan", "--set", "roles.key_manager.headcont=3", env={LANG_ENV: "zh"})
    assert result.exit_code == 2
    assert "未知的键 'headcont'" in result.output and "是否应为 'headcount'" in result.output


def test_errors_stay_english_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)
    result = _run("plan", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and result.output.endswith("file not found\n")


def test_unknown_language_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["plan", "--lang", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not one of 'en', 'zh'" in result.output


def test_every_command_takes_lang() -> None:
    from planner.commands import COMMANDS, LazyGroup

    group = main
    assert isinstance(group, LazyGroup)
    ctx = group.make_context("planner", ["plan"], resilient_parsing=True)
    for name in COMMANDS:
        command = group.get_command(ctx, name)
        assert command is not None
        subcommands = getattr(command, "commands", {"": command}).values()
        for sub in subcommands:
            assert any(p.name == "lang" for p in sub.params), f"{name} {sub.name} has no --lang"


def test_catalogues_are_package_data() -> None:
    """A non-editable install ships the catalogues (pyproject's package-data matches both files)."""
    import tomllib
    from fnmatch import fnmatch

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["planner"]
    for path in (PO, MO):
        relative = path.relative_to(REPO / "planner").as_posix()
        assert any(fnmatch(relative, p) for p in patterns), relative
