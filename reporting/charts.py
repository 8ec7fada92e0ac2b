"""Charts for the PDF reports, drawn as SVG by hand.

The geometry is worked out here and the markup is in a template, so a chart needs no plotting
library and its text stays text in the PDF. Every chart has a title and a description, and the
report prints the same figures in a table beside it: colour is never the only signal (each bar
carries its value and, in words, whether the change is good or bad).

A chart is one SVG image, which WeasyPrint can neither split across pages nor shrink to fit,
and whose every letter of text it lays out on its own (about 10 ms for a 40-letter label). So a
chart draws at most ``MAX_BARS`` bars, as many as fit on an A4 page under the table: with more
indicators than that it shows the largest changes, in the table's order, and says so in its
description. The table beside it still gives every indicator.
"""

from dataclasses import dataclass
from decimal import Decimal

# Colours with text labels beside them; all three keep 4.5:1 contrast on white.
TONE_COLOURS = {"good": "#1d6b3f", "bad": "#a4262c", "neutral": "#56606b"}
NICE_STEPS = (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)

WIDTH = 700
LABEL_RIGHT = 222  # indicator names end here
PLOT_LEFT, PLOT_RIGHT = 232, 522
VALUE_LEFT = 532  # the value and its meaning, in words
TOP = 30
ROW = 21
BAR = 12
LABEL_CHARS = 36
# (TOP + ROW * 40 + 8) units at 700 to 174 mm is 218 mm, which leaves room for the caption in
# the 255 mm of an A4 page between the report's margins.
MAX_BARS = 40


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    text: str  # "+1.31% (rise, bad)" or "no comparison"
    colour: str
    y: float  # the row's middle
    x: float
    width: float

    @property
    def bar_y(self) -> float:
        return self.y - BAR / 2

    @property
    def text_y(self) -> float:
        return self.y + 4


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    zero_x: float
    width: int = WIDTH

    @property
    def height(self) -> int:
        return TOP + ROW * len(self.bars) + 8

    @property
    def plot_top(self) -> int:
        return TOP - 6

    @property
    def plot_bottom(self) -> int:
        return self.height - 4

    @property
    def label_right(self) -> int:
        return LABEL_RIGHT

    @property
    def value_left(self) -> int:
        return VALUE_LEFT


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _scale(largest: Decimal) -> int:
    for step in NICE_STEPS:
        if largest <= step:
            return step
    return int(largest.to_integral_value()) + 1


def _percent(value: float) -> str:
    return f"{value:+g}%" if value else "0%"


def change_chart(rows, *, title: str) -> BarChart | None:
    """A bar for each indicator's percentage change, rises right of zero and falls left.

    ``rows`` are ``boards.keystats.StatisticRow``; None when no indicator has a comparison.
    With more than ``MAX_BARS`` rows the chart keeps the largest changes (see the module's note).
    """
    compared = [row for row in rows if row.change.percent is not None]
    if not compared:
        return None
    total = len(rows)
    if total > MAX_BARS:
        largest = sorted(compared, key=lambda row: abs(row.change.percent), reverse=True)
        kept = {id(row) for row in largest[:MAX_BARS]}
        rows = [row for row in rows if id(row) in kept]  # still in the table's order
    scale = _scale(max(abs(row.change.percent) for row in compared))
    half = (PLOT_RIGHT - PLOT_LEFT) / 2
    zero = PLOT_LEFT + half
    bars = []
    for index, row in enumerate(rows):
        y = TOP + ROW * index + ROW / 2
        percent = row.change.percent
        if percent is None:
            x, width, text = zero, 0.0, "no comparison"
        else:
            length = float(abs(percent)) / scale * half
            x = zero if percent >= 0 else zero - length
            width = length
            text = f"{row.change.percent_display} ({row.change.words})"
        bars.append(
            Bar(
                label=_shorten(row.indicator.name),
                full_label=row.indicator.name,
                text=text,
                colour=TONE_COLOURS[row.change.tone],
                y=y,
                x=round(x, 1),
                width=round(width, 1),
            )
        )
    ticks = tuple(
        Tick(round(zero + fraction * half, 1), _percent(fraction * scale))
        for fraction in (-1, -0.5, 0, 0.5, 1)
    )
    return BarChart(
        title=title,
        description=_describe(compared, total, drawn=len(rows)),
        bars=tuple(bars),
        ticks=ticks,
        zero_x=zero,
    )


def _describe(compared, total: int, drawn: int) -> str:
    """The chart in two or three sentences, for readers who cannot see it."""
    good = sum(1 for row in compared if row.change.good is True)
    bad = sum(1 for row in compared if row.change.good is False)
    parts = [
        f"{len(compared)} of {total} indicators can be compared with the same period a year "
        f"before: {good} moved the way the partnership wants and {bad} the other way."
    ]
    rise = max(compared, key=lambda row: row.change.percent)
    fall = min(compared, key=lambda row: row.change.percent)
    if rise.change.percent > 0:
        parts.append(f"Largest rise: {rise.indicator.name}, {rise.change.percent_display}.")
    if fall.change.percent < 0:
        parts.append(f"Largest fall: {fall.indicator.name}, {fall.change.percent_display}.")
    if drawn < total:
        parts.append(
            f"To fit the page, {total - drawn} indicators with smaller changes or nothing to "
            "compare with are left off the chart; the table gives every one."
        )
    return " ".join(parts)
