"""The One Panel's demo: five reviews, one overdue deadline, one paused, one published with its
recommendations half done; loaded once.

It loads only the demo users and the One Panel (not the case panels, which test_demo.py loads
with everything else), so it stays quick.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from boards.models import Board, Membership, Organisation
from partnership import demo as partnership_demo
from reviews import demo, permissions
from reviews.clocks import deadlines
from reviews.models import (
    BriefingDissemination,
    NationalNotification,
    ParallelProcess,
    Recommendation,
    RecommendationAction,
    Review,
    ReviewCriterion,
)

pytestmark = pytest.mark.django_db

S = Review.Stage
Sector = Organisation.Sector


def load() -> tuple[list, list[str]]:
    lines: list[str] = []
    partnership_demo.load(lines.append)
    return demo.load_one_panel(lines.append), lines


def counts() -> dict:
    models = (
        Board,
        Membership,
        Review,
        NationalNotification,
        ParallelProcess,
        Recommendation,
        RecommendationAction,
        BriefingDissemination,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_the_one_panel_demo_shows_each_stage_and_loads_once():
    logins, lines = load()
    today = timezone.localdate()
    panel = Board.objects.get(name=demo.ONE_PANEL, kind=Board.Kind.REVIEW_PANEL)

    # Senior officers from health, social care, community safety and the police.
    members = Membership.objects.on(today).filter(board=panel).select_related("person")
    assert {m.organisation.sector for m in members} >= {
        Sector.HEALTH,
        Sector.LOCAL_AUTHORITY,
        Sector.POLICE,
    }
    titles = " ".join(m.person.job_title for m in members)
    for service in ("Children's Social Care", "Safeguarding Adults", "Community Safety"):
        assert service in titles

    # The onepanel login is the Chair; the coordinator supports the panel.
    (login,) = logins
    assert (login.username, login.role) == ("onepanel", "One Panel chair")
    user = get_user_model().objects.get(username="onepanel")
    assert user.check_password(partnership_demo.DEMO_PASSWORD)
    chair = members.get(person__user=user)
    assert chair.role == Membership.Role.CHAIR and chair.presides
    assert permissions.is_review_panel_member(user, panel)
    coordinator = get_user_model().objects.get(username="coordinator")
    assert permissions.is_review_panel_member(coordinator, panel)

    # Five reviews, fictional pseudonyms, every stage a member should see.
    reviews = {r.review_type.code + " " + r.stage: r for r in Review.objects.filter(panel=panel)}
    assert sorted(reviews) == [
        "CSPR published",
        "CSPR referred",
        "DHR in_progress",
        "LLR other_learning",
        "SAR in_progress",
    ]
    assert all(
        re.fullmatch(r"(Child|Adult|Family) [A-Z]", r.subject_pseudonym) for r in reviews.values()
    )

    states = {
        key: {d.label: d for d in deadlines(review, today)} for key, review in reviews.items()
    }
    every = [d for clocks in states.values() for d in clocks.values()]
    assert [d.state for d in every].count("overdue") == 1
    assert [d.state for d in every].count("paused") == 1

    # (a) Referred 12 working days ago: the Rapid Review is 3 working days away.
    rapid = states["CSPR referred"]["Rapid Review"]
    assert (rapid.state, rapid.working_days_left) == ("running", 3)
    assert len(states["CSPR referred"]) == 1  # nothing decided, so no later clock

    # (b) The DHR was decided in time and is now overdue on completion.
    dhr = states["DHR in_progress"]
    assert dhr["Decision"].state == "met"
    assert dhr["Completion"].is_overdue
    assert reviews["DHR in_progress"].notifications.filter(body="Home Office").exists()

    # (c) The mandatory SAR is stopped by an inquest with no end date yet.
    sar = reviews["SAR in_progress"]
    assert sar.basis == Review.Basis.MANDATORY
    assert sar.criteria_met.filter(kind=ReviewCriterion.Kind.MANDATORY).exists()
    inquest = sar.parallel_processes.get()
    assert inquest.kind == ParallelProcess.Kind.INQUEST and inquest.ongoing
    assert states["SAR in_progress"]["Completion"].is_paused

    # (d) Published, with notifications, briefing, recommendations half done.
    published = reviews["CSPR published"]
    assert published.published_on <= today and published.publication_url
    assert all(d.state == "met" for d in states["CSPR published"].values())
    assert published.notifications.count() >= 2
    assert published.briefing_ready
    recommendations = published.recommendations.all()
    assert 4 <= recommendations.count() <= 6
    assert [r.number for r in recommendations] == list(range(1, recommendations.count() + 1))
    complete = recommendations.filter(status=Recommendation.Status.COMPLETE)
    assert complete.count() * 2 == recommendations.count()
    assert all(r.evidence and r.completed_on for r in complete)
    assert all(r.actions.exists() for r in recommendations)
    actions = RecommendationAction.objects.filter(recommendation__review=published)
    assert actions.overdue(today).exists()
    assert not actions.overdue(today).filter(recommendation__in=complete).exists()
    assert 2 <= published.disseminations.count() <= 3

    # (e) Sent for other learning, with the reasons.
    learning = reviews["LLR other_learning"]
    assert learning.decision == Review.Decision.OTHER_LEARNING
    assert "criteria" in learning.decision_rationale
    assert not learning.is_live

    assert any("1 deadline overdue, 1 paused" in line for line in lines)

    # Loading again keeps everything as it was.
    before = counts()
    again, lines = load()
    assert again == logins
    assert "kept the One Panel (already loaded)" in lines
    assert counts() == before
