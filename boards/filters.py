"""Filters for the actions register, shared by the page and its CSV export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from .models import Action, Board, Organisation, Person
from .permissions import visible_boards

YES_NO_ANY = (("", "Any"), ("true", "Yes"), ("false", "No"))


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search the title or the action")
    board = django_filters.ModelChoiceFilter(
        queryset=Board.objects.none(), label="Board", empty_label="All boards"
    )
    owner_person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.none(), label="Owner (person)", empty_label="Anyone"
    )
    owner_organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(),
        label="Owner (organisation)",
        empty_label="Any organisation",
    )
    status = django_filters.ChoiceFilter(
        choices=Action.Status.choices, label="Status", empty_label="Any status"
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue",
        widget=forms.Select(choices=YES_NO_ANY),
    )

    class Meta:
        model = Action
        fields = ["q", "board", "owner_person", "owner_organisation", "status", "overdue"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        boards = visible_boards(user) if user is not None else Board.objects.none()
        self.filters["board"].queryset = boards.order_by("name")
        # Offer only owners who appear in the register the user can see, so that the choices
        # reveal nothing about boards they do not sit on.
        on_visible = Action.objects.filter(board__in=boards)
        self.filters["owner_person"].queryset = (
            Person.objects.filter(pk__in=on_visible.values("owner_person"))
            .select_related("organisation")
            .order_by("full_name")
        )
        self.filters["owner_organisation"].queryset = Organisation.objects.filter(
            pk__in=on_visible.values("owner_organisation")
        ).order_by("name")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status=Action.Status.ONGOING, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
