"""Filters of a panel's case list and of its access log."""

import django_filters
from django import forms

from boards.forms_actions import DateInput
from boards.models import Board, Meeting

from .forms import MeetingChoiceField
from .models import AccessLog, Case

YES_NO_ANY = (("", "Any"), ("true", "Yes"), ("false", "No"))


class MeetingFilter(django_filters.ModelChoiceFilter):
    field_class = MeetingChoiceField


class CaseFilter(django_filters.FilterSet):
    STATES = (("open", "Open"), ("closed", "Closed"))

    reference = django_filters.CharFilter(label="Reference", lookup_expr="icontains")
    state = django_filters.ChoiceFilter(
        label="Open or closed", choices=STATES, empty_label="Open and closed", method="by_state"
    )
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, empty_label="Any status")
    risk_level = django_filters.ChoiceFilter(
        label="Risk level", choices=Case.RiskLevel.choices, empty_label="Any level"
    )
    repeat = django_filters.BooleanFilter(
        label="Repeat referral",
        field_name="reason_repeat",
        widget=forms.Select(choices=YES_NO_ANY),
    )
    meeting = MeetingFilter(
        label="Listed for the meeting",
        field_name="listings__meeting",
        queryset=Meeting.objects.none(),
        empty_label="Any or none",
    )

    class Meta:
        model = Case
        fields = ["reference", "state", "status", "risk_level", "repeat", "meeting"]

    def __init__(self, *args, panel: Board, **kwargs):
        super().__init__(*args, **kwargs)
        # The panel's own meetings only: the choice reveals nothing about other boards.
        self.filters["meeting"].queryset = Meeting.objects.filter(board=panel).exclude(
            status=Meeting.Status.CANCELLED
        )

    def by_state(self, queryset, name, value):
        if value == "open":
            return queryset.exclude(status=Case.Status.CLOSED)
        if value == "closed":
            return queryset.filter(status=Case.Status.CLOSED)
        return queryset


class AccessLogFilter(django_filters.FilterSet):
    case_reference = django_filters.CharFilter(label="Case reference", lookup_expr="icontains")
    username = django_filters.ChoiceFilter(label="User", empty_label="Anyone")
    action = django_filters.ChoiceFilter(choices=AccessLog.Action.choices, empty_label="Any action")
    since = django_filters.DateFilter(
        label="From", field_name="at", lookup_expr="date__gte", widget=DateInput()
    )
    until = django_filters.DateFilter(
        label="To", field_name="at", lookup_expr="date__lte", widget=DateInput()
    )

    class Meta:
        model = AccessLog
        fields = ["case_reference", "username", "action", "since", "until"]

    def __init__(self, *args, panel: Board, **kwargs):
        super().__init__(*args, **kwargs)
        names = (
            AccessLog.objects.for_panel(panel)
            .order_by("username")
            .values_list("username", flat=True)
            .distinct()
        )
        self.filters["username"].extra["choices"] = [(name, name) for name in names]
