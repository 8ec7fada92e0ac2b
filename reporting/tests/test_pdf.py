import io

import pytest
from django.template import engines
from pypdf import PdfReader

from partnership.pdf import FetchRefused, html_to_pdf, render_pdf, static_only_fetcher

SMOKE = """{% extends "pdf/base.html" %}
{% block content %}<h1>{{ title }}</h1>
<table><tr><th>Quarter</th><th>Meetings held</th></tr>
{% for quarter, count in rows %}<tr><td>{{ quarter }}</td><td>{{ count }}</td></tr>{% endfor %}
</table>{% endblock %}"""


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_template_renders_to_a_pdf_whose_text_reads_back(settings):
    settings.PARTNERSHIP_NAME = "Riverside Community Safety Partnership"
    context = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "title": "Quarterly report 2025/26 Q3",
        "rows": [("Q1", 1), ("Q2", 1), ("Q3", 2)],
    }
    html = engines["django"].from_string(SMOKE).render(context)

    data = html_to_pdf(html)

    assert data.startswith(b"%PDF-")
    pages, text = pdf_text(data)
    assert pages == 1
    assert "Quarterly report 2025/26 Q3" in text
    assert "Meetings held" in text
    # The running header and the numbered footer come from the shared page template.
    assert "Riverside Community Safety Partnership" in text
    assert "Page 1 of 1" in text


def test_long_content_flows_onto_numbered_pages():
    rows = [(f"Row {n}", n) for n in range(120)]
    html = engines["django"].from_string(SMOKE).render({"title": "Long", "rows": rows})

    pages, text = pdf_text(html_to_pdf(html))

    assert pages >= 2
    assert f"Page {pages} of {pages}" in text
    assert "Row 119" in text


def test_render_pdf_uses_the_named_template_and_partnership_name(settings):
    settings.PARTNERSHIP_NAME = "Northbank Safer Partnership"
    pages, text = pdf_text(render_pdf("pdf/base.html", {"title": "Empty"}))
    assert pages == 1
    assert "Northbank Safer Partnership" in text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/secret",
        "file:///etc/passwd",
        "static:/no/such/file.css",
        "../../../../etc/passwd",  # a relative reference reaches the fetcher as written
        "static:/../../etc/passwd",
        "vendor/htmx/../../../../etc/passwd",
        "//evil.example/x.png",
        "/etc/passwd",
        "css/",  # a folder, not a file
    ],
)
def test_pdf_rendering_fetches_nothing_but_static_files(url):
    with pytest.raises(FetchRefused):
        static_only_fetcher(url)


def test_static_stylesheet_is_served_to_the_renderer():
    fetched = static_only_fetcher("static:/css/site.css")
    assert b"skip-link" in fetched["string"]
