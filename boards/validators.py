"""Checks on uploaded documents: an allowed type, by extension and by content, and a size cap."""

import zipfile
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


# Office documents are zip packages; any zip starts with the same bytes, so the package must also
# hold the part that makes it that kind of document (OOXML) or declare its type (OpenDocument).
OOXML_MAIN_PARTS = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
}
OPENDOCUMENT_TYPES = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
}


def is_office_package(upload, extension: str) -> bool:
    """Whether the zip is the Office document its extension claims.

    Only the zip's directory is read, and at most 100 bytes of an OpenDocument's ``mimetype``
    entry, so a zip bomb costs nothing here.
    """
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            if extension in OOXML_MAIN_PARTS:
                return "[Content_Types].xml" in names and OOXML_MAIN_PARTS[extension] in names
            if "mimetype" not in names:
                return False
            with package.open("mimetype") as entry:
                return entry.read(100).strip() == OPENDOCUMENT_TYPES[extension]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError):
        # Not a zip, or one this Python cannot open (encrypted, an unknown compression).
        return False
    finally:
        upload.seek(0)


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
    packaged = extension in OOXML_MAIN_PARTS or extension in OPENDOCUMENT_TYPES
    if not head.startswith(DOCUMENT_SIGNATURES[extension]) or (
        packaged and not is_office_package(upload, extension)
    ):
        raise ValidationError(
            f"The file's content is not a {extension.lstrip('.').upper()} document."
        )
