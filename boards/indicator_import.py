"""Importing indicator values from a spreadsheet (CSV or XLSX), in two steps.

``preview(file)`` reads and checks every row without saving anything, and says what would be
created, changed, left alone or refused, by the row number a person sees in the spreadsheet.
``apply(preview, user)`` saves it all in one transaction, and only if nothing was refused.
The preview turns into plain JSON (``to_data``/``from_data``) so the page can keep it between
showing it and the officer confirming, without asking for the file again.
"""

import io
import re
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partnership.periods import FinancialYear

from .models import Indicator, IndicatorValue

MAX_ROWS = 5000
ALLOWED_EXTENSIONS = (".csv", ".xlsx")
XLSX_SIGNATURE = b"PK\x03\x04"

REQUIRED_COLUMNS = ("indicator", "year", "value")
OPTIONAL_COLUMNS = ("quarter", "unit", "category", "better")
COLUMN_TITLES = {
    "indicator": "Indicator",
    "year": "Year",
    "quarter": "Quarter",
    "value": "Value",
    "unit": "Unit",
    "category": "Category",
    "better": "Better",
}
BETTER_WORDS = {
    "lower": Indicator.Better.LOWER,
    "higher": Indicator.Better.HIGHER,
    "neither": Indicator.Better.NEITHER,
}
# The largest figure the database keeps: 14 digits, two of them after the point.
VALUE_LIMIT = Decimal(10) ** 12
CENT = Decimal("0.01")
QUARTER_PATTERN = re.compile(r"^q?\s*([1-4])(?:\.0+)?$", re.IGNORECASE)


# --- Reading single cells: shared with the form that adds one value by hand ---------------


def parse_year(text: str) -> int:
    """ "2025/26" -> 2025. ValueError with the reason a person can act on."""
    text = (text or "").strip()
    if not text:
        raise ValueError("year is missing; write it like 2025/26")
    try:
        year = FinancialYear.parse(text)
    except ValueError:
        raise ValueError(f'year "{text}" is not like 2025/26') from None
    latest = FinancialYear.containing(timezone.localdate())
    if year > latest:
        raise ValueError(f"year {year.label} has not started yet")
    if year.start_year < 1990:
        raise ValueError(f"year {year.label} is too long ago")
    return year.start_year


def parse_quarter(text: str) -> int | None:
    """Blank -> None (a whole-year figure); "2" or "Q2" -> 2."""
    text = (text or "").strip()
    if not text:
        return None
    match = QUARTER_PATTERN.match(text)
    if not match:
        raise ValueError(f'quarter "{text}" is not 1-4 (or Q1-Q4, or blank for the whole year)')
    return int(match.group(1))


def parse_value(text: str) -> Decimal:
    """ "4,523" -> Decimal("4523.00"); a trailing % sign is allowed. Rounded to 2 places."""
    text = (text or "").strip()
    if not text:
        raise ValueError("missing value")
    cleaned = text.replace(",", "").replace(" ", "").removesuffix("%")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f'value "{text}" is not a number') from None
    if not value.is_finite():
        raise ValueError(f'value "{text}" is not a number')
    if abs(value) >= VALUE_LIMIT:
        raise ValueError(f'value "{text}" is too large')
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def normalise_name(name: str) -> str:
    """How indicator names are matched: case and extra spaces do not matter."""
    return " ".join((name or "").split()).casefold()


def _column_key(heading) -> str:
    return " ".join(str(heading).replace("_", " ").split()).casefold()


# --- What a preview holds --------------------------------------------------------------------


@dataclass
class ValueRow:
    row: int  # as the spreadsheet shows it: the header is row 1
    indicator: str
    indicator_id: int | None  # None when the indicator is created by this import
    year: int
    quarter: int | None
    value: str  # a Decimal as text, so the preview stays JSON
    old_value: str | None = None

    @property
    def period(self) -> str:
        label = FinancialYear(self.year).label
        return f"{label} Q{self.quarter}" if self.quarter else label


@dataclass
class NewIndicator:
    row: int  # the first row that names it
    name: str
    unit: str
    category: str
    better: str

    @property
    def better_display(self) -> str:
        return Indicator.Better(self.better).label


@dataclass
class Rejection:
    row: int
    reason: str


@dataclass
class ImportPreview:
    filename: str
    create_unknown: bool
    creates: list[ValueRow] = field(default_factory=list)
    updates: list[ValueRow] = field(default_factory=list)
    unchanged: list[ValueRow] = field(default_factory=list)
    new_indicators: list[NewIndicator] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return not self.rejected and bool(self.creates or self.updates or self.new_indicators)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "creates": len(self.creates),
            "updates": len(self.updates),
            "unchanged": len(self.unchanged),
            "new_indicators": len(self.new_indicators),
            "rejected": len(self.rejected),
        }

    def to_data(self) -> dict:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> "ImportPreview":
        return cls(
            filename=data["filename"],
            create_unknown=data["create_unknown"],
            creates=[ValueRow(**r) for r in data["creates"]],
            updates=[ValueRow(**r) for r in data["updates"]],
            unchanged=[ValueRow(**r) for r in data["unchanged"]],
            new_indicators=[NewIndicator(**r) for r in data["new_indicators"]],
            rejected=[Rejection(**r) for r in data["rejected"]],
        )


# --- Reading the file --------------------------------------------------------------------------


def _read_frame(upload) -> pd.DataFrame:
    """The sheet as text cells; one ValidationError saying plainly what is wrong."""
    name = getattr(upload, "name", "") or ""
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError("Upload a CSV or an Excel (.xlsx) file.")
    size = getattr(upload, "size", None)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if size is not None and size > limit:
        raise ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")
    upload.seek(0)
    content = upload.read()
    if not content.strip():
        raise ValidationError("The file is empty.")
    try:
        if extension == ".xlsx":
            if not content.startswith(XLSX_SIGNATURE):
                raise ValidationError("The file is not an Excel (.xlsx) workbook.")
            frame = pd.read_excel(
                io.BytesIO(content), dtype=str, keep_default_na=False, engine="openpyxl"
            )
        else:
            frame = _read_csv(content)
    except ValidationError:
        raise
    except Exception:  # pandas and openpyxl raise many kinds; the cause is always the file
        kind = "an Excel workbook" if extension == ".xlsx" else "a CSV file"
        raise ValidationError(
            f"The file could not be read as {kind}. Save it again from your spreadsheet "
            "program and upload the copy."
        ) from None
    return frame


def _read_csv(content: bytes) -> pd.DataFrame:
    # Excel on Windows saves CSV as Windows-1252 unless asked for UTF-8.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Blank lines stay in, so that row numbers match what the spreadsheet shows.
        return pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    raise ValidationError("The file's text encoding is not recognised; save it as UTF-8 CSV.")


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    """Our column name -> the file's heading, with headings matched loosely."""
    found: dict[str, str] = {}
    for heading in frame.columns:
        key = _column_key(heading)
        if key not in COLUMN_TITLES:
            continue
        if key in found:
            raise ValidationError(f'The file has two "{COLUMN_TITLES[key]}" columns.')
        found[key] = heading
    missing = [COLUMN_TITLES[c] for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise ValidationError(
            f"The file has no {' or '.join(repr(m) for m in missing)} column. The first row "
            "should name the columns: Indicator, Year, Quarter (optional), Value."
        )
    return found


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def preview(upload, *, create_unknown: bool = False) -> ImportPreview:
    """Check every row of ``upload`` against the database; saves nothing.

    Raises ValidationError for a file that cannot be used at all (wrong type, unreadable,
    empty, no such columns, too many rows); problems with single rows are listed instead.
    """
    frame = _read_frame(upload)
    columns = _columns(frame)
    records = [
        (index + 2, {key: _cell(raw[heading]) for key, heading in columns.items()})
        for index, (_, raw) in enumerate(frame.iterrows())
    ]
    records = [(number, cells) for number, cells in records if any(cells.values())]
    if not records:
        raise ValidationError("The file has column headings but no rows of figures.")
    if len(records) > MAX_ROWS:
        raise ValidationError(
            f"The file has {len(records):,} rows of figures; the limit is {MAX_ROWS:,}. "
            "Split it into smaller files."
        )

    result = ImportPreview(filename=Path(upload.name).name, create_unknown=create_unknown)
    known = {normalise_name(i.name): i for i in Indicator.objects.only("pk", "name")}
    new: dict[str, NewIndicator] = {}
    seen: dict[tuple, int] = {}
    accepted: list[ValueRow] = []

    for number, cells in records:
        reasons = []
        name = " ".join(cells["indicator"].split())
        key = normalise_name(name)
        indicator = known.get(key)
        if not name:
            reasons.append("indicator name is missing")
        elif indicator is None and not create_unknown:
            reasons.append(f'unknown indicator "{name}"')
        elif indicator is None and key not in new:
            candidate, problems = _new_indicator(number, name, cells)
            reasons.extend(problems)
            if not problems:
                new[key] = candidate
        parsed = {}
        for column, parse in (("year", parse_year), ("quarter", parse_quarter)):
            try:
                parsed[column] = parse(cells.get(column, ""))
            except ValueError as exc:
                reasons.append(str(exc))
        try:
            parsed["value"] = parse_value(cells["value"])
        except ValueError as exc:
            reasons.append(str(exc))
        if not reasons:
            period = (key, parsed["year"], parsed["quarter"])
            if period in seen:
                reasons.append(f"duplicate of row {seen[period]}")
            else:
                seen[period] = number
        if reasons:
            result.rejected.append(Rejection(row=number, reason=_sentence(reasons)))
            continue
        accepted.append(
            ValueRow(
                row=number,
                indicator=indicator.name if indicator else new[key].name,
                indicator_id=indicator.pk if indicator else None,
                year=parsed["year"],
                quarter=parsed["quarter"],
                value=str(parsed["value"]),
            )
        )

    existing = _existing_values(accepted)
    for row in accepted:
        old = existing.get((row.indicator_id, row.year, row.quarter))
        if old is None:
            result.creates.append(row)
        elif old == Decimal(row.value):
            row.old_value = str(old)
            result.unchanged.append(row)
        else:
            row.old_value = str(old)
            result.updates.append(row)
    # An indicator whose rows were all refused is not worth creating on its own.
    used = {normalise_name(r.indicator) for r in result.creates}
    result.new_indicators = [n for k, n in new.items() if k in used]
    return result


def _new_indicator(number: int, name: str, cells: dict) -> tuple[NewIndicator, list[str]]:
    problems = []
    if len(name) > Indicator._meta.get_field("name").max_length:
        problems.append("indicator name is longer than 200 characters")
    unit = cells.get("unit", "") or Indicator._meta.get_field("unit").default
    if len(unit) > Indicator._meta.get_field("unit").max_length:
        problems.append("unit is longer than 40 characters")
    category = cells.get("category", "")
    if len(category) > Indicator._meta.get_field("category").max_length:
        problems.append("category is longer than 100 characters")
    better_text = cells.get("better", "").casefold()
    better = BETTER_WORDS.get(better_text, Indicator.Better.LOWER if not better_text else None)
    if better is None:
        problems.append(f'better "{cells["better"]}" is not lower, higher or neither')
    candidate = NewIndicator(
        row=number, name=name, unit=unit, category=category, better=str(better or "")
    )
    return candidate, problems


def _sentence(reasons: list[str]) -> str:
    text = "; ".join(reasons)
    return text[:1].upper() + text[1:] + "."


def _existing_values(rows: list[ValueRow]) -> dict[tuple, Decimal]:
    ids = {r.indicator_id for r in rows if r.indicator_id}
    if not ids:
        return {}
    found = IndicatorValue.objects.filter(
        indicator_id__in=ids, year__in={r.year for r in rows}
    ).values_list("indicator_id", "year", "quarter", "value")
    return {(i, y, q): v for i, y, q, v in found}


# --- Saving ----------------------------------------------------------------------------------


def apply(preview: ImportPreview, user) -> dict[str, int]:
    """Save a checked preview in one transaction; refuses one with rejected rows.

    Values are compared with the database again here, so a figure someone changed after the
    preview is updated rather than duplicated. Every change is kept in the audit history
    under ``user``.
    """
    if preview.rejected:
        raise ValidationError(
            "Nothing was saved: the file has rows that were refused. Correct them and upload "
            "the file again."
        )
    counts = {"indicators_created": 0, "values_created": 0, "values_updated": 0, "unchanged": 0}
    with transaction.atomic():
        ids = _indicator_ids(preview, user, counts)
        rows = preview.creates + preview.updates
        for row in rows:
            row.indicator_id = row.indicator_id or ids[normalise_name(row.indicator)]
        existing = {
            (v.indicator_id, v.year, v.quarter): v
            for v in IndicatorValue.objects.select_for_update().filter(
                indicator_id__in={r.indicator_id for r in rows},
                year__in={r.year for r in rows},
            )
        }
        to_create, to_update = [], []
        for row in rows:
            value = Decimal(row.value)
            current = existing.get((row.indicator_id, row.year, row.quarter))
            if current is None:
                to_create.append(
                    IndicatorValue(
                        indicator_id=row.indicator_id,
                        year=row.year,
                        quarter=row.quarter,
                        value=value,
                    )
                )
            elif current.value != value:
                current.value = value
                to_update.append(current)
            else:
                counts["unchanged"] += 1
        if to_create:
            bulk_create_with_history(to_create, IndicatorValue, batch_size=500, default_user=user)
        if to_update:
            bulk_update_with_history(
                to_update, IndicatorValue, ["value"], batch_size=500, default_user=user
            )
        counts["values_created"] = len(to_create)
        counts["values_updated"] = len(to_update)
        counts["unchanged"] += len(preview.unchanged)
    return counts


def _indicator_ids(preview: ImportPreview, user, counts: dict) -> dict[str, int]:
    """Name -> id for every indicator the rows need, creating the new ones."""
    wanted = {r.indicator_id for r in preview.creates + preview.updates if r.indicator_id}
    if wanted and Indicator.objects.filter(pk__in=wanted).count() != len(wanted):
        raise ValidationError(
            "An indicator in this import was deleted after the preview; upload the file again."
        )
    ids = {}
    for candidate in preview.new_indicators:
        key = normalise_name(candidate.name)
        # Someone may have added it by hand since the preview: use theirs.
        indicator = Indicator.objects.filter(name__iexact=candidate.name).first()
        if indicator is None:
            indicator = Indicator(
                name=candidate.name,
                unit=candidate.unit,
                category=candidate.category,
                better=candidate.better,
            )
            indicator._history_user = user
            indicator.save()
            counts["indicators_created"] += 1
        ids[key] = indicator.pk
    return ids
