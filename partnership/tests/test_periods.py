from datetime import date

import pytest

from partnership.periods import FinancialYear


@pytest.mark.parametrize(
    "day, label, quarter",
    [
        (date(2025, 4, 1), "2025/26", 1),
        (date(2025, 6, 30), "2025/26", 1),
        (date(2025, 7, 1), "2025/26", 2),
        (date(2025, 12, 31), "2025/26", 3),
        (date(2026, 1, 1), "2025/26", 4),
        (date(2026, 3, 31), "2025/26", 4),
        (date(1999, 4, 1), "1999/00", 1),
    ],
)
def test_days_fall_in_the_right_year_and_quarter(day, label, quarter):
    year = FinancialYear.containing(day)
    assert year.label == label
    assert year.quarter_of(day) == quarter


def test_quarter_bounds_cover_the_year_without_gaps():
    year = FinancialYear(2025)
    bounds = [year.quarter_bounds(q) for q in (1, 2, 3, 4)]
    assert bounds[0] == (date(2025, 4, 1), date(2025, 6, 30))
    assert bounds[2] == (date(2025, 10, 1), date(2025, 12, 31))
    assert bounds[3] == (date(2026, 1, 1), date(2026, 3, 31))
    for (_, end), (start, _) in zip(bounds, bounds[1:], strict=False):
        assert (start - end).days == 1


@pytest.mark.parametrize("text", ["2025/26", "2025"])
def test_parse_reads_a_label(text):
    assert FinancialYear.parse(text) == FinancialYear(2025)


@pytest.mark.parametrize("text", ["25/26", "2025/27", "twenty", ""])
def test_parse_refuses_anything_else_with_a_message(text):
    with pytest.raises(ValueError, match="financial year like 2025/26"):
        FinancialYear.parse(text)


def test_a_day_outside_the_year_has_no_quarter():
    with pytest.raises(ValueError):
        FinancialYear(2025).quarter_of(date(2026, 4, 1))
