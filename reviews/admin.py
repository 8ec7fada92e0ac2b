"""Administration of the case panels' configuration.

Administrators set up each panel's rules here and manage who sits on a panel through the
boards' membership pages. Cases and their actions are deliberately not registered: an
administrator who does not sit on a panel must not read its cases. The access log is shown
read-only, to superusers only, and without the justification text (which a user typed and might
hold something personal); panel chairs read it in full on the panel's pages.

Statutory review types are configuration too: a new type, with its criteria checklist and its
clocks, is added here without code. The reviews themselves are not registered, for the same
reason as the cases.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from boards.models import Board

from .models import AccessLog, ClockRule, PanelRules, ReviewCriterion, ReviewType


@admin.register(PanelRules)
class PanelRulesAdmin(SimpleHistoryAdmin):
    list_display = [
        "panel",
        "panel_type",
        "reference_prefix",
        "risk_measure",
        "high_risk_threshold",
        "escalation_incidents",
        "repeat_window_days",
        "retention_months",
    ]
    list_filter = ["panel_type"]
    fieldsets = [
        (None, {"fields": ["panel", "panel_type", "reference_prefix"]}),
        (
            "Risk",
            {
                "fields": [
                    "risk_measure",
                    "risk_score_min",
                    "risk_score_max",
                    "high_risk_threshold",
                    "escalation_incidents",
                    "repeat_window_days",
                ]
            },
        ),
        ("Meetings and retention", {"fields": ["minutes_per_case", "retention_months"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "panel":
            kwargs["queryset"] = Board.objects.filter(kind=Board.Kind.PANEL)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "panel", "case_reference", "detail"]
    list_filter = ["action", "panel"]
    search_fields = ["username", "case_reference"]
    date_hierarchy = "at"
    fields = ["at", "username", "user", "action", "panel", "case_reference", "detail"]
    readonly_fields = fields
    list_select_related = ["panel"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewCriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 1
    fields = ["order", "text", "kind"]


class ClockRuleInline(admin.TabularInline):
    model = ClockRule
    extra = 1
    fields = ["label", "start", "amount", "unit", "met_by", "statutory"]


@admin.register(ReviewType)
class ReviewTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "statutory", "asks_mandatory", "active", "order"]
    list_filter = ["statutory", "active"]
    inlines = [ReviewCriterionInline, ClockRuleInline]
