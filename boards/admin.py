"""Administration of the boards' reference lists, each with its audit history page."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Action,
    AgendaItem,
    Attendance,
    Board,
    Meeting,
    Membership,
    Organisation,
    Person,
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
