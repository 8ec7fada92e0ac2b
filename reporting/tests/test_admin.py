"""The annual report's narratives can be put right in Django's admin by an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from reporting.models import AnnualNarrative, PriorityNarrative

from .annual_fixtures import known_year

pytestmark = pytest.mark.django_db


def test_narratives_are_registered_with_priorities_edited_inline():
    assert admin.site.is_registered(AnnualNarrative)
    inlines = admin.site._registry[AnnualNarrative].inlines
    assert [inline.model for inline in inlines] == [PriorityNarrative]


def test_an_administrator_finds_a_narrative_by_its_board(client, administrator):
    known = known_year()
    client.force_login(administrator)
    url = reverse("admin:reporting_annualnarrative_changelist")
    page = client.get(url, {"q": known.board.name})
    assert page.status_code == 200
    text = page.content.decode()
    assert known.board.display_name in text and "2025/26" in text
    assert client.get(url, {"q": "no such board"}).context["cl"].result_count == 0


def test_an_administrator_opens_a_narrative_with_its_priorities(client, administrator):
    known = known_year()
    client.force_login(administrator)
    url = reverse("admin:reporting_annualnarrative_change", args=[known.narrative.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert known.priority_narrative.aims in page.content.decode()
    assert page.context["inline_admin_formsets"][0].formset.initial_form_count() == 1
