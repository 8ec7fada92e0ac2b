"""Turn a Django template into PDF bytes with WeasyPrint: reports, briefings and any other PDF.

Rendering never reaches the network: the URL fetcher serves only the project's static files
(stylesheets, fonts, logos) and refuses everything else, so a report's HTML cannot be used to
fetch or leak anything.
"""

from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_BASE = "static:/"


class FetchRefused(ValueError):
    pass


def static_only_fetcher(url: str, *args, **kwargs) -> dict:
    """WeasyPrint URL fetcher limited to files the static finders know."""
    parsed = urlparse(url)
    if parsed.scheme != "static":
        raise FetchRefused(f"PDF rendering fetches static files only, not {parsed.scheme}: URLs")
    relative = parsed.path.lstrip("/")
    if relative.startswith(settings.STATIC_URL.strip("/") + "/"):
        relative = relative[len(settings.STATIC_URL.strip("/")) + 1 :]
    found = finders.find(relative)
    if not found:
        raise FetchRefused(f"no static file {relative!r}")
    with open(found, "rb") as handle:
        return {"string": handle.read(), "filename": relative}


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs a second

    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=static_only_fetcher).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` (which extends pdf/base.html) to PDF bytes."""
    context = {"partnership_name": settings.PARTNERSHIP_NAME, **context}
    return html_to_pdf(render_to_string(template_name, context))
