"""The hand-drawn SVG bar chart: scale, geometry and the words that go with each bar."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from boards.keystats import StatisticRow, change
from boards.models import Indicator
from partnership.periods import FinancialYear
from reporting.charts import TONE_COLOURS, change_chart

B = Indicator.Better


def row(name, current, previous, better=B.LOWER):
    indicator = Indicator(name=name, better=better)
    return StatisticRow(
        indicator=indicator,
        year=FinancialYear(2025),
        quarter=3,
        current=None if current is None else Decimal(current),
        previous=None if previous is None else Decimal(previous),
        change=change(current, previous, better),
    )


def test_no_chart_when_nothing_can_be_compared():
    assert change_chart([row("New indicator", "5", None)], title="t") is None


def test_rises_go_right_falls_go_left_on_a_round_scale():
    chart = change_chart(
        [row("Burglary", "90", "100"), row("Violence", "104", "100"), row("New", "5", None)],
        title="Change",
    )
    fall, rise, new = chart.bars
    assert [tick.label for tick in chart.ticks] == ["-10%", "-5%", "0%", "+5%", "+10%"]
    assert fall.x + fall.width == pytest.approx(chart.zero_x)  # ends at zero, drawn leftwards
    assert rise.x == pytest.approx(chart.zero_x)
    assert fall.width == pytest.approx(rise.width * 10 / 4, rel=0.01)
    assert fall.colour == TONE_COLOURS["good"] and rise.colour == TONE_COLOURS["bad"]
    assert (fall.text, rise.text, new.text) == (
        "-10.00% (fall, good)", "+4.00% (rise, bad)", "no comparison",
    )  # fmt: skip
    assert new.width == 0


def test_long_names_are_shortened_on_the_chart_only():
    name = "First-time entrants to the youth justice system aged 10 to 17"
    (bar,) = change_chart([row(name, "16", "20")], title="t").bars
    assert bar.label.endswith("…") and len(bar.label) <= 36
    assert bar.full_label == name


def test_the_svg_has_a_title_a_description_and_text_labels():
    chart = change_chart([row("Violence & injury", "104", "100")], title="Change <2025>")
    svg = render_to_string(
        "reporting/pdf/charts/bars.html", {"chart": chart, "figure_id": "f", "caption_ref": 4}
    )
    assert 'role="img"' in svg and 'aria-labelledby="f-title f-desc"' in svg
    assert '<title id="f-title">Change &lt;2025&gt;</title>' in svg
    assert "<desc" in svg and "Largest rise: Violence &amp; injury, +4.00%." in svg
    assert ">+4.00% (rise, bad)</text>" in svg
