"""Steps the browser journeys share."""

import io
from pathlib import Path

from pypdf import PdfReader


def download_pdf(page, link, filename: str) -> PdfReader:
    """Click a download link, check the file's name, and open the PDF the browser saved."""
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == filename
    return PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
