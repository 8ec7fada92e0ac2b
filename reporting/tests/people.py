"""Personas for the reports tests: chairs who sit on a board, and one who sits elsewhere."""

from boards.models import Membership
from boards.tests.factories import MembershipFactory, PersonFactory
from partnership import roles
from partnership.tests.factories import persona


def sit_on(user, board, role=Membership.Role.CHAIR):
    """Give ``user`` a seat on ``board`` through a linked Person."""
    person = getattr(user, "person", None)
    if person is None:
        person = PersonFactory(user=user)
    MembershipFactory(board=board, person=person, role=role)
    return user


def chair_of(board, username="chair"):
    return sit_on(persona(roles.CHAIR, username), board)
