"""Charts as SVG, drawn on the server: the same markup serves the web pages and the PDFs,
needs no script, and prints."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from appraisal.templatetags.parcouncil import two


def vi_number(value) -> str:
    """A count as it is; a value with two decimals in the reader's format (88,80)."""
    return str(value) if isinstance(value, int) else two(value)


ROW = 18
LABEL = 210
WIDTH = 640
COLOURS = {"A": "#198754", "B": "#0d6efd", "C": "#fd7e14", "D": "#dc3545"}


def bar_chart(
    rows: Sequence[tuple[str, Decimal | int, str]],
    *,
    title: str,
    maximum: Decimal | int = Decimal(100),
    reference: Decimal | None = None,
    reference_label: str = "",
) -> SafeString:
    """Horizontal bars: (label, value, group letter or "") per row, 0 to `maximum`; an
    optional reference line (the average)."""
    plot = WIDTH - LABEL - 60
    height = ROW * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, value, group) in enumerate(rows):
        y = 10 + index * ROW
        length = float(value / maximum) * plot if maximum else 0
        colour = COLOURS.get(group, "#6c757d")
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 12}" text-anchor="end" font-size="11">{escape(label[:34])}</text>'
            f'<rect x="{LABEL}" y="{y + 2}" width="{max(length, 0):.1f}" height="{ROW - 5}" fill="{colour}"/>'
            f'<text x="{LABEL + max(length, 0) + 4:.1f}" y="{y + 12}" font-size="11">{escape(vi_number(value))}</text>'
        )
    if reference is not None and maximum:
        x = LABEL + float(reference / maximum) * plot
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 16}" stroke="#212529" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" font-size="10">{escape(reference_label)} {escape(vi_number(reference))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    points: list[tuple[str, Decimal]], *, title: str, maximum=Decimal(100)
) -> SafeString:
    """A value over the years: (label, value) per point, 0 to `maximum`. Drawn narrow so that
    its text stays readable when a phone shrinks it."""
    width, height, left, bottom, top, right = 400, 200, 34, 28, 22, 30
    plot_w, plot_h = width - left - right, height - bottom - top
    step = plot_w / max(len(points) - 1, 1)

    def y(value) -> float:
        return top + plot_h - float(value / maximum) * plot_h if maximum else top + plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        ty = y(Decimal(tick) * maximum / 100)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="#dee2e6"/>'
            f'<text x="{left - 4}" y="{ty + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>'
        )
    coords = [
        (left + (index * step if len(points) > 1 else plot_w / 2), y(value))
        for index, (_label, value) in enumerate(points)
    ]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{cy:.1f}" for x, cy in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0d6efd" stroke-width="2.5"/>')
    for (x, cy), (label, value) in zip(coords, points, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="4" fill="#0d6efd"/>'
            f'<text x="{x:.1f}" y="{cy - 8:.1f}" text-anchor="middle" font-size="12" font-weight="bold">{escape(vi_number(value))}</text>'
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="12">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
