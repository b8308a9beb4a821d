"""Bar charts as inline SVG, drawn on the server: no JavaScript, no CDN, the same picture in the
HTML page, the stored HTML file and the PDF."""

from xml.sax.saxutils import escape

from .structure import BarChart

COLOURS = {"red": "#b3261e", "amber": "#d49a00", "green": "#2e7d32", "": "#3f6291"}
# Drawn at about 160 mm on an A4 page: sizes in SVG units that print at ~10 pt.
WIDTH = 600
LABEL_WIDTH = 250
VALUE_WIDTH = 50
ROW = 20
BAR = 14
LABEL_CHARS = 36


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def svg(chart: BarChart) -> str:
    """A horizontal bar per item, its figure at the end, a dashed line at each bar's mark."""
    values = [b.value for b in chart.bars if b.value is not None]
    marks = [b.mark for b in chart.bars if b.mark is not None]
    top = max([*values, *marks, 0]) or 1
    top *= 1.05
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(chart.bars) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-label="{escape(chart.title, {chr(34): "&quot;"})}" '
        'font-family="Times New Roman, Liberation Serif, DejaVu Serif, serif" font-size="13">'
    ]
    for i, bar in enumerate(chart.bars):
        y = 3 + i * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 2}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
        )
        length = 0 if bar.value is None else max(0.0, bar.value) / top * plot
        colour = COLOURS.get(bar.tone, COLOURS[""])
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR - 2}">{escape(bar.text)}</text>'
        )
        if bar.mark is not None:
            x = LABEL_WIDTH + bar.mark / top * plot
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 2}" x2="{x:.1f}" y2="{y + BAR + 2}" '
                'stroke="#222" stroke-width="1" stroke-dasharray="2,2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
