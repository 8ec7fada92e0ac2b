"""Helpers shared by the page tests: a small world of two panels, and form data that works."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape

from boards.models import Board, Meeting, Membership, Organisation
from boards.tests.factories import OrganisationFactory
from reviews import services
from reviews.models import (
    AccessLog,
    Case,
    CaseAction,
    CaseActionUpdate,
    CaseListing,
    ConfidentialityAgreement,
)
from reviews.tests.factories import (
    CaseFactory,
    ccm,
    coordinator,
    future_meeting,
    marac,
    member,
    past_meeting,
    refer,
)


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def assert_error_by_field(response, field: str, message: str):
    """The message is printed in the field's own error slot (crispy's ``error_N_id_<field>``)."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert re.search(
        rf'id="error_\d+_id_{re.escape(field)}"[^>]*>\s*<strong>[^<]*{re.escape(escape(message))}',
        html,
    ), f"no error “{message}” by {field}"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def referral_data(organisation: Organisation, **overrides) -> dict:
    """A referral form that passes, for a MARAC panel."""
    data = {
        "person_key": "CD 03/04/1985",
        "subject_label": "CD",
        "referral_date": days(-2).isoformat(),
        "referring_organisation": organisation.pk,
        "referring_person": "",
        "risk_score": "15",
        "police_incidents": "1",
        "risk_level": "high",
        "age_band": "25_34",
        "gender": "female",
        "ethnicity": "not_known",
        "disability": "not_known",
        "sexual_orientation": "not_known",
        "children_in_household": "2",
        "consent": "yes",
        "consent_note": "",
        "transferred_in_from": "",
        "transferred_in_on": "",
    }
    data.update(overrides)
    return data


def edit_data(case: Case, **overrides) -> dict:
    """The edit form as the case stands, with ``overrides``."""
    data = {
        "person_key": "",
        "subject_label": case.subject_label,
        "referral_date": case.referral_date.isoformat(),
        "referring_organisation": case.referring_organisation_id,
        "referring_person": case.referring_person_id or "",
        "reason_professional_judgement": "on" if case.reason_professional_judgement else "",
        "risk_score": "" if case.risk_score is None else str(case.risk_score),
        "police_incidents": str(case.police_incidents),
        "risk_level": case.risk_level,
        "age_band": case.age_band,
        "gender": case.gender,
        "ethnicity": case.ethnicity,
        "disability": case.disability,
        "sexual_orientation": case.sexual_orientation,
        "children_in_household": ""
        if case.children_in_household is None
        else str(case.children_in_household),
        "consent": case.consent,
        "consent_note": case.consent_note,
        "transferred_in_from": case.transferred_in_from,
        "transferred_in_on": case.transferred_in_on.isoformat() if case.transferred_in_on else "",
    }
    data.update(overrides)
    if not data["reason_professional_judgement"]:
        del data["reason_professional_judgement"]  # an unticked box is not sent
    return data


@dataclass
class World:
    panel: Board
    other: Board
    coordinator: object
    panel_chair: object
    other_member: object
    agency: Organisation
    case: Case
    action: CaseAction
    past: Meeting
    future: Meeting
    later: Meeting
    past_listing: CaseListing
    future_listing: CaseListing
    due: Case


def build_world() -> World:
    """A MARAC with a coordinator and a Chair, a case listed at a held and a coming meeting with
    an overdue action, a closed case due for disposal; and a CCM with a coordinator of its own."""
    panel = marac()
    other = ccm()
    coord = coordinator(panel, username="marac_coordinator")
    panel_chair = member(panel, role=Membership.Role.CHAIR).person.user
    other_member = coordinator(other, username="ccm_coordinator")
    agency = OrganisationFactory(name="Riverside Police")
    past, future = past_meeting(panel, days_ago=7), future_meeting(panel, days_ahead=14)
    later = future_meeting(panel, days_ahead=42)
    case = refer(panel, coord, referring_organisation=agency, subject_label="Client Alpha")
    past_listing = services.list_for_meeting(case, past, by=coord)
    future_listing = services.list_for_meeting(case, future, by=coord)
    action = services.add_action(
        case, by=coord, agency=agency, description="Safety plan visit", due_on=days(-3)
    )
    for user in (coord, panel_chair):
        for meeting in (past, future):
            services.record_agreement(meeting, user)
    due = CaseFactory(
        panel=panel,
        reference="MARAC-2024-900",
        referral_date=days(-800),
        status=Case.Status.CLOSED,
        closed_on=days(-700),
        closure_reason=Case.ClosureReason.RISK_REDUCED,
        referring_organisation=agency,
    )
    return World(
        panel=panel,
        other=other,
        coordinator=coord,
        panel_chair=panel_chair,
        other_member=other_member,
        agency=agency,
        case=case,
        action=action,
        past=past,
        future=future,
        later=later,
        past_listing=past_listing,
        future_listing=future_listing,
        due=due,
    )


def snapshot() -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "counts": [
            model.objects.count()
            for model in (
                Case,
                CaseAction,
                CaseActionUpdate,
                CaseListing,
                ConfidentialityAgreement,
                AccessLog,
            )
        ],
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "pk", "status", "subject_label", "risk_score", "erased_at", "transferred_out_to"
            )
        ),
        "actions": list(
            CaseAction.objects.order_by("pk").values_list("pk", "status", "description", "due_on")
        ),
        "listings": list(
            CaseListing.objects.order_by("pk").values_list("pk", "order", "minutes", "heard")
        ),
    }
