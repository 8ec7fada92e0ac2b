from .actions import Action, ActionUpdate
from .boards import Board, Membership, Organisation, Person, TermsOfReference
from .meetings import AgendaItem, Attendance, Declaration, Meeting, Paper
from .plans import KeyAction, Priority, ProgressUpdate, StatusKey, StatusOption, StrategicPlan
from .statistics import BudgetLine, Indicator, IndicatorValue

__all__ = [
    "BudgetLine",
    "Indicator",
    "IndicatorValue",
    "KeyAction",
    "Priority",
    "ProgressUpdate",
    "StatusKey",
    "StatusOption",
    "StrategicPlan",
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
