"""Server-side SVG charts with a data table beside them (the page shows the table too).
Accessible: role="img" with a <title> and <desc>; no script, no inline style."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


def _n(value: float) -> str:
    return f"{value:.1f}"


def bar_chart(
    title: str, description: str, bars: list[tuple[str, Decimal | None]], *, top: int = 100
) -> SafeString:
    """A bar chart of percentages (0 to `top`), one bar per (label, value); a value of None
    draws no bar and says "no figure" under its label."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(bars), 1)
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b1b4b6" stroke-width="1"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#0b0c0c">{}%</text>',
        (
            (
                LEFT,
                WIDTH - RIGHT,
                _n(y := TOP + inner_h - inner_h * tick / top),
                _n(y),
                LEFT - 6,
                _n(y + 4),
                tick,
            )
            for tick in range(0, top + 1, 25)
        ),
    )
    parts = []
    for n, (label, value) in enumerate(bars):
        x = LEFT + step * n + step * 0.2
        w = step * 0.6
        centre = LEFT + step * n + step / 2
        if value is not None:
            h = inner_h * float(value) / top
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#1d70b8"/>'
                    '<text x="{}" y="{}" text-anchor="middle" font-size="12" '
                    'fill="#0b0c0c">{}%</text>',
                    _n(x),
                    _n(TOP + inner_h - h),
                    _n(w),
                    _n(h),
                    _n(centre),
                    _n(max(TOP + inner_h - h - 4, TOP + 10)),
                    value,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#0b0c0c">{}</text>',
                _n(centre),
                HEIGHT - BOTTOM + 16,
                label,
            )
        )
        if value is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="11" '
                    'fill="#505a5f">no figure</text>',
                    _n(centre),
                    HEIGHT - BOTTOM + 30,
                )
            )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        'viewBox="0 0 {} {}" width="100%" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH,
        HEIGHT,
        "trend",
        "trend",
        "trend",
        title,
        "trend",
        description,
        grid,
        SafeString("".join(parts)),
    )
