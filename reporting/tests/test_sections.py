"""Each section of the quarterly report against the known quarter, an empty one, and 10x data."""

import datetime as dt
from decimal import Decimal

import pytest

from boards.keystats import StatisticRow, change
from boards.models import Indicator
from reporting.charts import MAX_BARS, change_chart
from reporting.quarterly import QuarterlyReport
from reporting.sections import Period
from reporting.sections.actions import build_actions
from reporting.sections.funding import build_funding
from reporting.sections.meetings import build_meetings
from reporting.sections.panels import build_panels
from reporting.sections.plans import build_plans
from reporting.sections.reviews import build_reviews
from reporting.sections.statistics import build_statistics

from .fixtures import PRODUCED_ON, QUARTER, YEAR, empty_board, known_quarter

pytestmark = pytest.mark.django_db


def period_of(board, produced_on=PRODUCED_ON) -> Period:
    return Period(board=board, year=YEAR, quarter=QUARTER, produced_on=produced_on)


# --- Period --------------------------------------------------------------------------------


def test_period_names_the_quarter_and_counts_overdue_at_its_end(quarter):
    period = period_of(quarter.board)
    assert (period.start, period.end) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert period.label == "2025/26 Q3"
    assert period.months == "October to December 2025"
    assert period.as_at == dt.date(2025, 12, 31)
    assert not period.in_progress


def test_a_quarter_still_running_counts_up_to_today(quarter):
    period = period_of(quarter.board, produced_on=dt.date(2025, 11, 20))
    assert period.as_at == dt.date(2025, 11, 20)
    assert period.in_progress


# --- Meetings and attendance ---------------------------------------------------------------


def test_meetings_of_the_quarter_with_attendance_and_quorum(quarter):
    data = build_meetings(period_of(quarter.board))

    assert [m.date for m in data.meetings] == [dt.date(2025, 10, 9), dt.date(2025, 12, 4)]
    october, december = data.meetings
    # A member, B by deputy, C apologies, D absent: a deputy counts, apologies do not.
    assert (october.attended, october.expected, october.percentage) == (2, 4, 50.0)
    assert (december.attended, december.expected, december.percentage) == (4, 4, 100.0)
    assert data.percentage == 75.0
    assert data.cancelled == 1
    # Quarter of four voting members (the officer does not vote) is one, plus the Chair.
    assert october.quorum.quorate and october.quorum.needed == 1
    assert october.quorum.present == 2 and october.quorum.voting_members == 4
    assert data.quorate == 2


def test_attendance_grid_for_the_quarter_by_organisation(quarter):
    data = build_meetings(period_of(quarter.board))
    grid = {line.label: (line.cells, line.percentage) for line in data.grid}
    assert grid == {
        "Organisation A": (("Member", "Member"), 100.0),
        "Organisation B": (("Deputy", "Member"), 100.0),
        "Organisation C": (("Absent", "Member"), 50.0),
        "Organisation D": (("Absent", "Deputy"), 50.0),
    }


def test_an_inquorate_meeting_says_so(quarter):
    october = quarter.meetings[0]
    october.attendance.filter(membership__role="chair").update(status="apologies")
    data = build_meetings(period_of(quarter.board))
    assert not data.meetings[0].quorum.quorate
    assert "the Chair and Deputy Chair are not present" in data.meetings[0].quorum.explanation


# --- Actions -------------------------------------------------------------------------------


def test_actions_opened_closed_and_overdue_at_the_end_of_the_quarter(quarter):
    data = build_actions(period_of(quarter.board))
    assert (data.opened, data.closed, data.open_at_end) == (2, 1, 3)
    # Action 4 was completed only in January, so it was still overdue on 31 December.
    assert [(a.number, a.days_overdue) for a in data.overdue] == [(1, 31), (4, 16)]
    assert data.overdue[0].reference == "09.10.25"


# --- Strategic plan ------------------------------------------------------------------------


def test_key_actions_whose_status_moved_in_the_quarter(quarter):
    data = build_plans(period_of(quarter.board))
    (part,) = data.plans
    moves = [(m.number, m.before.colour_name, m.after.colour_name) for m in part.moves]
    # 1.2 went to Amber and back to Red: no net change. 1.3 moved to Amber only in January.
    assert moves == [("1.1", "Green", "Blue"), ("1.3", "Red", "Green")]
    assert part.moves[0].on == dt.date(2025, 11, 1)
    assert part.summary.total == 3
    assert dict((o.colour_name, n) for o, n in part.summary.totals) == {
        "Blue": 1, "Green": 0, "Amber": 1, "Red": 1,
    }  # fmt: skip


# --- Key statistics ------------------------------------------------------------------------


def test_statistics_change_and_direction_for_the_quarter(quarter):
    data = build_statistics(period_of(quarter.board))
    rows = {row.indicator.name: row for row in data.rows}
    abuse = rows["Domestic abuse incidents"]
    assert (abuse.current, abuse.previous) == (Decimal("1131"), Decimal("1140"))
    assert abuse.change.percent_display == "-0.79%"
    assert abuse.change.words == "fall, good"
    assert rows["Violence with injury"].change.percent_display == "+4.00%"
    assert rows["Violence with injury"].change.words == "rise, bad"
    assert rows["Hate crime offences"].change.words == "no comparison"
    assert (data.this_period, data.last_period) == ("2025/26 Q3", "2024/25 Q3")


def test_statistics_chart_has_a_bar_per_indicator_and_a_text_alternative(quarter):
    chart = build_statistics(period_of(quarter.board)).chart
    assert [bar.full_label for bar in chart.bars] == [
        "Domestic abuse incidents", "Hate crime offences", "Violence with injury",
    ]  # fmt: skip
    assert "2 of 3 indicators can be compared" in chart.description
    assert "Largest rise: Violence with injury, +4.00%" in chart.description


def test_a_chart_of_more_indicators_than_fit_a_page_draws_the_largest_changes():
    # One SVG image cannot break across pages: past MAX_BARS the bars ran off the page unseen.
    def statistic(name, current):
        indicator = Indicator(name=name, better=Indicator.Better.LOWER)
        return StatisticRow(
            indicator=indicator,
            year=YEAR,
            quarter=QUARTER,
            current=Decimal(current),
            previous=Decimal(100),
            change=change(current, "100", indicator.better),
        )

    rows = [statistic(f"Indicator {n:02}", str(100 + n)) for n in range(MAX_BARS + 10)]
    chart = change_chart(rows, title="t")
    assert len(chart.bars) == MAX_BARS
    # The ten smallest changes (0% to +9%) are left off; the rest keep the table's order.
    assert [bar.full_label for bar in chart.bars] == [f"Indicator {n:02}" for n in range(10, 50)]
    assert "To fit the page, 10 indicators with smaller changes" in chart.description
    assert chart.height * 174 / chart.width < 230  # mm: the figure and caption fit on A4


# --- Community fund ------------------------------------------------------------------------


def test_fund_position_and_the_decisions_taken_at_the_quarters_meetings(quarter):
    data = build_funding(period_of(quarter.board))
    (fund,) = data.funds
    assert fund.balances.received == Decimal("110000.00")
    assert fund.balances.available == Decimal("38182.00")
    assert [(d.reference[:4], d.outcome, d.amount, d.amount_is_award) for d in data.decisions] == [
        ("POCA", "Declined", Decimal("8500.00"), False),
        ("POCA", "Approved", Decimal("71818.00"), True),
    ]
    assert (data.approved, data.approved_total) == (1, Decimal("71818.00"))


# --- Case panels and statutory reviews ---------------------------------------------------


def test_case_panels_beneath_the_board_as_counts_only(quarter):
    data = build_panels(period_of(quarter.board))
    (panel,) = data.panels  # the Northbank MARAC reports elsewhere
    assert panel.name == "Riverside MARAC"
    counts = dict(panel.rows())
    assert counts["Referrals received"] == 3
    assert counts["Cases heard at a meeting"] == 2
    table = dict(data.table)
    assert table["Referrals received"] == [3]


def test_statutory_reviews_of_the_panels_beneath_the_board_by_reference(quarter):
    data = build_reviews(period_of(quarter.board))
    assert data.referred == 2  # the CSPR in December and the LLR in October
    assert [(line.reference, line.decision) for line in data.decided] == [
        ("DHR-2025-01", "Commission a review"),
        ("LLR-2025-01", "Other learning (not a statutory review)"),
    ]
    assert [line.reference for line in data.published] == ["SAR-2025-01"]
    # Open at the quarter's end, soonest deadline first; the overdue DHR leads.
    assert [
        (line.reference, line.next_deadline and line.next_deadline.label) for line in data.live
    ] == [
        ("DHR-2025-02", "Decision"),
        ("CSPR-2025-01", "Rapid Review"),
        ("DHR-2025-01", "Completion"),
        ("SAR-2025-01", None),
    ]
    overdue = data.live[0].next_deadline
    assert overdue.due_on == dt.date(2025, 9, 1) and overdue.left_text == "Overdue by 121 days"
    assert [line.reference for line in data.overdue] == ["DHR-2025-02"]
    assert data.due_between == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert [(d.reference, d.label, d.due_on) for d in data.deadlines_due] == [
        ("CSPR-2025-01", "Rapid Review", dt.date(2026, 1, 8)),
    ]
    (sar,) = data.with_recommendations
    assert (sar.progress.recommendations, sar.progress.recommendations_complete) == (2, 1)
    assert data.recommendations.percent_complete == 50


# --- An empty quarter ----------------------------------------------------------------------


def test_an_empty_quarter_builds_every_section_with_nothing_in_it(db):
    board = empty_board()
    data = QuarterlyReport().build(
        {"board": board.pk, "year": "2025/26", "quarter": 3}, today=PRODUCED_ON
    )
    meetings = data.section("meetings")
    assert meetings.meetings == [] and meetings.percentage is None
    assert data.section("actions").empty
    assert data.section("plans").plans == []
    assert data.section("funding").funds == [] and data.section("funding").decisions == []
    assert data.section("panels").panels == []


def test_builder_reports_progress_through_the_callback(quarter):
    seen = []
    QuarterlyReport().build(quarter.inputs, lambda pct, stage="": seen.append((pct, stage)))
    percents = [pct for pct, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 80
    assert any(stage == "Gathering meetings and attendance" for _, stage in seen)


# --- Query counts --------------------------------------------------------------------------

BUILDERS = {
    build_meetings: 6,  # grid (3), the quarter's meetings, memberships, attendance
    build_actions: 1,
    build_plans: 6,  # plans, plan summary (4), progress updates
    build_statistics: 2,
    build_funding: 3,  # funds, one balance per fund, decisions
    build_panels: 5,  # the board tree, the panels, three per panel
    build_reviews: 6,  # the board tree, then reviews, clocks, pauses and two for progress
}


@pytest.mark.parametrize("scale", [1, 10])
def test_section_queries_do_not_grow_with_the_data(scale, django_assert_num_queries):
    known = known_quarter(scale)
    period = period_of(known.board)
    for builder, queries in BUILDERS.items():
        with django_assert_num_queries(queries):
            builder(period)


@pytest.mark.parametrize("scale", [1, 10])
def test_whole_report_data_takes_a_fixed_number_of_queries(scale, django_assert_num_queries):
    known = known_quarter(scale)
    with django_assert_num_queries(1 + sum(BUILDERS.values())):  # the board, then the sections
        QuarterlyReport().build(known.inputs, today=PRODUCED_ON)
