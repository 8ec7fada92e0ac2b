"""The admin configures panels but never shows a case; the access log is read-only there."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from partnership.tests.factories import UserFactory
from reviews.models import AccessLog, Case, CaseAction, CaseActionUpdate, PanelRules
from reviews.tests.factories import PanelFactory, coordinator, marac, refer

pytestmark = pytest.mark.django_db


def test_cases_and_their_actions_are_not_in_the_admin():
    for model in (Case, CaseAction, CaseActionUpdate):
        assert not admin.site.is_registered(model)


def test_an_administrator_sets_up_a_panels_rules(client, administrator):
    panel = PanelFactory(name="Riverside Exploitation Panel")
    client.force_login(administrator)
    url = reverse("admin:reviews_panelrules_add")
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields["panel"].queryset) == [panel]
    response = client.post(
        url,
        {
            "panel": panel.pk,
            "panel_type": "other",
            "reference_prefix": "CSE",
            "risk_measure": "Exploitation screening tool",
            "risk_score_min": 0,
            "risk_score_max": 30,
            "high_risk_threshold": 40,
            "escalation_incidents": "",
            "repeat_window_days": 365,
            "minutes_per_case": 20,
            "retention_months": 24,
        },
    )
    assert response.status_code == 200
    assert "within the scale" in response.content.decode()
    assert not PanelRules.objects.exists()


def test_superusers_read_the_access_log_without_any_personal_text(client, administrator):
    panel = marac()
    by = coordinator(panel)
    case = refer(panel, by, subject_label="Client Alpha")
    client.force_login(administrator)
    listing = client.get(reverse("admin:reviews_accesslog_changelist"))
    assert listing.status_code == 200
    assert case.reference in listing.content.decode()
    assert "Client Alpha" not in listing.content.decode()
    row = AccessLog.objects.get()
    detail = client.get(reverse("admin:reviews_accesslog_change", args=[row.pk]))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert client.get(reverse("admin:reviews_accesslog_add")).status_code == 403
    assert client.get(reverse("admin:reviews_accesslog_delete", args=[row.pk])).status_code == 403


def test_staff_who_are_not_superusers_do_not_see_the_access_log(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_accesslog", content_type__app_label="reviews")
    )
    client.force_login(staff)
    assert client.get(reverse("admin:reviews_accesslog_changelist")).status_code == 403


def test_an_administrator_adds_a_review_type_with_its_criteria_and_clock(client, administrator):
    from reviews.models import Review, ReviewType

    assert not admin.site.is_registered(Review)
    client.force_login(administrator)
    url = reverse("admin:reviews_reviewtype_add")
    assert client.get(url).status_code == 200
    data = {
        "code": "MHR",
        "name": "Mental health homicide review",
        "basis": "",
        "statutory": "",
        "pseudonym_hint": "Adult A",
        "notify_bodies": "",
        "active": "on",
        "order": 5,
        "criteria-TOTAL_FORMS": 1,
        "criteria-INITIAL_FORMS": 0,
        "criteria-0-order": 1,
        "criteria-0-text": "The person was in contact with mental health services",
        "criteria-0-kind": "condition",
        "clocks-TOTAL_FORMS": 1,
        "clocks-INITIAL_FORMS": 0,
        "clocks-0-label": "Decision",
        "clocks-0-start": "notification",
        "clocks-0-amount": 20,
        "clocks-0-unit": "working_days",
        "clocks-0-met_by": "decision",
    }
    # A clock that starts and ends at the decision is refused beside its field.
    refused = client.post(url, {**data, "clocks-0-start": "decision"})
    assert refused.status_code == 200
    assert not ReviewType.objects.filter(code="MHR").exists()
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    added = ReviewType.objects.get(code="MHR")
    assert added.criteria.count() == 1
    (clock,) = added.clocks.all()
    assert clock.describe() == "20 working days from notification"
    assert not clock.statutory
