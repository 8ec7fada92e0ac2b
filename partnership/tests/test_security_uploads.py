"""Uploads and downloads against the OWASP file-upload rules (see docs/security.md)."""

import datetime as dt
import importlib
import io
import re
import zipfile

import pytest
from django.apps import apps
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField
from django.http import FileResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from boards.models import AgendaItem, Paper, TermsOfReference
from boards.tests.factories import BoardFactory, MeetingFactory
from boards.validators import validate_document
from partnership.downloads import safe_file_name
from partnership.tests.factories import office_document

pytestmark = pytest.mark.django_db


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "not an office document")
    return buffer.getvalue()


PDF = b"%PDF-1.7\n% test document\n"
# A stored name: 32 random hex digits and the allowed extension, lower-cased.
GENERATED = re.compile(r"[0-9a-f]{32}\.(pdf|docx|xlsx|pptx|odt|ods|doc|xls)")


@pytest.fixture
def board():
    return BoardFactory(name="Safer Riverside Partnership Board")


def test_every_uploaded_file_field_is_checked_or_written_by_the_system():
    # Files users upload pass validate_document (the funding form applies it on the form);
    # report files are written by the report builders, never uploaded.
    checked_on_the_form = {"funding.ApplicationDocument.file"}
    generated = {"reporting.ReportRequest.file"}
    seen = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and model._meta.app_label != "django_celery_results":
                label = f"{model._meta.label}.{field.name}"
                if model.__name__.startswith("Historical"):
                    continue
                seen.add(label)
                if label in checked_on_the_form | generated:
                    continue
                assert validate_document in field.validators, label
    assert checked_on_the_form | generated <= seen


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("agenda.html", b"<html><script>alert(1)</script>", "Upload a document of one of these"),
        ("logo.svg", b"<svg onload='alert(1)'/>", "Upload a document of one of these"),
        ("paper.pdf.exe", b"MZ\x90\x00", "Upload a document of one of these"),
        ("paper.exe.pdf", b"MZ\x90\x00", "not a PDF document"),
        ("minutes.docx", b"%PDF-1.4", "not a DOCX document"),
        # Zips that are not the Office document their extension claims.
        ("minutes.docx", b"PK\x03\x04" + b"\x00" * 60, "not a DOCX document"),
        ("minutes.docx", plain_zip(), "not a DOCX document"),
        ("budget.xlsx", office_document("docx"), "not a XLSX document"),
        ("slides.pptx", office_document("xlsx"), "not a PPTX document"),
        ("notes.odt", office_document("ods"), "not a ODT document"),
        ("figures.ods", plain_zip(), "not a ODS document"),
    ],
)
def test_documents_are_refused_by_extension_and_by_content(name, content, message):
    with pytest.raises(ValidationError) as refused:
        validate_document(SimpleUploadedFile(name, content))
    assert message in " ".join(refused.value.messages)


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx", "odt", "ods"])
def test_real_office_documents_pass_and_are_read_from_the_start_afterwards(extension):
    content = office_document(extension)
    upload = SimpleUploadedFile(f"paper.{extension}", content)
    validate_document(upload)
    assert upload.read() == content


def test_an_applicants_file_name_cannot_inject_a_header_or_a_path():
    name = safe_file_name('..\\..\\etc/évaluation "final"\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in name and "\n" not in name and "/" not in name and "\\" not in name
    response = FileResponse(io.BytesIO(b"%PDF-"), as_attachment=True, filename=name)
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment; ")
    # Non-ASCII names go in the RFC 6266 / 5987 filename* form, percent-encoded.
    assert "filename*=utf-8''" in header
    assert "\r" not in header and "\n" not in header


def test_a_board_paper_is_served_as_an_attachment_that_browsers_must_not_sniff(
    client, board_officer, board
):
    client.force_login(board_officer)
    client.post(
        reverse("boards:terms_add", args=[board.pk]),
        {
            "version": "2024",
            "approved_on": "2024-05-01",
            "document": SimpleUploadedFile("terms <b>.pdf", PDF, "text/html"),
        },
    )
    terms = TermsOfReference.objects.get(board=board)
    # The stored name is generated; the uploader's is kept as text and given back on download.
    assert GENERATED.fullmatch(terms.document.name.split(f"{timezone.localdate():%Y/%m}/")[1])
    assert terms.document.name.startswith(f"terms-of-reference/{timezone.localdate():%Y/%m}/")
    assert terms.original_name == "terms <b>.pdf"
    response = client.get(reverse("boards:terms_download", args=[terms.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="terms <b>.pdf"'
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_is_a_404_not_a_server_error(client, board_officer, board):
    client.force_login(board_officer)
    client.post(
        reverse("boards:terms_add", args=[board.pk]),
        {
            "version": "2024",
            "approved_on": "2024-05-01",
            "document": SimpleUploadedFile("terms.pdf", PDF),
        },
    )
    terms = TermsOfReference.objects.get(board=board)
    terms.document.storage.delete(terms.document.name)
    assert client.get(reverse("boards:terms_download", args=[terms.pk])).status_code == 404


def test_uploaded_files_are_not_published_at_the_media_address(settings):
    with pytest.raises(Resolver404):
        resolve(f"/{settings.MEDIA_URL}papers/2026/01/agenda.pdf")


def test_a_paper_is_stored_under_a_generated_name_whatever_the_uploader_called_it(
    client, board_officer
):
    item = AgendaItem.objects.create(
        meeting=MeetingFactory(), number=1, title="Budget", purpose="decision"
    )
    client.force_login(board_officer)
    hostile = "..\\..\\settings.py \x07<b>.PDF"
    response = client.post(
        reverse("boards:paper_upload", args=[item.pk]),
        {"title": "Budget", "file": SimpleUploadedFile(hostile, PDF)},
    )
    assert response.status_code == 302, response.context["form"].errors
    paper = Paper.objects.get()
    folder, stored = paper.file.name.rsplit("/", 1)
    assert folder == f"papers/{timezone.localdate():%Y/%m}"
    assert GENERATED.fullmatch(stored) and stored.endswith(".pdf") and paper.is_pdf
    # No path and no control character is left of the name the browser sent.
    assert paper.original_name == "settings.py <b>.PDF"

    download = client.get(reverse("boards:paper_download", args=[paper.pk]))
    assert download.status_code == 200
    header = download.headers["Content-Disposition"]
    assert header.startswith("attachment; ") and "\r" not in header and "\n" not in header
    assert stored not in header
    assert b"".join(download.streaming_content) == PDF


def test_replacing_nothing_keeps_the_name_recorded_at_upload(board_officer):
    item = AgendaItem.objects.create(
        meeting=MeetingFactory(), number=1, title="Budget", purpose="decision"
    )
    paper = Paper.objects.create(
        item=item, title="Budget", file=SimpleUploadedFile("Budget 2026.pdf", PDF)
    )
    paper.title = "Budget (revised)"
    paper.save()
    paper.refresh_from_db()
    assert paper.original_name == "Budget 2026.pdf"
    assert GENERATED.fullmatch(paper.file.name.rsplit("/", 1)[1])


def test_files_stored_before_generated_names_keep_their_name_for_download(board):
    migration = importlib.import_module("boards.migrations.0005_generated_document_names")
    terms = TermsOfReference.objects.create(
        board=board,
        version="2020",
        approved_on=dt.date(2020, 5, 1),
        document=SimpleUploadedFile("old.pdf", PDF),
    )
    # As a row written before the migration: a stored name of the old kind, no original name.
    TermsOfReference.objects.filter(pk=terms.pk).update(
        document="terms-of-reference/2020/Terms_2020_final.pdf", original_name=""
    )
    migration.name_existing_files(django_apps, None)
    terms.refresh_from_db()
    assert terms.original_name == "Terms_2020_final.pdf"
