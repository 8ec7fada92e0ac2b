"""Each section of the annual report against the known year, an empty year, and 10x data."""

import datetime as dt
from decimal import Decimal

import pytest

from reporting.annual import SECTIONS, AnnualReport
from reporting.sections import Period
from reporting.sections.budget import build_annual_funding
from reporting.sections.governance import build_governance
from reporting.sections.narrative import (
    build_area,
    build_chair_message,
    build_introduction,
    build_whats_next,
)
from reporting.sections.panels import build_panels
from reporting.sections.priorities import build_priorities
from reporting.sections.reviews import build_reviews

from .annual_fixtures import YEAR_PRODUCED_ON, known_year
from .fixtures import YEAR, empty_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(db):
    return known_year()


def period_of(board, produced_on=YEAR_PRODUCED_ON) -> Period:
    return Period(board=board, year=YEAR, quarter=None, produced_on=produced_on)


def test_the_whole_year_is_the_period():
    period = Period(board=None, year=YEAR, quarter=None, produced_on=YEAR_PRODUCED_ON)
    assert (period.start, period.end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert period.label == "2025/26" and period.noun == "year"
    assert period.months == "April 2025 to March 2026"
    assert period.as_at == dt.date(2026, 3, 31) and not period.in_progress


def test_the_sections_are_in_the_annual_reports_order():
    assert SECTIONS.headings == [
        "Message from the Chair",
        "Introduction and purpose",
        "The area and key statistics",
        "Governance and membership",
        "Priorities",
        "Funding",
        "Case panels",
        "Statutory reviews",
        "What's next",
    ]


# --- Written sections ----------------------------------------------------------------------


def test_the_chairs_message_is_rendered_and_signed_by_the_chair(year):
    data = build_chair_message(period_of(year.board))
    assert not data.text.empty
    assert "<strong>their commitment</strong>" in data.text.html
    assert '<a href="https://example.org/strategy"' in data.text.html
    chair = year.board.memberships.get(role="chair")
    assert data.chair.name == chair.person.full_name
    assert data.chair.organisation == "Organisation A"


def test_introduction_area_and_whats_next_come_from_the_narrative(year):
    period = period_of(year.board)
    assert "statutory alliance" in build_introduction(period).text.html
    area = build_area(period)
    assert "<li>The median age is 35</li>" in area.text.html
    following = build_whats_next(period)
    assert "<h4>Reoffending</h4>" in following.text.html  # "##" sits below the section heading
    assert following.next_year == "2026/27"


def test_a_year_with_nothing_written_says_so_in_words(year):
    period = Period(year.board, YEAR.previous(), None, YEAR_PRODUCED_ON)
    data = build_chair_message(period)
    assert data.text.empty
    assert data.text.missing == "No message from the Chair has been written for 2024/25."
    assert (
        build_introduction(period).text.missing == "No introduction has been written for 2024/25."
    )
    assert build_whats_next(period).text.empty


# --- The area and key statistics -----------------------------------------------------------


def test_statistics_for_the_whole_year_against_the_year_before(year):
    data = build_area(period_of(year.board)).statistics
    rows = {row.indicator.name: row for row in data.rows}
    assert (data.this_period, data.last_period) == ("2025/26", "2024/25")
    abuse = rows["Domestic abuse incidents"]
    assert (abuse.current, abuse.previous) == (Decimal("4523"), Decimal("4557"))
    assert abuse.change.difference_display == "-34"
    assert (abuse.change.percent_display, abuse.change.words) == ("-0.75%", "fall, good")
    violence = rows["Violence with injury"].change
    assert (violence.percent_display, violence.words) == ("-10.30%", "fall, good")
    hate = rows["Hate crime offences"].change
    assert (hate.percent_display, hate.words) == ("-4.61%", "fall, neither good nor bad")
    assert "3 of 3 indicators can be compared" in data.chart.description


# --- Governance and membership -------------------------------------------------------------


def test_attendance_grid_by_quarter_with_percentages(year):
    data = build_governance(period_of(year.board))
    grid = {line.label: (line.cells, line.percentage) for line in data.grid}
    assert grid == {
        "Organisation A": (("Member", "Member", "Member, Member", "Member"), 100.0),
        "Organisation B": (("Absent", "Member", "Deputy, Member", "Member"), 80.0),
        "Organisation C": (("Deputy", "Absent", "Absent, Member", "Absent"), 40.0),
        "Organisation D": (("Member", "Absent", "Absent, Deputy", "Member"), 60.0),
    }
    assert (data.attended, data.expected, data.percentage) == (14, 20, 70.0)
    assert [(c.label, c.dates) for c in data.quarters] == [
        ("Q1", (dt.date(2025, 6, 12),)),
        ("Q2", (dt.date(2025, 9, 11),)),
        ("Q3", (dt.date(2025, 10, 9), dt.date(2025, 12, 4))),
        ("Q4", (dt.date(2026, 3, 5),)),
    ]
    assert (data.held, data.cancelled) == (5, 1)


def test_a_quarter_without_a_meeting_says_no_meeting(year):
    year.board.meetings.filter(starts_at__date=dt.date(2026, 3, 5)).update(status="cancelled")
    data = build_governance(period_of(year.board))
    assert data.grid_row("Organisation A").cells[3] == "No meeting"
    assert data.grid_row("Organisation B").percentage == 75.0  # 3 of 4
    assert data.cancelled == 2


def test_members_by_organisation_officers_apart_and_the_groups_reporting_in(year):
    data = build_governance(period_of(year.board))
    assert [m.organisation for m in data.members] == [f"Organisation {x}" for x in "ABCD"]
    assert [m.role for m in data.members] == ["Chair", "Member", "Member", "Member"]
    assert len(data.officers) == 1 and not data.officers[0].voting
    assert [g.name for g in data.sub_groups] == ["Riverside One Panel", "VAWG Forum"]
    assert data.organisations == 4


# --- Priorities ----------------------------------------------------------------------------


def test_each_priority_with_its_status_in_words_and_the_written_parts(year):
    data = build_priorities(period_of(year.board))
    (plan,) = data.plans
    (part,) = plan.priorities
    assert part.priority.title == "Reduce serious violence"
    # 1.1 ended Blue in November, 1.2 back at Red in December, 1.3 Amber in January.
    assert part.status_text == (
        "3 key actions: 1 complete (Blue), 1 on hold (Amber) and 1 not started (Red). "
        "None was overdue on 31 March 2026."
    )
    assert "serious violence among people under 25" in part.aims.html
    assert "<li>Trained 30 teachers</li>" in part.achievements.html
    assert "fell by 13%" in part.impact.html
    assert not part.aims_from_plan
    assert (data.complete, data.key_actions) == (1, 3)


def test_overdue_key_actions_are_counted_at_the_years_end(year):
    from boards.models import KeyAction

    KeyAction.objects.filter(priority__plan__board=year.board).update(deadline=dt.date(2026, 1, 31))
    (part,) = build_priorities(period_of(year.board)).plans[0].priorities
    assert part.status_text.endswith("Two were overdue on 31 March 2026.")


def test_a_priority_without_written_aims_shows_the_plans_aim_or_says_nothing_was_written(year):
    year.priority_narrative.delete()
    priority = year.board.plans.get().priorities.get()
    (part,) = build_priorities(period_of(year.board)).plans[0].priorities
    assert part.aims.missing == "No aims have been written for this priority for 2025/26."
    assert part.aims.empty and part.achievements.empty and part.impact.empty
    priority.aim = "Fewer young people harmed by violence."
    priority.save()
    (part,) = build_priorities(period_of(year.board)).plans[0].priorities
    assert part.aims_from_plan and "Fewer young people" in part.aims.html


# --- Funding -------------------------------------------------------------------------------


def test_budget_income_by_organisation_and_expenditure_by_category(year):
    data = build_annual_funding(period_of(year.board))
    budget = data.budget
    assert [(g.name, g.total) for g in budget.income] == [
        ("Office of the Police and Crime Commissioner", Decimal("85000.00")),
        ("Organisation A", Decimal("120000.00")),
        ("Organisation B", Decimal("25000.00")),
    ]
    assert [(g.name, g.total) for g in budget.expenditure] == [
        ("Commissioned services", Decimal("80000.00")),
        ("Staffing", Decimal("150000.00")),
    ]
    assert budget.total_income == budget.total_expenditure == Decimal("230000.00")
    assert budget.balanced


def test_poca_awards_made_in_the_year_and_the_funds_position(year):
    data = build_annual_funding(period_of(year.board))
    (award,) = data.awards
    assert (award.organisation, award.amount) == (
        "Riverside Youth Outreach Trust",
        Decimal("71818"),
    )
    assert data.awarded == Decimal("71818.00")
    assert data.not_approved == 1  # the street pastors' bid, declined in October
    (fund,) = data.fund.funds
    assert fund.balances.available == Decimal("38182.00")


# --- Case panels and statutory reviews over the year -------------------------------------


def test_case_panels_and_reviews_are_counted_over_the_whole_year(year):
    period = period_of(year.board)
    (panel,) = build_panels(period).panels
    assert dict(panel.rows())["Referrals received"] == 3
    reviews = build_reviews(period)
    assert reviews.referred == 5
    assert [line.reference for line in reviews.decided] == [
        "DHR-2025-01", "LLR-2025-01", "SAR-2025-01",
    ]  # fmt: skip
    assert [line.reference for line in reviews.published] == ["SAR-2025-01"]
    assert reviews.recommendations.percent_complete == 50


# --- An empty year -------------------------------------------------------------------------


def test_an_empty_year_builds_every_section_with_nothing_in_it(db):
    board = empty_board()
    data = AnnualReport().build({"board": board.pk, "year": "2025/26"}, today=YEAR_PRODUCED_ON)
    governance = data.section("governance")
    assert governance.held == 0 and governance.grid == [] and governance.percentage is None
    assert len(governance.members) == 4  # members, even without meetings
    assert data.section("chair").text.empty and data.section("chair").chair is not None
    assert data.section("priorities").plans == []
    funding = data.section("funding")
    assert funding.budget.is_empty and funding.awards == [] and funding.fund.funds == []
    assert data.section("panels").panels == []
    assert data.section("area").statistics.rows == []


def test_builder_reports_progress_through_the_callback(year):
    seen = []
    AnnualReport().build(
        year.inputs, lambda pct, stage="": seen.append((pct, stage)), today=YEAR_PRODUCED_ON
    )
    percents = [pct for pct, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 80
    assert any(stage == "Gathering governance and membership" for _, stage in seen)


# --- Query counts --------------------------------------------------------------------------

BUILDERS = {
    build_chair_message: 2,  # the chair's membership, the message
    build_introduction: 1,
    build_area: 3,  # the narrative, then indicators and their values
    build_governance: 6,  # grid (3), meetings not held, memberships, sub-groups
    build_priorities: 6,  # plans, plan summary (4), the written parts
    build_annual_funding: 4,  # budget lines, funds, one balance per fund, decisions
    build_panels: 5,  # the board tree, the panels, three per panel
    build_reviews: 6,  # the board tree, then reviews, clocks, pauses and two for progress
    build_whats_next: 1,
}


def test_every_section_has_its_query_count_pinned():
    assert {s.build for s in SECTIONS} == set(BUILDERS)


@pytest.mark.parametrize("scale", [1, 10])
def test_section_queries_do_not_grow_with_the_data(scale, django_assert_num_queries):
    known = known_year(scale)
    period = period_of(known.board)
    for builder, queries in BUILDERS.items():
        with django_assert_num_queries(queries):
            builder(period)


@pytest.mark.parametrize("scale", [1, 10])
def test_whole_report_data_takes_a_fixed_number_of_queries(scale, django_assert_num_queries):
    known = known_year(scale)
    with django_assert_num_queries(1 + sum(BUILDERS.values())):  # the board, then the sections
        AnnualReport().build(known.inputs, today=YEAR_PRODUCED_ON)


def test_quarters_not_yet_over_say_so_rather_than_no_meeting(year):
    year.board.meetings.filter(starts_at__date=dt.date(2026, 3, 5)).update(status="scheduled")
    data = build_governance(period_of(year.board, produced_on=dt.date(2026, 2, 1)))
    # On 1 February the March meeting is still to come: Q4 has not met yet.
    assert data.grid_row("Organisation A").cells[3] == "Not yet"
    assert [c.unfinished for c in data.quarters] == [False, False, False, True]
    assert (data.held, data.scheduled) == (4, 1)


def test_a_quarter_of_many_meetings_counts_attendance_instead_of_listing_it():
    import datetime as dt

    from boards.grid import ABSENT, DEPUTY, MEMBER
    from reporting.sections.governance import QuarterColumn, _cell

    days = tuple(dt.date(2025, 4, d) for d in (1, 8, 15, 22, 29))
    column = QuarterColumn(1, days)
    marks = [MEMBER, DEPUTY, ABSENT, None, MEMBER]  # not a member at the fourth
    assert _cell(marks, column) == "3 of 4 (1 by deputy)"
    assert _cell([MEMBER, ABSENT, MEMBER], QuarterColumn(1, days[:3])) == "Member, Absent, Member"
    assert _cell([MEMBER] * 4, column) == "4 of 4"
