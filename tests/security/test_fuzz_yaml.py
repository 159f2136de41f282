"""Fuzz the shipped policy and scenario files: whatever the mutation, exit 0 or 2, never a traceback.

Each example copies policies/ and scenarios/ (so relative policy paths still resolve), changes one
file (a value replaced by a hostile one, a key removed, a line dropped or garbled) and runs `planner
plan FILE --format json` and `planner validate FILE` in-process. Required: exit status 0 or 2, no
exception escaping the command, and standard output one valid JSON document whenever it is not empty
(always when the exit status is 0).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.commands import main

REPO = Path(__file__).resolve().parents[2]
FILES = [
    "policies/telecom-4plus1.yaml",
    *sorted(f"scenarios/{p.name}" for p in (REPO / "scenarios").glob("*.yaml")),
]

HOSTILE_VALUES = st.one_of(
    st.sampled_from(
        [
            float("inf"),
            float("-inf"),
            float("nan"),
            1e308,
            -1e308,
            1e-300,
            10**15,
            -1,
            0,
            0.0,
            True,
            None,
            "",
            "=1+1",
            "\x1b[31m",
            "../../../etc/passwd",
            "/dev/zero",
            [],
            {},
            [[[[]]]],
            "0" * 200,
        ]
    ),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)


NUMBERS = st.one_of(
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, 1e-300, 10**15, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
)


def _numbers(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Key paths of the numbers in a loaded YAML tree (where a units slip or .inf does harm)."""
    return [
        p
        for p in _paths(data, prefix)
        if isinstance(_get(data, p), (int, float)) and not isinstance(_get(data, p), bool)
    ]


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a loaded YAML tree."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    else:
        parent[last] = value
    return data


@st.composite
def mutated_file(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(FILES))
    text = (REPO / name).read_text(encoding="utf-8")
    kind = draw(st.sampled_from(["number", "number", "number", "value", "value", "delete", "line", "garble"]))
    if kind == "number":
        data = yaml.safe_load(text)
        # Up to three numbers at once: an extreme value anywhere must be refused by the schema.
        numbers = _numbers(data)
        if numbers:
            for path in draw(st.lists(st.sampled_from(numbers), min_size=1, max_size=3)):
                data = _mutate(data, path, "value", draw(NUMBERS))
        return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if kind in ("value", "delete"):
        data = yaml.safe_load(text)
        path = draw(st.sampled_from(_paths(data)))
        data = _mutate(data, path, kind, draw(HOSTILE_VALUES))
        return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    lines = text.splitlines()
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "line":
        del lines[i]
    else:
        junk = draw(st.text(alphabet=st.sampled_from(list("[]{}&*!|>-:#'\"%@`\t ,?0x1e")), max_size=8))
        at = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:at] + junk + lines[i][at:]
    return name, "\n".join(lines) + "\n"


def _check(result: Any, json_out: bool) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # shows the traceback hypothesis should shrink
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if json_out and (result.exit_code == 0 or result.stdout.strip()):
        json.loads(result.stdout)  # one document, nothing around it


def _with(name: str, path: tuple[Any, ...], value: Any) -> tuple[str, str]:
    """One shipped file with one value replaced (the crashes issue 12 reported, always tried)."""
    data = _mutate(yaml.safe_load((REPO / name).read_text(encoding="utf-8")), path, "value", value)
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


BASE = "scenarios/baseline.yaml"
KNOWN = [
    _with(BASE, ("roles", "key_manager", "annual_cost"), float("inf")),
    _with(BASE, ("roles", "key_manager", "annual_cost"), 1e308),
    _with(BASE, ("roles", "key_manager", "hours_per_year"), 1e-300),
    _with(BASE, ("roles", "key_manager", "customer_time_share"), float("nan")),
    _with(BASE, ("customers", "key", "crystal"), 10**15),
    _with("policies/telecom-4plus1.yaml", ("channels", "key", "tiers", 0, "visit_minutes"), float("inf")),
    _with("scenarios/callcentre-outbound.yaml", ("callcentre", "aht_seconds"), 1e308),
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_file())
@example(KNOWN[0])
@example(KNOWN[1])
@example(KNOWN[2])
@example(KNOWN[3])
@example(KNOWN[4])
@example(KNOWN[5])
@example(KNOWN[6])
def test_mutated_shipped_files_never_crash(mutation: tuple[str, str]) -> None:
    name, text = mutation
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for folder in ("policies", "scenarios"):
            shutil.copytree(REPO / folder, root / folder)
        (root / name).write_text(text, encoding="utf-8")
        scenario = root / (name if name.startswith("scenarios/") else "scenarios/baseline.yaml")
        runner = CliRunner()
        _check(runner.invoke(main, ["plan", str(scenario), "--format", "json"]), json_out=True)
        _check(runner.invoke(main, ["validate", str(root / name)]), json_out=False)
