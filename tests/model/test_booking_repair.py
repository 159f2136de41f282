"""The books the greedy rounding cannot fit are mended in the quarters where it fell short.

`repair_book` lets the rounding run on past a short period, then re-plans only the quarters holding
the short periods with a small integer programme, every other slot keeping the rounding's contacts.
The books tried here are the real ones `plan` meets on shipped scenarios (captured as `plan` books
its managers). Each repaired book is checked against the rules written out here, not by the code
under test: every customer gets the standard's count in every period (n x count: the key tiers
have one role), no customer gets more than one contact of a stream in any `gap` consecutive weeks,
and no slot holds more minutes than the manager has there. The year-wide integer programme
(`ip_book`, the second method) must agree that each repaired book fits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.data.scenario import load_scenario
from planner.model import booking
from planner.model.booking import _Greedy, greedy_book, ip_book, repair_book
from planner.model.headcount import plan

REPO = Path(__file__).resolve().parent.parent.parent


def _hard_books(name: str) -> list[tuple]:
    """(streams, book, capacity, calendar, repaired plan) of every book `plan` needed to mend."""
    seen: list[tuple] = []
    real = booking.repair_book

    def spy(streams, book, cap, cal, **kwargs):
        out = real(streams, book, cap, cal, **kwargs)
        seen.append((streams, book, cap, cal, out))
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(booking, "repair_book", spy)
        plan(load_scenario(REPO / "scenarios" / f"{name}.yaml"), with_current=False)
    return seen


def _broken_rules(streams, book, cap, cal, y) -> list[str]:
    broken = []
    weeks = [s.week for s in cal.slots]
    for j, st in enumerate(streams):
        n = book[st.tier_index]
        for k, slots in enumerate(st.periods):
            got = int(sum(y[j][w] for w in slots))
            if got != n * st.count:
                broken.append(f"stream {j} period {k}: {got} contacts, owes {n * st.count}")
        gap = max(st.gap, 1)
        for first in range(max(weeks) + 1):
            inside = [w for w in range(cal.n_slots) if first <= weeks[w] < first + gap]
            if sum(y[j][w] for w in inside) > n:
                broken.append(f"stream {j}: more than {n} contacts in weeks {first}..{first + gap - 1}")
    for w in range(cal.n_slots):
        load = sum(y[j][w] * st.minutes for j, st in enumerate(streams))
        if load > cap[w] + 1e-6:
            broken.append(f"slot {w}: {load} min in {cap[w]:.1f}")
    return broken


@pytest.fixture(scope="module")
def mended() -> dict[str, list[tuple]]:
    return {name: _hard_books(name) for name in ("baseline", "key-growth-2006", "unified-centre")}


@pytest.mark.parametrize("name", ["baseline", "key-growth-2006", "unified-centre"])
def test_repaired_books_meet_every_rule_and_the_year_wide_programme_agrees(mended, name):
    books = mended[name]
    repaired = [b for b in books if b[4] is not None]
    assert repaired, "the shipped scenario no longer meets a book the rounding cannot fit"
    for streams, book, cap, cal, y in repaired:
        # The greedy rounding alone does not fit it (that is why it was mended) ...
        assert greedy_book(streams, book, cap, cal, full=True) is None
        assert greedy_book(streams, book, cap, cal, full=True, ahead=True) is None
        # ... the mended book keeps every rule ...
        assert _broken_rules(streams, book, cap, cal, y) == []
        # ... and the year-wide programme finds a book too.
        whole = ip_book(streams, book, cap, cal, band=None, solver="auto", time_limit=60)
        assert whole is not None
        assert _broken_rules(streams, book, cap, cal, whole) == []


def test_only_the_short_quarters_are_replanned(mended):
    streams, book, cap, cal, y = next(b for b in mended["baseline"] if b[4] is not None)
    g = _Greedy(streams, book, cap, cal)
    assert not g.run(full=True, ahead=False, tolerate=True)
    quarter = cal.period_index("quarter")
    short = {quarter[w] for w in g.missed}
    assert short and len(short) < 4
    kept = [w for w in range(cal.n_slots) if quarter[w] not in short]
    assert np.array_equal(np.asarray(g.y)[:, kept], y[:, kept])
    # The rounding broke a rule in the short quarters, and the repair changed contacts there.
    assert _broken_rules(streams, book, cap, cal, g.y) != []
    assert not np.array_equal(np.asarray(g.y), y)


def test_a_book_that_cannot_fit_is_not_mended(mended):
    # On the baseline the first key-manager books tried do not fit at all (the role then grows):
    # the repair gives None there, and so does the year-wide programme.
    unfit = [b for b in mended["baseline"] if b[4] is None]
    assert unfit
    for streams, book, cap, cal, _ in unfit:
        assert repair_book(streams, book, cap, cal, shared=None, solver="auto", time_limit=60) is None
        assert ip_book(streams, book, cap, cal, band=None, solver="auto", time_limit=60) is None


def test_under_cbc_the_whole_year_decides(mended):
    # CBC spends its whole time limit on the quarter programmes: under --solver cbc the repair
    # steps aside (None, before any solve) and ip_book decides the whole year, as it did before.
    streams, book, cap, cal, _plan = next(b for b in mended["baseline"] if b[4] is not None)
    assert repair_book(streams, book, cap, cal, shared=None, solver="cbc", time_limit=60) is None
    assert repair_book(streams, book, cap, cal, shared=None, solver="highs", time_limit=60) is not None


def _books_left_unsettled(mp: pytest.MonkeyPatch) -> list[tuple]:
    """Make every book's integer programme stop at the time limit with no answer (as CBC can on a
    hard book); returns the whole-year programmes (``band`` None) refused, one entry each."""
    from planner.model.lp import Program
    from planner.model.solver import SolveOutcome, SolveStatus

    real_solve = Program.solve
    real_ip = booking.ip_book
    refused: list[tuple] = []

    def stopped(self, solver, time_limit, gap_rel=None):
        if self.integer and self.names is None:  # a book's programme (the annual model names its columns)
            return SolveOutcome(SolveStatus.NOT_SOLVED, "highs", None)
        return real_solve(self, solver, time_limit, gap_rel)

    def spy(streams, book, cap, cal, **kwargs):
        try:
            return real_ip(streams, book, cap, cal, **kwargs)
        except booking.BookUndecided:
            if kwargs.get("band") is None and kwargs.get("free") is None:
                refused.append(book)
            raise

    mp.setattr(Program, "solve", stopped)
    mp.setattr(booking, "ip_book", spy)
    return refused


def test_a_book_the_solver_does_not_settle_is_not_called_unfit(mended):
    # "Infeasible" and "stopped at the time limit" are different verdicts: ip_book proves the first
    # (None) and raises on the second; the quarter repair steps aside so the whole year decides.
    streams, book, cap, cal, _plan = next(b for b in mended["baseline"] if b[4] is not None)
    with pytest.MonkeyPatch.context() as mp:
        _books_left_unsettled(mp)
        with pytest.raises(booking.BookUndecided):
            ip_book(streams, book, cap, cal, band=None, solver="highs", time_limit=60)
        assert repair_book(streams, book, cap, cal, shared=None, solver="highs", time_limit=60) is None


def test_plan_says_when_heads_count_books_the_solver_left_unsettled(cli):
    import json

    normal = json.loads(cli("plan", "--format", "json").stdout)
    assert not [w for w in normal["warnings"] if "time limit" in w]
    with pytest.MonkeyPatch.context() as mp:
        refused = _books_left_unsettled(mp)
        result = cli("plan", "--format", "json")
        refused = list(refused)  # the JSON run's (the table run below refuses the same books again)
        table = cli("plan")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    # Every unsettled book counted as not fitting, so the key managers grew past the plan's 147
    # until the greedy rounding alone fitted every book; the report says so, with the count.
    assert refused
    heads = {r["role"]: r["required_headcount"] for r in doc["roles"]}
    before = {r["role"]: r["required_headcount"] for r in normal["roles"]}
    assert heads["key_manager"] > before["key_manager"]
    lines = [w for w in doc["warnings"] if "time limit" in w]
    assert lines == [
        f"key_manager: the solver stopped at its time limit (120 s) before settling whether "
        f"{len(refused)} manager book(s) fit; each was counted as not fitting, so key_manager may show "
        "more heads than it needs"
    ]
    # Both formats also say it on stderr (the table has no place for it), once.
    for run in (result, table):
        assert [w for w in run.stderr.splitlines() if "time limit" in w] == [f"Warning: {lines[0]}"]
    # The schedule says the same of the same books (the one calendar both read).
    from planner.analyses.schedule import build_schedule
    from planner.data.scenario import load_scenario as load

    with pytest.MonkeyPatch.context() as mp:
        refused = _books_left_unsettled(mp)
        made = build_schedule(load(REPO / "scenarios" / "baseline.yaml"), year=doc["year"])
    assert [w for w in made.warnings if "time limit" in w] == lines


def test_under_cbc_the_warning_names_the_solver_that_settles_books():
    from types import SimpleNamespace

    books = {
        "a": SimpleNamespace(books=SimpleNamespace(undecided=2)),
        "b": SimpleNamespace(books=SimpleNamespace(undecided=0)),
    }
    assert booking.undecided_warnings(books, "cbc", 30) == [  # type: ignore[arg-type]
        "a: the solver stopped at its time limit (30 s) before settling whether 2 manager book(s) fit; "
        "each was counted as not fitting, so a may show more heads than it needs (HiGHS, the default "
        "solver, settles such books in seconds)"
    ]
    assert booking.undecided_warnings(books, "auto", 30)[0].endswith("may show more heads than it needs")  # type: ignore[arg-type]
