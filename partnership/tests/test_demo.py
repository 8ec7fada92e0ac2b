import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from partnership import roles
from partnership.demo import DEMO_PASSWORD, DEMO_USERS


def run_demo() -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_demo_logins_fund_and_no_email_then_a_second_load_adds_nothing(client, settings):
    """One test, as loading the demo takes seconds: it is loaded once, as `make demo` does
    (committed for real, so the services' e-mails would go out at commit), on a known day, and
    then once more. Checked: a login per role and admin access, no e-mail sent, the demo fund's
    grants at every point of monitoring, and the second load adding nothing."""
    from django.core import mail

    from funding.models import (
        Award,
        ChangeRequest,
        LedgerEntry,
        MonitoringReturn,
        StageChange,
        balances,
    )

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0), tick=False):
        output = run_demo()

        # No e-mail, though the demo went through the e-mailing services.
        assert StageChange.objects.count() > 30
        assert mail.outbox == []

        # A login per role; only the administrator reaches Django's admin.
        users = get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS])
        assert users.count() == len(roles.ROLES)
        for username, _, _, role in DEMO_USERS:
            user = users.get(username=username)
            assert roles.user_roles(user) == {role}
            assert user.check_password(DEMO_PASSWORD)
            assert username in output and role in output
        assert f"password: {DEMO_PASSWORD}" in output
        # The MARAC's chair has a login too: the one demo user who reads a panel's access log.
        assert "marac_chair" in output
        staff = set(
            get_user_model().objects.filter(is_staff=True).values_list("username", flat=True)
        )
        assert staff == {"admin"}  # only the administrator reaches Django's admin

        # The fund: a two-year post mid-way, a grant closed with money back, one waiting for
        # review.
        two_year = Award.objects.get(tranches__review_on__isnull=False)
        assert two_year.tranches.get(number=1).released_on is not None
        review = two_year.tranches.get(number=2)
        assert review.reviewed_on is not None and review.released_on is None
        assert two_year.milestones.filter(achieved_on__isnull=False).count() == 3
        assert two_year.change_requests.get().status == ChangeRequest.Status.PENDING
        assert MonitoringReturn.objects.overdue().filter(award=two_year).exists()
        closed = Award.objects.get(status=Award.Status.COMPLETED)
        assert closed.entries.filter(kind=LedgerEntry.Kind.RETURNED).exists()
        assert MonitoringReturn.objects.filter(status="submitted").count() == 1
        fund = closed.application.round.fund
        assert balances(fund.pk).returned == Decimal("412.50")
        client.force_login(get_user_model().objects.get(username="grants"))
        page = client.get("/funding/awards/?attention=overdue")
        assert two_year.application.reference in page.content.decode()
        client.logout()

        # Loading again adds nothing, and the demo logins work.
        total = get_user_model().objects.count()
        second = run_demo()
        assert get_user_model().objects.count() == total
        assert "kept demo user chair" in second and "marac_chair" in second
        assert mail.outbox == []
        response = client.post("/accounts/login/", {"username": "chair", "password": DEMO_PASSWORD})
        assert response.status_code == 302
