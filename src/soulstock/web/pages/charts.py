"""Small server-rendered SVG charts: axes, labels and an accessible title; no JS, no CDN.

Each chart is a ``<svg role="img">`` with ``<title>`` and ``<desc>``; every data point is an
element with class ``point`` and its own ``<title>`` (the value, for hover and screen readers).
Labels come in already translated; values are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40


@dataclass(frozen=True, slots=True)
class Mark:
    """A vertical marker at category index ``at``: a drop or release opening, or (``kind``
    "mention") a secondary-market mention the seller logged."""

    at: int
    label: str
    kind: str = "drop"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(((int(value) // step) + 1) * step)


def _frame(title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    )
    return Markup(head + "".join(body) + "</svg>")


def _axes(top: float, label_every: int, labels: Sequence[str], unit: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    out = [
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" '
        f'x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}"/>',
    ]
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - BOTTOM - plot_h * i / 4
        text = f"{value:.0%}" if unit == "%" else f"{value:g}"
        out.append(
            f'<text class="tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{text}</text>'
        )
    step = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    for i, label in enumerate(labels):
        if i % label_every == 0:
            x = LEFT + step * (i + 0.5)
            out.append(
                f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return out


def bars(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    unit: str = "",
    marks: Sequence[Mark] = (),
) -> Markup:
    """A bar per category (``unit="%"`` for shares 0..1), with optional vertical markers."""
    top = 1.0 if unit == "%" else _nice_max(max(values, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(1, len(values))
    body = _axes(top, max(1, len(labels) // 8), labels, unit)
    for i, value in enumerate(values):
        h = plot_h * value / top
        x = LEFT + step * i + step * 0.15
        shown = f"{value:.1%}" if unit == "%" else f"{value:g}"
        body.append(
            f'<rect class="point" x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" '
            f'width="{step * 0.7:.1f}" height="{h:.1f}" data-value="{value:g}">'
            f"<title>{escape(labels[i])}: {shown}</title></rect>"
        )
    for mark in marks:
        x = LEFT + step * (mark.at + 0.5)
        body.append(
            f'<line class="mark mark-{escape(mark.kind)}" x1="{x:.1f}" y1="{TOP}" '
            f'x2="{x:.1f}" y2="{HEIGHT - BOTTOM}">'
            f"<title>{escape(mark.label)}</title></line>"
        )
    desc = "; ".join(f"{label}: {value:g}" for label, value in zip(labels, values, strict=True))
    return _frame(title, desc[:2000], body)
