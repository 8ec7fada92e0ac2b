"""Applicants' documents: only real documents are stored, under random names, and only the
applicant's own link downloads them, always as an attachment."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funding.models import ApplicationDocument, Stage
from funding.tests.test_public_pages import PDF, applicant, empty_cache, make_round  # noqa: F401
from partnership.downloads import safe_file_name
from partnership.tests.factories import office_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round(db):
    return make_round()


def documents_url(token):
    return reverse("funding:applicant_documents", args=[token])


def download_url(token, document):
    return reverse("funding:applicant_document_download", args=[token, document.pk])


def upload(client, token, name, content, kind="equality", **extra):
    return client.post(
        documents_url(token),
        {"kind": kind, "file": SimpleUploadedFile(name, content, "application/pdf"), **extra},
    )


def test_pdf_is_stored_under_a_random_name_with_the_checked_type(client, open_round):
    application, token = applicant(open_round)
    response = upload(client, token, "Equality policy 2026.pdf", PDF)
    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=application)
    assert document.original_name == "Equality policy 2026.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.kind == ApplicationDocument.Kind.EQUALITY
    assert re.fullmatch(rf"applications/{application.pk}/[0-9a-f]{{32}}", document.file.name)
    assert "Equality" not in document.file.name


def test_browser_claimed_type_is_not_trusted(client, open_round):
    application, token = applicant(open_round)
    docx = office_document("docx")
    client.post(
        documents_url(token),
        {"kind": "governing", "file": SimpleUploadedFile("constitution.docx", docx, "text/html")},
    )
    document = ApplicationDocument.objects.get(application=application)
    assert document.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "Upload a document of one of these types"),
        ("policy.pdf", b"<html><script>alert(1)</script></html>", "not a PDF document"),
        ("policy.pdf", b"", "The file is empty."),
        ("policy", PDF, "Upload a document of one of these types"),
    ],
)
def test_unsafe_or_empty_files_are_refused_next_to_the_field(
    client, open_round, name, content, message
):
    application, token = applicant(open_round)
    response = upload(client, token, name, content)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ApplicationDocument.objects.exists()


def test_oversized_file_is_refused(client, open_round, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    application, token = applicant(open_round)
    response = upload(client, token, "accounts.pdf", PDF + b"0" * (1024 * 1024))
    assert response.status_code == 200
    assert "larger than 1 MB" in " ".join(response.context["form"].errors["file"])
    assert not ApplicationDocument.objects.exists()


def test_missing_file_or_kind_is_refused(client, open_round):
    application, token = applicant(open_round)
    response = client.post(documents_url(token), {"kind": "nonsense"})
    errors = response.context["form"].errors
    assert set(errors) == {"kind", "file"}
    assert not ApplicationDocument.objects.exists()


def test_honeypot_upload_saves_nothing(client, open_round):
    application, token = applicant(open_round)
    response = upload(client, token, "policy.pdf", PDF, website="http://spam.example")
    assert response.status_code == 200
    assert not ApplicationDocument.objects.exists()


def test_hostile_file_name_is_kept_as_plain_text(client, open_round):
    application, token = applicant(open_round)
    upload(client, token, "../../etc/policy\x07.pdf", PDF)
    document = ApplicationDocument.objects.get()
    assert document.original_name.startswith("policy") and "/" not in document.original_name
    assert "\x07" not in document.original_name
    # A name with a line break (possible through an encoded multipart header) cannot split
    # the download's headers.
    ApplicationDocument.objects.update(original_name='a"b\r\nSet-Cookie: x=1.pdf')
    response = client.get(download_url(token, document))
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"]
    assert not response.cookies


def test_download_is_an_attachment_that_is_never_sniffed(client, open_round):
    application, token = applicant(open_round)
    upload(client, token, "policy.pdf", PDF)
    document = ApplicationDocument.objects.get()
    response = client.get(download_url(token, document))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="policy.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    assert b"".join(response.streaming_content) == PDF


def test_unknown_stored_type_is_served_as_octet_stream(client, open_round):
    application, token = applicant(open_round)
    upload(client, token, "policy.pdf", PDF)
    ApplicationDocument.objects.update(content_type="text/html")
    response = client.get(download_url(token, ApplicationDocument.objects.get()))
    assert response["Content-Type"] == "application/octet-stream"


def test_another_applicants_link_cannot_download_it(client, open_round):
    application, token = applicant(open_round)
    upload(client, token, "policy.pdf", PDF)
    document = ApplicationDocument.objects.get()
    _, other_token = applicant(open_round)
    assert client.get(download_url(other_token, document)).status_code == 404
    assert client.get(download_url("made-up-token", document)).status_code == 404


def test_document_can_be_removed_while_the_application_is_open(
    client, open_round, django_capture_on_commit_callbacks
):
    application, token = applicant(open_round)
    upload(client, token, "policy.pdf", PDF)
    document = ApplicationDocument.objects.get()
    storage, stored = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(documents_url(token), {"remove": str(document.pk)})
    assert response.status_code == 302
    assert not ApplicationDocument.objects.exists()
    assert not storage.exists(stored)


def test_another_applicants_document_cannot_be_removed(client, open_round):
    application, token = applicant(open_round)
    upload(client, token, "policy.pdf", PDF)
    _, other_token = applicant(open_round)
    client.post(documents_url(other_token), {"remove": str(ApplicationDocument.objects.get().pk)})
    client.post(documents_url(other_token), {"remove": "not-a-number"})
    assert ApplicationDocument.objects.count() == 1


def test_documents_are_fixed_once_the_application_is_submitted(client, open_round):
    application, token = applicant(open_round)
    upload(client, token, "policy.pdf", PDF)
    document = ApplicationDocument.objects.get()
    application.stage = Stage.ELIGIBILITY
    application.save()
    page = client.get(documents_url(token))
    assert "Remove" not in page.content.decode()
    client.post(documents_url(token), {"remove": str(document.pk)})
    upload(client, token, "more.pdf", PDF)
    assert list(ApplicationDocument.objects.all()) == [document]
    assert client.get(download_url(token, document)).status_code == 200


@pytest.mark.parametrize(
    "given, stored",
    [
        ("C:\\Users\\jo\\policy.pdf", "policy.pdf"),
        ("a\r\nb.pdf", "a__b.pdf"),
        ("\u202egpj.pdf", "_gpj.pdf"),  # a right-to-left override cannot disguise the name
        ("", "document"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_file_names_are_made_safe_to_show(given, stored):
    assert safe_file_name(given) == stored
