"""`planner schedule --roster`: the roster's own customers get the calendar."""

from __future__ import annotations

import pandas as pd


def test_schedule_uses_the_rosters_customers(cli, tmp_path):
    roster = tmp_path / "customers.csv"
    assert cli("roster", "generate", "--customers", "1500", "--seed", "2", "--out", roster).exit_code == 0
    out = tmp_path / "out"
    result = cli("schedule", "--roster", roster, "--year", "2027", "--out", out)
    assert result.exit_code == 0, result.output
    customers = pd.read_csv(roster)
    schedule = pd.read_csv(out / "schedule.csv")
    # Every roster customer whose tier asks for any contact is scheduled, in its listed tier.
    served = customers[~customers["tier"].isin(["basic", "payphone"])]
    placed = schedule.drop_duplicates("customer_id").set_index("customer_id")
    assert set(placed.index) == set(served["customer_id"])
    listed = served.set_index("customer_id")
    assert (placed.loc[listed.index, "tier"] == listed["tier"]).all()
    # Crystal: exactly 2 visits in Q1 (January to March, by date) for every crystal customer.
    crystal = schedule[(schedule["tier"] == "crystal") & (schedule["kind"] == "visit")]
    q1 = crystal[crystal["date"] < "2027-04-01"].groupby("customer_id").size()
    assert (q1 == 2).all() and len(q1) == (served["tier"] == "crystal").sum()


def test_schedule_roster_errors_exit_2(cli, tmp_path):
    result = cli("schedule", "--roster", tmp_path / "missing.csv", "--year", "2027")
    assert result.exit_code == 2 and "missing.csv: file not found" in result.stderr
