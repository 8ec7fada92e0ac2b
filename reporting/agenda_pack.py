"""The agenda pack for a meeting: cover, membership, agenda, then each paper in agenda order.

Papers uploaded as PDF are merged into the pack; Word, Excel and other documents are listed on
the agenda with a note to open them from the meeting's page, and so are PDFs that cannot be read
(damaged or password-protected). Every page of the pack, the papers' own included, is stamped
with the meeting and "Page X of Y", and the agenda gives the pages each paper occupies.

Two versions: the members' version holds every paper; the public version, for publishing, leaves
out the papers of items exempt from publication and says so where they would have been.

The build step reads each paper once (its page count); the render step lays out the
front pages with WeasyPrint, merges the papers with pypdf and stamps the page numbers through
an overlay drawn by WeasyPrint at each page's own size, so landscape and Letter papers are
stamped in their corner too.
"""

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from boards.models import AgendaItem, Meeting, Membership
from partnership.pdf import html_to_pdf, render_pdf

from .models import ReportRequest
from .registry import (
    Progress,
    Rendered,
    ReportError,
    ReportKind,
    inputs_key,
    no_progress,
    register,
)

logger = logging.getLogger(__name__)

IDENTIFIER = "agenda_pack"
PDF = "application/pdf"
MEMBERS, PUBLIC = "members", "public"
VERSIONS = {
    MEMBERS: "Members' version (every paper, exempt items included)",
    PUBLIC: "Public version (papers of exempt items left out)",
}
VERSION_ERROR = "Choose the members' version or the public version."
# Laying out the front pages again when the page numbers it quotes change its length; two
# passes settle it in practice, the third is a guard against a pathological agenda.
LAYOUT_PASSES = 3

# The membership list runs in the order of the roles' choices: Chair, Deputy Chair, members...
ROLE_ORDER = Case(
    *(When(role=role, then=Value(n)) for n, role in enumerate(Membership.Role.values)),
    default=Value(len(Membership.Role.values)),
)

TYPE_NAMES = {
    ".doc": "Word",
    ".docx": "Word",
    ".odt": "OpenDocument text",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".ods": "OpenDocument spreadsheet",
    ".pptx": "PowerPoint",
}


@dataclass
class PackPaper:
    title: str
    included: bool
    note: str = ""  # why a paper is not in the pack, in words for the agenda
    content: bytes = b""
    pages: int = 0
    first_page: int = 0  # set when the pack is laid out

    @property
    def last_page(self) -> int:
        return self.first_page + self.pages - 1


@dataclass
class PackItem:
    number: int
    title: str
    report_of: str
    purpose: str
    exempt: bool
    papers: list[PackPaper]


@dataclass
class AgendaPackData:
    meeting: Meeting
    version: str
    items: list[PackItem]
    members: list[Membership]
    produced_at: datetime

    @property
    def public(self) -> bool:
        return self.version == PUBLIC

    @property
    def title(self) -> str:
        return "Agenda pack" + (", public version" if self.public else "")

    @property
    def has_exempt(self) -> bool:
        return any(item.exempt for item in self.items)

    @property
    def included(self) -> list[tuple[PackItem, PackPaper]]:
        return [(item, paper) for item in self.items for paper in item.papers if paper.included]

    def number_pages(self, front_pages: int) -> None:
        """Give each merged paper its first page, the papers following the front pages."""
        page = front_pages + 1
        for _, paper in self.included:
            paper.first_page = page
            page += paper.pages


def _read_paper(paper, item: AgendaItem, public: bool) -> PackPaper:
    """The paper as the pack will hold it, with the reason in words when it is left out."""
    entry = PackPaper(title=paper.title, included=False)
    if public and item.exempt:
        entry.note = "Not for publication: the item is exempt, so its paper is left out."
        return entry
    if not paper.is_pdf:
        extension = Path(paper.file.name).suffix.lower()
        kind = TYPE_NAMES.get(extension, extension.lstrip(".").upper())
        entry.note = f"{kind} document: open it from the meeting's page."
        return entry
    try:
        with paper.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        logger.warning("Agenda pack: paper %s is missing from storage", paper.pk)
        entry.note = "The file is missing from the system; ask the board officer for it."
        return entry
    pages = _page_count(content)
    if not pages:
        logger.warning("Agenda pack: paper %s could not be read as a PDF", paper.pk)
        entry.note = (
            "The PDF could not be read (it is damaged or password-protected), so it is not "
            "in the pack: open it from the meeting's page."
        )
        return entry
    entry.included, entry.content, entry.pages = True, content, pages
    return entry


def _page_count(content: bytes) -> int:
    """How many pages the PDF has; 0 if it cannot be used (damaged, or locked by a password)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            return 0
        return len(reader.pages)
    except Exception:  # noqa: BLE001 (a damaged file fails in many ways; any of them means "unreadable")
        return 0


@register
class AgendaPack(ReportKind):
    identifier = IDENTIFIER
    title = "Agenda pack"
    inputs = ("meeting", "version")

    def _meeting(self, meeting_id) -> Meeting | None:
        return Meeting.objects.select_related("board").filter(pk=meeting_id).first()

    def clean_inputs(self, raw: dict) -> dict:
        errors = {}
        try:
            meeting = self._meeting(int(raw.get("meeting")))
        except (TypeError, ValueError):
            meeting = None
        if meeting is None:
            errors["meeting"] = "Choose a meeting."
        elif meeting.status == Meeting.Status.CANCELLED:
            errors["meeting"] = "The meeting was cancelled, so it has no agenda pack."
        version = raw.get("version")
        if version not in VERSIONS:
            errors["version"] = VERSION_ERROR
        if errors:
            raise ValidationError(errors)
        return {"meeting": meeting.pk, "version": version}

    def check_access(self, user, inputs: dict) -> None:
        from .permissions import report_boards

        if user is None:
            return
        meeting = self._meeting(inputs["meeting"])
        if meeting is None or not report_boards(user).filter(pk=meeting.board_id).exists():
            raise PermissionDenied("You can build agenda packs only for boards you sit on.")

    def describe(self, inputs: dict) -> str:
        meeting = self._meeting(inputs["meeting"])
        if meeting is None:
            return "Agenda pack: a removed meeting"
        version = ", public version" if inputs["version"] == PUBLIC else ""
        return f"Agenda pack: {meeting.board.name}, {meeting.date:%-d %B %Y}{version}"

    def board_id(self, inputs: dict) -> int | None:
        return (
            Meeting.objects.filter(pk=inputs["meeting"]).values_list("board_id", flat=True).first()
        )

    def build(self, inputs: dict, progress: Progress = no_progress) -> AgendaPackData:
        meeting = self._meeting(inputs["meeting"])
        if meeting is None:
            raise ReportError("The meeting this agenda pack was for no longer exists.")
        public = inputs["version"] == PUBLIC
        items = list(meeting.items.prefetch_related("papers"))
        members = list(
            Membership.objects.on(meeting.date)
            .filter(board_id=meeting.board_id)
            .select_related("person", "organisation", "deputy")
            .order_by(ROLE_ORDER, "person__full_name")
        )
        papers_total = sum(len(item.papers.all()) for item in items) or 1
        done = 0
        built = []
        for item in items:
            papers = []
            for paper in item.papers.all():
                progress(10 + 70 * done // papers_total, f"Reading paper {done + 1}")
                papers.append(_read_paper(paper, item, public))
                done += 1
            built.append(
                PackItem(
                    number=item.number,
                    title=item.title,
                    report_of=item.report_of,
                    purpose=item.get_purpose_display() if item.purpose != "standard" else "",
                    exempt=item.exempt,
                    papers=papers,
                )
            )
        progress(80, "Papers read")
        return AgendaPackData(
            meeting=meeting,
            version=inputs["version"],
            items=built,
            members=members,
            produced_at=timezone.now(),
        )

    def render(self, data: AgendaPackData) -> Rendered:
        from pypdf import PdfReader, PdfWriter

        front = _front_pages(data)
        writer = PdfWriter()
        # The papers' own bookmarks would bury the pack's: one bookmark per paper instead.
        front_reader = PdfReader(io.BytesIO(front))
        writer.append(front_reader, import_outline=False)
        # The cover is page one; the membership and agenda follow it.
        writer.add_outline_item(title="Agenda", page_number=min(1, len(front_reader.pages) - 1))
        for item, paper in data.included:
            writer.append(PdfReader(io.BytesIO(paper.content)), import_outline=False)
            writer.add_outline_item(
                title=f"{item.number}. {paper.title}", page_number=paper.first_page - 1
            )
        _stamp(writer, data)
        out = io.BytesIO()
        writer.write(out)
        meeting = data.meeting
        suffix = "-public" if data.public else ""
        filename = f"{slugify(meeting.board.display_name)}-agenda-pack-{meeting.date:%Y-%m-%d}"
        return Rendered(f"{filename}{suffix}.pdf", PDF, out.getvalue())


def _front_pages(data: AgendaPackData) -> bytes:
    """Cover, membership and agenda, quoting the pages each merged paper will occupy."""
    from pypdf import PdfReader

    meeting = data.meeting
    context = {
        "title": data.title,
        "running_title": f"{meeting.board.display_name}: agenda, {meeting.date:%-d %B %Y}",
        "pack": data,
        "meeting": meeting,
        "board": meeting.board,
    }
    front_pages = 1
    for _ in range(LAYOUT_PASSES):
        data.number_pages(front_pages)
        content = render_pdf("reporting/pdf/agenda_pack.html", context)
        pages = len(PdfReader(io.BytesIO(content)).pages)
        if pages == front_pages:
            return content
        front_pages = pages
    raise ReportError("The agenda's page numbers would not settle; shorten the agenda's text.")


def _stamp(writer, data: AgendaPackData) -> None:
    """Write the meeting and "Page X of Y" on every page, at each page's own size."""
    from pypdf import PdfReader

    sizes = []
    for page in writer.pages:
        if page.rotation:
            page.transfer_rotation_to_content()
        box = page.cropbox
        sizes.append((float(box.width), float(box.height), float(box.left), float(box.bottom)))
    pages, page_css = _stamp_pages(sizes)
    overlay = PdfReader(
        io.BytesIO(
            html_to_pdf(
                render_to_string(
                    "reporting/pdf/page_stamps.html",
                    {
                        "label": f"{data.meeting.board.display_name}, "
                        f"{data.meeting.date:%-d %B %Y}: {data.title.lower()}",
                        "pages": pages,
                        "page_css": page_css,
                        "total": len(pages),
                    },
                )
            )
        )
    )
    for page, stamp, (_, _, left, bottom) in zip(writer.pages, overlay.pages, sizes, strict=True):
        if left or bottom:
            page.merge_translated_page(stamp, left, bottom)
        else:
            page.merge_page(stamp)


def _stamp_pages(sizes) -> tuple[list[dict], str]:
    """One entry per page (its number and the named page size it is drawn on), and the CSS
    that defines those named sizes, one rule per distinct size."""
    names: dict[tuple[float, float], str] = {}
    pages = []
    for number, (width, height, _, _) in enumerate(sizes, start=1):
        key = (round(width, 2), round(height, 2))
        name = names.setdefault(key, f"size{len(names)}")
        pages.append({"number": number, "size": name, "width": key[0], "height": key[1]})
    css = "\n".join(
        f"@page {name} {{ size: {width}pt {height}pt; margin: 0; }}"
        for (width, height), name in names.items()
    )
    return pages, css


# --- A public pack must not outlive an item's exemption -----------------------------------


def withdraw_public_packs(meeting_id: int) -> int:
    """Remove the files of the meeting's public packs; returns how many were removed.

    A public pack built while an item was open holds that item's papers. Once the item is
    exempt, such a file must not stay downloadable (it may be published): the request row
    stays, shown as "file removed", and asking again builds a pack without the papers.
    """
    key = inputs_key({"meeting": meeting_id, "version": PUBLIC})
    removed = 0
    for report in ReportRequest.objects.filter(kind=IDENTIFIER, inputs_key=key).exclude(file=""):
        report.file.delete(save=False)
        report.save(update_fields=["file"])
        removed += 1
    if removed:
        logger.info("Withdrew %s public agenda pack(s) of meeting %s", removed, meeting_id)
    return removed


@receiver(pre_save, sender=AgendaItem, dispatch_uid="reporting.withdraw_public_packs")
def _withdraw_when_an_item_becomes_exempt(sender, instance: AgendaItem, raw=False, **kwargs):
    if raw or not instance.exempt or instance.pk is None:
        return  # fixtures, open items and new items (no earlier pack holds a new item's papers)
    if AgendaItem.objects.filter(pk=instance.pk, exempt=True).exists():
        return  # already exempt: earlier public packs left its papers out
    meeting_id = instance.meeting_id
    transaction.on_commit(lambda: withdraw_public_packs(meeting_id))
