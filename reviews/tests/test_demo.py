"""The case panels' demo: two panels, a year of meetings and about sixty cases, loaded once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from boards.models import Attendance, Board, Meeting, Membership, Person
from partnership.periods import FinancialYear
from reviews import demo, permissions, services, statistics
from reviews.models import AccessLog, Case, CaseAction, CaseListing, PanelRules

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


def last_full_quarter(today):
    year = FinancialYear.containing(today)
    quarter = year.quarter_of(today)
    return (year.previous(), 4) if quarter == 1 else (year, quarter - 1)


def counts() -> dict:
    models = (Board, Membership, Person, Meeting, Attendance, Case, CaseListing, CaseAction)
    return {model.__name__: model.objects.count() for model in models} | {
        "AccessLog": AccessLog.objects.count()
    }


def test_the_demo_loads_two_panels_with_a_year_of_cases_and_only_once():
    output = load_demo()
    users = get_user_model().objects
    coordinator, chair = users.get(username="coordinator"), users.get(username="chair")
    marac = Board.objects.get(name=demo.MARAC, kind=Board.Kind.PANEL)
    ccm = Board.objects.get(name=demo.CCM, kind=Board.Kind.PANEL)
    assert {(r.panel, r.panel_type) for r in PanelRules.objects.all()} == {
        (marac, PanelRules.PanelType.MARAC),
        (ccm, PanelRules.PanelType.CCM),
    }

    # About sixty cases, all made through the services (each has its creation logged).
    cases = Case.objects.all()
    assert 55 <= cases.count() <= 65
    assert cases.filter(panel=marac).count() > cases.filter(panel=ccm).count() > 10
    created = AccessLog.objects.filter(action=AccessLog.Action.CREATE, review__isnull=True)
    assert created.count() == cases.count()  # the One Panel's referrals are logged apart
    assert all(len(label) <= 12 for label in cases.values_list("subject_label", flat=True))
    assert cases.filter(reason_repeat=True, repeat_of__isnull=False).exists()
    assert cases.filter(reason_visible_high_risk=True).exists()
    assert cases.filter(reason_visible_high_risk=False, reason_potential_escalation=True).exists()
    assert cases.exclude(transferred_in_from="").exists()
    assert cases.filter(closure_reason=Case.ClosureReason.TRANSFERRED_OUT).exists()
    assert cases.filter(closure_reason=Case.ClosureReason.RISK_REDUCED).exists()
    assert cases.open().exists()
    assert CaseAction.objects.filter(status=CaseAction.Status.DONE).exists()
    assert CaseAction.objects.overdue().count() >= 3
    assert services.cases_due_for_disposal().count() >= 2

    # A year of meetings, each with its attendance and case list, and two to come.
    for panel in (marac, ccm):
        meetings = Meeting.objects.filter(board=panel)
        held = meetings.took_place()
        assert 11 <= held.count() <= 13
        assert meetings.upcoming().count() == 2
        for meeting in held:
            assert meeting.attendance.exists()
            assert CaseListing.objects.filter(meeting=meeting, heard=True).exists()
        chairs = Membership.objects.filter(board=panel, role=Membership.Role.CHAIR)
        assert chairs.count() == 1

    # The coordinator sits on both panels; the board chair sits on neither and sees nothing.
    assert set(permissions.panels_for(coordinator)) == {marac, ccm}
    assert Case.objects.visible_to(coordinator).count() == cases.count()
    assert not Membership.objects.filter(person__user=chair, board__kind=Board.Kind.PANEL).exists()
    assert not Case.objects.visible_to(chair).exists()
    marac_chair = users.get(username="marac_chair")
    assert permissions.can_read_access_log(marac_chair, marac)
    assert not permissions.can_read_access_log(coordinator, marac)

    # The last full quarter has work to report on both panels.
    year, quarter = last_full_quarter(timezone.localdate())
    for panel in (marac, ccm):
        figures = statistics.panel_statistics_for_quarter(panel, year, quarter)
        assert figures.referrals > 0
        assert figures.cases_heard > 0
        assert figures.referrals_by_agency
    assert "demo cases (MARAC 4" in output

    # Loading again keeps everything as it was.
    before = counts()
    again = load_demo()
    assert "kept the case panels (already loaded)" in again
    assert counts() == before
