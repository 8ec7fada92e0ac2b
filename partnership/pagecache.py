"""A short-lived cache of whole pages, kept honest by a change counter in the database.

The busiest pages (the attendance screen, the public interest form, a panel's case list, the
chair's dashboard) are mostly template rendering over data that changes a few times a day. A
view marked ``cacheable`` has the page it builds for a GET kept; the next identical request is
served the kept page without running the view (see ``cacheable`` for why its checks still hold,
and for what still happens on every request, such as a case panel's access log).

Identical means:

- **the same data.** Every table but a few listed in ``UNWATCHED`` has triggers that add one to
  a counter in ``partnership_page_stamp`` whenever a row is inserted, changed or deleted, by the
  ORM, a bulk update, a data migration or raw SQL alike. The counter is read before anything
  else of the page, and is part of the key: a page is only reused while no table has changed
  since it was built. On PostgreSQL the counter moves once per transaction, at commit (a
  deferred trigger), so that writers take its row lock last and never deadlock on it.
- **the same visitor.** The key holds the session (its key and its contents, bar the activity
  clock), so nobody is served a page built for somebody else; a visitor without a session
  shares the page with other visitors without one.
- **the same request, the same day.** Path, query string, whether htmx asked for it, and the
  date (who sits on a board, and so who may see its pages, changes with the date).
- **at most ``PAGE_CACHE_SECONDS`` old,** so anything that depends on the clock (a meeting that
  has started, a deadline that has passed) is right to within that time.

The cross-site request forgery token is the one part of a page that must differ per visitor: it
is rendered as a random placeholder and replaced with a fresh token for every response.

Pages are kept in each process's own memory (the ``pages`` cache), never in Redis: case-panel
pages hold personal data, which must not be copied into a shared store. A page is neither kept
nor reused when the request has messages to show, when the view sets a cookie or adds a message,
when the answer is anything but a 200 HTML page, or inside a transaction (a page built from
writes that are later rolled back must never be served).
"""

import hashlib
import logging
import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from . import sessions

logger = logging.getLogger(__name__)

STAMP_TABLE = "partnership_page_stamp"
TRIGGER = "page_stamp"
# Tables whose writes do not move the counter: they change on almost every request or on a
# timer, and no cached page shows them. A page that shows one of them must not be cached.
UNWATCHED = frozenset(
    {
        STAMP_TABLE,
        "django_migrations",
        "django_session",
        "reviews_accesslog",  # a row per case-panel page view
        "axes_accessattempt",
        "axes_accessfailurelog",
        "axes_accesslog",
        "django_celery_results_taskresult",
        "django_celery_results_groupresult",
        "django_celery_results_chordcounter",
        "django_celery_beat_periodictask",
        "django_celery_beat_periodictasks",
        "django_celery_beat_clockedschedule",
        "django_celery_beat_crontabschedule",
        "django_celery_beat_intervalschedule",
        "django_celery_beat_solarschedule",
    }
)
# Session entries that change while the visitor reads (partnership.sessions' clocks).
SESSION_CLOCKS = frozenset({sessions.SIGNED_IN_AT, sessions.LAST_ACTIVITY_AT})

# Unguessable, so no text typed into the product can turn into a token on the way out.
CSRF_PLACEHOLDER = f"csrf-placeholder-{secrets.token_hex(16)}"
_RENDERING = "_page_cache_rendering"
# Response headers a kept page is served again with (the rest are the middleware's to add).
_KEPT_HEADERS = ("Content-Type", "Cache-Control", "Referrer-Policy", "Content-Language")


def cacheable(view: Callable | None = None, *, on_serve: Callable | None = None):
    """Keep the pages a view builds for GET requests, and serve a kept page when there is one.

    The counter is read before the view reads any data (only the signed-in user's own row comes
    earlier: the middleware reads it, and the page's age limit bounds how long a change to it
    could go unseen). A kept page is served without running the view: it was built by this
    view, for this session, from the same rows, on the same day, so the view's checks of who
    may see it decided then what they would decide now. What must happen on every request
    whatever (a case panel's access-log row) is ``on_serve``'s job, called with the view's
    arguments; the view itself does it when it runs.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = page_key(request)
            if key is None:
                return view(request, *args, **kwargs)
            kept = caches["pages"].get(key)
            if kept is not None:
                body, headers = kept
                response = HttpResponse(_with_token(request, body))
                for name, value in headers:
                    response[name] = value
                if on_serve is not None:
                    on_serve(request, *args, **kwargs)
                return response
            return _build_and_keep(request, key, lambda: view(request, *args, **kwargs))

        return wrapped

    return decorator(view) if view is not None else decorator


def _build_and_keep(request: HttpRequest, key: str, build: Callable) -> HttpResponse:
    setattr(request, _RENDERING, True)
    try:
        response = build()
        if hasattr(response, "render"):
            response.render()  # a TemplateResponse: rendered now, with the placeholder
    finally:
        setattr(request, _RENDERING, False)
    if response.streaming:
        return response
    body = response.content.decode(response.charset)
    if _keepable(request, response):
        headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
        caches["pages"].set(key, (body, headers), settings.PAGE_CACHE_SECONDS)
    response.content = _with_token(request, body)
    return response


def _with_token(request: HttpRequest, body: str) -> str:
    """The page with a fresh CSRF token for this visitor where the placeholder stands."""
    return body.replace(CSRF_PLACEHOLDER, get_token(request))


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """The context entry that replaces the real token while a page is built to be kept."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _RENDERING, False) else {}


def page_key(request: HttpRequest) -> str | None:
    """The cache key of this request's page, or None when the page must be built afresh."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return None
    if connection.in_atomic_block or len(get_messages(request)):
        return None
    stamp = read_stamp()
    if stamp is None:
        return None
    session = getattr(request, "session", None)
    visitor = "-"
    if session is not None and session.session_key:
        contents = sorted(
            (name, repr(value)) for name, value in session.items() if name not in SESSION_CLOCKS
        )
        visitor = f"{session.session_key}:{contents!r}"
    parts = (
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        visitor,
        timezone.localdate().isoformat(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"page:{stamp}:{digest}"


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not len(get_messages(request))
    )


def read_stamp() -> int | None:
    """The change counter, or None where it is not installed (a database not yet migrated)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT stamp FROM {STAMP_TABLE} WHERE id = 1")  # noqa: S608
            row = cursor.fetchone()
    except DatabaseError:
        logger.warning("The page cache's change counter is missing; pages are not cached")
        return None
    return row[0] if row else None


# --- The counter and its triggers ---------------------------------------------------------

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS "{name}" AFTER {event} ON "{table}"
BEGIN UPDATE {stamp} SET stamp = stamp + 1 WHERE id = 1; END
"""

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION page_stamp_bump() RETURNS trigger AS $$
BEGIN
    IF current_setting('partnership.page_stamp_moved', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('partnership.page_stamp_moved', 'on', true);
        UPDATE {stamp} SET stamp = stamp + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

POSTGRES_TRIGGER = """
CREATE CONSTRAINT TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON "{table}"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_stamp_bump()
"""


def watched_tables(using=connection) -> list[str]:
    return sorted(
        table
        for table in using.introspection.table_names()
        if table not in UNWATCHED and not table.startswith("sqlite_")
    )


def tables_with_triggers(using=connection) -> set[str]:
    with using.cursor() as cursor:
        if using.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [TRIGGER],
            )
            return {table for (table,) in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{TRIGGER}:%"],
        )
        # Three triggers a table (insert, update, delete); a table counts when it has all three.
        names = [table for (table,) in cursor.fetchall()]
        return {table for table in names if names.count(table) == 3}


def install(using=connection) -> None:
    """Create the counter, and the trigger on every watched table that lacks it."""
    if using.vendor not in ("postgresql", "sqlite"):
        return
    with using.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} "
            "(id integer PRIMARY KEY, stamp bigint NOT NULL)"
        )
        cursor.execute(f"SELECT 1 FROM {STAMP_TABLE} WHERE id = 1")  # noqa: S608
        if cursor.fetchone() is None:
            # A random start: a process still holding pages from before a database was emptied
            # and rebuilt will not find them under the new counts.
            cursor.execute(
                f"INSERT INTO {STAMP_TABLE} (id, stamp) VALUES (1, %s)",  # noqa: S608
                [secrets.randbelow(2**40)],
            )
        missing = sorted(set(watched_tables(using)) - tables_with_triggers(using))
        if using.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION.format(stamp=STAMP_TABLE))
            for table in missing:
                cursor.execute(POSTGRES_TRIGGER.format(name=TRIGGER, table=table))
        else:
            for table in missing:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = f"{TRIGGER}:{table}:{event.lower()}"
                    cursor.execute(
                        SQLITE_TRIGGER.format(
                            name=name, event=event, table=table, stamp=STAMP_TABLE
                        )
                    )


@receiver(post_migrate)
def install_after_migrating(sender, using="default", **kwargs) -> None:
    # post_migrate is sent once per app, after every migration has run: act once, on ours.
    if sender.name != "partnership":
        return
    from django.db import connections

    install(connections[using])
