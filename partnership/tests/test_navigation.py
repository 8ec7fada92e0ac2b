"""Each role sees its own navigation and reaches only its own areas (the permission matrix)."""

import pytest
from django.urls import reverse

from partnership import roles
from partnership.tests.factories import persona

pytestmark = pytest.mark.django_db

SECTIONS = {
    "Boards": "boards:index",
    "Funding": "funding:index",
    "Case panels": "reviews:index",
    "Statutory reviews": "reviews:statutory_dashboard",
    "Reports": "reporting:index",
}
EXPECTED_NAV = {
    roles.ADMINISTRATOR: [
        "Dashboard",
        "Boards",
        "Funding",
        "Case panels",
        "Statutory reviews",
        "Reports",
    ],
    roles.BOARD_OFFICER: ["Dashboard", "Boards", "Reports"],
    roles.GRANTS_OFFICER: ["Dashboard", "Funding"],
    roles.PANEL_COORDINATOR: ["Dashboard", "Case panels", "Statutory reviews"],
    roles.CHAIR: ["Dashboard", "Boards", "Funding", "Statutory reviews", "Reports"],
    None: ["Dashboard"],
}


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


@pytest.mark.parametrize("role, expected", EXPECTED_NAV.items())
def test_each_role_sees_its_navigation(client, role, expected):
    client.force_login(persona(role))
    response = client.get(reverse("home"))
    assert nav_labels(response) == expected
    for label in expected:
        assert f">{label}</a>".encode() in response.content


@pytest.mark.parametrize("role", EXPECTED_NAV)
@pytest.mark.parametrize("section", SECTIONS)
def test_sections_open_only_to_the_roles_that_see_them(client, role, section):
    client.force_login(persona(role))
    response = client.get(reverse(SECTIONS[section]))
    # The boards list and the panels' overviews are open to everyone signed in: they show
    # only the boards or panels the user sits on (a plain "no panel" page for the rest).
    open_to_all = section in ("Boards", "Case panels", "Statutory reviews")
    assert response.status_code == (200 if open_to_all or section in EXPECTED_NAV[role] else 403)


@pytest.mark.parametrize("section", SECTIONS.values())
def test_sections_send_anonymous_visitors_to_sign_in(client, section):
    response = client.get(reverse(section))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_current_section_is_marked_for_assistive_technology(client, board_officer):
    client.force_login(board_officer)
    response = client.get(reverse("boards:index"))
    assert b'aria-current="page">Boards</a>' in response.content


@pytest.mark.parametrize(
    "role, panel",
    [
        (roles.BOARD_OFFICER, "Board business"),
        (roles.GRANTS_OFFICER, "Community fund"),
        (roles.PANEL_COORDINATOR, "Case panels"),
        (roles.CHAIR, "Partnership overview"),
    ],
)
def test_dashboard_shows_the_panel_for_each_role(client, role, panel):
    client.force_login(persona(role))
    panels = client.get(reverse("home")).context["panels"]
    assert [p["title"] for p in panels] == [panel]


def test_administrator_dashboard_shows_every_panel_and_the_admin_link(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("home"))
    assert len(response.context["panels"]) == 4
    assert reverse("admin:index").encode() in response.content


def test_user_without_a_role_is_told_to_ask_for_one(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert b"Your account has no role yet" in response.content


def test_the_roles_migration_creates_every_role_group_on_an_empty_table():
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = import_module("partnership.migrations.0001_roles")
    Group.objects.all().delete()  # the autouse fixture has put them back: start from none
    migration.create_roles(apps, None)
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ROLES)


def test_a_panel_member_without_a_role_finds_the_case_panels(client):
    from reviews.tests import factories

    panel = factories.marac()
    agency_member = factories.member(panel).person.user
    client.force_login(agency_member)
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    assert labels == ["Dashboard", "Case panels"]
    assert client.get(reverse("reviews:index")).status_code == 200


def test_a_one_panel_member_without_a_role_finds_the_statutory_reviews(client):
    from reviews.tests import statutory_factories

    member = statutory_factories.panel_member(statutory_factories.one_panel())
    client.force_login(member)
    response = client.get(reverse("reviews:statutory_dashboard"))
    labels = [(item["label"], item["current"]) for item in response.context["nav_items"]]
    # The longer section wins: the statutory reviews are marked, not the case panels' "reviews".
    assert labels == [("Dashboard", False), ("Statutory reviews", True)]


def test_one_query_tells_both_kinds_of_panel(client, django_assert_num_queries):
    from reviews.permissions import sits_on_a_panel, sits_on_a_review_panel
    from reviews.tests import factories, statutory_factories

    user = factories.member(factories.marac()).person.user
    statutory_factories.panel_member(statutory_factories.one_panel(), user)
    with django_assert_num_queries(1):
        assert sits_on_a_panel(user) and sits_on_a_review_panel(user)
