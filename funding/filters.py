"""Filters for the staff lists, each shared by its page and its CSV export."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from .models import Application, Award, FundingRound, MonitoringReturn, PriorityArea, Stage


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search the reference, organisation or project"
    )
    round = django_filters.ModelChoiceFilter(
        queryset=FundingRound.objects.order_by("-opens_on"), label="Round", empty_label="All rounds"
    )
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label="Stage", empty_label="Any stage"
    )
    priority_area = django_filters.ModelChoiceFilter(
        field_name="priority_areas",
        queryset=PriorityArea.objects.order_by("name"),
        label="Priority area",
        empty_label="Any priority area",
    )

    class Meta:
        model = Application
        fields = ["q", "round", "stage", "priority_area"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(organisation_name__icontains=value)
            | Q(project_title__icontains=value)
        )


class AwardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search the reference or organisation")
    round = django_filters.ModelChoiceFilter(
        field_name="application__round",
        queryset=FundingRound.objects.order_by("-opens_on"),
        label="Round",
        empty_label="All rounds",
    )
    status = django_filters.ChoiceFilter(
        choices=Award.Status.choices, label="Status", empty_label="Any status"
    )
    attention = django_filters.ChoiceFilter(
        method="needing",
        label="Needs attention",
        empty_label="Everything",
        choices=[
            ("overdue", "A return is overdue"),
            ("review", "A return is waiting for review"),
            ("changes", "A change request is waiting"),
        ],
    )

    class Meta:
        model = Award
        fields = ["q", "round", "status", "attention"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(application__reference__icontains=value)
            | Q(application__organisation_name__icontains=value)
        )

    def needing(self, queryset, name, value):
        column = {"overdue": "overdue", "review": "to_review", "changes": "pending_changes"}
        return queryset.filter(**{f"{column[value]}__gt": 0})


class ReturnFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        method="in_state",
        label="Show",
        empty_label="Every return",
        choices=[
            ("overdue", "Overdue"),
            ("submitted", "Waiting for review"),
            ("due", "Still to come"),
            ("accepted", "Accepted"),
        ],
    )
    round = django_filters.ModelChoiceFilter(
        field_name="award__application__round",
        queryset=FundingRound.objects.order_by("-opens_on"),
        label="Round",
        empty_label="All rounds",
    )

    class Meta:
        model = MonitoringReturn
        fields = ["state", "round"]

    def in_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "due":
            return queryset.waiting().filter(due_on__gte=today)
        return queryset.filter(status=value)
