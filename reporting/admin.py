from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ReportRequest


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
