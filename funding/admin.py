"""Administration of the fund's lists and records, each with its audit history page.

Money is never moved here: ledger entries are shown but not added, changed or deleted, and an
award's amount and tranches' payments are read-only. Those go through the staff pages, which
call ``funding.ledger``.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Application,
    Award,
    BudgetCategory,
    EligibilityQuestion,
    Fund,
    FundingRound,
    KeyTheme,
    LedgerEntry,
    PriorityArea,
    Tranche,
)


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fk_name = "fund"
    extra = 0
    fields = ["on", "kind", "amount", "award", "note", "reverses", "created_by", "created_at"]
    readonly_fields = fields
    ordering = ["-on", "-pk"]
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fund)
class FundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "board", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    inlines = [LedgerEntryInline]


class EligibilityQuestionInline(admin.TabularInline):
    model = EligibilityQuestion
    extra = 0
    fields = ["order", "question", "eligible_answer", "explanation"]


@admin.register(FundingRound)
class FundingRoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "fund", "opens_on", "closes_on", "min_grant", "max_grant"]
    list_filter = ["fund"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["priority_areas", "key_themes"]
    inlines = [EligibilityQuestionInline]


@admin.register(PriorityArea)
class PriorityAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(KeyTheme)
class KeyThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(BudgetCategory)
class BudgetCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "excluded", "explanation"]
    list_filter = ["excluded"]
    search_fields = ["name"]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    """Read-mostly: moves between stages go through the staff pages, which record who and why.

    Only the contact details can be corrected here (a typo in an e-mail address stops every
    message reaching the applicant).
    """

    list_display = ["reference", "organisation_name", "project_title", "round", "stage"]
    list_filter = ["round", "stage"]
    search_fields = ["reference", "organisation_name", "project_title", "contact_email"]
    editable = {"contact_name", "contact_email", "contact_phone"}
    exclude = ["token_hash"]

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in Application._meta.get_fields() if f.concrete]
        return [n for n in names if n not in self.editable and n not in ("id", "token_hash")]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0
    fields = ["number", "amount", "release_on", "review_on", "reviewed_on", "review_note"]
    fields += ["released_on", "released_by"]
    readonly_fields = ["number", "amount", "released_on", "released_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ["application", "amount", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    search_fields = ["application__reference", "application__organisation_name"]
    readonly_fields = ["application", "decision", "amount"]
    inlines = [TrancheInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
