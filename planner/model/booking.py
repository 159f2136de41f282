"""From the calendar model's plan to managers' books and whole contacts per slot.

Three steps, each exact in integers:

1. **Books.** Each role's customers of each tier are dealt to its managers so yearly hours balance:
   tiers heaviest first; every manager gets ``n // H`` customers of the tier and the ``n % H``
   managers with the lightest books so far one more (longest-processing-time greedy on equal items,
   one numpy step per tier). A manager's customers of one tier are a contiguous block of the tier's
   sorted customer list.
2. **Whole contacts per manager and slot.** Managers with the same book share one plan. A book's
   share of the model's fractional plan is rounded slot by slot: each stream catches up with its
   rounded cumulative target (most valuable tier first), within the slot's minutes, the period's
   quota and the spacing window; spare minutes then take contacts ahead of target. When every standard
   must be met and that greedy pass misses a period's quota, a small integer programme re-plans the
   quarters where it fell short, keeping the rest of the rounding (:func:`repair_book`); if that does
   not fit, one over the whole year decides the book (streams x slots integer counts, period totals
   exact, spacing windows, capacity); if none exists the role needs one more manager.
3. **Customers per contact.** A manager's contacts of one stream are numbered through the year
   (ranks); rank ``rho`` goes to the manager's customer ``rho mod n_m``. So in a period whose quota
   is ``n_m x count`` every customer gets ``count`` contacts, and, by the window bound, one
   customer's consecutive contacts sit at least ``g`` weeks apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from planner.data.calendar import PlanCalendar

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

#: Guards floor()/ceil() against float error at exact integers.
EPS = 1e-7
#: How many times a role may gain heads while its managers' books do not fit.
MAX_GROW_ROUNDS = 200
#: Whole-contact rounding a tier's delivery may show against the fractional allocation without a
#: word in the report: this share of its standard's hours (or one visit, if that is more).
ROUNDING_SHARE = 0.01


class BookUndecided(Exception):
    """The solver stopped at its time limit before it settled whether a book fits."""


@dataclass
class BookStream:
    """One stream of a role (a tier's visits or calls) as the rounding needs it."""

    index: int  # position in the calendar solution's streams
    tier_index: int  # position in the role's tiers (rows of the books)
    kind: str
    count: int
    minutes: float
    gap: int
    priority: float  # value of the tier's next hour (who takes spare minutes first)
    plan_priority: float  # value of the last hour the plan gives it (who catches up first)
    rate: npt.NDArray[np.float64]  # contacts per customer the model plans in each slot
    periods: list[list[int]]  # slots of each period of the standard


@dataclass
class RoleBooks:
    """A role's managers: customers per tier each holds, and whole contacts per stream and slot."""

    heads: int
    per_manager: npt.NDArray[np.int64]  # (tiers, H)
    served: npt.NDArray[np.int64]  # (S, H, W)
    load_minutes: npt.NDArray[np.float64]  # (H, W)
    feasible: bool
    ip_books: int  # books that needed the integer programme
    #: With a day plan: per stream, contacts the minutes-only rounding makes that whole days do not
    #: hold (net, over all managers); ``None`` without one.
    day_lost: npt.NDArray[np.int64] | None = None
    #: Books the solver left unsettled at its time limit (:class:`BookUndecided`), over every head
    #: count tried. Each counted as not fitting, so ``heads`` may be more than the role needs.
    undecided: int = 0


def days_fit(sizes: list[tuple[float, int]], days: int, day_minutes: float) -> bool:
    """True when ``count`` contacts of each ``(minutes, count)`` pack into ``days`` days.

    The packing is first fit decreasing: longest contacts first, each into the first day with room
    (for equal contacts: fill day 1, then day 2, ...). A contact longer than a day takes an empty day
    of its own. ``sizes`` must come longest first. :func:`pack_day_counts` gives the days themselves.
    """
    return pack_day_counts(sizes, days, day_minutes) is not None


def pack_day_counts(sizes: list[tuple[float, int]], days: int, day_minutes: float) -> list[list[int]] | None:
    """How many contacts of each size each day takes (first fit decreasing), or ``None`` if they do not fit.

    Returns one list per size (in ``sizes`` order) of ``days`` counts.
    """
    load = [0.0] * days
    out = []
    for m, c in sizes:
        row = [0] * days
        for i in range(days):
            if c == 0:
                break
            if load[i] == math.inf:  # a day a longer contact took whole
                continue
            if m > day_minutes + 1e-6:  # longer than a day: an empty day of its own
                q = 1 if load[i] == 0.0 else 0
            else:
                q = min(c, math.floor((day_minutes - load[i] + 1e-6) / m)) if m > 0 else c
            if q > 0:
                row[i] = q
                c -= q
                load[i] = math.inf if m > day_minutes + 1e-6 else load[i] + q * m
        if c > 0:
            return None
        out.append(row)
    return out


def deal_books(
    counts: list[int], hours: list[float], managers: int, start: npt.NDArray[np.float64] | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Customers of each tier per manager, balancing yearly hours (water filling, heaviest tier first).

    ``start`` is each manager's yearly hours before the deal (the customers he already holds);
    the lightest books take the dealt customers first.
    Returns ``(per_manager, load)``: ``per_manager[t, m]`` customers of tier ``t`` dealt to manager
    ``m``; ``load[m]`` yearly hours, ``start`` included.
    """
    import numpy as np

    n_t = len(counts)
    out = np.zeros((n_t, managers), dtype=np.int64)
    load = np.zeros(managers) if start is None else np.asarray(start, dtype=float).copy()
    idx = np.arange(managers)
    order = sorted(range(n_t), key=lambda t: (-hours[t], t))
    for t in order:
        n, w = counts[t], hours[t]
        if n == 0:
            continue
        if w <= 1e-9:
            give = np.full(managers, n // managers, dtype=np.int64)
            give[: n % managers] += 1
        else:
            lo, hi = float(load.min()), float(load.max()) + n * w
            for _ in range(100):  # bisection on the fill level
                mid = (lo + hi) / 2
                if np.clip(np.floor((mid - load) / w), 0, None).sum() > n:
                    hi = mid
                else:
                    lo = mid
            give = np.clip(np.floor((lo - load) / w), 0, None).astype(np.int64)
            if give.sum() > n:  # float trouble: fall back to dealing everything below
                give[:] = 0
            rounds, rem = divmod(n - int(give.sum()), managers)
            give += rounds
            if rem > 0:
                after = load + give * w
                give[np.lexsort((idx, after))[:rem]] += 1
        out[t] = give
        load += give * w
    return out, load


def _window_start(cal: PlanCalendar) -> list[int]:
    """First slot of each ISO week."""
    first: dict[int, int] = {}
    for s in cal.slots:
        first.setdefault(s.week, s.index)
    return [first[k] for k in range(cal.n_weeks)]


def _static_tables(streams: list[BookStream], cal: PlanCalendar) -> dict[str, Any]:
    """What the rounding of every book of one role shares: periods, weeks and spacing windows."""
    n_w = cal.n_slots
    period_of: list[list[int]] = []
    period_end: list[list[int]] = []
    for st in streams:
        pof = [0] * n_w
        ends = []
        for p, slots in enumerate(st.periods):
            for w in slots:
                pof[w] = p
            ends.append(slots[-1])
        period_of.append(pof)
        period_end.append(ends)
    first: dict[int, int] = {}
    for sl in cal.slots:
        first.setdefault(sl.week, sl.index)
    week_first = [first[k] for k in range(cal.n_weeks)]
    slot_week = [sl.week for sl in cal.slots]
    # The spacing windows holding each slot, per stream; and the first slot of the window that
    # ends at each slot (the run of g ISO weeks up to the slot's week).
    by_gap: dict[int, list[list[tuple[int, int]]]] = {}
    win: list[list[list[tuple[int, int]]]] = []
    win_first: list[list[int]] = []
    for st in streams:
        gap = max(st.gap, 1)
        if gap not in by_gap:
            holding: list[list[tuple[int, int]]] = [[] for _ in range(n_w)]
            for lo, hi in cal.windows(gap):
                for w in range(lo, hi):
                    holding[w].append((lo, hi))
            by_gap[gap] = holding
        win.append(by_gap[gap])
        g = min(gap, cal.n_weeks)
        win_first.append([week_first[max(0, slot_week[w] - g + 1)] for w in range(n_w)])
    return {
        "rate_sums": [[float(st.rate[slots].sum()) for slots in st.periods] for st in streams],
        "period_of": period_of,
        "period_end": period_end,
        "week_first": week_first,
        "slot_week": slot_week,
        "win": win,
        "win_first": win_first,
    }


def greedy_book(
    streams: list[BookStream],
    book: tuple[int, ...],
    cap_minutes: npt.NDArray[np.float64],
    cal: PlanCalendar,
    *,
    full: bool,
    ahead: bool = False,
    shared: dict[str, Any] | None = None,
    day_minutes: float | None = None,
    day_bound: list[bool] | None = None,
) -> npt.NDArray[np.int64] | None:
    """Whole contacts per stream and slot for one manager holding ``book`` customers per tier.

    With ``day_minutes`` a slot takes only contacts that pack into its working days of that many
    minutes (:func:`days_fit`), not only into its minutes: what does not fit is made in another
    slot of its period where the days have room, as the rounding does for minutes. ``day_bound``
    gets whether the days ever refused a contact the minutes took (if not, the plan is the one the
    minutes alone give).

    Spare minutes take contacts ahead of the plan always with today's heads (``full`` False) and,
    with ``ahead``, also when every standard must be met (work done early leaves room at period
    ends). Returns ``None`` when ``full`` and some period's quota was not reached. ``shared`` (one
    dict per role, the same ``streams`` and ``cal``) keeps the tables every book of the role uses.
    """
    import numpy as np

    g = _Greedy(streams, book, cap_minutes, cal, shared, day_minutes)
    ok = g.run(full=full, ahead=ahead)
    if day_bound is not None:
        day_bound.append(g.day_bound)
    if not ok:
        return None
    return np.array(g.y, dtype=np.int64).reshape(len(streams), cal.n_slots)


class _Greedy:
    """The slot-by-slot rounding of one book, on plain lists (it runs in tight loops)."""

    def __init__(
        self,
        streams: list[BookStream],
        book: tuple[int, ...],
        cap_minutes: npt.NDArray[np.float64],
        cal: PlanCalendar,
        shared: dict[str, Any] | None = None,
        day_minutes: float | None = None,
    ) -> None:
        import numpy as np

        self.streams = streams
        self.cal = cal
        n_s, n_w = len(streams), cal.n_slots
        self.n_s, self.n_w = n_s, n_w
        self.cap = [float(c) for c in cap_minutes]
        self.minutes = [st.minutes for st in streams]
        self.n = [book[st.tier_index] for st in streams]
        self.y = [[0] * n_w for _ in range(n_s)]
        self.used = [0.0] * n_w
        self.target = [np.cumsum(st.rate * self.n[j]).tolist() for j, st in enumerate(streams)]
        tables = shared if shared is not None else {}
        if "period_of" not in tables:
            tables.update(_static_tables(streams, cal))
        # period_quota(st, n), from the period sums every book of the role shares.
        self.need = [
            [min(n * st.count, math.floor(total * n + 0.5)) for total in tables["rate_sums"][j]]
            for j, (st, n) in enumerate(zip(streams, self.n, strict=True))
        ]
        self.done = [0] * n_s
        self.in_period = [0] * n_s
        # Contacts a period owes at most per stream (n x count).
        self.quota = [self.n[j] * st.count for j, st in enumerate(streams)]
        self.period_of: list[list[int]] = tables["period_of"]
        self.period_end: list[list[int]] = tables["period_end"]
        self.week_first: list[int] = tables["week_first"]
        self.slot_week: list[int] = tables["slot_week"]
        self.win: list[list[list[tuple[int, int]]]] = tables["win"]
        self.win_first: list[list[int]] = tables["win_first"]
        # The day plan: each slot's working days of ``day_minutes``. Below ``safe[w]`` minutes a slot's
        # contacts always pack (first fit fails a contact only when every day has less room than it).
        self.day_minutes = day_minutes
        self.days = [sl.working_days for sl in cal.slots]
        # Packings already worked out (one role: one day length, the same streams), by the slot's
        # days and contacts per length.
        self.packed: dict[tuple[Any, ...], bool] = tables.setdefault("days_fit", {})
        self.day_bound = False
        # The distinct contact lengths, longest first, and each stream's place among them.
        self.lengths = sorted(set(self.minutes), reverse=True)
        self.length_of = [self.lengths.index(m) for m in self.minutes]
        longest = max(self.minutes, default=0.0)
        if day_minutes is None:
            self.safe = [math.inf] * n_w
        elif longest > day_minutes:
            self.safe = [-math.inf] * n_w
        else:
            self.safe = [d * (day_minutes - longest) for d in self.days]

    def put(self, j: int, w: int, k: int) -> None:
        self.y[j][w] += k
        self.used[w] += k * self.minutes[j]

    def free(self, w: int) -> float:
        return self.cap[w] - self.used[w]

    def days_ok(self, w: int) -> bool:
        """The slot's contacts pack into its days (always true without a day plan)."""
        if self.used[w] <= self.safe[w] or self.day_minutes is None:
            return True
        counts = [0] * len(self.lengths)
        for j, row in enumerate(self.y):
            counts[self.length_of[j]] += row[w]
        key = (self.days[w], *counts)
        ok = self.packed.get(key)
        if ok is None:
            sizes = [(m, c) for m, c in zip(self.lengths, counts, strict=True) if c]
            ok = self.packed[key] = days_fit(sizes, self.days[w], self.day_minutes)
        if not ok:
            self.day_bound = True
        return ok

    def fits(self, j: int, w: int) -> bool:
        """One more contact of stream ``j`` fits slot ``w``'s minutes (and its days)."""
        m = self.minutes[j]
        if m > self.free(w) + 1e-6:
            return False
        if self.day_minutes is None:
            return True
        self.y[j][w] += 1
        self.used[w] += m
        ok = self.days_ok(w)
        self.y[j][w] -= 1
        self.used[w] -= m
        return ok

    def room(self, j: int, w: int) -> int:
        n = self.n[j]
        if n == 0:
            return 0
        quota = self.quota[j] - self.in_period[j]
        return max(0, min(quota, n - sum(self.y[j][self.win_first[j][w] : w + 1])))

    def fits_window(self, k: int, w: int) -> bool:
        row, n = self.y[k], self.n[k]
        return all(sum(row[lo:hi]) <= n for lo, hi in self.win[k][w])

    def run(self, *, full: bool, ahead: bool, tolerate: bool = False) -> bool:
        """Round every slot; False when ``full`` and a period's quota was missed. With ``tolerate``
        the rounding goes on past a miss, and ``missed`` lists the slots where periods fell short."""
        streams, n_s = self.streams, self.n_s
        self.missed: list[int] = []
        if full:
            # Every contact must be made: the longest first, so short ones fill the gaps.
            order = sorted(range(n_s), key=lambda j: (-streams[j].minutes, -streams[j].priority, j))
        else:
            # Catching up with the plan, the tier whose planned hours are worth most first; spare
            # minutes go to the tier whose next hour is worth most.
            order = sorted(range(n_s), key=lambda j: (-streams[j].plan_priority, streams[j].minutes, j))
        # Per slot: the streams whose period starts there, and (in ``order``) those whose period ends.
        starts = [[j for j in range(n_s) if w > 0 and self.period_of[j][w] != self.period_of[j][w - 1]]
                  for w in range(self.n_w)]  # fmt: skip
        ends = [[j for j in order if self.period_end[j][self.period_of[j][w]] == w] for w in range(self.n_w)]
        # Spare minutes: in ``order`` when every standard must be met; else to the tier whose next
        # hour is worth most.
        spare = [j for j in order if self.minutes[j] > 0]
        if not full:
            spare.sort(key=lambda j: (-streams[j].priority, streams[j].minutes, j))
        target, done = self.target, self.done
        for w in range(self.n_w):
            for j in starts[w]:
                self.in_period[j] = 0
            for rounding in (0.5, 1.0 - EPS):  # catch up to the target, then a little ahead of it
                for j in order:
                    want = math.floor(target[j][w] + rounding) - done[j]
                    if want > 0:
                        self._take(j, w, want)
            if not full or ahead:
                # Spare minutes take contacts ahead of the plan, most valuable tier first.
                for j in spare:
                    self._take(j, w, None)
            for j in ends[w]:
                p = self.period_of[j][w]
                # Short of the period's quota (every standard met) or of the plan (today's heads):
                # put the missing contacts in the period's slots with spare minutes, moving other
                # contacts within their own periods to join scattered minutes.
                goal = self.need[j][p]
                if not full:
                    planned = math.floor(self.target[j][w] + 0.5) - self.done[j] + self.in_period[j]
                    goal = min(goal, planned)
                if self.in_period[j] >= goal:
                    continue
                added = self._fill(j, goal - self.in_period[j], streams[j].periods[p], None if full else w)
                if full and added < goal - self.in_period[j]:
                    if not tolerate:
                        return False
                    self.missed.append(w)
                self.done[j] += added
                self.in_period[j] += added
        return not self.missed

    def _take(self, j: int, w: int, want: int | None) -> None:
        # room() and put() written out: this runs for every stream and slot of every book.
        n = self.n[j]
        if n == 0:
            return
        m = self.minutes[j]
        fit = math.floor((self.cap[w] - self.used[w] + 1e-6) / m) if m > 0 else (want or 0)
        if fit <= 0:
            return
        row = self.y[j]
        room = min(self.quota[j] - self.in_period[j], n - sum(row[self.win_first[j][w] : w + 1]))
        k = min(fit, room) if want is None else min(want, room, fit)
        if k > 0:
            row[w] += k
            self.used[w] += k * m
            while k > 0 and not self.days_ok(w):  # the day plan holds fewer
                row[w] -= 1
                self.used[w] -= m
                k -= 1
            self.done[j] += k
            self.in_period[j] += k

    def _fill(self, j: int, deficit: int, slots: list[int], now: int | None) -> int:
        """Add up to ``deficit`` contacts of stream ``j`` in ``slots`` where minutes and spacing allow.

        With today's heads (``now``, the slot being rounded), contacts of tiers whose hour is worth
        less give way when nothing else makes room: the model's priority, kept in whole contacts.
        """
        added = 0
        for w in sorted(slots, reverse=True):
            while added < deficit:
                if (
                    not self.fits(j, w)
                    and not self._make_room(j, w)
                    and (now is None or not self._give_way(j, w, now))
                ):
                    break
                self.put(j, w, 1)
                if not self.fits_window(j, w) or not self.days_ok(w):
                    self.put(j, w, -1)
                    break
                added += 1
            if added >= deficit:
                break
        return added

    def _give_way(self, j: int, w: int, now: int) -> bool:
        """Drop contacts of less valuable streams from slot ``w`` until stream ``j`` fits there."""
        need = self.minutes[j]
        # What each stream may lose here: any contact of a tier whose hour is worth less; of any
        # other, only contacts made ahead of the model's plan (its cumulative target at ``now``).
        pri = self.streams[j].plan_priority
        spare = {}
        for k in range(self.n_s):
            if k == j or self.y[k][w] == 0:
                continue
            if self.streams[k].plan_priority < pri:
                spare[k] = self.y[k][w]
            else:
                ahead = self.done[k] - math.floor(self.target[k][now] + 0.5)
                if ahead > 0:
                    spare[k] = min(ahead, self.y[k][w])
        if sum(c * self.minutes[k] for k, c in spare.items()) + self.free(w) + 1e-6 < need:
            return False
        dropped = []
        # Tiers whose planned hours are worth less first (least valuable first), then contacts the
        # dearer tiers made ahead of their plan.
        for k in sorted(
            spare,
            key=lambda k: (
                self.streams[k].plan_priority >= pri,
                self.streams[k].plan_priority,
                -self.minutes[k],
                k,
            ),
        ):
            left = spare[k]
            while left > 0 and not self.fits(j, w):
                self.put(k, w, -1)
                dropped.append(k)
                left -= 1
        if not self.fits(j, w):  # the days still do not hold it: give nothing away
            for k in dropped:
                self.put(k, w, 1)
            return False
        for k in dropped:
            self.done[k] -= 1
            if self.period_of[k][w] == self.period_of[k][now]:
                self.in_period[k] -= 1
        return True

    def _make_room(self, j: int, w: int) -> bool:
        """Move other contacts out of slot ``w`` (within their own periods) until stream ``j`` fits."""
        moves: list[tuple[int, int]] = []
        for k in sorted(range(self.n_s), key=lambda k: (self.minutes[k], k)):
            if self.fits(j, w):
                break
            if k == j or self.y[k][w] == 0:
                continue
            period = next(p for p in self.streams[k].periods if w in p)
            for v in sorted(period, key=lambda v: (abs(v - w), v)):
                if self.fits(j, w) or self.y[k][w] == 0:
                    break
                if v == w or not self.fits(k, v):
                    continue
                self.put(k, w, -1)
                self.put(k, v, 1)
                if self.fits_window(k, v):
                    moves.append((k, v))
                else:
                    self.put(k, w, 1)
                    self.put(k, v, -1)
        if self.fits(j, w):
            return True
        for k, v in reversed(moves):  # could not make room: undo
            self.put(k, w, 1)
            self.put(k, v, -1)
        return False


def period_quota(st: BookStream, n: int) -> list[int]:
    """Contacts a book of ``n`` customers owes in each period: its share of the plan, whole.

    For a tier served by one role that is exactly ``n x count``; never more.
    """
    return [min(n * st.count, math.floor(float(st.rate[slots].sum()) * n + 0.5)) for slots in st.periods]


def _may_fit(
    streams: list[BookStream], book: tuple[int, ...], cap_minutes: npt.NDArray[np.float64], cal: PlanCalendar
) -> bool:
    """A necessary condition for :func:`ip_book`: each month's and quarter's quotas fit its minutes.

    A stream counted per month or quarter owes its whole quota inside one quarter, so the minutes
    those quotas take in a quarter (or a month, for the monthly ones) cannot exceed the manager's
    minutes there. When they do, no integer programme is needed to say the book does not fit.
    """
    for span in ("month", "quarter"):
        index = cal.period_index(span)
        room = [0.0] * (max(index) + 1 if index else 0)
        for w, c in enumerate(cap_minutes):
            room[index[w]] += float(c) + 1e-6
        for st in streams:
            n = book[st.tier_index]
            for slots, quota in zip(st.periods, period_quota(st, n), strict=True):
                spans = {index[w] for w in slots}
                if len(spans) == 1:
                    room[spans.pop()] -= quota * st.minutes
        if any(r < -1e-6 for r in room):
            return False
    return True


def ip_book(
    streams: list[BookStream],
    book: tuple[int, ...],
    cap_minutes: npt.NDArray[np.float64],
    cal: PlanCalendar,
    *,
    band: int | None,
    solver: str,
    time_limit: float,
    keep: list[list[int]] | None = None,
    free: set[int] | None = None,
) -> npt.NDArray[np.int64] | None:
    """Whole contacts meeting every period's quota exactly, by a small integer programme (or ``None``).

    With ``keep`` (contacts per stream and slot) and ``free`` (slots), only the free slots are
    decided: every other slot keeps its contacts, and only the rules that touch a free slot are
    stated (the kept slots already meet theirs).

    ``None`` means no such book exists. Raises :class:`BookUndecided` when the solver stops at
    ``time_limit`` without settling it either way.
    """
    import numpy as np

    from planner.model.lp import INF, Program
    from planner.model.solver import SolveStatus

    if not _may_fit(streams, book, cap_minutes, cal):
        return None
    n_w = cal.n_slots
    touched = (lambda slots: True) if free is None else (lambda slots: any(w in free for w in slots))
    prog = Program()
    rows: list[list[int] | None] = []
    for j, st in enumerate(streams):
        n = book[st.tier_index]
        if n == 0:
            rows.append(None)
            continue
        share = st.rate * n
        row = []
        for w in range(n_w):
            lo, hi = 0.0, INF
            if keep is not None and free is not None and w not in free:
                lo = hi = float(keep[j][w])
            elif band is not None:
                lo = float(max(0, math.floor(share[w] + EPS) - band))
                hi = float(math.ceil(share[w] - EPS) + band)
            row.append(prog.var(lo, hi, integer=True))
        rows.append(row)
        for slots, quota in zip(st.periods, period_quota(st, n), strict=True):
            if touched(slots):
                prog.row([(row[w], 1.0) for w in slots], float(quota), float(quota))
        for lo_s, hi_s in cal.windows(max(st.gap, 1)):
            if touched(range(lo_s, hi_s)):
                prog.row([(row[w], 1.0) for w in range(lo_s, hi_s)], hi=float(n))
    for w in range(n_w) if free is None else sorted(free):
        load = [(row[w], st.minutes) for st, row in zip(streams, rows, strict=True) if row is not None]
        if load:
            prog.row(load, hi=float(cap_minutes[w]) + 1e-6)
    prog.set_objective([], maximize=False)
    # HiGHS's search (and so which of many feasible books it returns, and how fast) depends on its
    # random seed: Program fixes it, so a book is the same on every run and every machine.
    status = prog.solve(solver, time_limit).status
    if status is SolveStatus.NOT_SOLVED:
        raise BookUndecided
    if not status.is_ok:
        return None
    out = np.zeros((len(streams), n_w), dtype=np.int64)
    for j, cols in enumerate(rows):
        if cols is not None:
            out[j] = [round(prog.x[c]) for c in cols]
    return out


def repair_book(
    streams: list[BookStream],
    book: tuple[int, ...],
    cap_minutes: npt.NDArray[np.float64],
    cal: PlanCalendar,
    *,
    shared: dict[str, Any] | None,
    solver: str,
    time_limit: float,
) -> npt.NDArray[np.int64] | None:
    """A book the greedy rounding cannot fit, mended where it failed (or ``None``).

    The rounding runs on past the periods it leaves short; a small integer programme then re-plans
    only the quarters holding those periods, every other slot keeping the rounding's contacts (one
    quarter of a year is a small programme; the whole year can take HiGHS a second). ``None`` when
    that does not fit, or the solver does not settle it in time: :func:`ip_book` then decides the
    whole year.

    HiGHS only: CBC spends its whole time limit on these feasibility programmes (120 s on the
    baseline's first), so under ``--solver cbc`` the whole-year programme decides, as before.
    """
    import numpy as np

    from planner.model.solver import resolve_solver_name

    if resolve_solver_name(solver) != "highs" or not _may_fit(streams, book, cap_minutes, cal):
        return None
    quarter = cal.period_index("quarter")
    for ahead in (False, True):
        g = _Greedy(streams, book, cap_minutes, cal, shared)
        if g.run(full=True, ahead=ahead, tolerate=True):
            return np.array(g.y, dtype=np.int64).reshape(len(streams), cal.n_slots)
        short = {quarter[w] for w in g.missed}
        free = {w for w in range(cal.n_slots) if quarter[w] in short}
        try:
            plan = ip_book(
                streams,
                book,
                cap_minutes,
                cal,
                band=None,
                solver=solver,
                time_limit=time_limit,
                keep=g.y,
                free=free,
            )
        except BookUndecided:
            continue
        if plan is not None:
            return plan
    return None


def book_role(
    streams: list[BookStream],
    counts: list[int],
    hours: list[float],
    heads: int,
    cap_minutes: npt.NDArray[np.float64],
    cal: PlanCalendar,
    *,
    full: bool,
    solver: str,
    time_limit: float,
    books_given: npt.NDArray[np.int64] | None = None,
    day_minutes: float | None = None,
) -> RoleBooks:
    """Books and whole contacts for one role; with ``full``, more heads until every book fits.

    ``books_given`` (tiers x managers) fixes each manager's customers per tier (a roster's
    portfolios): no dealing, no more heads. ``day_minutes`` (a manager's minutes a working day)
    makes every slot's contacts pack into its days (:func:`greedy_book`); the books are then also
    rounded without it, and ``day_lost`` counts what the days cost.
    """
    import numpy as np

    n_s, n_w = len(streams), cal.n_slots
    cache: dict[tuple[int, ...], Any] = {}
    shared: dict[str, Any] = {}
    bound: dict[tuple[int, ...], bool] = {}  # books whose days refused a contact
    ip_books = undecided = 0
    h = max(heads, 1) if sum(counts) > 0 else heads
    if books_given is not None:
        h, full = books_given.shape[1], False
    feasible = True
    for _ in range(MAX_GROW_ROUNDS):
        if books_given is not None:
            per_manager = books_given
        else:
            per_manager, _load = (
                deal_books(counts, hours, h) if h > 0 else (np.zeros((len(counts), 0), np.int64), None)
            )
        feasible = True
        books: dict[tuple[int, ...], list[int]] = {}
        for m in range(h):
            books.setdefault(tuple(int(v) for v in per_manager[:, m]), []).append(m)
        served = np.zeros((n_s, h, n_w), dtype=np.int64)
        # The greedy rounding first, for every book; then the integer programme for the books it
        # could not fit, heaviest first (a book that cannot fit at all usually fails fast, and then
        # the role needs one more manager whatever the other books do).
        hard = []
        for book in sorted(books):
            if book not in cache:
                attempt = partial(
                    greedy_book,
                    streams,
                    book,
                    cap_minutes,
                    cal,
                    full=full,
                    shared=shared,
                    day_minutes=day_minutes,
                )
                refused: list[bool] = []
                plan = attempt(day_bound=refused)
                bound[book] = any(refused)
                if plan is None and full:
                    plan = attempt(ahead=True)
                if plan is None and full:
                    hard.append(book)
                    continue
                cache[book] = plan
        weight = np.array(hours)
        for book in sorted(hard, key=lambda b: (-float(np.dot(b, weight)), b)):
            ip_books += 1
            plan = repair_book(
                streams, book, cap_minutes, cal, shared=shared, solver=solver, time_limit=time_limit
            )
            for band in () if plan is not None else (1, None):
                try:
                    plan = ip_book(
                        streams, book, cap_minutes, cal, band=band, solver=solver, time_limit=time_limit
                    )
                except BookUndecided:
                    # Within one contact of the plan's share is a narrower search; the whole year
                    # (``band`` None) is the verdict, and an unsettled one counts as not fitting.
                    plan = None
                    undecided += band is None
                if plan is not None:
                    break
            cache[book] = plan
            if plan is None:
                break
        for book, members in sorted(books.items()):
            plan = cache.get(book)
            if plan is None:
                feasible = False
                break
            served[:, members, :] = plan[:, None, :]
        if feasible or not full:
            break
        h += 1
    minutes = np.array([st.minutes for st in streams]).reshape(n_s, 1, 1)
    load = (served * minutes).sum(axis=0) if n_s else np.zeros((h, n_w))
    day_lost = None
    if day_minutes is not None and not full and feasible:
        # The same rounding without the day plan, per book: what whole days cost each stream.
        day_lost = np.zeros(n_s, dtype=np.int64)
        for book, members in sorted(books.items()):
            if not bound.get(book, True):  # the days never refused a contact: the same plan
                continue
            plain = greedy_book(streams, book, cap_minutes, cal, full=False, shared=shared)
            dated = cache[book]
            if plain is not None and dated is not None:
                day_lost += (plain.sum(axis=1) - dated.sum(axis=1)) * len(members)
    return RoleBooks(h, per_manager, served, load, feasible, ip_books, day_lost, undecided)


def slot_rows(
    served: npt.NDArray[np.int64],
    n_m: npt.NDArray[np.int64],
    offsets: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """One stream's contacts as (manager, slot, customer position) arrays.

    ``served`` is (H, W); ``n_m[m]`` the manager's customers of the tier and ``offsets[m]`` where its
    block starts in the tier's customer list.
    """
    import numpy as np

    h, w = served.shape
    cum_prev = np.cumsum(served, axis=1) - served  # rank of each slot's first contact, per manager
    flat = served.ravel()
    total = int(flat.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    group = np.repeat(np.arange(h * w), flat)
    starts = np.cumsum(flat) - flat
    within = np.arange(total) - np.repeat(starts, flat)
    mgr = group // w
    slot = group % w
    rank = cum_prev.ravel()[group] + within
    position = offsets[mgr] + rank % n_m[mgr]
    return mgr, slot, position


@dataclass
class RoleCalendar:
    """One role in the booked calendar: its tiers, customers per tier, streams and books."""

    role: str
    tiers: list[tuple[str, str]]
    customers: list[int]  # per tier in ``tiers``
    streams: list[BookStream]
    books: RoleBooks
    capacity_minutes: npt.NDArray[np.float64]  # one manager's minutes per slot


def split_customers(n: int, shares: dict[str, float]) -> dict[str, int]:
    """Split ``n`` customers in proportion to ``shares`` (largest remainder; ties in given order)."""
    total = sum(shares.values())
    if n == 0 or total <= 0:
        return {r: 0 for r in shares}
    exact = {r: n * s / total for r, s in shares.items()}
    out = {r: math.floor(v + EPS) for r, v in exact.items()}
    left = n - sum(out.values())
    order = sorted(shares, key=lambda r: (-(exact[r] - out[r]), list(shares).index(r)))
    for r in order[: max(0, left)]:
        out[r] += 1
    return out


def book_branch(
    problem: Any,
    solution: Any,
    customers: dict[tuple[str, str], int],
    *,
    full: bool,
    given: dict[str, dict[tuple[str, str], npt.NDArray[np.int64]]] | None = None,
    days: bool = False,
) -> dict[str, RoleCalendar]:
    """Deal every role's customers into books and round the model's plan into whole contacts.

    ``problem``/``solution`` are a :class:`planner.model.calendar.CalendarProblem` and its solution;
    ``customers`` the customers per tier to book (the problem's own counts, or a roster's).
    With ``full`` (every standard must be met) a role gains heads until its books fit.
    ``given[role][tier]`` fixes that role's managers' customers of the tier (one entry per manager,
    a roster's portfolios): the role's customers of each tier are then those, not a share of the
    model's split. With ``days`` (a dated calendar; only without ``full``) every slot's contacts
    pack into its working days of the manager's minutes a day (his slot minutes over its days).
    """
    given = given or {}
    import numpy as np

    cal = problem.calendar
    share = np.array(cal.slot_share())
    tier_hours = {t.key: t.required_hours / t.customers if t.customers else 0.0 for t in problem.tiers}
    held: dict[tuple[str, str], dict[str, float]] = {}
    for s in solution.streams:
        held.setdefault(s.key, {})
        held[s.key][s.role] = max(held[s.key].get(s.role, 0.0), s.customers)
    splits: dict[tuple[str, str], dict[str, int]] = {}
    roles = {r.id: r for r in problem.roles}
    for key, by_role in held.items():
        for calls_only in (False, True):
            group = {r: q for r, q in by_role.items() if roles[r].calls_only is calls_only and r not in given}
            if not group:
                continue
            if sum(group.values()) <= 0:
                group = {r: float(solution.heads.get(r, 0)) for r in group}
            # Customers the given books hold are not shared out again.
            taken = sum(
                int(given[r][key].sum()) for r in given if key in given[r] and not roles[r].calls_only
            )
            left = max(0, customers.get(key, 0) - (0 if calls_only else taken))
            splits.setdefault(key, {}).update(split_customers(left, group))
    out: dict[str, RoleCalendar] = {}
    for r in problem.roles:
        mine = [s for s in solution.streams if s.role == r.id]
        tiers = list(dict.fromkeys(s.key for s in mine))
        fixed_books = None
        if r.id in given:
            width = len(next(iter(given[r.id].values()), []))
            fixed_books = np.array(
                [given[r.id].get(k, np.zeros(width, dtype=np.int64)) for k in tiers], dtype=np.int64
            ).reshape(len(tiers), width)
            counts = [int(v) for v in fixed_books.sum(axis=1)]
        else:
            counts = [splits.get(k, {}).get(r.id, 0) for k in tiers]
        if not tiers or sum(counts) == 0:
            continue
        streams = []
        for i, s in enumerate(solution.streams):
            if s.role != r.id:
                continue
            n_r = counts[tiers.index(s.key)]
            denom = max(s.customers, float(n_r))
            rate = np.array(s.contacts) / denom if denom > 0 else np.zeros(cal.n_slots)
            streams.append(
                BookStream(
                    index=i,
                    tier_index=tiers.index(s.key),
                    kind=s.kind,
                    count=s.count,
                    minutes=s.minutes,
                    gap=s.gap,
                    priority=s.priority,
                    plan_priority=s.plan_priority,
                    rate=rate,
                    periods=cal.period_slots(s.per),
                )
            )
        heads = solution.heads.get(r.id, 0)
        per_head = r.fixed_hours / max(heads, 1) if r.fixed_hours is not None else r.hours_per_head
        cap = share * per_head * 60.0
        books = book_role(
            streams,
            counts,
            [tier_hours[k] for k in tiers],
            heads,
            cap,
            cal,
            full=full and r.fixed_hours is None,
            solver=problem.solver,
            time_limit=problem.time_limit,
            books_given=fixed_books,
            day_minutes=float(cap.sum()) / max(cal.working_days, 1) if days and not full else None,
        )
        out[r.id] = RoleCalendar(r.id, tiers, counts, streams, books, cap)
    return out


def booked_solution(problem: Any, solution: Any, books: dict[str, RoleCalendar]) -> Any:
    """The calendar solution as the books deliver it: each stream's contacts per slot are its
    managers' whole contacts, and each tier's coverage its booked hours over its standard's.

    At a fixed headcount this is what ``plan`` reports, so ``plan``, ``boundary`` and ``schedule``
    read one allocation: the model's plan rounded into whole contacts, not the fractional plan.
    """
    from dataclasses import replace

    booked: dict[int, tuple[float, ...]] = {}
    for rc in books.values():
        for j, st in enumerate(rc.streams):
            booked[st.index] = tuple(float(v) for v in rc.books.served[j].sum(axis=0))
    zero = (0.0,) * problem.calendar.n_slots
    streams = tuple(replace(s, contacts=booked.get(i, zero)) for i, s in enumerate(solution.streams))
    out = replace(solution, streams=streams)
    hours = out.tier_hours()
    coverage = {}
    for t in problem.tiers:
        need = t.required_hours
        got = hours.get(t.key, 0.0)
        # Every contact booked is the standard met, whatever the float sums say (one 10-minute
        # call short of a tier of a million hours is still 1.7e-7 of it).
        coverage[t.key] = 1.0 if need <= 0 or got >= need * (1 - 1e-12) else got / need
    return replace(out, coverage=coverage)


@dataclass(frozen=True)
class RoundingGap:
    """A tier whose whole contacts at a fixed headcount differ from the model's fractional
    allocation by more than whole-contact rounding (1 % of its hours or one visit, the larger)."""

    tier: str  # channel.tier
    model_hours: float  # the fractional allocation's hours a year
    delivered_hours: float  # the whole-contact books' hours a year (what is reported)

    @property
    def difference(self) -> float:
        """Booked less fractional hours (negative: the tier gets less than the model gives it)."""
        return self.delivered_hours - self.model_hours


def rounding_gaps(problem: Any, fractional: Any, booked: Any) -> list[RoundingGap]:
    """Tiers whose booked hours differ from the fractional allocation's by more than 1 % of their
    standard's hours or one visit (the longest contact), whichever is larger."""
    model, got = fractional.tier_hours(), booked.tier_hours()
    gaps = []
    for t in problem.tiers:
        longest = max((p.minutes for p in t.parts), default=0.0) / 60.0
        m, b = model.get(t.key, 0.0), got.get(t.key, 0.0)
        if abs(b - m) > max(ROUNDING_SHARE * t.required_hours, longest) + 1e-6:
            gaps.append(RoundingGap(f"{t.key[0]}.{t.key[1]}", m, b))
    return gaps


def undecided_warnings(books: dict[str, RoleCalendar], solver: str, time_limit: float) -> list[str]:
    """One line per role whose heads count a book the solver left unsettled (:class:`BookUndecided`)."""
    from planner.i18n import _
    from planner.model.solver import resolve_solver_name

    words = (
        _(
            "{role}: the solver stopped at its time limit ({seconds:g} s) before settling whether "
            "{books} manager book(s) fit; each was counted as not fitting, so {role} may show more "
            "heads than it needs"
        )
        if resolve_solver_name(solver) == "highs"
        else _(
            "{role}: the solver stopped at its time limit ({seconds:g} s) before settling whether "
            "{books} manager book(s) fit; each was counted as not fitting, so {role} may show more "
            "heads than it needs (HiGHS, the default solver, settles such books in seconds)"
        )
    )
    return [
        words.format(role=role, seconds=time_limit, books=rc.books.undecided)
        for role, rc in books.items()
        if rc.books.undecided
    ]
