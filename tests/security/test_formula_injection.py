"""Text from users' data never becomes a live formula: in Excel it is a text cell, in CSV it is quoted.

The CSV convention (README, "Formula-safe output"): a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from planner.report.export import FORMULA_PREFIXES, csv_safe_frame, csv_text, xlsx_text

#: One dangerous value per prefix a spreadsheet acts on.
DANGEROUS = [
    '=HYPERLINK("http://example.invalid","x")',
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _no_formulas(path: Path) -> list[object]:
    """Every cell value of the workbook, after checking that none is a formula."""
    wb = load_workbook(path)
    values: list[object] = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                values.append(cell.value)
    return values


def _texts(path: Path) -> set[str]:
    """The text cells of a formula-free workbook (XML stores a CR as a line feed: read both as CR)."""
    return {v.replace("\n", "\r") for v in _no_formulas(path) if isinstance(v, str)}


@given(st.text(max_size=20))
def test_csv_text_quotes_exactly_the_dangerous_prefixes(text: str) -> None:
    out = csv_text(text)
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        assert out == "'" + text
    else:
        assert out == text


def test_numbers_stay_numbers() -> None:
    assert csv_text(-5) == -5
    assert csv_text(-2.5) == -2.5
    assert csv_text(None) is None
    assert FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")


def test_xlsx_text_escapes_control_characters() -> None:
    assert xlsx_text("a\x1bb\x00c\td\ne") == "a\\x1bb\\x00c\td\ne"


@pytest.fixture
def hostile_profile(write: Callable[[str, str], Path]) -> Path:
    """A roster profile whose industry and district names are all formulas."""
    industries = "\n".join(f"  {json.dumps(v)}: 1" for v in DANGEROUS)
    districts = ", ".join(json.dumps(v) for v in DANGEROUS)
    return write(
        "profile.yaml",
        f"industries:\n{industries}\nchannel_industry: {{}}\ndistricts: [{districts}]\n",
    )


def test_roster_generate_csv_and_xlsx(
    cli: Callable[..., object], hostile_profile: Path, tmp_path: Path
) -> None:
    out_csv, out_xlsx = tmp_path / "r.csv", tmp_path / "r.xlsx"
    for out in (out_csv, out_xlsx):
        result = cli("roster", "generate", "--customers", "300", "--profile", hostile_profile, "--out", out)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = _csv_rows(out_csv)
    industries = {r["industry"] for r in rows}
    districts = {r["district"] for r in rows}
    quoted = {"'" + v for v in DANGEROUS}
    # 300 customers over 6 equally likely names: every name appears (missing one has odds ~6 x (5/6)^300).
    assert districts == quoted
    assert {i for i in industries if i.startswith("'")} == quoted
    # Spends stay plain numbers (a negative would be written -5.00, never quoted).
    assert all(float(r["monthly_spend"]) >= 0 for r in rows)
    assert set(DANGEROUS) <= _texts(out_xlsx)


def test_schedule_csv_and_xlsx_from_a_hostile_roster(cli: Callable[..., object], tmp_path: Path) -> None:
    roster = tmp_path / "customers.csv"
    assert cli("roster", "generate", "--customers", "400", "--seed", "3", "--out", roster).exit_code == 0  # type: ignore[attr-defined]
    rows = _csv_rows(roster)
    for i, value in enumerate(DANGEROUS):
        rows[i]["customer_id"] = value
    with roster.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    result = cli("schedule", "--roster", roster, "--year", "2027", "--out", out, "--excel")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    ids = {r["customer_id"] for r in _csv_rows(out / "schedule.csv")}
    scheduled = [v for v in DANGEROUS if "'" + v in ids]
    assert scheduled, "no hostile customer was scheduled; the test proves nothing"
    assert not any(v in ids for v in DANGEROUS)
    assert set(scheduled) <= _texts(out / "schedule.xlsx")


def test_hire_workbook_scenario_name(
    cli: Callable[..., object], tiny: Callable[..., Path], tmp_path: Path
) -> None:
    scenario = tiny(
        small=100,
        extra="""
        hiring:
          start: "2006-01"
          penalty_per_hour: 1000
          roles:
            rep: {max_hires_per_month: 1}
        """,
    )
    for value in DANGEROUS:
        out = tmp_path / "h.xlsx"
        result = cli("hire", scenario, "--horizon", "2", "--set", f"name={json.dumps(value)}", "--out", out)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        assert value in _texts(out)


def test_batch_csv_scenario_name(
    cli: Callable[..., object], tiny: Callable[..., Path], tmp_path: Path
) -> None:
    scenario = tiny(small=100)
    out = tmp_path / "r.csv"
    for value in DANGEROUS:
        result = cli("batch", scenario, "--set", f"name={json.dumps(value)}", "--out", out)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        names = [r.get("scenario") or r.get("name") for r in _csv_rows(out)]
        assert names == ["'" + value], names


def test_sweep_csv_keeps_negative_numbers_numbers(
    cli: Callable[..., object], tiny: Callable[..., Path], tmp_path: Path
) -> None:
    scenario = tiny(small=100)
    out = tmp_path / "sweep"
    result = cli("sweep", scenario, "--vary", "customers.retail.small=100:300:100", "--out", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    text = (out / "sweep.csv").read_text(encoding="utf-8")
    assert "'" not in text  # nothing here is text a spreadsheet would run


def test_excel_takes_control_characters_and_slashes(cli: Callable[..., object], tmp_path: Path) -> None:
    """A customer id with a control character and a role id with '/' used to crash the Excel writer."""
    import yaml

    scenario = yaml.safe_load(Path("scenarios/baseline.yaml").read_text(encoding="utf-8"))
    scenario["policy"] = str(Path("policies/telecom-4plus1.yaml").resolve())
    scenario["roles"] = {
        ("key/mgr:[1]" if k == "key_manager" else k): v for k, v in scenario["roles"].items()
    }
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    roster = tmp_path / "customers.csv"
    assert (
        cli(
            "roster", "generate", "--scenario", path, "--customers", "300", "--seed", "4", "--out", roster
        ).exit_code
        == 0
    )  # type: ignore[attr-defined]
    rows = _csv_rows(roster)
    key_rows = [r for r in rows if r["channel"] == "key"]
    key_rows[0]["customer_id"] = "K\x01\x1bbad"
    with roster.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    result = cli("schedule", path, "--roster", roster, "--year", "2027", "--out", out, "--excel")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    wb = load_workbook(out / "schedule.xlsx")
    titles = [ws.title for ws in wb.worksheets]
    assert not any(set("[]:*?/\\") & set(t) for t in titles)
    assert any(t.startswith("key_mgr_") for t in titles), titles
    assert "K\\x01\\x1bbad" in _texts(out / "schedule.xlsx")


@given(st.lists(st.one_of(st.text(max_size=6), st.none(), st.integers()), min_size=1, max_size=20))
def test_csv_safe_frame_is_csv_text_on_every_cell(values: list[object]) -> None:
    import pandas as pd

    frame = pd.DataFrame({"x": pd.Series(values, dtype=object), "n": range(len(values))})
    out = csv_safe_frame(frame)
    assert list(out["x"]) == [csv_text(v) for v in values]
    assert list(out["n"]) == list(range(len(values)))
    assert list(frame["x"]) == values  # the input is left alone
