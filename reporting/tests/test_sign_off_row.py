"""A chair watching their annual report finish can sign it off from the row the page polls."""

import pytest
from django.urls import reverse

from boards.tests.factories import BoardFactory
from partnership import roles
from partnership.tests.factories import persona

from .people import chair_of
from .test_annual_views import annual_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    from reporting import services

    monkeypatch.setattr(services, "_queue", lambda report: None)


def polled(client, report) -> str:
    return client.get(reverse("reporting:status", args=[report.pk])).content.decode()


def test_the_finished_row_offers_the_chair_of_the_board_mark_final(client):
    board = BoardFactory()
    chair = chair_of(board)
    report = annual_report(chair, board)
    client.force_login(chair)
    assert reverse("reporting:mark_final", args=[report.pk]) in polled(client, report)


def test_the_row_offers_nothing_to_sign_while_building_once_final_or_to_an_officer(client):
    board = BoardFactory()
    chair = chair_of(board)
    client.force_login(chair)
    building = annual_report(chair, board, done=False)
    assert "Mark final" not in polled(client, building)

    done = annual_report(chair, board)
    done.final = True
    done.save()
    assert "Mark final" not in polled(client, done)

    officer = persona(roles.BOARD_OFFICER, "officer")
    other = annual_report(chair, board)
    client.force_login(officer)
    page = polled(client, other)
    assert "Download PDF" in page and "Mark final" not in page
