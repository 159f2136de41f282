"""`planner portfolio` / `planner rebalance` through the CLI: outputs, and every bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

DATA = Path(__file__).resolve().parents[1] / "data" / "portfolio"
SMALL = DATA / "small.yaml"
HEADER = "customer_id,channel,tier,monthly_spend,district,manager_id\n"


def error_line(result) -> str:
    """The one error line (warnings on stderr aside); no traceback anywhere."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_portfolio_json_and_files(cli, tmp_path):
    out = tmp_path / "p.xlsx"
    result = cli("portfolio", SMALL, "--roster", DATA / "over-one.csv", "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(m["manager"], m["load"], m["flag"]) for m in data["managers"]] == [
        ("CM-1", 1.1, "over"),
        ("CM-2", 0.32, "under"),
    ]
    wb = load_workbook(out)
    assert wb.sheetnames == ["managers", "districts", "tiers"]
    rows = list(wb["managers"].iter_rows(values_only=True))
    assert rows[0][:4] == ("manager", "role", "base_district", "customers")
    assert rows[1][:4] == ("CM-1", "commercial_manager", "North", 16)
    csv_out = tmp_path / "p.csv"
    assert cli("portfolio", SMALL, "--roster", DATA / "over-one.csv", "--out", csv_out).exit_code == 0
    assert (tmp_path / "p-districts.csv").read_text().splitlines()[1] == "North,20,142.0,0,2,CM-1;CM-2"


def test_portfolio_table_highlights(cli):
    result = cli("portfolio", SMALL, "--roster", DATA / "over-one.csv")
    assert result.exit_code == 0
    line = next(x for x in result.stdout.splitlines() if "CM-1" in x)
    assert "110.0%" in line and "OVER" in line


def roster(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + body)
    return path


def managers_table(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "m.csv"
    path.write_text("manager_id,role,base_district\n" + body)
    return path


@pytest.mark.parametrize("command", ["portfolio", "rebalance"])
def test_manager_no_role_serves_names_the_row(cli, tmp_path, command):
    path = roster(tmp_path, "C1,key,crystal,5000,North,K-1\nC2,commercial,A,2000,North,K-1\n")
    result = cli(command, SMALL, "--roster", path, "--out", tmp_path / "o.csv")
    assert error_line(result) == (
        f"Error: {path}: row 2: manager_id 'K-1': no role of the scenario serves commercial.A together "
        "with key.crystal (row 1); fix the row or give each manager's role with --managers FILE"
    )


def test_managers_table_errors(cli, tmp_path):
    path = roster(tmp_path, "C1,commercial,A,2000,North,CM-1\nC2,commercial,A,2000,North,CM-9\n")
    table = managers_table(tmp_path, "CM-1,commercial_manager,North\n")
    result = cli("portfolio", SMALL, "--roster", path, "--managers", table)
    assert error_line(result) == (
        f"Error: {path}: row 2: manager_id 'CM-9' is not in the managers table {table} (did you mean 'CM-1'?)"
    )
    table = managers_table(tmp_path, "CM-1,commercial_manger,North\n")
    result = cli("portfolio", SMALL, "--roster", path, "--managers", table)
    assert error_line(result).startswith(
        f"Error: {table}: row 1: unknown role 'commercial_manger' (did you mean 'commercial_manager'?)"
    )
    table = managers_table(tmp_path, "CM-1,key_manager,North\nCM-9,commercial_manager,\n")
    result = cli("portfolio", SMALL, "--roster", path, "--managers", table)
    assert error_line(result) == (
        f"Error: {path}: row 1: manager_id 'CM-1' is a key_manager (managers table), which does not serve "
        "commercial.A"
    )
    table = managers_table(tmp_path, "CM-1,commercial_manager,North\nCM-1,commercial_manager,\n")
    result = cli("portfolio", SMALL, "--roster", path, "--managers", table)
    assert error_line(result) == f"Error: {table}: row 2: duplicate manager_id 'CM-1' (first at row 1)"


def test_managers_table_gives_role_base_and_empty_portfolios(cli, tmp_path):
    # CM-2 is listed but has no customer: an empty portfolio, still 100 h of capacity; CM-1's base
    # is the table's South, so with travel.yaml his North customer's 4 visits gain 30 min each.
    path = roster(tmp_path, "C1,commercial,A,2000,North,CM-1\n")
    table = managers_table(tmp_path, "CM-1,commercial_manager,South\nCM-2,commercial_manager,North\n")
    result = cli("portfolio", DATA / "travel.yaml", "--roster", path, "--managers", table, "--format", "json")
    assert result.exit_code == 0, result.output
    managers = json.loads(result.stdout)["managers"]
    assert [(m["manager"], m["base_district"], m["required_hours"], m["customers"]) for m in managers] == [
        ("CM-1", "South", 10.0, 1),
        ("CM-2", "North", 0.0, 0),
    ]


def test_ambiguous_role_asks_for_managers_table(cli, tmp_path):
    path = roster(tmp_path, "C1,commercial,A,2000,North,X-1\n")
    result = cli(
        "portfolio",
        DATA / "unified.yaml",
        "--roster",
        path,
        "--set",
        "roles.commercial_manager.serves=[commercial]",
    )
    assert error_line(result) == (
        f"Error: {path}: row 1: manager_id 'X-1': roles commercial_manager, unified_manager all serve his "
        "customers' tiers; say which with --managers FILE (manager_id,role)"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--leaving", "CM-7"], "Error: --leaving: unknown manager 'CM-7' (did you mean 'CM-2'?)"),
        (["--new", "two"], "Error: --new: expected N or role=N[,role=N], got 'two'"),
        (
            ["--new", "comercial_manager=1"],
            "Error: --new: unknown role 'comercial_manager' (did you mean 'commercial_manager'?)",
        ),
        (
            ["--set", "portfolio=null"],
            f"Error: {SMALL}: portfolio: rebalance needs a `portfolio:` section (underloaded_below, "
            "protect_spend_from, new_district_cost); see the README",
        ),
    ],
)
def test_rebalance_bad_options(cli, tmp_path, args, expected):
    result = cli("rebalance", SMALL, "--roster", DATA / "over-one.csv", "--out", tmp_path / "m.csv", *args)
    assert error_line(result) == expected
    assert not (tmp_path / "m.csv").exists()


def test_new_as_a_bare_number_needs_one_role(cli, tmp_path):
    path = roster(tmp_path, "C1,commercial,A,2000,North,CM-1\nC2,key,crystal,5000,North,K-1\n")
    result = cli("rebalance", SMALL, "--roster", path, "--out", tmp_path / "m.csv", "--new", "2")
    assert error_line(result) == (
        "Error: --new: give new managers per role, e.g. --new commercial_manager=2 (the roster's managers "
        "have roles commercial_manager, key_manager)"
    )


@pytest.mark.parametrize("command", ["portfolio", "rebalance"])
def test_bad_out_extension(cli, tmp_path, command):
    result = cli(command, SMALL, "--roster", DATA / "over-one.csv", "--out", tmp_path / "m.txt")
    assert error_line(result) == "Error: --out: unknown output format '.txt'; expected .csv or .xlsx"


def test_travel_table_missing_pair_and_bad_minutes(cli, tmp_path):
    path = roster(tmp_path, "C1,commercial,A,2000,North,CM-1\nC2,commercial,A,2000,East,CM-1\n")
    result = cli("portfolio", DATA / "travel.yaml", "--roster", path)
    assert error_line(result) == (
        f"Error: {DATA / 'travel.yaml'}: districts.travel_minutes: no travel minutes between 'East' and "
        "'North'; add the pair or set districts.default_minutes"
    )
    result = cli("portfolio", DATA / "travel.yaml", "--roster", path, "--set", "districts.default_minutes=15")
    assert result.exit_code == 0, result.output
    result = cli(
        "portfolio",
        DATA / "travel.yaml",
        "--roster",
        path,
        "--set",
        "districts.travel_minutes.North={South: -5}",  # a leading '-' alone would be relative
    )
    line = error_line(result)
    assert "districts.travel_minutes.North.South" in line and "expected minutes in [0, 1440], got -5" in line


def test_roster_is_required(cli):
    result = cli("portfolio", SMALL)
    assert result.exit_code == 2
    assert "Missing option '--roster'" in result.stderr


def test_role_with_no_manager_left_stops(cli, tmp_path):
    result = cli(
        "rebalance",
        SMALL,
        "--roster",
        DATA / "travel.csv",
        "--out",
        tmp_path / "m.csv",
        "--leaving",
        "CM-1",
        "--new",
        "0",
    )
    assert error_line(result) == (
        "Error: role 'commercial_manager' has no manager left to take its commercial.A customers in South; "
        "add new managers with --new"
    )


def test_outputs_are_byte_identical_and_json_lists_moves(cli, tmp_path):
    args = ("--roster", DATA / "leaver.csv", "--leaving", "CM-L", "--new", "0")
    books = []
    for i in range(2):
        out = tmp_path / f"m{i}.xlsx"
        result = cli("rebalance", SMALL, *args, "--out", out, "--format", "json")
        assert result.exit_code == 0, result.output
        books.append(out.read_bytes())
        data = json.loads(result.stdout)
    assert books[0] == books[1]
    assert data["move_count"] == 6
    assert data["moves_by_reason"] == {"leaving": 6}
    assert [m["to"] for m in data["moves"]] == ["CM-2"] * 3 + ["CM-3"] * 3
    wb = load_workbook(tmp_path / "m0.xlsx")
    assert wb.sheetnames == ["moves", "loads"]
    portfolios = []
    for i in range(2):
        out = tmp_path / f"p{i}.xlsx"
        assert cli("portfolio", SMALL, "--roster", DATA / "leaver.csv", "--out", out).exit_code == 0
        portfolios.append(out.read_bytes())
    assert portfolios[0] == portfolios[1]
