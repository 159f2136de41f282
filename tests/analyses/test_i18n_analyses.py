"""Warnings, notes and errors built in planner/analyses and planner/model under ``--lang zh``.

Each case runs the command in English and in Chinese: the exit code is the same, and the Chinese
output holds the msgstr of planner/locale/zh/LC_MESSAGES/planner.po with the values filled in by
hand below (numbers keep their formatting; tier, role and file names stay as they are). Warnings in
JSON follow the language, as the data layer's warnings do; JSON keys never change.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.commands import main
from planner.i18n import LANG_ENV, reset_language, set_language

REPO = Path(__file__).resolve().parent.parent.parent
BOUNDARY = "tests/data/boundary"
PORTFOLIO = "tests/data/portfolio"

#: A branch whose roster names its managers (tests/data/schedule/named.yaml and named.csv).
NAMED = REPO / "tests" / "data" / "schedule" / "named.yaml"


@pytest.fixture(autouse=True)
def _english_after(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv(LANG_ENV, raising=False)
    monkeypatch.setenv("COLUMNS", "400")  # one message a line: no wrapping inside the text
    yield
    reset_language()


def _run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, prog_name="planner")


def _both(*args: object):
    """The command in English, then in Chinese; the exit codes agree."""
    en = _run(*args)
    reset_language()
    zh = _run(*args, "--lang", "zh")
    assert zh.exit_code == en.exit_code
    return en, zh


def _rows(n_per_channel: int) -> list[str]:
    """Rows inside a band of every baseline channel (see tests/data_layer/test_roster_gate.py)."""
    rows = []
    for ch, spend in (("key", 4000), ("commercial", 2000), ("public", 100), ("mobile", 50)):
        rows += [f"{ch[0]}{i},{ch},{spend}" for i in range(n_per_channel)]
    return rows


# ----------------------------------------------------------------------------- errors (exit 2)


def test_validate_and_batch_find_no_files(tmp_path: Path) -> None:
    en, zh = _both("validate", tmp_path)
    assert en.exit_code == 2 and "no YAML files found" in en.stderr
    assert f"错误：{tmp_path}: 找不到 YAML 文件" in zh.stderr
    pattern = tmp_path / "*.yaml"
    en, zh = _both("batch", pattern, "--out", tmp_path / "r.csv")
    assert en.exit_code == 2 and "no scenario files match" in en.stderr
    assert f"错误：{pattern}: 没有匹配的情景文件" in zh.stderr


def test_batch_workers_report_in_the_language_asked_for(tmp_path: Path) -> None:
    # Two workers (processes from a fork server, which do not inherit the language): each row's
    # error is still in Chinese.
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\npolicy: nope.yaml\n", encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    en, zh = _both("batch", bad, missing, "--out", tmp_path / "r.csv", "--workers", "2")
    assert en.exit_code != 0
    assert f"Error: {bad}: roles: required key is missing" in en.stderr
    assert f"Error: {missing}: file not found" in en.stderr
    assert f"错误：{bad}: roles: 缺少必填键" in zh.stderr
    assert f"错误：{missing}: 找不到文件" in zh.stderr


def test_sweep_refuses_a_backward_range() -> None:
    en, zh = _both("sweep", "scenarios/baseline.yaml", "--vary", "customers.key.crystal=10:1:1")
    assert en.exit_code == 2 and "stop 1 is below start 10" in en.stderr
    assert "错误：--vary customers.key.crystal=10:1:1: 终点 1 小于起点 10" in zh.stderr


def test_hire_without_a_hiring_section() -> None:
    en, zh = _both("hire", "tests/data/hiring/no-hiring.yaml", "--horizon", "2")
    assert en.exit_code == 2 and "the scenario has no `hiring:` section" in en.stderr
    assert (
        "hiring: 情景没有 `hiring:` 部分；请添加，至少包含 `penalty_per_hour`（见 README，planner hire）"
    ) in zh.stderr


def test_boundary_remedy_with_other_tiers() -> None:
    en, zh = _both("boundary", f"{BOUNDARY}/clean.yaml", "--remedy", f"{BOUNDARY}/remedy-other-tiers.yaml")
    assert en.exit_code == 2
    assert "remedy 'other-tiers' has different tiers from 'clean' (only in the remedy: only.t1; " in en.stderr
    assert (
        "整改方案 'other-tiers' 的层级与 'clean' 不同（仅在整改方案中：only.t1; 整改方案中缺少：big.b1, "
        "big.b2, small.s1, small.s2）；整改方案必须保留情景的层级，前后才能对照"
    ) in zh.stderr


def test_plan_explains_min_coverage_in_chinese() -> None:
    # The figures (28,800 h, 2,880,000 CNY) are the English test's (tests/commands/test_plan_cli.py).
    en, zh = _both("plan", "--set", "min_coverage.key.crystal=0.5", "--set", "budget=1000000")
    assert en.exit_code == 2
    assert "min_coverage asks key.crystal >= 50% (28,800 hours a year)" in en.stderr
    assert (
        "min_coverage 要求 key.crystal >= 50%（每年 28,800 小时）；"
        "满足它们每年至少花费 2,880,000 元，但预算为 1,000,000"
    ) in zh.stderr


def test_roster_gate_in_chinese(tmp_path: Path) -> None:
    # 100 good rows + 2 unknown tiers: 2 of 102 rejected, 2.0 % > the default 1.0 %.
    gate = tmp_path / "gate.csv"
    rows = [r + "," for r in _rows(25)] + ["x1,key,4000,钻石王", "x2,key,5000,gold2"]
    gate.write_text("customer_id,channel,monthly_spend,tier\n" + "\n".join(rows) + "\n", encoding="utf-8")
    en, zh = _both("plan", "--roster", gate)
    assert en.exit_code == 2 and "2 of 102 rows rejected (2.0%, more than the 1.0%" in en.stderr
    assert "102 行中 2 行被拒绝（2.0%，超过 --max-reject-share 允许的 1.0%：2 unknown tier … …）" in zh.stderr
    # Let through at 2 %: the rejection is a warning, in JSON too, in the language asked for.
    en, zh = _both("plan", "--roster", gate, "--max-reject-share", "0.02", "--format", "json")
    assert en.exit_code == 0
    assert json.loads(en.stdout)["warnings"] == [
        f"roster {gate}: 2 of 102 rows rejected and left out (2 unknown tier … …; "
        "`planner roster check` lists them)"
    ]
    assert json.loads(zh.stdout)["warnings"] == [
        f"客户清单 {gate}：102 行中 2 行被拒绝并排除（2 unknown tier … …；`planner roster check` 会列出）"
    ]
    assert set(json.loads(zh.stdout)) == set(json.loads(en.stdout))
    # Every key row names an unmapped channel: the key channel loses all its 6,360 customers.
    lost = tmp_path / "lost.csv"
    lost.write_text(
        "customer_id,channel,monthly_spend\n"
        + "\n".join(r.replace(",key,", ",大客户,") for r in _rows(25))
        + "\n",
        encoding="utf-8",
    )
    en, zh = _both("plan", "--roster", lost)
    assert en.exit_code == 2 and "channel key has 6,360 customers in the scenario and none" in en.stderr
    assert "渠道 key 在情景中有 6,360 个客户，客户清单中却没有" in zh.stderr
    assert (
        "政策中没有的渠道值：大客户（25 行）；请用 --columns 映射（channels: {VALUE: CHANNEL}）" in zh.stderr
    )


def test_portfolio_and_rebalance_errors(tmp_path: Path) -> None:
    travel = tmp_path / "r.csv"
    travel.write_text(
        "customer_id,channel,tier,monthly_spend,district,manager_id\n"
        "C1,commercial,A,2000,North,CM-1\nC2,commercial,A,2000,East,CM-1\n"
    )
    en, zh = _both("portfolio", f"{PORTFOLIO}/travel.yaml", "--roster", travel)
    assert en.exit_code == 2 and "no travel minutes between 'East' and 'North'" in en.stderr
    assert (
        "districts.travel_minutes: 'East' 与 'North' 之间没有路程分钟数；请添加这一对，"
        "或设置 districts.default_minutes"
    ) in zh.stderr
    args = ("rebalance", f"{PORTFOLIO}/small.yaml", "--roster", f"{PORTFOLIO}/over-one.csv")
    en, zh = _both(*args, "--out", tmp_path / "m.csv", "--leaving", "CM-7")
    assert en.exit_code == 2 and "unknown manager 'CM-7' (did you mean 'CM-2'?)" in en.stderr
    assert "错误：--leaving: 未知客户经理 'CM-7'（是否应为 'CM-2'？）" in zh.stderr


def test_schedule_warning_and_error() -> None:
    base = ("schedule", NAMED, "--roster", NAMED.with_suffix(".csv"), "--year", "2027")
    en, zh = _both(*base, "--manager", "KM-9", "--week", "2027-W02")
    assert en.exit_code == 2
    # Managers in the calendar's order: KM-001, KM-002 (key), then CM-001: three.
    assert "manager 'KM-9' has no calendar (did you mean 'KM-002'?); the calendar's managers run" in en.stderr
    assert (
        "错误：--manager: 客户经理 'KM-9' 没有日程（是否应为 'KM-002'？）；"
        "日程中的客户经理为 KM-001 .. CM-001（3 人）"
    ) in zh.stderr
    # The roster names 2 key and 1 commercial managers: they keep their customers.
    en, zh = _both(*base, "--format", "json")
    assert en.exit_code == 0
    english = (
        "the roster names its managers: key_manager 2, commercial_manager 1 keep their customers; "
        "--headcount required applies to the other roles only"
    )
    chinese = (
        "客户清单指明了客户经理：key_manager 2, commercial_manager 1 保留各自的客户；"
        "--headcount required 只用于其他岗位"
    )
    assert english in json.loads(en.stdout)["warnings"]
    assert chinese in json.loads(zh.stdout)["warnings"] and f"警告：{chinese}" in zh.stderr


def test_boundary_partial_roster_warning_in_chinese() -> None:
    # The roster holds 4 small customers against the scenario's 200 (2.0 %, under 50 %).
    args = (
        "boundary",
        f"{BOUNDARY}/discount.yaml",
        "--roster",
        f"{BOUNDARY}/roster-near.csv",
        "--format",
        "json",
    )
    en, zh = _both(*args)
    assert en.exit_code == 0
    assert "4 small customers against 200 in the scenario (2.0%, under 50%)" in en.stderr
    chinese = (
        f"客户清单 {BOUNDARY}/roster-near.csv：small 客户 4 个，情景中为 200 个（2.0%，低于 50%）："
        "这是整个分公司吗？各分界线附近的客户仅来自该清单"
    )
    assert chinese in json.loads(zh.stdout)["warnings"] and f"警告：{chinese}" in zh.stderr


# ----------------------------------------------------------------------------- without the CLI


def test_day_plan_shortfall_words() -> None:
    from planner.analyses.schedule import DayShort, _day_short_words

    short = DayShort("key", "crystal", "visit", 1234, 56.78)
    call = DayShort("key", "crystal", "call", 3, 0.5)
    assert _day_short_words(short) == "key.crystal 1,234 visits (56.8 h)"
    assert _day_short_words(call) == "key.crystal 3 calls (0.5 h)"
    set_language("zh")
    assert _day_short_words(short) == "key.crystal 拜访 1,234 次（56.8 小时）"
    assert _day_short_words(call) == "key.crystal 电话 3 次（0.5 小时）"


def test_response_curve_problems_in_chinese() -> None:
    from planner.model.response import curve_problem

    set_language("zh")
    assert curve_problem([[0, 0]]) == "响应曲线至少需要两个点 [service, kept]，service 从 0 到 1"
    assert curve_problem([[0, 0.5], [0.5, 0.4], [1, 1]]) == (
        "保留比例在 service 0 与 0.5 之间下降；服务增加绝不会损失收入"
    )


# ----------------------------------------------------------------------------- no message left out

#: Modules whose messages this file covers: every message they raise, warn or note goes through _().
COVERED = [
    *sorted((REPO / "planner" / "analyses").glob("*.py")),
    *sorted((REPO / "planner" / "model").glob("*.py")),
    REPO / "planner" / "data" / "roster_rows.py",
]
#: Exceptions that are a caller's bug, not a person's input: their text stays English.
INTERNAL = {"ValueError", "KeyError", "TypeError", "AssertionError", "RuntimeError", "NotImplementedError"}


def _is_text(node: ast.AST) -> bool:
    """A literal, an f-string, or text built from them: an English message not given to _()."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return False


def _untranslated(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = (
            func.id if isinstance(func, ast.Name) else (func.attr if isinstance(func, ast.Attribute) else "")
        )
        raised = name.endswith("Error") and name not in INTERNAL
        appended = (
            name == "append"
            and isinstance(func, ast.Attribute)
            and (isinstance(func.value, ast.Name) and func.value.id in ("warnings", "notes", "problems"))
        )
        message = node.args[-1] if name == "error" else node.args[0]
        if (raised or appended or name == "error") and _is_text(message):
            found.append(f"{path}:{node.lineno}")
    return found


def test_every_message_of_the_analyses_and_model_is_translated() -> None:
    """A warning, note or error written as a bare English string (or f-string) fails here: wrap it
    in ``_("... {name} ...").format(name=...)`` and add its Chinese (scripts/catalogue.py)."""
    assert len(COVERED) > 20
    missing = [where for path in COVERED for where in _untranslated(path)]
    assert not missing, missing


def test_the_guard_finds_a_bare_message(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(x, warnings, doc):\n"
        '    warnings.append(f"{x} customers left")\n'
        '    warnings.append(_("{x} kept").format(x=x))\n'
        '    raise doc.error(("k",), "expected a mapping")\n'
        '    raise InputError("no files found", source="x")\n'
        '    raise ValueError(f"internal {x}")\n',
        encoding="utf-8",
    )
    assert [w.rsplit(":", 1)[1] for w in _untranslated(sample)] == ["2", "4", "5"]
