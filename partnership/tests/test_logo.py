"""The partnership's logo: on the page header, on report covers, and checked at start-up."""

import io

import pytest
from django.core.checks import run_checks
from django.template import engines
from PIL import Image
from pypdf import PdfReader

from partnership.pdf import html_to_pdf, render_pdf

COVER = engines["django"].from_string(
    '{% extends "pdf/base.html" %}{% block cover %}<section class="cover">'
    '{% include "pdf/_org.html" %}<h1>Cover</h1></section>{% endblock %}'
    "{% block content %}<p>Body</p>{% endblock %}"
)


def _brand_dir(tmp_path, settings, name="logo.png"):
    """A deployment's own logo, in a folder of its own published as static "brand/"."""
    Image.new("RGB", (40, 40), (18, 53, 91)).save(tmp_path / name)
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("brand", tmp_path)]
    settings.PARTNERSHIP_LOGO = f"brand/{name}"


def test_a_deployments_own_logo_is_drawn_on_the_cover(tmp_path, settings):
    _brand_dir(tmp_path, settings)
    html = COVER.render(
        {
            "title": "Cover",
            "partnership_name": "Brandon CSP",
            "partnership_logo": settings.PARTNERSHIP_LOGO,
        }
    )
    reader = PdfReader(io.BytesIO(html_to_pdf(html)))
    cover = reader.pages[0]
    assert [image.image.size for image in cover.images] == [(40, 40)]
    assert "Brandon CSP" in cover.extract_text()


def test_render_pdf_passes_the_configured_logo_to_every_report(tmp_path, settings):
    _brand_dir(tmp_path, settings)
    content = render_pdf("reporting/pdf/quarterly.html", _quarterly_context())
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) == 1


def test_without_a_logo_the_cover_has_no_image(settings):
    settings.PARTNERSHIP_LOGO = ""
    content = render_pdf("reporting/pdf/quarterly.html", _quarterly_context())
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) == 0


def _quarterly_context() -> dict:
    # The cover of the quarterly template needs only these; the sections list is empty.
    class Period:
        label = "2025/26 Q1"
        months = "April to June 2025"
        produced_on = None
        in_progress = False

    return {
        "title": "Quarterly report",
        "board": {"name": "A board"},
        "period": Period(),
        "sections": [],
        "highlights": [],
    }


@pytest.mark.django_db
def test_the_page_header_shows_the_logo(client, settings):
    settings.PARTNERSHIP_LOGO = "img/partnership-logo.svg"
    page = client.get("/accounts/login/").content.decode()
    assert 'class="brand-logo" src="/static/img/partnership-logo.svg"' in page


def test_a_logo_that_is_not_a_static_file_is_named_at_start_up(settings):
    settings.PARTNERSHIP_LOGO = "brand/missing.png"
    warnings = [m for m in run_checks() if m.id == "partnership.W003"]
    assert len(warnings) == 1 and "brand/missing.png" in warnings[0].msg


def test_the_default_logo_passes_the_start_up_check(settings):
    settings.PARTNERSHIP_LOGO = "img/partnership-logo.svg"
    assert not [m for m in run_checks() if m.id == "partnership.W003"]


def test_an_image_from_elsewhere_is_left_out_and_the_pdf_still_builds():
    # Narrative text could hold such a link; it must neither be fetched nor stop the report.
    html = (
        "<html><body><p>Before</p>"
        '<img src="http://127.0.0.1:9/tracker.png" alt="">'
        '<img src="file:///etc/hostname" alt="">'
        '<img src="../../../../etc/hostname" alt="">'
        '<img src="img/partnership-logo.svg" alt="">'
        "<p>After</p></body></html>"
    )
    page = PdfReader(io.BytesIO(html_to_pdf(html))).pages[0]
    assert "Before" in page.extract_text() and "After" in page.extract_text()


@pytest.fixture
def collected_without_the_logo(settings, tmp_path):
    """Production's static storage, whose manifest (here: none gathered) lacks the logo."""
    from partnership.context_processors import logo_url

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    logo_url.cache_clear()
    yield
    logo_url.cache_clear()


def test_a_logo_collectstatic_never_gathered_is_left_off_not_fatal(collected_without_the_logo):
    from partnership.context_processors import logo_url

    assert logo_url("img/partnership-logo.svg") == ""


def test_an_absolute_logo_path_is_named_by_the_check_not_a_crash(settings):
    settings.PARTNERSHIP_LOGO = "/etc/hostname"
    warnings = [m for m in run_checks() if m.id == "partnership.W003"]
    assert len(warnings) == 1 and "is not a static file" in warnings[0].msg
