"""Assumptions read back from the files' ``[assumption]`` comments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from planner.data.assumptions import comment_of, file_assumptions, scenario_assumptions
from planner.data.scenario import load_scenario
from planner.data.yaml_io import load_yaml


def test_comment_of() -> None:
    assert comment_of("a: 1  # [assumption] why") == "[assumption] why"
    assert comment_of("# whole line") == "whole line"
    assert comment_of('a: "x # not a comment"') is None
    assert comment_of("a: 'x # no' # yes") == "yes"
    assert comment_of("url: a#b") is None  # '#' not after white space is text
    assert comment_of("a: 1") is None


def test_file_assumptions_ties_comments_to_keys(write: Callable[[str, str], Path]) -> None:
    path = write(
        "f.yaml",
        """
        # A header note [assumption] about the whole file.
        name: x
        roles:
          rep:
            hours: 2000        # [assumption] 250 days x 8 h
            cost: 100          # [source] not an assumption
        # [assumption] the block names the key below it
        # over two lines
        penalty: 300

        # [Assumption: spaced] a block followed by a blank line is a note

        spend: [0, 10]   # [assumption]
        """,
    )
    found = file_assumptions(path, load_yaml(path).data)
    got = [(a.line, a.path, a.value, a.note) for a in found]
    assert got == [
        (1, "", "", "A header note [assumption] about the whole file."),
        (5, "roles.rep.hours", "2000", "[assumption] 250 days x 8 h"),
        (7, "penalty", "300", "[assumption] the block names the key below it over two lines"),
        (11, "", "", "[Assumption: spaced] a block followed by a blank line is a note"),
        (13, "spend", "[0, 10]", "[assumption]"),
    ]


def test_value_in_force_comes_from_the_file_that_sets_it(write: Callable[[str, str], Path]) -> None:
    """A child overriding a parent's key reports it from the child; --set values are not the file's."""
    write(
        "policy.yaml",
        """
        channels:
          retail:
            tiers:
              - id: small
                spend: [0, 1000]
                visits: {count: 4, per: year}   # [assumption] quarterly
                calls: {count: 0, per: year}
                visit_minutes: 120              # [assumption] 1 h there, 1 h travel
                call_minutes: 0
                discount: 0.0
                churn_risk: 0.1
        """,
    )
    write(
        "parent.yaml",
        """
        policy: policy.yaml
        year: 2027
        customers:
          retail:
            small: 100        # [assumption] parent count
        roles:
          rep:
            serves: [retail]
            headcount: 1      # [assumption] one rep
            hours_per_year: 2000    # [assumption] full time
            customer_time_share: 0.4
            annual_cost: 100000
        """,
    )
    child = write(
        "child.yaml",
        """
        extends: parent.yaml
        customers:
          retail:
            small: 150        # [assumption] child count
        """,
    )
    sc = load_scenario(child, ("roles.rep.headcount=3",))
    found = {(Path(a.file).name, a.subject): a.value for a in scenario_assumptions(sc)}
    assert found[("child.yaml", "customers.retail.small")] == "150"
    assert ("parent.yaml", "customers.retail.small") not in found  # overridden by the child
    assert ("parent.yaml", "roles.rep.headcount") not in found  # --set gave the value in force
    assert found[("parent.yaml", "roles.rep.hours_per_year")] == "2000"
    assert found[("policy.yaml", "retail.small.visits")] == "count: 4, per: year"
    assert found[("policy.yaml", "retail.small.visit_minutes")] == "120"


def test_every_marked_line_of_the_shipped_baseline_is_listed() -> None:
    """Each line of baseline.yaml holding ``[assumption]`` starts one listed assumption or
    belongs to a listed block (counted independently by scanning the raw text)."""
    repo = Path(__file__).resolve().parents[2]
    path = repo / "scenarios/baseline.yaml"
    sc = load_scenario(path)
    listed = [a for a in scenario_assumptions(sc) if a.file.endswith("baseline.yaml")]
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = [i + 1 for i, line in enumerate(lines) if "[assumption" in line]
    covered: set[int] = set()
    for a in listed:
        covered.add(a.line)
        n = a.line
        while lines[n - 1].lstrip().startswith("#") and n < len(lines):  # the rest of a block
            covered.add(n)
            n += 1
    assert set(marked) <= covered
