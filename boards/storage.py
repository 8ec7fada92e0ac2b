"""Where uploaded board documents are stored: under a generated name, never the uploader's.

Following the OWASP file-upload advice, the stored name is random and its extension is the
lower-cased one the document validator allowed, in a dated folder; the uploader's own name
is kept only as text (``original_name``, made safe by ``safe_file_name``) and given back as
the download's file name.
"""

import uuid
from pathlib import Path

from django.utils import timezone

from partnership.downloads import safe_file_name

from .validators import DOCUMENT_SIGNATURES


def stored_name(folder: str, filename: str) -> str:
    extension = Path(filename).suffix.lower()
    if extension not in DOCUMENT_SIGNATURES:
        extension = ""  # the validator refuses these; nothing else may pick the extension
    return f"{folder}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{extension}"


def paper_path(instance, filename: str) -> str:
    return stored_name("papers", filename)


def terms_path(instance, filename: str) -> str:
    return stored_name("terms-of-reference", filename)


def keep_original_name(instance, file) -> None:
    """Copy a newly assigned upload's own name into ``instance.original_name``, made safe.

    A file already stored keeps the name recorded when it was uploaded.
    """
    if file and not file._committed:
        instance.original_name = safe_file_name(file.name)
