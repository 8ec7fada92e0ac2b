"""Helpers for the CSV exports every app offers."""

# A spreadsheet runs a cell that starts with one of these as a formula; a leading quote stops it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text, made inert if a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
