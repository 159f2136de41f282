"""YAML loading: line tracking, `extends`, `--set`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.data.yaml_io import (
    Document,
    apply_assignments,
    deep_merge,
    format_path,
    load_with_extends,
    parse_yaml_text,
)
from planner.errors import InputError


def test_lines_are_remembered_per_key():
    doc = parse_yaml_text("a: 1\nb:\n  c: [x, y]\n  d: 2\n", "f.yaml")
    assert doc.data == {"a": 1, "b": {"c": ["x", "y"], "d": 2}}
    assert doc.locate(("b", "d")) == ("f.yaml", 4)
    assert doc.locate(("b", "c", 1)) == ("f.yaml", 3)
    # An unknown deeper key falls back to its nearest known parent.
    assert doc.locate(("b", "d", "zz")) == ("f.yaml", 4)


def test_extends_overrides_and_points_at_the_child_file(write):
    write("base.yaml", "policy: p.yaml\nroles:\n  a: {headcount: 1, cost: 5}\n  b: {headcount: 2}\n")
    child = write("child.yaml", "extends: base.yaml\nroles:\n  a:\n    headcount: 7\n")
    doc = load_with_extends(child, path_keys=("policy",))
    assert doc.data["roles"] == {"a": {"headcount": 7, "cost": 5}, "b": {"headcount": 2}}
    assert doc.locate(("roles", "a", "headcount")) == (str(child), 4)
    assert doc.locate(("roles", "b"))[0].endswith("base.yaml")
    # The inherited relative policy path is resolved against the file that set it.
    assert doc.data["policy"] == str((child.parent / "p.yaml").resolve())


def test_missing_extended_file(write):
    child = write("child.yaml", "extends: nowhere.yaml\n")
    with pytest.raises(InputError, match="extended file not found"):
        load_with_extends(child)


def test_lists_are_replaced_not_merged():
    base = Document({"serves": ["a", "b"], "x": {"y": 1}}, "base")
    over = Document({"serves": ["c"]}, "over")
    assert deep_merge(base, over).data == {"serves": ["c"], "x": {"y": 1}}


def test_set_parses_yaml_scalars_and_records_its_source():
    doc = Document({"budget": None, "roles": {"r": {"headcount": 1}}, "min_coverage": {}}, "s.yaml")
    out = apply_assignments(
        doc,
        ["budget=2.5e7", "roles.r.headcount=30", "min_coverage.key.crystal=0.8"],
        dotted_maps=("min_coverage",),
    )
    assert out.data["budget"] == 2.5e7
    assert out.data["roles"]["r"]["headcount"] == 30
    assert out.data["min_coverage"] == {"key.crystal": 0.8}
    assert out.locate(("roles", "r", "headcount")) == ("--set", None)
    assert doc.data["roles"]["r"]["headcount"] == 1  # the original is untouched


def test_set_creates_a_missing_dotted_section():
    doc = Document({"roles": {}}, "s.yaml")
    out = apply_assignments(doc, ["min_coverage.key.crystal=1"], dotted_maps=("min_coverage",))
    assert out.data["min_coverage"] == {"key.crystal": 1}


def test_set_into_a_list_by_index():
    doc = Document({"roles": {"r": {"serves": ["a", "b"]}}}, "s.yaml")
    out = apply_assignments(doc, ["roles.r.serves.1=c"])
    assert out.data["roles"]["r"]["serves"] == ["a", "c"]
    with pytest.raises(InputError, match="not an index"):
        apply_assignments(doc, ["roles.r.serves.5=c"])


@given(st.lists(st.one_of(st.text("abc_", min_size=1, max_size=4), st.integers(0, 9)), max_size=5))
def test_format_path_round_trips_names_and_indices(parts):
    text = format_path(parts)
    for p in parts:
        assert (f"[{p}]" if isinstance(p, int) else str(p)) in text
