"""Stored files sent to the browser: every download view of the project goes through here."""

import unicodedata
from pathlib import Path

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def safe_file_name(name: str, limit: int = 200) -> str:
    """An uploader's file name as text we can show and put in a header: no path, no control
    characters, no longer than the column."""
    name = Path(name.replace("\\", "/")).name
    name = "".join("_" if unicodedata.category(c).startswith("C") else c for c in name).strip()
    name = name or "document"
    if len(name) > limit:
        suffix = Path(name).suffix[:10]
        name = name[: limit - len(suffix)] + suffix
    return name


def attachment(
    stored: FieldFile, *, filename: str | None = None, content_type: str | None = None
) -> FileResponse:
    """The file as an attachment (never shown in the browser), or 404 if it has gone from disk.

    ``filename`` defaults to the stored name; ``content_type`` to a guess from it. The caller has
    already checked that the user may have the file.
    """
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing.") from error
    response = FileResponse(
        handle, as_attachment=True, filename=filename or "", content_type=content_type
    )
    # Uploads are served as their declared type only: no guessing that could turn one into HTML.
    response["X-Content-Type-Options"] = "nosniff"
    return response
