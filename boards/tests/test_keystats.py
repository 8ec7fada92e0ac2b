"""Key statistics: change against last year, whether it is good, and the table builder."""

from decimal import Decimal

import pytest

from boards.keystats import change, format_number, group_by_category, statistics_table
from boards.models import Indicator, IndicatorValue
from partnership.periods import FinancialYear

B = Indicator.Better
YEAR = FinancialYear(2024)


def test_domestic_abuse_fall_matches_the_published_figure():
    # 4,523 incidents against 4,557 the year before is the -0.75% a real report shows.
    result = change(4523, 4557, B.LOWER)
    assert result.difference == Decimal(-34)
    assert result.percent == Decimal("-0.75")
    assert result.direction == "down"
    assert result.good is True
    assert result.difference_display == "-34"
    assert result.percent_display == "-0.75%"
    assert result.arrow == "↓"
    assert result.words == "fall, good"


def test_rise_is_bad_when_lower_is_better():
    result = change(Decimal("24298"), Decimal("23984"), B.LOWER)
    assert result.difference == Decimal(314)
    assert result.percent == Decimal("1.31")
    assert (result.direction, result.good, result.tone) == ("up", False, "bad")
    assert result.difference_display == "+314"
    assert result.percent_display == "+1.31%"
    assert result.words == "rise, bad"


def test_rise_is_good_when_higher_is_better():
    result = change(110, 100, B.HIGHER)
    assert (result.direction, result.good, result.tone, result.arrow) == ("up", True, "good", "↑")
    assert result.words == "rise, good"


def test_fall_is_bad_when_higher_is_better():
    assert change(90, 100, B.HIGHER).good is False


def test_neither_has_a_direction_but_no_judgement():
    result = change(362, 338, B.NEITHER)
    assert result.direction == "up"
    assert result.good is None
    assert result.tone == "neutral"
    assert result.words == "rise, neither good nor bad"


def test_no_change_is_neither_good_nor_bad():
    result = change(50, 50, B.LOWER)
    assert (result.direction, result.good, result.arrow) == ("same", None, "→")
    assert result.percent == Decimal("0.00")
    assert result.words == "no change"


def test_zero_base_has_a_difference_but_no_percentage():
    result = change(7, 0, B.LOWER)
    assert result.difference == Decimal(7)
    assert result.percent is None
    assert result.percent_display == "n/a"
    assert result.direction == "up"
    assert result.good is False


def test_missing_previous_gives_no_comparison():
    result = change(Decimal("12"), None, B.LOWER)
    assert result.difference is None and result.percent is None
    assert result.direction is None and result.good is None
    assert result.difference_display == "n/a"
    assert result.percent_display == "n/a"
    assert result.arrow == ""
    assert result.words == "no comparison"


def test_missing_current_gives_no_comparison():
    assert change(None, 10, B.HIGHER).direction is None


def test_percent_is_rounded_half_up_to_two_places():
    assert change(Decimal("1.00005"), 1, B.LOWER).percent == Decimal("0.01")
    assert change(2, 3, B.LOWER).percent == Decimal("-33.33")


def test_numbers_are_shown_with_thousands_separators():
    assert format_number(Decimal("4523.00")) == "4,523"
    assert format_number(Decimal("27.50")) == "27.50"
    assert format_number(Decimal("-19"), sign=True) == "-19"
    assert format_number(Decimal("0"), sign=True) == "0"


# --- The table ---------------------------------------------------------------------------------


def make(name, category="Violence", better=B.LOWER, unit="count", **values):
    """An indicator with values named like y2024=10, y2024q1=3."""
    indicator = Indicator.objects.create(name=name, category=category, better=better, unit=unit)
    for key, value in values.items():
        year, _, quarter = key[1:].partition("q")
        IndicatorValue.objects.create(
            indicator=indicator,
            year=int(year),
            quarter=int(quarter) if quarter else None,
            value=value,
        )
    return indicator


@pytest.mark.django_db
def test_table_compares_whole_years_by_category_then_name():
    make("Robbery", "Acquisitive crime", y2024=773, y2023=845)
    make("Knife crime with injury", y2024=117, y2023=136)
    make("Burglary", "Acquisitive crime", y2024=1200)
    retired = make("Old indicator", y2024=1, y2023=2)
    Indicator.objects.filter(pk=retired.pk).update(active=False)

    rows = statistics_table(YEAR)

    assert [r.indicator.name for r in rows] == ["Burglary", "Robbery", "Knife crime with injury"]
    robbery = rows[1]
    assert (robbery.current, robbery.previous) == (Decimal(773), Decimal(845))
    assert robbery.change.percent == Decimal("-8.52")
    assert robbery.change.good is True
    assert rows[0].previous is None and rows[0].change.percent_display == "n/a"
    assert [(c, [r.indicator.name for r in g]) for c, g in group_by_category(rows)] == [
        ("Acquisitive crime", ["Burglary", "Robbery"]),
        ("Violence", ["Knife crime with injury"]),
    ]


@pytest.mark.django_db
def test_whole_year_is_the_sum_of_four_quarters_when_missing_and_says_so():
    make("ASB incidents", y2024q1=10, y2024q2=20, y2024q3=30, y2024q4=40, y2023=80)
    (row,) = statistics_table(YEAR)
    assert row.current == Decimal(100)
    assert row.current_from_quarters is True
    assert row.previous_from_quarters is False
    assert row.from_quarters is True
    assert row.change.percent == Decimal("25.00")
    assert row.notes == ["2024/25 is the sum of its four quarters."]


@pytest.mark.django_db
def test_a_recorded_whole_year_wins_over_the_sum_of_quarters():
    make("ASB incidents", y2024=99, y2024q1=10, y2024q2=20, y2024q3=30, y2024q4=40)
    (row,) = statistics_table(YEAR)
    assert row.current == Decimal(99)
    assert row.from_quarters is False


@pytest.mark.django_db
def test_three_quarters_are_not_a_year():
    make("ASB incidents", y2024q1=10, y2024q2=20, y2024q3=30)
    (row,) = statistics_table(YEAR)
    assert row.current is None
    assert row.change.direction is None


@pytest.mark.django_db
def test_percentages_are_not_added_up_across_quarters():
    make("Repeat MARAC referrals", unit="%", y2024q1=30, y2024q2=31, y2024q3=32, y2024q4=33)
    (row,) = statistics_table(YEAR)
    assert row.current is None


@pytest.mark.django_db
def test_quarter_compares_with_the_same_quarter_last_year():
    make("Robbery", y2024=999, y2024q2=180, y2023q2=200, y2023q3=500)
    (row,) = statistics_table(YEAR, quarter=2)
    assert (row.current, row.previous) == (Decimal(180), Decimal(200))
    assert row.change.percent == Decimal("-10.00")
    assert row.quarter == 2


@pytest.mark.django_db
def test_only_the_indicators_asked_for():
    wanted = make("Robbery", y2024=1)
    make("Burglary", y2024=2)
    assert [r.indicator for r in statistics_table(YEAR, indicators=[wanted])] == [wanted]
    chosen = Indicator.objects.filter(name="Burglary")
    assert [r.indicator.name for r in statistics_table(YEAR, indicators=chosen)] == ["Burglary"]


@pytest.mark.django_db
def test_no_indicators_gives_an_empty_table():
    assert statistics_table(YEAR) == []


def test_a_quarter_outside_one_to_four_is_refused():
    with pytest.raises(ValueError):
        statistics_table(YEAR, quarter=5)


def _indicators(count):
    for n in range(count):
        make(
            f"Indicator {n:03d}",
            category=f"Category {n % 4}",
            y2024q1=1,
            y2024q2=2,
            y2024q3=3,
            y2024q4=4,
            y2023=n + 1,
        )


# Two queries: the indicators, then every value for both years at once.
TABLE_QUERIES = 2


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_table_queries_do_not_grow_with_indicators(count, django_assert_num_queries):
    _indicators(count)
    with django_assert_num_queries(TABLE_QUERIES):
        rows = statistics_table(YEAR)
    assert len(rows) == count
    assert all(r.current == Decimal(10) for r in rows)
