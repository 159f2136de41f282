"""Bad restructuring input through the command line: exit 2, one line naming the file and the key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path("tests/data/hiring")

BAD_FILES = [
    (
        "attrition-and-wastage.yaml",
        "hiring.roles.key_manager: give either `attrition` (monthly rates) or `wastage`",
    ),
    ("bad-kind.yaml", "hiring.transfers[0].kind: expected one of 'transfer', 'retrain' or 'downgrade'"),
    ("bad-leaving-rate.yaml", "hiring.transfers[0].leaving_rate: expected a value less than 1"),
    ("heads-negative.yaml", "heads.key_manager[1] is -3.0; expected 0 to 1,000,000 people"),
    (
        "heads-too-short.yaml",
        "hiring.requirements.heads.key_manager: covers 3 months (1 x quarter) but the plan runs 6",
    ),
    ("heads-unknown-role.yaml", "unknown role 'key_manger' (did you mean 'key_manager'?)"),
    ("huge-salary.yaml", "hiring.roles.key_manager.salary: expected a value less than or equal to 100000000"),
    ("infinite-cost.yaml", "hiring.roles.key_manager.cost_per_hire: expected a finite number, got inf"),
    ("lose-too-many.yaml", "50 customers are lost from key.diamond, which has only 40 at the start"),
    ("overmanning-without-heads.yaml", "overmanning applies to a role whose requirement is given in heads"),
    ("two-caps.yaml", "hiring.transfers[0]: give either max_per_month or max_per_year, not both"),
]


@pytest.mark.parametrize(("name", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_input_files_exit_2(cli: Callable[..., object], name: str, message: str) -> None:
    result = cli("hire", DATA / name, "--horizon", "6")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert err.startswith(f"Error: {DATA / name}")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "exact"], "Invalid value for '--mode'"),
        (["--objective", "min_hires"], "Invalid value for '--objective'"),
        (["--period", "week"], "Invalid value for '--period'"),
    ],
)
def test_bad_options_exit_2(cli: Callable[..., object], args: list[str], message: str) -> None:
    result = cli("hire", "scenarios/williams-manpower.yaml", *args)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert message in result.stderr  # type: ignore[attr-defined]
