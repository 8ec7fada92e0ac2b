"""Key statistics: the table of indicators, each indicator's figures, and spreadsheet imports."""

import secrets
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.exports import csv_response
from partnership.pages import form_page
from partnership.periods import FinancialYear

from .. import indicator_import, keystats
from ..forms import add_service_errors
from ..forms_statistics import ImportForm, IndicatorForm, IndicatorValueForm, PeriodForm
from ..models import Indicator, IndicatorValue
from ..permissions import can_manage_boards
from .common import require_manager

# Where a checked import waits for the officer to confirm it.
SESSION_KEY = "boards_indicator_import"
# A preview older than this is refused: the figures in the database may have moved on.
PREVIEW_MAX_AGE_SECONDS = 60 * 60
# Long previews show this many rows per table; the counts always cover every row.
PREVIEW_SHOWN_ROWS = 500


def _crumbs():
    return [("Boards", reverse("boards:index")), ("Key statistics", reverse("boards:statistics"))]


def _default_year() -> FinancialYear:
    latest = keystats.latest_year_with_values()
    return latest or FinancialYear.containing(timezone.localdate()).previous()


def _period(request) -> tuple[PeriodForm, FinancialYear, int | None]:
    """The period asked for; a field that does not make sense falls back to its default."""
    years = keystats.years_with_values()
    default = years[0] if years else _default_year()
    form = PeriodForm(request.GET or None, years=years or [default])
    year, quarter = default, None
    if form.is_bound:
        form.is_valid()
        cleaned = form.cleaned_data
        year = cleaned.get("year") or default
        quarter = cleaned.get("quarter")
    return form, year, quarter


@login_required
def statistics(request):
    form, year, quarter = _period(request)
    rows = keystats.statistics_table(year, quarter)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    return render(
        request,
        "boards/statistics/index.html",
        {
            "form": form,
            "groups": keystats.group_by_category(rows),
            "row_count": len(rows),
            "this_period": keystats.period_label(year, quarter),
            "last_period": keystats.period_label(year.previous(), quarter),
            "any_from_quarters": any(r.from_quarters for r in rows),
            "csv_query": query,
            "can_manage": can_manage_boards(request.user),
        },
    )


@login_required
def statistics_csv(request):
    _form, year, quarter = _period(request)
    this_period = keystats.period_label(year, quarter)
    last_period = keystats.period_label(year.previous(), quarter)
    filename = f"key-statistics-{this_period.replace('/', '-').replace(' ', '-')}.csv"
    header = [
        "Category",
        "Indicator",
        "Unit",
        this_period,
        last_period,
        "Change",
        "Change %",
        "Direction",
        "Note",
    ]
    rows = (
        [
            row.indicator.category,
            row.indicator.name,
            row.indicator.unit,
            row.current,
            row.previous,
            row.change.difference,
            row.change.percent if row.change.difference is not None else "",
            row.change.words,
            " ".join(row.notes),
        ]
        for row in keystats.statistics_table(year, quarter)
    )
    return csv_response(filename, header, rows)


@login_required
def indicator_edit(request, pk=None):
    require_manager(request.user)
    indicator = get_object_or_404(Indicator, pk=pk) if pk else Indicator()
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        indicator = form.save()
        messages.success(request, f"Saved the indicator {indicator.name}.")
        return redirect("boards:indicator_detail", pk=indicator.pk)
    crumbs = _crumbs()
    if pk:
        crumbs.append((indicator.name, reverse("boards:indicator_detail", args=[pk])))
    return form_page(
        request,
        form,
        title=f"Edit {indicator.name}" if pk else "Add an indicator",
        crumbs=crumbs,
        cancel_url=(
            reverse("boards:indicator_detail", args=[pk]) if pk else reverse("boards:statistics")
        ),
        intro="" if pk else "Add its figures on the next page, or import them from a spreadsheet.",
    )


def _values_by_year(indicator: Indicator) -> list[dict]:
    """One row per year, newest first: the whole-year figure and each quarter's."""
    years: dict[int, dict] = {}
    for value in indicator.values.all():
        entry = years.setdefault(value.year, {"year": FinancialYear(value.year), "periods": {}})
        entry["periods"][value.quarter or 0] = value.value
    rows = []
    for year in sorted(years, reverse=True):
        periods = years[year]["periods"]
        quarters = [periods.get(q) for q in (1, 2, 3, 4)]
        summed = None
        if all(q is not None for q in quarters) and keystats.quarters_can_be_summed(indicator):
            summed = sum(quarters)
        rows.append(
            {
                "year": years[year]["year"],
                "whole": keystats.format_number(periods.get(0)) or "—",
                "quarters": [keystats.format_number(q) or "—" for q in quarters],
                "summed": keystats.format_number(summed) if summed is not None else "",
                "differs": summed is not None and 0 in periods and summed != periods[0],
            }
        )
    return rows


def _value_changes(indicator: Indicator) -> list[dict]:
    """The audit trail of this indicator's figures, newest first."""
    records = (
        IndicatorValue.history.filter(indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:30]
    )
    kinds = {"+": "Added", "~": "Changed", "-": "Deleted"}
    changes = []
    for record in records:
        user = record.history_user
        label = FinancialYear(record.year).label
        changes.append(
            {
                "when": record.history_date,
                "who": (user.get_full_name() or user.get_username()) if user else "The system",
                "what": f"{kinds.get(record.history_type, record.history_type)} "
                f"{label}{f' Q{record.quarter}' if record.quarter else ''}: "
                f"{keystats.format_number(record.value)}",
            }
        )
    return changes


@login_required
def indicator_detail(request, pk):
    indicator = get_object_or_404(Indicator, pk=pk)
    can_manage = can_manage_boards(request.user)
    form = None
    if request.method == "POST":
        require_manager(request.user)
        form = IndicatorValueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                value, created = IndicatorValue.objects.update_or_create(
                    indicator=indicator,
                    year=data["year"],
                    quarter=data["quarter"],
                    defaults={"value": data["value"]},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                verb = "Added" if created else "Corrected"
                messages.success(
                    request,
                    f"{verb} {value.period_label}: {keystats.format_number(value.value)}.",
                )
                return redirect("boards:indicator_detail", pk=indicator.pk)
    elif can_manage:
        form = IndicatorValueForm()
    return render(
        request,
        "boards/statistics/indicator_detail.html",
        {
            "indicator": indicator,
            "years": _values_by_year(indicator),
            "changes": _value_changes(indicator),
            "form": form,
            "can_manage": can_manage,
            "crumbs": _crumbs(),
        },
    )


def _keep_preview(session, preview: indicator_import.ImportPreview) -> str:
    """Keep the checked rows until the officer confirms; the token names this preview."""
    token = secrets.token_urlsafe(24)
    session[SESSION_KEY] = {"token": token, "made": time.time(), "preview": preview.to_data()}
    return token


def _take_preview(session, token: str) -> indicator_import.ImportPreview | None:
    """The preview this token names, used once; None if it is unknown, replaced or too old."""
    kept = session.get(SESSION_KEY)
    if not kept or not token or not secrets.compare_digest(str(kept["token"]), token):
        return None
    session.pop(SESSION_KEY, None)
    if time.time() - kept["made"] > PREVIEW_MAX_AGE_SECONDS:
        return None
    return indicator_import.ImportPreview.from_data(kept["preview"])


@login_required
def import_values(request):
    require_manager(request.user)
    preview = token = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                preview = indicator_import.preview(
                    form.cleaned_data["file"],
                    create_unknown=form.cleaned_data["create_unknown"],
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                request.session.pop(SESSION_KEY, None)
                if preview.can_apply:
                    token = _keep_preview(request.session, preview)
    else:
        form = ImportForm()
    return render(
        request,
        "boards/statistics/import.html",
        {
            "form": form,
            "preview": preview,
            "token": token,
            "shown": PREVIEW_SHOWN_ROWS,
            "crumbs": _crumbs(),
        },
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@login_required
@require_POST
def import_confirm(request):
    require_manager(request.user)
    preview = _take_preview(request.session, request.POST.get("token", ""))
    if preview is None:
        messages.error(
            request,
            "Nothing was saved: that preview has expired or was replaced by a newer upload. "
            "Upload the file again.",
        )
        return redirect("boards:indicator_import")
    try:
        counts = indicator_import.apply(preview, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("boards:indicator_import")
    parts = [
        _count(counts["values_created"], "figure") + " added",
        f"{counts['values_updated']} corrected",
        f"{counts['unchanged']} unchanged",
    ]
    if counts["indicators_created"]:
        parts.insert(0, _count(counts["indicators_created"], "new indicator"))
    messages.success(request, f"Imported {preview.filename}: {', '.join(parts)}.")
    return redirect("boards:statistics")


urlpatterns = [
    path("statistics/", statistics, name="statistics"),
    path("statistics/export.csv", statistics_csv, name="statistics_csv"),
    path("statistics/indicators/new/", indicator_edit, name="indicator_create"),
    path("statistics/indicators/<int:pk>/", indicator_detail, name="indicator_detail"),
    path("statistics/indicators/<int:pk>/edit/", indicator_edit, name="indicator_edit"),
    path("statistics/import/", import_values, name="indicator_import"),
    path("statistics/import/confirm/", import_confirm, name="indicator_import_confirm"),
]
