"""The reports app's entries in the permission matrix (see tests/test_permission_matrix.py).

The reports area is for the Chair and board officer roles (administrators hold every role):
anyone else signed in gets 403. A board's reports, agenda packs and narratives are for those who
sit on it today and board officers; a built report is for whoever asked for it and board
officers, and anyone else gets 404.
"""

from django.core.files.base import ContentFile

from partnership.tests.access import ADMIN, CHAIR_A, OFFICER, World, get, only, post
from reporting.models import ReportRequest

REPORTERS = (CHAIR_A, OFFICER, ADMIN)


def reporters(ok: int = 200, **overrides) -> dict:
    return only(ok, REPORTERS, 403, **overrides)


def the_report(ok: int = 200) -> dict:
    """A report the Chair of board A asked for: theirs and the officers', 404 for the rest."""
    return only(ok, REPORTERS, 404)


def build(world: World) -> None:
    report = ReportRequest.objects.create(
        kind="quarterly",
        inputs={"board": world.board_a.pk},
        inputs_key=f"matrix-{world.board_a.pk}",
        title="Board A, quarter 1",
        board=world.board_a,
        requested_by=world.users[CHAIR_A],
        status=ReportRequest.Status.DONE,
        filename="board-a.pdf",
        content_type="application/pdf",
    )
    report.file.save("matrix-board-a.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    world.report = report


REPORT = lambda w: [w.report.pk]  # noqa: E731

ENTRIES = [
    get("reporting:index", reporters()),
    get("reporting:request_quarterly", reporters(405)),
    post("reporting:request_quarterly", reporters(200)),
    get("reporting:request_annual", reporters(405)),
    post("reporting:request_annual", reporters(200)),
    get("reporting:agenda_pack", reporters(), lambda w: [w.meeting.pk]),
    post("reporting:agenda_pack", reporters(), lambda w: [w.meeting.pk]),
    get("reporting:narrative", reporters(), lambda w: [w.board_a.pk, "2025-26"]),
    post("reporting:narrative", reporters(), lambda w: [w.board_a.pk, "2025-26"]),
    get("reporting:status", the_report(), REPORT),
    get("reporting:download", the_report(), REPORT),
    post("reporting:retry", the_report(302), REPORT),
    # Only annual reports are signed off: for a quarterly report there is nothing to mark.
    post("reporting:mark_final", the_report(404), REPORT),
]
