"""Administration of the boards' reference lists, each with its audit history page."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Action,
    AgendaItem,
    Attendance,
    Board,
    BudgetLine,
    Indicator,
    IndicatorValue,
    Meeting,
    Membership,
    Organisation,
    Person,
    Priority,
    StatusKey,
    StatusOption,
    StrategicPlan,
    TermsOfReference,
)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "sector", "responsible_authority", "active"]
    list_filter = ["sector", "responsible_authority", "active"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "job_title", "organisation", "email", "user", "active"]
    list_filter = ["organisation", "active"]
    search_fields = ["full_name", "email"]
    autocomplete_fields = ["organisation", "user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "board"
    extra = 0
    autocomplete_fields = ["person", "deputy", "organisation"]


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "meeting_frequency", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name"]
    inlines = [MembershipInline]


@admin.register(TermsOfReference)
class TermsOfReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["board", "version", "approved_on", "review_due"]
    list_filter = ["board"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["number", "title", "report_of", "purpose", "standard", "exempt"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["board", "starts_at", "status", "venue"]
    list_filter = ["board", "status"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "membership", "status", "deputy"]
    list_filter = ["status", "meeting__board"]
    list_select_related = ["meeting__board", "membership__person", "membership__board", "deputy"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = [
        "board",
        "number",
        "title",
        "owner_person",
        "owner_organisation",
        "due_date",
        "status",
    ]
    list_filter = ["board", "status"]
    search_fields = ["title", "description"]
    readonly_fields = ["number"]


class StatusOptionFormSet(BaseInlineFormSet):
    """A key needs exactly one status new actions start in, and at least one that is complete."""

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            return
        if sum(1 for data in kept if data.get("starts_here")) != 1:
            raise ValidationError("Mark exactly one status as the one new key actions start in.")
        if not any(data.get("means_complete") for data in kept):
            raise ValidationError("Mark at least one status as meaning complete.")


class StatusOptionInline(admin.TabularInline):
    model = StatusOption
    formset = StatusOptionFormSet
    extra = 0
    fields = [
        "order",
        "label",
        "colour_name",
        "background",
        "text_colour",
        "means_complete",
        "starts_here",
    ]


@admin.register(StatusKey)
class StatusKeyAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    inlines = [StatusOptionInline]


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0
    fields = ["number", "title", "domain", "lead_board"]


@admin.register(StrategicPlan)
class StrategicPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "board", "start_year", "end_year", "status_key"]
    inlines = [PriorityInline]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "category", "unit", "better", "source", "active"]
    list_filter = ["category", "better", "active"]
    search_fields = ["name"]
    inlines = [IndicatorValueInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ["board", "year", "kind", "organisation", "category", "description", "amount"]
    list_filter = ["board", "year", "kind"]
