"""Shared fixtures: a CLI runner, the repository root, and tiny hand-checkable scenarios."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.commands import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _language_as_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in the default language: a `--lang zh` run in one test (it sets the
    process's language, as the command line does) must not turn the next test's messages Chinese."""
    from planner import i18n

    monkeypatch.setattr(i18n, "_active", None)


@pytest.fixture
def repo() -> Path:
    """The repository root (where policies/ and scenarios/ live)."""
    return REPO


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """Run ``planner ARGS`` in-process from the repository root; returns click's Result."""
    monkeypatch.chdir(REPO)
    runner = CliRunner()

    def invoke(*args: str) -> object:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


TINY_POLICY = """
channels:
  retail:
    tiers:
      - id: small
        spend: [0, 1000]
        visits: {count: 4, per: year}
        calls: {count: 0, per: year}
        visit_minutes: 120
        call_minutes: 0
        discount: 0.0
        churn_risk: 0.1
      - id: big
        spend: [1000, 5000]
        visits: {count: 2, per: quarter}
        calls: {count: 0, per: year}
        visit_minutes: 60
        call_minutes: 0
        discount: 0.1
        churn_risk: 0.1
"""


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    return _write


@pytest.fixture
def tiny(write: Callable[[str, str], Path]) -> Callable[..., Path]:
    """A one-channel policy (small: 4 visits x 2 h = 8 h/customer/yr; big: 8 x 1 h = 8 h) and a scenario.

    ``tiny(small=100, big=0, roles=...)`` writes the scenario and returns its path. The default role
    gives 2000 h x 0.4 x 1.0 = 800 effective hours a head and costs 100,000 CNY.
    """
    write("policy.yaml", TINY_POLICY)

    def _make(small: int = 100, big: int = 0, roles: str | None = None, extra: str = "") -> Path:
        roles = (
            roles
            or """
          rep:
            serves: [retail]
            headcount: 1
            hours_per_year: 2000
            customer_time_share: 0.4
            annual_cost: 100000
        """
        )
        body = (
            "policy: policy.yaml\n"
            + ("year: 2027\n" if "year:" not in extra else "")
            + f"customers:\n  retail:\n    small: {small}\n    big: {big}\n"
            "roles:\n"
            + textwrap.indent(textwrap.dedent(roles).strip("\n"), "  ")
            + "\n"
            + textwrap.dedent(extra)
        )
        return write("scenario.yaml", body)

    return _make


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("COLUMNS", "120")
