from .actions import Action, ActionUpdate
from .boards import Board, Membership, Organisation, Person, TermsOfReference
from .meetings import AgendaItem, Attendance, Declaration, Meeting, Paper

__all__ = [
    "Action",
    "ActionUpdate",
    "AgendaItem",
    "Attendance",
    "Board",
    "Declaration",
    "Meeting",
    "Membership",
    "Organisation",
    "Paper",
    "Person",
    "TermsOfReference",
]
