"""Who serves whom today: the roster's ``manager_id`` and ``district`` as typed arrays, with roles.

A manager's role is either given in a managers table (``--managers managers.csv`` with columns
``manager_id, role`` and optionally ``base_district``) or inferred: the one role of the scenario
that serves every tier among the manager's customers. A ``manager_id`` no role can take (its
customers' tiers are served by no single role, or the table does not list it) is an error naming
the roster row. A manager's base district is the table's ``base_district``, else the district
holding most of his customers (ties: the first by name).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.data.roster import Roster
from planner.data.scenario import Scenario, tier_key
from planner.data.yaml_io import did_you_mean
from planner.errors import InputError
from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

#: The district of customers whose roster row gives none.
NO_DISTRICT = "(none)"
MANAGER_COLUMNS = ("manager_id", "role", "base_district")


@dataclass(frozen=True)
class Manager:
    """One manager: id, role and base district (None when unknown)."""

    id: str
    role: str
    base_district: str | None


@dataclass(frozen=True)
class Book:
    """Today's customers and their managers, as parallel arrays (one entry per accepted customer).

    ``tier[i]`` indexes :attr:`tiers` (policy order), ``district[i]`` indexes :attr:`districts`
    (sorted by name), ``manager[i]`` indexes :attr:`managers` (sorted by id) or is -1 when the
    row names no manager. ``row`` is the roster row number (data rows from 1).
    """

    source: str
    tiers: list[tuple[str, str]]
    districts: list[str]
    managers: list[Manager]
    #: Customer ids (a pandas string Series; take ``.iloc[rows]`` of the few needed).
    customer_id: pd.Series
    row: npt.NDArray[np.int64]
    tier: npt.NDArray[np.int32]
    district: npt.NDArray[np.int32]
    manager: npt.NDArray[np.int32]
    spend: npt.NDArray[np.float64]

    @property
    def customers(self) -> int:
        """Customers in the book."""
        return len(self.row)

    def manager_index(self) -> dict[str, int]:
        """Manager id -> index into :attr:`managers`."""
        return {m.id: i for i, m in enumerate(self.managers)}


@dataclass(frozen=True)
class ManagerRow:
    """One row of a managers table."""

    row: int
    role: str
    base_district: str | None


def read_managers(path: str | Path, scenario: Scenario) -> dict[str, ManagerRow]:
    """Read a managers table (CSV or Excel): ``manager_id, role[, base_district]``, one row each."""
    import pandas as pd

    p = Path(path)
    if p.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(
            _("unknown format {value!r}; expected .csv or .xlsx").format(value=p.suffix or "(no extension)"),
            source=p,
        )
    if not p.exists():
        raise InputError(_("file not found"), source=p)
    try:
        if p.suffix.lower() == ".csv":
            frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            frame = pd.read_excel(p, dtype=str, keep_default_na=False, engine="openpyxl")
    except UnicodeDecodeError:
        raise InputError(_("not UTF-8 text; save the table as UTF-8 CSV or .xlsx"), source=p) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            _("file is empty; expected a header row manager_id,role[,base_district]"), source=p
        ) from None
    except Exception as exc:  # corrupt files raise many types
        raise InputError(_("cannot read: {exc}").format(exc=exc), source=p) from None
    frame = frame.rename(columns={c: str(c).strip() for c in frame.columns})
    for col in ("manager_id", "role"):
        if col not in frame.columns:
            found = ", ".join(map(str, frame.columns)) or "none"
            raise InputError(
                _("missing column {col}{did_you_mean}; found: {found}").format(
                    col=col, did_you_mean=did_you_mean(col, frame.columns), found=found
                ),
                source=p,
            )
    unknown = [c for c in frame.columns if c not in MANAGER_COLUMNS]
    if unknown:
        raise InputError(
            _("unknown column {unknown!r}{did_you_mean}; expected {manager_columns}").format(
                unknown=unknown[0],
                did_you_mean=did_you_mean(unknown[0], MANAGER_COLUMNS),
                manager_columns=", ".join(MANAGER_COLUMNS),
            ),
            source=p,
        )
    roles = list(scenario.roles)
    out: dict[str, ManagerRow] = {}
    bases = frame["base_district"] if "base_district" in frame.columns else [""] * len(frame)
    for i, (mid, role, base) in enumerate(zip(frame["manager_id"], frame["role"], bases, strict=True), 1):
        mid, role, base = str(mid).strip(), str(role).strip(), str(base).strip()
        if not mid:
            raise InputError(_("missing manager_id"), source=p, path=f"row {i}")
        if mid in out:
            raise InputError(
                _("duplicate manager_id {mid!r} (first at row {row})").format(mid=mid, row=out[mid].row),
                source=p,
                path=f"row {i}",
            )
        if role not in scenario.roles:
            raise InputError(
                _("unknown role {role!r}{did_you_mean}; the scenario's roles: {roles}").format(
                    role=role, did_you_mean=did_you_mean(role, roles), roles=", ".join(roles)
                ),
                source=p,
                path=f"row {i}",
            )
        out[mid] = ManagerRow(i, role, base or None)
    return out


def build_book(roster: Roster, scenario: Scenario, managers: str | Path | None = None) -> Book:
    """The roster's customers with their managers (typed), each manager's role checked or inferred.

    Raises
    ------
    InputError
        A ``manager_id`` that no role can take, naming the roster row.
    """
    import numpy as np
    import pandas as pd

    acc = roster.accepted
    policy = scenario.policy
    tiers = policy.tier_keys()
    keys = [tier_key(c, t) for c, t in tiers]
    # Small categoricals and arrow-string factorisation: no per-row Python strings.
    channel = acc["channel"].astype("category")
    tier = acc["tier"].astype("category")
    lookup = np.full((len(channel.cat.categories) + 1, len(tier.cat.categories) + 1), -1, dtype=np.int32)
    for i, c in enumerate(channel.cat.categories):
        for j, t in enumerate(tier.cat.categories):
            if (str(c), str(t)) in tiers:
                lookup[i, j] = tiers.index((str(c), str(t)))
    tier_codes = lookup[channel.cat.codes.to_numpy(), tier.cat.codes.to_numpy()]
    d_raw, d_found = pd.factorize(acc["district"], sort=True, use_na_sentinel=True)
    districts = [str(d) for d in d_found]
    if (d_raw < 0).any():
        # "(none)" takes its place in name order among the districts.
        districts = sorted([*districts, NO_DISTRICT])
        shift = np.array([districts.index(d) for d in map(str, d_found)], dtype=np.int64)
        d_codes = np.where(
            d_raw >= 0, shift[np.maximum(d_raw, 0)] if len(shift) else 0, districts.index(NO_DISTRICT)
        )
    else:
        d_codes = d_raw
    m_codes, m_uniques = pd.factorize(acc["manager_id"], sort=True, use_na_sentinel=True)
    rows = acc["row"].to_numpy(dtype=np.int64)
    ids = [str(m) for m in m_uniques]
    table = read_managers(managers, scenario) if managers is not None else None

    roles_serving: dict[int, list[str]] = {}
    for role_id in scenario.roles:
        for key in scenario.served_tiers(role_id):
            roles_serving.setdefault(tiers.index(key), []).append(role_id)

    # The first row of each (manager, tier) pair: all a role check needs, without a loop per row.
    assigned = m_codes >= 0
    pair = m_codes[assigned].astype(np.int64) * len(tiers) + tier_codes[assigned]
    uniq, first = np.unique(pair, return_index=True)
    first_row = rows[assigned][first]
    tiers_of: dict[int, list[tuple[int, int]]] = {}
    for code, r in zip(uniq.tolist(), first_row.tolist(), strict=True):
        tiers_of.setdefault(code // len(tiers), []).append((code % len(tiers), r))

    source = roster.source
    roles: list[str] = []
    for m, mid in enumerate(ids):
        seen = sorted(tiers_of.get(m, []), key=lambda x: x[1])
        if table is not None:
            if mid not in table:
                raise InputError(
                    _("manager_id {mid!r} is not in the managers table {managers}{did_you_mean}").format(
                        mid=mid, managers=managers, did_you_mean=did_you_mean(mid, list(table))
                    ),
                    source=source,
                    path=f"row {seen[0][1]}",
                )
            role = table[mid].role
            for t, r in seen:
                if role not in roles_serving.get(t, []):
                    raise InputError(
                        _(
                            "manager_id {mid!r} is a {role} (managers table), which does not serve {keys}"
                        ).format(mid=mid, role=role, keys=keys[t]),
                        source=source,
                        path=f"row {r}",
                    )
            roles.append(role)
            continue
        candidates = list(scenario.roles)
        for t, r in seen:
            serving = roles_serving.get(t, [])
            remaining = [c for c in candidates if c in serving]
            if not remaining:
                earlier = ", ".join(f"{keys[t0]} (row {r0})" for t0, r0 in seen if r0 < r) or "nothing else"
                raise InputError(
                    _(
                        "manager_id {mid!r}: no role of the scenario serves {keys} together with "
                        "{earlier}; fix the row or give each manager's role with --managers FILE"
                    ).format(mid=mid, keys=keys[t], earlier=earlier),
                    source=source,
                    path=f"row {r}",
                )
            candidates = remaining
        if len(candidates) > 1:
            raise InputError(
                _(
                    "manager_id {mid!r}: roles {candidates} all serve his customers' tiers; say which with "
                    "--managers FILE (manager_id,role)"
                ).format(mid=mid, candidates=", ".join(candidates)),
                source=source,
                path=f"row {seen[0][1]}",
            )
        roles.append(candidates[0])

    # Managers the table lists but the roster gives no customer: an empty portfolio, still a head.
    extra = sorted(set(table) - set(ids)) if table is not None else []
    all_ids = ids + extra
    all_roles = roles + [table[m].role for m in extra] if table is not None else roles
    order = sorted(range(len(all_ids)), key=lambda i: all_ids[i])
    remap = np.empty(len(all_ids), dtype=np.int32)
    remap[np.array(order, dtype=np.int64)] = np.arange(len(all_ids), dtype=np.int32)
    manager = np.full(len(m_codes), -1, dtype=np.int32)
    manager[assigned] = remap[m_codes[assigned]]

    # Base district: the table's, else where most of the manager's customers are.
    known = assigned & (d_raw >= 0)
    counts = (
        np.bincount(
            manager[known].astype(np.int64) * len(districts) + d_codes[known],
            minlength=len(all_ids) * len(districts),
        ).reshape(len(all_ids), max(len(districts), 1))
        if districts
        else np.zeros((len(all_ids), 1), dtype=np.int64)
    )
    result: list[Manager] = []
    for new, old in enumerate(order):
        mid = all_ids[old]
        base: str | None = None
        if table is not None and table[mid].base_district:
            base = table[mid].base_district
        elif districts and counts[new].max() > 0:
            base = districts[int(np.argmax(counts[new]))]
        result.append(Manager(mid, all_roles[old], base))
    return Book(
        source=source,
        tiers=tiers,
        districts=districts,
        managers=result,
        customer_id=acc["customer_id"],
        row=rows,
        tier=tier_codes,
        district=d_codes.astype(np.int32),
        manager=manager,
        spend=acc["monthly_spend"].to_numpy(dtype=np.float64),
    )


#: The columns ``planner schedule --moves`` reads from ``planner rebalance``'s moves file.
MOVES_COLUMNS = ("customer_id", "from", "to")
#: A vacancy ``rebalance`` fills: ``NEW-1``, ``NEW-2``...
NEW_MANAGER_PREFIX = "NEW-"


@dataclass(frozen=True)
class Moves:
    """``rebalance``'s moves against a :class:`Book`: customer positions and their new managers.

    ``to`` indexes the book's managers, then :attr:`new_managers` (``(id, role)``, vacancies the
    moves fill) after them.
    """

    source: str
    customer: npt.NDArray[np.int64]
    to: npt.NDArray[np.int64]
    new_managers: list[tuple[str, str]]


def read_moves(path: str | Path, book: Book, scenario: Scenario) -> Moves:
    """Read a moves file (``planner rebalance --out``: CSV with customer_id, from, to, ...).

    Raises
    ------
    InputError
        An unknown customer or manager, a ``from`` that is not the customer's manager in the
        roster, a customer moved twice, or a new manager whose role does not serve the customer's
        tier; each names the file and row.
    """
    import numpy as np
    import pandas as pd

    p = Path(path)
    if p.suffix.lower() != ".csv":
        raise InputError(
            _("unknown format {value!r}; expected the .csv `planner rebalance --out` writes").format(
                value=p.suffix or "(no extension)"
            ),
            source=p,
        )
    if not p.exists():
        raise InputError(_("file not found"), source=p)
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(_("not UTF-8 text"), source=p) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            _("file is empty; expected a header row customer_id,...,from,to"), source=p
        ) from None
    except Exception as exc:  # corrupt files raise many types
        raise InputError(_("cannot read: {exc}").format(exc=exc), source=p) from None
    for col in MOVES_COLUMNS:
        if col not in frame.columns:
            found = ", ".join(map(str, frame.columns)) or "none"
            raise InputError(
                _("missing column {col}{did_you_mean}; found: {found}").format(
                    col=col, did_you_mean=did_you_mean(col, frame.columns), found=found
                ),
                source=p,
            )
    ids = pd.Index(book.customer_id.astype(str))
    if not ids.is_unique:
        ids = ids.drop_duplicates(keep="first")
    pos = ids.get_indexer(frame["customer_id"].str.strip())
    index = book.manager_index()
    keys = [tier_key(c, t) for c, t in book.tiers]
    new: dict[str, str] = {}
    seen: dict[int, int] = {}
    to = np.empty(len(frame), dtype=np.int64)
    src, dst = frame["from"].str.strip().tolist(), frame["to"].str.strip().tolist()
    for i, (cid, at) in enumerate(zip(frame["customer_id"].tolist(), pos.tolist(), strict=True)):
        row = f"row {i + 1}"
        if at < 0:
            raise InputError(
                _("customer_id {cid!r} is not in the roster {source}").format(cid=cid, source=book.source),
                source=p,
                path=row,
            )
        if at in seen:
            raise InputError(
                _("customer {cid!r} moves twice (first at row {seen})").format(cid=cid, seen=seen[at]),
                source=p,
                path=row,
            )
        seen[at] = i + 1
        now = int(book.manager[at])
        now_id = book.managers[now].id if now >= 0 else ""
        if src[i] != now_id:
            raise InputError(
                _(
                    "customer {cid!r} moves from {value!r}, but the roster gives {value2!r}: the moves "
                    "belong to another roster"
                ).format(cid=cid, value=src[i] or "(no manager)", value2=now_id or "(no manager)"),
                source=p,
                path=row,
            )
        target = dst[i]
        tier = book.tiers[int(book.tier[at])]
        if target in index:
            to[i] = index[target]
            role = book.managers[index[target]].role
        elif target.startswith(NEW_MANAGER_PREFIX):
            serving = [
                r
                for r in scenario.roles
                if tier in scenario.served_tiers(r) and scenario.roles[r].contacts != "calls"
            ]
            if target not in new:
                new[target] = book.managers[now].role if now >= 0 else (serving[0] if serving else "")
            role = new[target]
            to[i] = len(book.managers) + list(new).index(target)
        else:
            raise InputError(
                _(
                    "manager {target!r} is not in the roster{did_you_mean}; expected a roster manager or a "
                    "new one ({new_manager_prefix}1, ...)"
                ).format(
                    target=target,
                    did_you_mean=did_you_mean(target, list(index)),
                    new_manager_prefix=NEW_MANAGER_PREFIX,
                ),
                source=p,
                path=row,
            )
        if role not in scenario.roles or tier not in scenario.served_tiers(role):
            raise InputError(
                _("manager {target!r} ({value}) does not serve {keys}").format(
                    target=target, value=role or "no role", keys=keys[int(book.tier[at])]
                ),
                source=p,
                path=row,
            )
    return Moves(str(p), pos.astype(np.int64), to, list(new.items()))
