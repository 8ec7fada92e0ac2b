"""Referring a case, its page, corrections, listing for a meeting, closing and transfers."""

import datetime as dt

import pytest
from django.urls import reverse

from boards.tests.factories import OrganisationFactory, PersonFactory
from reviews import services
from reviews.models import AccessLog, Case, CaseAction, CaseListing
from reviews.tests.factories import ccm, future_meeting, refer
from reviews.tests.pages import (
    assert_error_by_field,
    build_world,
    days,
    edit_data,
    messages_of,
    referral_data,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def url(name, *args):
    return reverse(f"reviews:{name}", args=args)


def views_of(case):
    return AccessLog.objects.filter(case=case, action=AccessLog.Action.VIEW)


# --- Referral -------------------------------------------------------------------------------


def test_the_referral_form_explains_the_matching_key_and_the_panels_score(client, world):
    client.force_login(world.coordinator)
    html = client.get(url("refer", world.panel.pk)).content.decode()
    assert "initials and date of birth" in html
    assert "The key itself is never stored" in html
    assert "DASH risk checklist score" in html
    assert "From 0 to 24; 14 or more marks visible high risk." in html
    assert "3 or more mark potential escalation." in html
    for legend in ("The person", "The referral", "Risk and reasons", "Consent"):
        assert f"<legend>{legend}</legend>" in html
    assert 'name="risk_score" min="0" max="24"' in html


def test_a_referral_is_saved_and_the_rules_that_fired_are_shown(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("refer", world.panel.pk),
        referral_data(world.agency, risk_score="18", police_incidents="4"),
        follow=True,
    )
    case = Case.objects.get(subject_label="CD")
    assert response.redirect_chain[-1][0] == url("case", case.pk)
    (message,) = messages_of(response)
    assert message == (
        f"{case.reference} recorded. Automatic rules: visible high risk (score 18, threshold "
        "14); potential escalation (4 police incidents)."
    )
    assert case.person_key_hash and "CD 03/04/1985" not in str(
        Case.objects.filter(pk=case.pk).values().get()
    )


def test_a_repeat_referral_names_the_earlier_case_it_is_linked_to(client, world):
    client.force_login(world.coordinator)
    client.post(url("refer", world.panel.pk), referral_data(world.agency))
    response = client.post(
        url("refer", world.panel.pk),
        referral_data(world.agency, person_key="c.d. 03-04-1985", risk_score="5"),
        follow=True,
    )
    first, second = Case.objects.filter(subject_label="CD").order_by("pk")
    assert second.repeat_of == first
    message = messages_of(response)[-1]
    assert f"repeat referral, linked to {first.reference}" in message
    assert url("case", first.pk) in response.content.decode()


def test_a_referral_on_professional_judgement_alone_says_no_rule_applied(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("refer", world.panel.pk),
        referral_data(
            world.agency,
            risk_score="",
            risk_level="medium",
            reason_professional_judgement="on",
        ),
        follow=True,
    )
    (message,) = messages_of(response)
    assert message.endswith("No automatic rule applied: referred on professional judgement.")


def test_a_transfer_in_and_consent_override_with_a_note_are_accepted(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("refer", world.panel.pk),
        referral_data(
            world.agency,
            transferred_in_from="Northshire",
            transferred_in_on=days(-1).isoformat(),
            consent="overridden",
            consent_note="Risk to children outweighs consent",
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get(subject_label="CD")
    assert (case.transferred_in_from, case.transferred_in_on) == ("Northshire", days(-1))
    assert case.consent == Case.Consent.OVERRIDDEN


DASH = "A DASH risk checklist score is from 0 to 24."
BAD_REFERRALS = [
    ({"risk_score": "-1"}, "risk_score", DASH),
    ({"risk_score": "25"}, "risk_score", DASH),
    ({"risk_score": "high"}, "risk_score", "Give the score as a whole number."),
    (
        {"transferred_in_from": "Northshire"},
        "transferred_in_on",
        "Give the date the case was transferred in.",
    ),
    (
        {"transferred_in_on": "2026-01-01"},
        "transferred_in_from",
        "Give the area the case came from.",
    ),
    ({"person_key": "AB 1"}, "person_key", "Enter at least 6 letters or digits"),
    ({"person_key": ""}, "person_key", "Enter the matching key: initials and date of birth."),
    ({"subject_label": "   "}, "subject_label", "Give the person's initials or a pseudonym."),
    ({"referral_date": "2099-01-01"}, "referral_date", "cannot be in the future"),
    ({"referral_date": "31/02/2026"}, "referral_date", "Enter a valid date."),
    ({"police_incidents": "-2"}, "police_incidents", "Give a whole number from 0 to 999."),
    ({"children_in_household": "31"}, "children_in_household", "from 0 to 30"),
    ({"consent": ""}, "consent", "Say whether the person consented to the referral."),
    (
        {"consent": "overridden", "consent_note": ""},
        "consent_note",
        "Say why information is shared without consent.",
    ),
    (
        {"referring_organisation": ""},
        "referring_organisation",
        "Choose the agency that referred the case.",
    ),
    ({"referral_date": ""}, "referral_date", "Give the date of the referral."),
    # The service's rules come back by their fields too.
    ({"risk_level": "medium"}, "risk_level", "is at or above the high-risk threshold (14)"),
    (
        {"risk_score": "3", "risk_level": "standard"},
        "reason_professional_judgement",
        "The referral meets none of the panel's criteria",
    ),
]


@pytest.mark.parametrize(
    "overrides, field, message", BAD_REFERRALS, ids=[b[1] for b in BAD_REFERRALS]
)
def test_bad_referrals_are_refused_by_field_and_nothing_is_saved(
    client, world, overrides, field, message
):
    if "transferred_in_on" in overrides:
        overrides = {**overrides, "transferred_in_on": days(-1).isoformat()}
    client.force_login(world.coordinator)
    cases, log = Case.objects.count(), AccessLog.objects.count()
    response = client.post(url("refer", world.panel.pk), referral_data(world.agency, **overrides))
    assert_error_by_field(response, field, message)
    assert "Nothing was saved." in response.content.decode()
    assert (Case.objects.count(), AccessLog.objects.count()) == (cases, log)


def test_a_referrer_from_another_agency_is_refused_by_the_field(client, world):
    stranger = PersonFactory(organisation=OrganisationFactory())
    client.force_login(world.coordinator)
    response = client.post(
        url("refer", world.panel.pk),
        referral_data(world.agency, referring_person=stranger.pk),
    )
    assert_error_by_field(
        response, "referring_person", "The referrer must work for the referring organisation."
    )
    assert not Case.objects.filter(subject_label="CD").exists()


@pytest.mark.parametrize("score", ["0", "26"])
def test_the_community_marac_uses_its_own_score_range(client, score):
    from reviews.tests.factories import coordinator

    panel = ccm()
    user = coordinator(panel)
    client.force_login(user)
    response = client.post(
        url("refer", panel.pk),
        referral_data(OrganisationFactory(), risk_score=score),
    )
    assert_error_by_field(
        response, "risk_score", "A Risk matrix (harm 1-5 × likelihood 1-5) score is from 1 to 25."
    )
    assert not Case.objects.exists()


# --- The case page --------------------------------------------------------------------------


def test_the_case_page_shows_everything_and_logs_one_view(client, world):
    services.add_action_update(world.action, by=world.coordinator, note="Visit booked")
    client.force_login(world.coordinator)
    before = views_of(world.case).count()
    response = client.get(url("case", world.case.pk))
    assert views_of(world.case).count() == before + 1
    html = response.content.decode()
    for text in (
        "Client Alpha",
        world.agency.name,
        "Visible high risk",
        "Safety plan visit",
        "Visit booked",
        "Overdue",
        url("meeting", world.past.pk),
        url("meeting", world.future.pk),
    ):
        assert text in html
    # The title names the case by its reference only.
    title = html.split("<title>")[1].split("</title>")[0]
    assert world.case.reference in title and "Client Alpha" not in title


def test_each_view_of_the_case_writes_exactly_one_row(client, world):
    client.force_login(world.panel_chair)
    before = AccessLog.objects.count()
    for _ in range(3):
        client.get(url("case", world.case.pk))
    assert AccessLog.objects.count() == before + 3
    newest = AccessLog.objects.order_by("-pk")[:3]
    assert [(r.action, r.case_id, r.user_id) for r in newest] == [
        (AccessLog.Action.VIEW, world.case.pk, world.panel_chair.pk)
    ] * 3


def test_the_repeat_link_goes_both_ways(client, world):
    later = refer(world.panel, world.coordinator, referral_date=days(-1), risk_score=5)
    client.force_login(world.coordinator)
    html = client.get(url("case", later.pk)).content.decode()
    assert f'href="{url("case", world.case.pk)}">{world.case.reference}</a>' in html
    html = client.get(url("case", world.case.pk)).content.decode()
    assert f'href="{url("case", later.pk)}">{later.reference}</a>' in html


def test_only_chairs_see_the_cases_own_access_log(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("case", world.case.pk))
    assert 'data-testid="case-access-log"' not in response.content.decode()
    client.force_login(world.panel_chair)
    response = client.get(url("case", world.case.pk))
    assert 'data-testid="case-access-log"' in response.content.decode()
    assert [row.case_id for row in response.context["log_rows"]] == [world.case.pk] * len(
        response.context["log_rows"]
    )
    assert response.context["log_rows"][0].action == AccessLog.Action.VIEW


def test_an_outsiders_404_names_no_one(client, world, administrator):
    client.force_login(administrator)
    response = client.get(url("case", world.case.pk))
    assert response.status_code == 404
    html = response.content.decode()
    assert world.case.reference not in html and "Client Alpha" not in html
    assert not views_of(world.case).exists()


def test_an_erased_case_shows_its_tombstone(client, world):
    services.erase_case(world.due, approved_by=world.coordinator)
    client.force_login(world.coordinator)
    html = client.get(url("case", world.due.pk)).content.decode()
    assert "was erased on" in html
    assert url("case_edit", world.due.pk) not in html


# --- Corrections ----------------------------------------------------------------------------


def test_the_edit_form_shows_the_case_and_counts_as_a_view(client, world):
    client.force_login(world.coordinator)
    before = views_of(world.case).count()
    response = client.get(url("case_edit", world.case.pk))
    assert 'value="Client Alpha"' in response.content.decode()
    assert views_of(world.case).count() == before + 1
    assert views_of(world.case).last().detail == "edit form"


def test_a_correction_is_saved_and_logged_by_field_name(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("case_edit", world.case.pk),
        edit_data(world.case, subject_label="Client Beta", police_incidents="5"),
        follow=True,
    )
    world.case.refresh_from_db()
    assert world.case.subject_label == "Client Beta"
    assert world.case.reason_potential_escalation
    (message,) = messages_of(response)
    assert message.startswith(f"{world.case.reference} saved. Automatic rules:")
    assert "Client" not in message
    row = AccessLog.objects.filter(action=AccessLog.Action.CHANGE).latest("pk")
    assert "subject_label" in row.detail and "Client" not in row.detail


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"risk_score": "25"}, "risk_score", DASH),
        ({"subject_label": ""}, "subject_label", "Give the person's initials or a pseudonym."),
        ({"person_key": "x1"}, "person_key", "Enter at least 6 letters or digits"),
        (
            {"transferred_in_from": "Northshire"},
            "transferred_in_on",
            "Give the date the case was transferred in.",
        ),
    ],
)
def test_a_bad_correction_is_refused_by_field_and_changes_nothing(
    client, world, overrides, field, message
):
    client.force_login(world.coordinator)
    response = client.post(url("case_edit", world.case.pk), edit_data(world.case, **overrides))
    assert_error_by_field(response, field, message)
    fresh = Case.objects.get(pk=world.case.pk)
    assert (fresh.subject_label, fresh.risk_score, fresh.person_key_hash) == (
        "Client Alpha",
        16,
        world.case.person_key_hash,
    )


# --- Listing for a meeting ------------------------------------------------------------------


def test_listing_offers_only_the_panels_coming_meetings(client, world):
    other = future_meeting(world.other)
    client.force_login(world.coordinator)
    response = client.get(url("case_listing", world.case.pk))
    offered = list(response.context["form"].fields["meeting"].queryset)
    assert offered == [world.future, world.later]
    assert other not in offered and world.past not in offered


def test_a_case_is_listed_for_a_meeting(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("case_listing", world.case.pk),
        {"meeting": world.later.pk, "minutes": "20"},
        follow=True,
    )
    listing = CaseListing.objects.get(case=world.case, meeting=world.later)
    assert (listing.order, listing.minutes) == (1, 20)
    (message,) = messages_of(response)
    assert message.startswith(f"{world.case.reference} listed for the meeting on")


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"meeting": ""}, "meeting", "Choose the meeting."),
        ({"meeting": "{past}"}, "meeting", "Choose one of the panel's coming meetings."),
        ({"meeting": "{future}"}, "meeting", "is already on that meeting's list."),
        ({"meeting": "{later}", "minutes": "0"}, "minutes", "Give a whole number from 1 to 240."),
        ({"meeting": "{later}", "order": "5"}, "order", "Choose a place from 1 to 1."),
    ],
)
def test_a_bad_listing_is_refused_by_field(client, world, data, field, message):
    data = {
        k: v.format(past=world.past.pk, future=world.future.pk, later=world.later.pk)
        for k, v in data.items()
    }
    client.force_login(world.coordinator)
    before = CaseListing.objects.count()
    response = client.post(url("case_listing", world.case.pk), data)
    assert_error_by_field(response, field, message)
    assert CaseListing.objects.count() == before


# --- Closing and transfers ------------------------------------------------------------------


def test_closing_with_open_actions_needs_a_note(client, world):
    client.force_login(world.coordinator)
    response = client.get(url("case_close", world.case.pk))
    assert "It has 1 open action" in response.content.decode()
    response = client.post(url("case_close", world.case.pk), {"reason": "risk_reduced"})
    assert_error_by_field(
        response, "note", f"{world.case.reference} has 1 open action: explain why"
    )
    world.case.refresh_from_db()
    assert world.case.status != Case.Status.CLOSED


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"reason": ""}, "reason", "Choose why the case is closing."),
        (
            {"reason": "transferred_out", "note": "Moved"},
            "transferred_to",
            "A transfer out needs the receiving area.",
        ),
        ({"reason": "other", "note": ""}, "note", "Explain the reason for closing."),
        (
            {"reason": "risk_reduced", "note": "x", "closed_on": "2099-01-01"},
            "closed_on",
            "The closing date cannot be in the future.",
        ),
    ],
)
def test_a_bad_closure_is_refused_by_field(client, world, data, field, message):
    client.force_login(world.coordinator)
    response = client.post(url("case_close", world.case.pk), data)
    assert_error_by_field(response, field, message)
    world.case.refresh_from_db()
    assert world.case.status != Case.Status.CLOSED
    assert CaseAction.objects.get(pk=world.action.pk).status == CaseAction.Status.OPEN


def test_closing_cancels_open_actions_and_hides_the_changes(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("case_close", world.case.pk),
        {"reason": "risk_reduced", "note": "Safety plan in place"},
        follow=True,
    )
    world.case.refresh_from_db()
    assert (world.case.status, world.case.closed_on) == (Case.Status.CLOSED, today())
    assert CaseAction.objects.get(pk=world.action.pk).status == CaseAction.Status.CANCELLED
    assert messages_of(response) == [f"{world.case.reference} closed: Risk reduced."]
    html = response.content.decode()
    assert url("case_close", world.case.pk) not in html
    assert url("action_add", world.case.pk) not in html


def test_closing_as_a_transfer_records_the_receiving_area(client, world):
    client.force_login(world.coordinator)
    client.post(
        url("case_close", world.case.pk),
        {"reason": "transferred_out", "note": "Moved", "transferred_to": "Northshire"},
    )
    world.case.refresh_from_db()
    assert (world.case.transferred_out_to, world.case.transferred_out_on) == ("Northshire", today())


def test_a_transfer_out_closes_the_case(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("case_transfer_out", world.case.pk),
        {"to_area": "Northshire", "on": today().isoformat(), "note": "Family moved"},
        follow=True,
    )
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.CLOSED
    assert world.case.closure_reason == Case.ClosureReason.TRANSFERRED_OUT
    assert messages_of(response) == [
        f"{world.case.reference} transferred out to Northshire and closed."
    ]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"to_area": "", "note": "x"}, "to_area", "A transfer out needs the receiving area."),
        ({"to_area": "Northshire", "on": "", "note": "x"}, "on", "Give the date of the transfer."),
        (
            {"to_area": "Northshire", "on": "2099-01-01", "note": "x"},
            "on",
            "The transfer date cannot be in the future.",
        ),
        (
            {"to_area": "Northshire", "on": "{today}", "note": ""},
            "note",
            "has 1 open action: explain why",
        ),
        (
            {"to_area": "Northshire", "on": "{before}", "note": "x"},
            "on",
            "This date cannot fall before the referral date.",
        ),
    ],
)
def test_a_bad_transfer_is_refused_by_field(client, world, data, field, message):
    data = {
        k: v.format(
            today=today().isoformat(),
            before=(world.case.referral_date - dt.timedelta(days=1)).isoformat(),
        )
        for k, v in data.items()
    }
    data.setdefault("on", today().isoformat())
    client.force_login(world.coordinator)
    response = client.post(url("case_transfer_out", world.case.pk), data)
    assert_error_by_field(response, field, message)
    world.case.refresh_from_db()
    assert world.case.status != Case.Status.CLOSED
