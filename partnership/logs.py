"""Structured logs: one JSON object per line, each carrying the id of the request it came from.

Written here rather than taken from python-json-logger: the formatter is a dozen lines of the
standard library, and choosing the fields ourselves keeps `extra=` values (which might hold
personal data) out of the log unless they are named below. Log record ids, never names.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str] = ContextVar("request_id", default="")

# A proxy's own id is kept if it looks like one (so lines can be matched across both logs);
# anything else is replaced, so a client cannot write arbitrary text into the log.
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
REQUEST_ID_HEADER = "X-Request-ID"
# Fields callers may add with extra={...}: ids and measurements only.
EXTRA_FIELDS = ("view", "method", "status", "duration_ms", "user_id", "report_id")

access_logger = logging.getLogger("partnership.requests")


class RequestIdFilter(logging.Filter):
    """Puts the request's id on every record (blank outside a request).

    Django logs a response's 4xx/5xx line from outside the middleware, after the context has
    been reset, but hands the request with it; that line's path is hidden as well, because an
    applicant's private link is a path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = request_id_var.get() or getattr(request, "request_id", "")
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple):
            record.args = tuple("[path hidden]" if arg == path else arg for arg in record.args)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class RequestIdMiddleware:
    """Gives each request an id, returns it in X-Request-ID and logs one line per request.

    The line names the view, not the path: paths can carry an applicant's private link.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            access_logger.info(
                "%s %s %s",
                request.method,
                match.view_name if match else "-",
                response.status_code,
                extra={
                    "view": match.view_name if match else "",
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": getattr(getattr(request, "user", None), "pk", None),
                },
            )
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            request_id_var.reset(token)
