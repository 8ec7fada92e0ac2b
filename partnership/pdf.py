"""Turn a Django template into PDF bytes with WeasyPrint: reports, briefings and any other PDF.

Rendering never reaches the network: the URL fetcher serves only the project's static files
(stylesheets, fonts, logos) and refuses everything else, so a report's HTML cannot be used to
fetch or leak anything. A refused address leaves that image or stylesheet out, with a warning in
the worker's log; it does not stop the report.
"""

import mimetypes
import os
import threading
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string

STATIC_BASE = "static:/"


class FetchRefused(ValueError):
    pass


def _static_file(url: str) -> tuple[str, str]:
    """(path on disk, static name) of a static file's address; FetchRefused for anything else.

    "static:/img/logo.svg" is the absolute form. A relative reference such as "img/logo.svg"
    reaches the fetcher as it was written, because the standard library does not join paths onto
    a base of an unknown scheme, so a bare path is read as relative to the static root.
    """
    parsed = urlparse(url)
    if parsed.scheme not in ("static", "") or parsed.netloc:
        raise FetchRefused(f"PDF rendering fetches static files only, not {url!r}")
    relative = parsed.path.lstrip("/")
    prefix = settings.STATIC_URL.strip("/") + "/"
    if relative.startswith(prefix):
        relative = relative[len(prefix) :]
    try:
        found = finders.find(relative) if relative else None
    except SuspiciousFileOperation:
        found = None
    if not found or not os.path.isfile(found):
        raise FetchRefused(f"no static file {relative!r}")
    return found, relative


def static_only_fetcher(url: str, *args, **kwargs) -> dict:
    """The static file at ``url`` as {"string": bytes, "filename": name}; FetchRefused otherwise."""
    found, relative = _static_file(url)
    with open(found, "rb") as handle:
        return {"string": handle.read(), "filename": relative}


def _fetcher():
    """WeasyPrint's fetcher, limited to static files (WeasyPrint 70 takes a URLFetcher)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            found, relative = _static_file(url)
            with open(found, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnlyFetcher(fail_on_errors=False)


_local = threading.local()


def _font_config():
    """One font configuration per thread, kept between renders.

    A fresh one per render makes Fontconfig and Pango build their font state again each time,
    and a long-lived worker's memory creeps up by a little with every report; reusing it keeps
    the worker's memory flat. Per thread, because the configuration is not made to be shared.
    """
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs a second

    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=_fetcher())
    return document.write_pdf(font_config=_font_config())


def render_html(template_name: str, context: dict) -> str:
    """The HTML of ``template_name`` (which extends pdf/base.html), as WeasyPrint is given it."""
    context = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "partnership_logo": settings.PARTNERSHIP_LOGO,
        **context,
    }
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` (which extends pdf/base.html) to PDF bytes."""
    return html_to_pdf(render_html(template_name, context))
