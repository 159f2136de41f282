"""Inline SVG charts for the self-contained branch report: no scripts, no fonts, no files.

Each function returns one ``<svg>`` element as text, laid out in a fixed ``viewBox`` and scaled by
the page (``width: 100%``), so the same bytes print on A4 and show on a wide screen. Every label is
escaped (:func:`html.escape`); numbers are formatted with fixed decimals, so the same data gives the
same bytes. A value label that repeats a figure of ``branch.json`` carries ``data-json`` with its
key path (the tests check it against the JSON); axis ticks have ``class="tick"``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

#: Series colours (colour-blind safe, after Okabe and Ito's palette), used in order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: Bar colours by coverage: met, close (>= 90 %), short.
MET, CLOSE, SHORT = "#009E73", "#E69F00", "#D55E00"


def _n(x: float) -> str:
    """A coordinate with at most one decimal (stable text)."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr(json_path: str | None, fmt: str) -> str:
    return f' data-json="{escape(json_path)}" data-fmt="{escape(fmt)}"' if json_path else ""


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the text shown beside it and the JSON path of that figure."""

    label: str
    value: float
    text: str
    json_path: str | None = None
    colour: str | None = None
    #: How ``text`` writes ``value`` (the report's ``data-fmt`` words: ``pct``, ``int`` ...).
    fmt: str = "pct"


def coverage_colour(x: float) -> str:
    """Green when met, amber when within 10 %, red when further short."""
    if x >= 1 - 1e-9:
        return MET
    return CLOSE if x >= 0.9 else SHORT


def hbar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    scale_max: float | None = None,
    reference: float | None = None,
    reference_label: str = "",
    label_width: int = 230,
    width: int = 760,
    bar_height: int = 18,
) -> str:
    """Horizontal bars, one per row, the value's text at the bar's end; a dashed reference line."""
    top, gap = 28, 6
    plot_w = width - label_width - 70
    top_value = max([scale_max or 0.0, *(b.value for b in bars), reference or 0.0]) or 1.0
    height = top + len(bars) * (bar_height + gap) + 24
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    ref_x = None if reference is None else label_width + reference / top_value * plot_w
    for i, b in enumerate(bars):
        y = top + i * (bar_height + gap)
        w = max(0.0, b.value) / top_value * plot_w
        text_x = label_width + w + 5
        if ref_x is not None and ref_x - 2 <= text_x < ref_x + 5:  # clear of the reference line
            text_x = ref_x + 5
        colour = b.colour or PALETTE[0]
        out.append(
            f'<text class="label" x="{label_width - 8}" y="{_n(y + bar_height * 0.72)}" '
            f'text-anchor="end">{escape(b.label)}</text>'
        )
        out.append(f'<rect x="{label_width}" y="{y}" width="{_n(w)}" height="{bar_height}" fill="{colour}"/>')
        out.append(
            f'<text class="value" x="{_n(text_x)}" y="{_n(y + bar_height * 0.72)}"'
            f"{_attr(b.json_path, b.fmt)}>{escape(b.text)}</text>"
        )
    if reference is not None:
        x = label_width + reference / top_value * plot_w
        bottom = top + len(bars) * (bar_height + gap)
        out.append(
            f'<line x1="{_n(x)}" y1="{top - 6}" x2="{_n(x)}" y2="{bottom}" stroke="#333" '
            'stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text class="tick" x="{_n(x)}" y="{top - 10}" text-anchor="middle">'
            f"{escape(reference_label)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name and one value per x position (None: no point)."""

    name: str
    values: Sequence[float | None]
    dashed: bool = False
    step: bool = False


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "",
    tick_every: int = 1,
    width: int = 760,
    height: int = 260,
    y_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> str:
    """Lines over a categorical x axis (intervals of a day, periods of a plan), with a legend.

    ``step`` draws a series as a staircase (a value holds over its interval: staffing levels).
    """
    legend_rows = (len(series) + 3) // 4
    left, right, top, bottom = 56, 16, 30, 30 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    y_max = _nice_max(max(values, default=1.0))
    n = max(len(x_labels), 1)
    step_w = plot_w / n

    def x_at(i: float) -> float:
        return left + i * step_w

    def y_at(v: float) -> float:
        return top + plot_h - (v / y_max) * plot_h

    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):  # horizontal grid and y ticks
        level = y_max * k / 4
        gy = y_at(level)
        out.append(f'<line x1="{left}" y1="{_n(gy)}" x2="{width - right}" y2="{_n(gy)}" stroke="#ddd"/>')
        tick = escape(y_format(level))
        out.append(f'<text class="tick" x="{left - 6}" y="{_n(gy + 4)}" text-anchor="end">{tick}</text>')
    for i, label in enumerate(x_labels):
        if i % tick_every == 0:
            out.append(
                f'<text class="tick" x="{_n(x_at(i + 0.5))}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    if y_label:
        out.append(f'<text class="tick" x="{left}" y="{top - 12}">{escape(y_label)}</text>')
    for s_i, s in enumerate(series):
        colour = PALETTE[s_i % len(PALETTE)]
        points: list[str] = []
        for i, v in enumerate(s.values):
            if v is None:
                continue
            if s.step:
                points.append(f"{_n(x_at(i))},{_n(y_at(v))}")
                points.append(f"{_n(x_at(i + 1))},{_n(y_at(v))}")
            else:
                points.append(f"{_n(x_at(i + 0.5))},{_n(y_at(v))}")
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        if len(points) == 1:  # one period: a dot
            cx, cy = points[0].split(",")
            out.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        elif points:
            joined = " ".join(points)
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{joined}"/>')
        lx = left + (s_i % 4) * 180
        ly = height - bottom + 34 + (s_i // 4) * 18
        out.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="3"{dash}/>'
        )
        out.append(f'<text class="legend" x="{lx + 28}" y="{ly}">{escape(s.name)}</text>')
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#555"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def _nice_max(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k not below ``x`` (a round top for the y axis)."""
    import math

    if x <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= x - 1e-12:
            return m * power
    return 10 * power  # pragma: no cover
