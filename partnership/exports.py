"""Helpers for the CSV exports every app offers."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula; a leading quote stops it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text, made inert if a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: Iterable | None, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download. Text cells are made inert; numbers (a negative change, say) stay numbers.

    The byte-order mark tells Excel the file is UTF-8, so pound signs and accents survive.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow(
            [safe_cell(cell) if isinstance(cell, str) or cell is None else cell for cell in row]
        )
    return response


def filtered_or_nothing(filterset):
    """What a list page shows: filters that make no sense give nothing, not every row."""
    return filterset.qs if not filterset.is_bound or filterset.is_valid() else []
