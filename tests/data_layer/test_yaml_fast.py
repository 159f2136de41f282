"""The fast YAML path (libyaml, one constructor per document) and the per-process policy cache.

Both are speed-ups only: the data, the line of every key and every error message must be what the
pure-Python loader gives (checked against it directly, on the shipped files and on mutations of
them), and a policy edited between two reads must be read again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.data import yaml_io
from planner.data.policy import clear_policy_cache, load_policy_cached
from planner.data.scenario import load_scenario
from planner.errors import InputError

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    [
        *(REPO / "policies").glob("*.yaml"),
        *(REPO / "scenarios").glob("*.yaml"),
        *REPO.glob("tests/data/**/*.yaml"),
    ]
)


def _outcome(parse, text: str) -> tuple[str, object, object]:
    """What a parse gives: ("ok", data, locations) or ("error", message, None)."""
    try:
        doc = parse(text)
    except InputError as exc:
        return ("error", str(exc), None)
    return ("ok", repr(doc.data), doc.locations)


def _pure(text: str) -> yaml_io.Document:
    return yaml_io._parse_with(text, "f.yaml", yaml.SafeLoader)


def _fast(text: str) -> yaml_io.Document:
    return yaml_io.parse_yaml_text(text, "f.yaml")


def test_libyaml_is_used():
    assert yaml_io._FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_files_read_the_same_as_with_the_pure_loader(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    assert _outcome(_fast, text) == _outcome(_pure, text)


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\nb: 3\n",  # libyaml words this "did not find expected ',' or ']'"
        "a: 1\n  b: 2\n",
        "a: \x07\n",
        "[" * 900 + "]" * 900,  # libyaml reads it; the pure loader's recursion message stays
        "a: !custom 1\n",
        "a: 1\na: 2\n",
        "<<: {a: 1}\n",
        "? [1, 2]\n: 3\n",
        "x: &r [*r]\n",
    ],
)
def test_errors_keep_the_pure_loaders_words_and_line(text):
    assert _outcome(_fast, text) == _outcome(_pure, text)
    assert _outcome(_fast, text)[0] == "error"


_LINES = [p.read_text(encoding="utf-8").splitlines() for p in SHIPPED[:12]]
_NOISE = st.sampled_from(
    [
        *[
            "",
            " ",
            "  ",
            "\t",
            ":",
            "- ",
            "[",
            "]",
            "{",
            "}",
            "&a ",
            "*a",
            "!!str ",
            "'",
            '"',
            "#",
            "%YAML 1.1\n",
        ],
        *[
            "---",
            "...",
            "? ",
            "|",
            ">",
            "@",
            "`",
            "!",
            ",",
            "\r",
            "\u2028",
            "\x85",
            "\ufeff",
            "\\",
            "~",
            "\n  ",
        ],
    ]
)


@settings(
    max_examples=int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "150")),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.integers(0, len(_LINES) - 1),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 80), _NOISE), max_size=4),
    st.lists(st.integers(0, 400), max_size=3),
)
def test_mutated_files_read_the_same_as_with_the_pure_loader(which, inserts, drops):
    lines = list(_LINES[which])
    for i in sorted(set(drops), reverse=True):
        if lines:
            del lines[i % len(lines)]
    for i, col, noise in inserts:
        if lines:
            line = lines[i % len(lines)]
            lines[i % len(lines)] = line[:col] + noise + line[col:]
    text = "\n".join(lines) + "\n"
    assert _outcome(_fast, text) == _outcome(_pure, text)


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    shutil.copytree(REPO / "scenarios", tmp_path / "scenarios")
    clear_policy_cache()
    yield tmp_path
    clear_policy_cache()


def test_one_policy_object_serves_every_scenario_naming_it(copy):
    a = load_scenario(copy / "scenarios" / "baseline.yaml")
    b = load_scenario(copy / "scenarios" / "budget-freeze.yaml")
    assert a.policy is b.policy or a.spec.policy != b.spec.policy


def _bump(path: Path, old: str, new: str) -> None:
    """Edit ``path`` and move its modification time on (a same-second edit is still seen)."""
    st_ = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000))


def test_an_edited_policy_is_read_again(copy):
    policy_path = copy / "policies" / "telecom-4plus1.yaml"
    first = load_policy_cached(policy_path)
    assert load_policy_cached(policy_path) is first
    text = policy_path.read_text(encoding="utf-8")
    assert "visit_minutes: 120" in text
    _bump(policy_path, "visit_minutes: 120", "visit_minutes: 121")
    second = load_policy_cached(policy_path)
    assert second is not first
    minutes = [t.visit_minutes for _, t in ((c, t) for c, ch in second.channels.items() for t in ch.tiers)]
    assert 121 in minutes


def test_a_policy_broken_after_a_good_read_is_reported_through_the_cli(copy, cli):
    scenario = str(copy / "scenarios" / "baseline.yaml")
    policy_path = copy / "policies" / "telecom-4plus1.yaml"
    first = cli("validate", scenario)
    assert first.exit_code == 0, first.output
    load_policy_cached(policy_path)  # cached now
    _bump(policy_path, "visit_minutes: 120", "visit_minutes: -5")
    line = next(
        i
        for i, text in enumerate(policy_path.read_text(encoding="utf-8").splitlines(), 1)
        if "visit_minutes: -5" in text
    )
    for _ in range(2):  # an error is not cached: reported each time
        result = cli("validate", scenario)
        assert result.exit_code == 2
        assert f"telecom-4plus1.yaml:{line}" in result.output
        assert "visit_minutes" in result.output
