import pytest
from django.apps import apps
from django.urls import reverse

PROJECT_APPS = ("partnership", "boards", "funding", "reviews", "reporting")
# Append-only models: their rows are never changed (the model, its QuerySet and, on PostgreSQL,
# a trigger refuse), so a history table would only duplicate them. The case-panel access log is
# itself the audit trail of the cases. A deadline warning is the task's note that an e-mail went:
# written once by the task, never edited by anyone.
NO_HISTORY_NEEDED = {"reviews.AccessLog", "reviews.DeadlineWarning"}

pytestmark = pytest.mark.django_db


def test_every_project_model_keeps_an_audit_history():
    """A model added by any app without `history = HistoricalRecords()` fails here."""
    missing = [
        model._meta.label
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
        and not hasattr(model, "history")
        and model._meta.label not in NO_HISTORY_NEEDED
    ]
    assert missing == []


def test_user_accounts_keep_an_audit_history():
    from django.contrib.auth import get_user_model

    assert hasattr(get_user_model(), "history")


def test_an_administrators_change_is_recorded_with_who_made_it(client, administrator, chair):
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[chair.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "groups"}
    data.update(
        email="new.chair@example.org",
        groups=[g.pk for g in chair.groups.all()],
        date_joined_0=chair.date_joined.strftime("%d/%m/%Y"),
        date_joined_1=chair.date_joined.strftime("%H:%M:%S"),
    )
    data.pop("date_joined", None)
    data.pop("password", None)
    data.pop("last_login", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = chair.history.latest()
    assert latest.email == "new.chair@example.org"
    assert latest.history_user == administrator
    assert latest.history_type == "~"
    history_page = client.get(reverse("admin:auth_user_history", args=[chair.pk]))
    assert history_page.status_code == 200
    assert administrator.username.encode() in history_page.content


def test_password_hashes_stay_out_of_the_history(chair):
    chair.set_password("another-password-2026")
    chair.save()
    assert not hasattr(chair.history.latest(), "password")
