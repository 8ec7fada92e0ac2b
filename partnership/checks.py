"""Start-up checks that name a missing piece before a user trips over it."""

from ctypes.util import find_library
from importlib.util import find_spec

from django.conf import settings
from django.core.checks import Warning, register


@register()
def pdf_engine_check(app_configs, **kwargs):
    """Reports are rendered by WeasyPrint, which loads Pango from the operating system.

    Looking the libraries up is what importing WeasyPrint would fail on, at a twentieth of the
    cost of the import, which every management command would otherwise pay.
    """
    missing = [] if find_spec("weasyprint") else ["the weasyprint package"]
    missing += [lib for lib in ("pango-1.0", "pangoft2-1.0", "fontconfig") if not find_library(lib)]
    if not missing:
        return []
    return [
        Warning(
            f"PDF reports will fail: {', '.join(missing)} not found.",
            hint="Install Pango and a font (Debian: libpango-1.0-0 libpangoft2-1.0-0 "
            "fonts-dejavu-core) and the Python requirements.",
            id="partnership.W001",
        )
    ]


@register()
def broker_check(app_configs, **kwargs):
    """With a broker configured, tasks wait in Redis: say so at once if Redis cannot be reached."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    from .health import broker_reachable

    ok, detail = broker_reachable()
    if ok:
        return []
    return [
        Warning(
            f"The Celery broker cannot be reached ({detail}); queued jobs will not run.",
            hint="Start Redis or correct CELERY_BROKER_URL.",
            id="partnership.W002",
        )
    ]


@register()
def logo_check(app_configs, **kwargs):
    """The logo is looked up as a static file by the page header and every PDF cover.

    This looks in the static folders. In production the page header links to the collected copy;
    one that collectstatic never gathered is left off the page with a warning in the log
    (``context_processors.logo_url``), since this check also runs before collectstatic does.
    """
    from django.contrib.staticfiles import finders
    from django.core.exceptions import SuspiciousFileOperation

    name = settings.PARTNERSHIP_LOGO
    if not name:
        return []
    try:
        if finders.find(name):
            return []
    except SuspiciousFileOperation:
        pass
    return [
        Warning(
            f"The partnership logo {name!r} is not a static file: pages and reports will show "
            "no logo.",
            hint="Set PARTNERSHIP_BRAND_DIR to the folder holding the logo and PARTNERSHIP_LOGO "
            'to "brand/<file name>" (with Docker, build with --build-arg PARTNERSHIP_BRAND_DIR), '
            "or leave PARTNERSHIP_LOGO unset for the default.",
            id="partnership.W003",
        )
    ]
