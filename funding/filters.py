"""Filters for the applications list, shared by the page and its CSV export."""

import django_filters
from django.db.models import Q

from .models import Application, FundingRound, PriorityArea, Stage


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
