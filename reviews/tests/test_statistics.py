"""The panel's statistics: counts on a small known dataset, in a fixed number of queries."""

import datetime as dt

import pytest

from boards.tests.factories import MeetingFactory, OrganisationFactory, at
from partnership.periods import FinancialYear
from reviews.models import Case, CaseListing
from reviews.statistics import (
    panel_statistics,
    panel_statistics_for_quarter,
    panel_statistics_for_year,
)
from reviews.tests.factories import CaseFactory, ccm, marac

pytestmark = pytest.mark.django_db

Q1 = (dt.date(2025, 4, 1), dt.date(2025, 6, 30))  # 2025/26 Q1


def listed(case, meeting, heard=True):
    return CaseListing.objects.create(case=case, meeting=meeting, order=1, minutes=15, heard=heard)


@pytest.fixture
def dataset():
    panel = marac()
    in_q1 = MeetingFactory(board=panel, starts_at=at(dt.date(2025, 5, 10)))
    after = MeetingFactory(board=panel, starts_at=at(dt.date(2025, 7, 10)))
    police = OrganisationFactory(name="Riverside Police")
    health = OrganisationFactory(name="Riverside Health")
    housing = OrganisationFactory(name="Riverside Homes")

    def case(referred, agency, **fields):
        return CaseFactory(
            panel=panel, referral_date=referred, referring_organisation=agency, **fields
        )

    one = case(
        dt.date(2025, 4, 2),
        police,
        reason_repeat=True,
        gender="female",
        age_band="25_34",
        ethnicity="white",
        children_in_household=2,
        transferred_in_from="Northshire",
        transferred_in_on=dt.date(2025, 4, 2),
    )
    two = case(dt.date(2025, 4, 20), police, gender="female", age_band="18_24", ethnicity="asian")
    two.children_in_household = 0
    two.save()
    three = case(
        dt.date(2025, 5, 1),
        health,
        gender="male",
        disability="yes",
        status=Case.Status.CLOSED,
        closure_reason="transferred_out",
        closed_on=dt.date(2025, 6, 15),
        transferred_out_to="Eastport",
        transferred_out_on=dt.date(2025, 6, 15),
    )
    four = case(dt.date(2025, 6, 20), health)
    five = case(dt.date(2025, 3, 15), police, children_in_household=1)
    six = case(dt.date(2025, 6, 25), housing, reason_repeat=True)
    for heard in (one, two, three, five):
        listed(heard, in_q1)
    listed(three, after, heard=False)
    listed(four, in_q1, heard=False)
    listed(six, after)
    # Another panel's case heard the same day must not count.
    other = ccm()
    other_case = CaseFactory(panel=other, referral_date=dt.date(2025, 4, 3))
    listed(other_case, MeetingFactory(board=other, starts_at=at(dt.date(2025, 5, 10))))
    return panel


def test_counts_for_a_quarter(dataset):
    stats = panel_statistics(dataset, *Q1)
    assert stats.referrals == 5
    assert [(t.label, t.count) for t in stats.referrals_by_agency] == [
        ("Riverside Health", 2),
        ("Riverside Police", 2),
        ("Riverside Homes", 1),
    ]
    assert (stats.cases_heard, stats.repeat_cases, stats.repeat_rate) == (4, 1, 25.0)
    assert (stats.children, stats.cases_with_children, stats.children_not_known) == (3, 2, 1)
    assert (stats.transfers_in, stats.transfers_out, stats.cases_closed) == (1, 1, 1)


def test_demographics_are_counts_over_every_category(dataset):
    stats = panel_statistics(dataset, *Q1)
    gender = {t.key: t.count for t in stats.demographics["gender"]}
    assert gender == {"female": 2, "male": 1, "another": 0, "not_known": 1, "prefer_not": 0}
    ages = {t.label: t.count for t in stats.demographics["age_band"]}
    assert (ages["18-24"], ages["25-34"], ages["Not known"]) == (1, 1, 2)
    assert sum(t.count for t in stats.demographics["ethnicity"]) == stats.cases_heard
    disability = {t.key: t.count for t in stats.demographics["disability"]}
    assert disability["yes"] == 1
    assert set(stats.demographics) == {
        "age_band",
        "gender",
        "ethnicity",
        "disability",
        "sexual_orientation",
    }
    reasons = {t.key: t.count for t in stats.reasons}
    assert reasons["reason_visible_high_risk"] == 4 and reasons["reason_repeat"] == 1


def test_the_output_holds_no_labels_or_references(dataset):
    text = repr(panel_statistics(dataset, *Q1).as_dict())
    assert "Subject" not in text and "TEST-" not in text
    assert "'repeat_rate': 25.0" in text


def test_the_quarter_and_year_helpers_use_the_financial_calendar(dataset):
    assert panel_statistics_for_quarter(dataset, "2025/26", 1) == panel_statistics(dataset, *Q1)
    q2 = panel_statistics_for_quarter(dataset, FinancialYear(2025), 2)
    assert (q2.start, q2.end, q2.cases_heard, q2.referrals) == (
        dt.date(2025, 7, 1),
        dt.date(2025, 9, 30),
        1,
        0,
    )
    year = panel_statistics_for_year(dataset, "2025/26")
    assert (year.cases_heard, year.referrals) == (5, 5)


def test_an_empty_period_has_no_repeat_rate(dataset):
    stats = panel_statistics(dataset, dt.date(2020, 1, 1), dt.date(2020, 3, 31))
    assert (stats.cases_heard, stats.repeat_rate, stats.children) == (0, None, 0)


@pytest.mark.parametrize("size", [10, 100])
def test_the_query_count_does_not_grow_with_the_cases(size, django_assert_max_num_queries):
    panel = marac()
    meeting = MeetingFactory(board=panel, starts_at=at(dt.date(2025, 5, 10)))
    agencies = [OrganisationFactory() for _ in range(5)]
    for n in range(size):
        case = CaseFactory(
            panel=panel, referral_date=dt.date(2025, 4, 1), referring_organisation=agencies[n % 5]
        )
        listed(case, meeting)
    with django_assert_max_num_queries(3):
        stats = panel_statistics(panel, *Q1)
    assert stats.cases_heard == stats.referrals == size
