"""Checks on uploaded documents: an allowed type, by extension and by content, and a size cap."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

# Extension -> the bytes such a file starts with. Office formats are zip containers.
DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}


def validate_document(upload) -> None:
    extension = Path(upload.name).suffix.lower()
    if extension not in DOCUMENT_SIGNATURES:
        allowed = ", ".join(sorted(e.lstrip(".").upper() for e in DOCUMENT_SIGNATURES))
        raise ValidationError(f"Upload a document of one of these types: {allowed}.")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if upload.size > limit:
        raise ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(DOCUMENT_SIGNATURES[extension]):
        raise ValidationError(
            f"The file's content is not a {extension.lstrip('.').upper()} document."
        )
