"""A panel meeting's case list: the confidentiality agreement first, then the list in agenda
order with running times, where cases are moved, timed and marked heard.

Meetings themselves are scheduled, attended and minuted on the boards pages.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from boards.models import Meeting

from .. import permissions, services
from ..forms import AgreementForm, ListingChangeForm, add_service_errors
from ..models import AccessLog, CaseListing
from .common import member_page


def _listing_prefix(listing: CaseListing) -> str:
    return f"listing-{listing.pk}"


def _meeting_page(request, meeting: Meeting, *, bound: ListingChangeForm | None = None):
    """The list in agenda order with each case's start time. Each showing is logged once."""
    listings = list(CaseListing.objects.for_meeting(meeting))
    start = timezone.localtime(meeting.starts_at)
    started = meeting.starts_at <= timezone.now()
    for listing in listings:
        listing.starts = start
        start += timedelta(minutes=listing.minutes)
        prefix = _listing_prefix(listing)
        if bound is not None and bound.prefix == prefix:
            listing.form = bound
        else:
            listing.form = ListingChangeForm(
                prefix=prefix, initial={"order": listing.order, "minutes": listing.minutes}
            )
        listing.can_hear = (
            started and not listing.heard and meeting.status != Meeting.Status.CANCELLED
        )
    services.log_access(
        request.user,
        None,
        AccessLog.Action.LIST,
        panel_id=meeting.board_id,
        detail=f"meeting case list for {meeting.date}",
    )
    return render(
        request,
        "reviews/meeting.html",
        {
            "meeting": meeting,
            "panel": meeting.board,
            "listings": listings,
            "ends": start,
            "total_minutes": sum(listing.minutes for listing in listings),
            "cancelled": meeting.status == Meeting.Status.CANCELLED,
        },
    )


@member_page
@require_GET
def meeting_cases(request, pk):
    meeting = permissions.get_panel_meeting_for_user(request.user, pk)
    if not permissions.has_agreed(request.user, meeting):
        return render(
            request,
            "reviews/agreement.html",
            {"meeting": meeting, "panel": meeting.board, "form": AgreementForm()},
        )
    return _meeting_page(request, meeting)


@member_page
@require_POST
def meeting_agreement(request, pk):
    meeting = permissions.get_panel_meeting_for_user(request.user, pk)
    form = AgreementForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "reviews/agreement.html",
            {"meeting": meeting, "panel": meeting.board, "form": form},
        )
    services.record_agreement(meeting, request.user)
    messages.success(request, "Your confidentiality agreement for this meeting is recorded.")
    return redirect("reviews:meeting", pk=meeting.pk)


def _agreed_listing(request, pk):
    """The listing, if the user has agreed to the confidentiality of its meeting."""
    listing = permissions.get_listing_for_user(request.user, pk)
    if not permissions.has_agreed(request.user, listing.meeting):
        messages.warning(request, "Record your confidentiality agreement for this meeting first.")
        return listing, redirect("reviews:meeting", pk=listing.meeting_id)
    return listing, None


@member_page
@require_POST
def listing_change(request, pk):
    """Move a case on the list or change its time."""
    listing, refused = _agreed_listing(request, pk)
    if refused:
        return refused
    form = ListingChangeForm(request.POST, prefix=_listing_prefix(listing))
    if form.is_valid():
        try:
            services.update_listing(listing, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{listing.case.reference}: place and time saved.")
            return redirect("reviews:meeting", pk=listing.meeting_id)
    return _meeting_page(request, listing.meeting, bound=form)


def _listing_action(request, pk, act, done: str):
    listing, refused = _agreed_listing(request, pk)
    if refused:
        return refused
    try:
        act(listing)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{listing.case.reference} {done}.")
    return redirect("reviews:meeting", pk=listing.meeting_id)


@member_page
@require_POST
def listing_heard(request, pk):
    return _listing_action(
        request,
        pk,
        lambda listing: services.mark_heard(listing.case, listing.meeting, by=request.user),
        "recorded as heard",
    )


@member_page
@require_POST
def listing_remove(request, pk):
    return _listing_action(
        request,
        pk,
        lambda listing: services.remove_listing(listing, by=request.user),
        "taken off the list",
    )


urlpatterns = [
    path("meetings/<int:pk>/", meeting_cases, name="meeting"),
    path("meetings/<int:pk>/agreement/", meeting_agreement, name="meeting_agreement"),
    path("listings/<int:pk>/", listing_change, name="listing_change"),
    path("listings/<int:pk>/heard/", listing_heard, name="listing_heard"),
    path("listings/<int:pk>/remove/", listing_remove, name="listing_remove"),
]
