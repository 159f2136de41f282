"""Check many policy and scenario files at once, reporting each file's first error."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import InputError, PlannerError
from planner.i18n import _


@dataclass(frozen=True)
class FileCheck:
    """The verdict on one file."""

    path: str
    kind: str
    error: str | None
    warnings: list[str] = field(default_factory=list)


def _files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted([*p.glob("*.yaml"), *p.glob("*.yml")]))
        else:
            out.append(p)
    return out


def check_file(path: Path) -> FileCheck:
    """Validate one file as a policy (if it has ``channels:``) or a scenario."""
    from planner.data.policy import Policy, policy_from_document
    from planner.data.scenario import PATH_KEYS, ScenarioSpec, scenario_from_document
    from planner.data.yaml_io import load_with_extends

    kind = "file"
    known = {*Policy.model_fields, *ScenarioSpec.model_fields}
    try:
        doc = load_with_extends(path, path_keys=PATH_KEYS, known_keys=known, kind="policy or scenario")
        kind = "policy" if "channels" in doc.data else "scenario"
        if kind == "policy":
            policy_from_document(doc)
            return FileCheck(str(path), kind, None)
        scenario = scenario_from_document(doc, path=path)
        if scenario.spec.callcentre is not None:
            # The forecast file and shift coverage are checked only when the section is read in full.
            from planner.data.callcentre import load_callcentre

            load_callcentre(scenario)
        return FileCheck(str(path), kind, None, list(scenario.warnings))
    except PlannerError as exc:
        return FileCheck(str(path), kind, str(exc))
    except Exception as exc:  # a bug (or RecursionError, MemoryError): this file's row, not the report
        from planner.errors import excerpt

        detail = excerpt(str(exc), 120)[1:-1] if str(exc) else ""
        reason = _("unexpected {kind}{detail} (please report this)").format(
            kind=type(exc).__name__, detail=": " + detail if detail else ""
        )
        return FileCheck(str(path), kind, f"{path}: {reason}")


def validate_paths(paths: Iterable[Path]) -> list[FileCheck]:
    """Check every file named, and every ``*.yaml`` in every directory named."""
    files = _files(paths)
    if not files:
        raise InputError(_("no YAML files found"), source=", ".join(str(p) for p in paths))
    return [check_file(f) for f in files]
