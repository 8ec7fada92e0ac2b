from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partnership.periods import FinancialYear

from .models import AnnualNarrative, PriorityNarrative, ReportRequest


@admin.register(ReportRequest)
class ReportRequestAdmin(SimpleHistoryAdmin):
    """For looking into a failed job; reports are asked for and retried from the dashboard."""

    list_display = ("title", "status", "progress", "requested_by", "created_at", "final")
    list_filter = ("status", "kind", "final")
    search_fields = ("title",)
    readonly_fields = (
        "id", "kind", "inputs", "title", "board", "requested_by", "status", "progress", "stage",
        "file", "filename", "content_type", "error", "attempts", "created_at", "started_at",
        "finished_at",
    )  # fmt: skip
    fields = (*readonly_fields, "final")

    def has_add_permission(self, request):
        return False


class PriorityNarrativeInline(admin.StackedInline):
    """A priority's text belongs to its year's narrative, so it is edited there."""

    model = PriorityNarrative
    extra = 0
    raw_id_fields = ("priority",)  # every plan's priorities would make a long list


@admin.register(AnnualNarrative)
class AnnualNarrativeAdmin(SimpleHistoryAdmin):
    """For putting right a narrative outside the officers' pages; who changed what is kept."""

    list_display = ("board", "financial_year", "updated_at", "updated_by")
    list_filter = ("board",)
    list_select_related = ("board", "updated_by")
    search_fields = ("board__name", "board__short_name", "year", "introduction", "chair_message")
    readonly_fields = ("updated_by", "updated_at")
    inlines = [PriorityNarrativeInline]

    @admin.display(description="year", ordering="year")
    def financial_year(self, narrative: AnnualNarrative) -> str:
        return FinancialYear(narrative.year).label

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
