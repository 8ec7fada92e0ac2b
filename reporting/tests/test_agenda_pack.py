"""The agenda pack: cover, membership and agenda, the PDF papers merged in agenda order, other
papers listed, exempt papers left out of the public version, and every page numbered."""

import datetime as dt
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from boards.models import AgendaItem, Meeting, Membership, Paper
from boards.tests.factories import MeetingFactory, at, board_with_members
from partnership import roles
from partnership.pdf import html_to_pdf
from partnership.tests.factories import persona
from reporting import agenda_pack
from reporting.models import ReportRequest
from reporting.registry import get_kind

from .people import chair_of

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)


def paper_pdf(marker: str, pages: int = 1, landscape: bool = False) -> bytes:
    """A paper of ``pages`` pages, each saying which paper and page it is."""
    size = "A4 landscape" if landscape else "A4"
    body = "".join(
        f'<p style="break-after: page">{marker} page {n}</p>' for n in range(1, pages + 1)
    )
    return html_to_pdf(f"<style>@page {{ size: {size} }}</style>{body}")


def add_item(meeting, number, title, *, exempt=False, purpose="information", papers=()):
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=number,
        title=title,
        purpose=purpose,
        report_of="Head of Community Safety",
        exempt=exempt,
    )
    for name, content in papers:
        Paper.objects.create(
            item=item, title=name.rsplit(".", 1)[0].title(), file=ContentFile(content, name=name)
        )
    return item


@pytest.fixture
def meeting():
    board, members = board_with_members(3, name="Safer Riverside Partnership Board")
    meeting = MeetingFactory(board=board, starts_at=at(dt.date(2026, 3, 12)))
    add_item(meeting, 1, "Apologies", purpose="standard")
    add_item(
        meeting,
        2,
        "Crime and disorder performance",
        papers=[("performance.pdf", paper_pdf("PERFORMANCE", pages=3))],
    )
    add_item(
        meeting,
        3,
        "Serious violence needs assessment",
        purpose="decision",
        papers=[
            ("assessment.docx", b"PK\x03\x04 a word document"),
            ("hotspots.pdf", paper_pdf("HOTSPOTS", landscape=True)),
        ],
    )
    add_item(
        meeting,
        4,
        "Community fund: applications for award",
        exempt=True,
        purpose="decision",
        papers=[("applications.pdf", paper_pdf("APPLICATIONS", pages=2))],
    )
    add_item(meeting, 5, "Damaged appendix", papers=[("broken.pdf", b"%PDF-1.7 not really")])
    return meeting


def build(meeting, version=agenda_pack.MEMBERS):
    kind = get_kind(agenda_pack.IDENTIFIER)
    data = kind.build({"meeting": meeting.pk, "version": version})
    return data, PdfReader(io.BytesIO(kind.render(data).content))


def texts(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def page_of(pages: list[str], marker: str) -> int:
    """The pack's page number (from 1) holding ``marker``."""
    return next(n for n, text in enumerate(pages, start=1) if marker in text)


def test_the_members_pack_merges_pdf_papers_in_agenda_order_and_numbers_every_page(meeting):
    data, reader = build(meeting)
    pages = texts(reader)
    front = next(n for n, text in enumerate(pages) if "PERFORMANCE page 1" in text)
    # Three pages of performance, one landscape hotspot map, two of applications.
    assert len(pages) == front + 3 + 1 + 2
    assert page_of(pages, "PERFORMANCE page 1") == front + 1
    assert page_of(pages, "PERFORMANCE page 3") == front + 3
    assert page_of(pages, "HOTSPOTS page 1") == front + 4
    assert page_of(pages, "APPLICATIONS page 2") == front + 6
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text, number
    # The agenda quotes the pages the papers really occupy.
    agenda = "\n".join(pages[:front])
    assert f"Pages {front + 1}–{front + 3}" in agenda
    assert f"Page {front + 4}" in agenda
    assert f"Pages {front + 5}–{front + 6}" in agenda
    for title in ("Crime and disorder performance", "Serious violence needs assessment"):
        assert title in agenda
    assert "Safer Riverside Partnership Board" in pages[0] and "Agenda pack" in pages[0]
    assert "Members' version" in pages[0]


def test_papers_that_cannot_be_merged_are_listed_with_the_reason(meeting):
    data, reader = build(meeting)
    agenda = " ".join(texts(reader)[:3])
    assert "Word document: open it from the meeting's page" in agenda
    assert "could not be read" in re.sub(r"\s+", " ", agenda)
    included = [paper.title for _, paper in data.included]
    assert included == ["Performance", "Hotspots", "Applications"]


def test_the_public_version_leaves_out_exempt_papers_and_says_so(meeting):
    data, reader = build(meeting, agenda_pack.PUBLIC)
    pages = texts(reader)
    whole = "\n".join(pages)
    assert "APPLICATIONS" not in whole
    assert "PERFORMANCE page 1" in whole and "HOTSPOTS page 1" in whole
    assert "Not for publication" in whole and "Public version" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_a_landscape_paper_is_stamped_at_its_own_size(meeting):
    _, reader = build(meeting)
    pages = texts(reader)
    number = page_of(pages, "HOTSPOTS page 1")
    page = reader.pages[number - 1]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    assert f"Page {number} of {len(pages)}" in pages[number - 1]


def test_a_rotated_paper_keeps_its_stamp_upright(meeting):
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(paper_pdf("ROTATED"))))
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    item = meeting.items.get(number=5)
    Paper.objects.create(item=item, title="Rotated", file=ContentFile(out.getvalue(), "r.pdf"))
    _, reader = build(meeting)
    pages = texts(reader)
    number = page_of(pages, "ROTATED")
    page = reader.pages[number - 1]
    assert page.rotation == 0  # the rotation went into the content, so the stamp sits upright
    assert float(page.mediabox.width) > float(page.mediabox.height)
    assert f"Page {number} of {len(pages)}" in pages[number - 1]


def test_the_pack_has_bookmarks_for_the_agenda_and_each_paper(meeting):
    _, reader = build(meeting)
    titles = [entry.title for entry in reader.outline]
    assert titles == ["Agenda", "2. Performance", "3. Hotspots", "4. Applications"]
    agenda = reader.get_destination_page_number(reader.outline[0])
    assert agenda == 1 and "Agenda" in reader.pages[agenda].extract_text()


def test_the_membership_lists_the_chair_first(meeting):
    adviser = Membership.objects.filter(board=meeting.board, role="member").first()
    adviser.role = Membership.Role.ADVISER
    adviser.save()
    data, _ = build(meeting)
    assert [m.role for m in data.members][0] == Membership.Role.CHAIR
    assert data.members[-1].role == Membership.Role.ADVISER


def test_the_membership_on_the_day_is_listed(meeting):
    leaver = Membership.objects.filter(board=meeting.board).last()
    leaver.end_date = dt.date(2026, 1, 31)
    leaver.save()
    data, reader = build(meeting)
    assert leaver not in data.members and len(data.members) == 2
    front = texts(reader)[1]
    assert all(member.person.full_name in front for member in data.members)


def test_an_empty_agenda_still_builds_and_says_so():
    board, _ = board_with_members(2)
    meeting = MeetingFactory(board=board)
    _, reader = build(meeting)
    assert "The agenda is empty" in "\n".join(texts(reader))


@pytest.mark.parametrize("papers", [1, 10])
def test_the_builder_costs_the_same_queries_for_one_paper_or_ten(papers, django_assert_num_queries):
    board, _ = board_with_members(3)
    meeting = MeetingFactory(board=board)
    content = paper_pdf("P")
    for n in range(papers):
        add_item(meeting, n + 1, f"Item {n}", papers=[(f"p{n}.pdf", content)])
    kind = get_kind(agenda_pack.IDENTIFIER)
    with django_assert_num_queries(4):
        kind.build({"meeting": meeting.pk, "version": agenda_pack.MEMBERS})


# --- Asking for the pack -------------------------------------------------------------------


@pytest.fixture
def officer():
    return persona(roles.BOARD_OFFICER, "officer")


def pack_url(meeting):
    return reverse("reporting:agenda_pack", args=[meeting.pk])


def test_the_page_shows_what_the_pack_will_hold(client, officer, meeting):
    client.force_login(officer)
    page = client.get(pack_url(meeting)).content.decode()
    assert "Crime and disorder performance" in page
    assert "not a PDF: listed" in page and "members' version only" in page


def test_an_officer_builds_the_pack_and_a_chair_of_the_board_downloads_it(
    client, officer, meeting, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pack_url(meeting), {"version": agenda_pack.PUBLIC})
    assert response.status_code == 302 and response.url.startswith(pack_url(meeting))
    report = ReportRequest.objects.get(kind=agenda_pack.IDENTIFIER)
    assert report.status == ReportRequest.Status.DONE
    assert report.board_id == meeting.board_id
    assert (
        report.title
        == "Agenda pack: Safer Riverside Partnership Board, 12 March 2026, public version"
    )
    assert report.filename.endswith("-agenda-pack-2026-03-12-public.pdf")
    listed = client.get(pack_url(meeting)).content.decode()
    assert reverse("reporting:download", args=[report.pk]) in listed

    chair = chair_of(meeting.board, "boardchair")
    client.force_login(chair)
    download = client.get(reverse("reporting:download", args=[report.pk]))
    assert download.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert "Public version" in reader.pages[0].extract_text()


def test_a_chair_of_another_board_sees_neither_the_page_nor_the_pack(
    client, officer, meeting, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pack_url(meeting), {"version": agenda_pack.MEMBERS})
    assert ReportRequest.objects.get(kind=agenda_pack.IDENTIFIER).downloadable
    report = ReportRequest.objects.get(kind=agenda_pack.IDENTIFIER)
    other_board, _ = board_with_members(2)
    client.force_login(chair_of(other_board, "otherchair"))
    assert client.get(pack_url(meeting)).status_code == 404
    assert client.post(pack_url(meeting), {"version": "members"}).status_code == 404
    assert client.get(reverse("reporting:download", args=[report.pk])).status_code == 404


def test_a_member_of_the_board_without_the_reports_role_is_refused(client, meeting):
    seat = Membership.objects.filter(board=meeting.board).first()
    seat.person.user = persona(None, "member")
    seat.person.save()
    client.force_login(seat.person.user)
    assert client.get(meeting.get_absolute_url()).status_code == 200  # sees the meeting
    assert client.get(pack_url(meeting)).status_code in (403, 404)


def test_a_chair_who_has_left_the_board_no_longer_sees_its_packs(
    client, officer, meeting, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pack_url(meeting), {"version": agenda_pack.MEMBERS})
    report = ReportRequest.objects.get(kind=agenda_pack.IDENTIFIER)
    chair = chair_of(meeting.board, "formerchair")
    client.force_login(chair)
    assert client.get(reverse("reporting:download", args=[report.pk])).status_code == 200
    Membership.objects.filter(person__user=chair).update(end_date=dt.date(2025, 3, 31))
    assert client.get(reverse("reporting:download", args=[report.pk])).status_code == 404
    assert client.get(pack_url(meeting)).status_code == 404


def test_an_unknown_version_is_refused_next_to_the_field_and_nothing_is_queued(
    client, officer, meeting
):
    client.force_login(officer)
    response = client.post(pack_url(meeting), {"version": "press"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the members&#x27; version or the public version." in page
    assert not ReportRequest.objects.exists()


def test_a_cancelled_meeting_has_no_pack(client, officer, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    client.force_login(officer)
    response = client.post(pack_url(meeting), {"version": agenda_pack.MEMBERS})
    assert response.status_code == 400
    assert not ReportRequest.objects.exists()
    assert "cancelled" in response.content.decode()


def test_asking_twice_while_one_is_being_built_reuses_it(officer, meeting, monkeypatch):
    from reporting import services

    monkeypatch.setattr(services, "_queue", lambda report: None)  # stays queued
    first = services.request_report(
        officer, agenda_pack.IDENTIFIER, meeting=meeting.pk, version="members"
    )
    again = services.request_report(
        officer, agenda_pack.IDENTIFIER, meeting=meeting.pk, version="members"
    )
    assert again.pk == first.pk and again.reused
    public = services.request_report(
        officer, agenda_pack.IDENTIFIER, meeting=meeting.pk, version="public"
    )
    assert public.pk != first.pk


def test_the_meeting_page_links_to_the_pack_for_officers_only(client, officer, meeting):
    link = pack_url(meeting)
    client.force_login(officer)
    assert link in client.get(meeting.get_absolute_url()).content.decode()
    member = Membership.objects.filter(board=meeting.board).first()
    member.person.user = persona(None, "plainmember")
    member.person.save()
    client.force_login(member.person.user)
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200 and link not in page.content.decode()


def test_the_demo_gives_the_next_board_meeting_papers_that_make_a_pack():
    from boards import demo_papers
    from boards.demo import STRATEGIC

    board, _ = board_with_members(3, name=STRATEGIC)
    meeting = MeetingFactory(board=board)  # a fortnight ahead, scheduled
    add_item(meeting, 1, "Apologies", purpose="standard")
    add_item(meeting, 2, "Partnership performance: crime and ASB trends")
    add_item(meeting, 3, "Community fund: applications recommended for award", purpose="decision")
    add_item(meeting, 4, "Police update")
    lines = []
    demo_papers.load(lines.append)
    assert lines == [f"added 3 papers to the board meeting of {meeting.date:%-d %B %Y}"]
    demo_papers.load(lines.append)  # a second load leaves the meeting alone
    assert Paper.objects.filter(item__meeting=meeting).count() == 3

    data, reader = build(meeting)
    assert [paper.title for _, paper in data.included] == [
        "Performance report: crime and anti-social behaviour",
        "Recommendations for award",
    ]
    whole = " ".join("\n".join(texts(reader)).split())
    assert "Excel document: open it from the meeting's page" in whole
    assert "Harbour Lane Residents" in whole  # the exempt paper, in the members' version
    _, public = build(meeting, agenda_pack.PUBLIC)
    assert "Harbour Lane Residents" not in "\n".join(texts(public))


def _built(client, officer, meeting, version, capture):
    client.force_login(officer)
    with capture(execute=True):
        client.post(pack_url(meeting), {"version": version})
    return ReportRequest.objects.get(kind=agenda_pack.IDENTIFIER, inputs__version=version)


def test_marking_an_item_exempt_withdraws_public_packs_that_hold_its_papers(
    client, officer, meeting, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    public = _built(client, officer, meeting, agenda_pack.PUBLIC, capture)
    members = _built(client, officer, meeting, agenda_pack.MEMBERS, capture)
    item = meeting.items.get(number=2)
    item.exempt = True
    with capture(execute=True):
        item.save()

    public.refresh_from_db()
    members.refresh_from_db()
    assert public.file_removed and not members.file_removed
    assert client.get(reverse("reporting:download", args=[public.pk])).status_code == 404
    listed = client.get(pack_url(meeting)).content.decode()
    assert "the file has since been removed" in listed

    # Built again, the public pack leaves the newly exempt item's paper out.
    with capture(execute=True):
        client.post(pack_url(meeting), {"version": agenda_pack.PUBLIC})
    again = ReportRequest.objects.exclude(pk__in=[public.pk, members.pk]).get()
    rebuilt = PdfReader(again.file.open("rb"))
    assert "PERFORMANCE" not in "".join(texts(rebuilt))


def test_editing_an_item_already_exempt_leaves_the_public_pack_alone(
    client, officer, meeting, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    public = _built(client, officer, meeting, agenda_pack.PUBLIC, capture)
    item = meeting.items.get(number=4)
    item.title = "Community fund: recommended awards"
    with capture(execute=True):
        item.save()
    public.refresh_from_db()
    assert public.downloadable
