"""Stored files sent to the browser: every download view of the project goes through here."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


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
