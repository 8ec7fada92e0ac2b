"""A meeting's agenda pack: what it will hold, building it, and the versions built so far.

Board officers and chairs who sit on the board build packs; the packs are listed here and on the
reports dashboard, and download through the reports' permission-checked view.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from boards.models import Meeting
from partnership.permissions import role_required

from . import agenda_pack, services
from .forms import AgendaPackForm
from .permissions import REPORT_ROLES, report_boards, reports_listed_for
from .views import POLL_SECONDS, _requested


def _meeting_for(user, pk) -> Meeting:
    """The meeting if it belongs to a board the user reports on; 404 otherwise."""
    meeting = (
        Meeting.objects.select_related("board").filter(pk=pk, board__in=report_boards(user)).first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


@role_required(REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def meeting_pack(request, pk):
    meeting = _meeting_for(request.user, pk)
    form = AgendaPackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.request_report(
                request.user,
                agenda_pack.IDENTIFIER,
                meeting=meeting.pk,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return _requested(request, report, reverse("reporting:agenda_pack", args=[pk]))
    items = list(meeting.items.prefetch_related("papers"))
    packs = reports_listed_for(request.user).filter(
        kind=agenda_pack.IDENTIFIER, inputs__meeting=meeting.pk
    )
    return render(
        request,
        "reporting/agenda_pack.html",
        {
            "meeting": meeting,
            "form": form,
            "items": items,
            "packs": packs.order_by("-created_at")[:10],
            "poll_seconds": POLL_SECONDS,
            "crumbs": [
                ("Boards", reverse("boards:index")),
                (meeting.board.display_name, meeting.board.get_absolute_url()),
                (f"{meeting.date:%-d %B %Y}", meeting.get_absolute_url()),
            ],
        },
        status=400 if form.errors else 200,
    )
