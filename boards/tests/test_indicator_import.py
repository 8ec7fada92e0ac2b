"""Importing indicator values from CSV and Excel: the preview, refusals and confirming."""

import io
import time
from decimal import Decimal

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from boards import indicator_import
from boards.indicator_import import apply, preview
from boards.models import Indicator, IndicatorValue
from boards.views.statistics import SESSION_KEY

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("boards:indicator_import")
CONFIRM_URL = reverse("boards:indicator_import_confirm")


@pytest.fixture
def robbery():
    indicator = Indicator.objects.create(name="Robbery", category="Acquisitive crime")
    IndicatorValue.objects.create(indicator=indicator, year=2023, value=845)
    IndicatorValue.objects.create(indicator=indicator, year=2024, quarter=1, value=190)
    return indicator


@pytest.fixture
def knife_crime():
    return Indicator.objects.create(name="Knife crime with injury", category="Violence")


def csv_file(rows, name="figures.csv", header=("Indicator", "Year", "Quarter", "Value")):
    frame = pd.DataFrame(rows, columns=list(header))
    return SimpleUploadedFile(name, frame.to_csv(index=False).encode(), "text/csv")


def xlsx_file(rows, header=("Indicator", "Year", "Quarter", "Value"), name="figures.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


GOOD_ROWS = [
    ("Robbery", "2023/24", "", "845"),  # unchanged
    ("Robbery", "2024/25", "", "773"),  # new
    ("robbery ", "2024/25", "Q1", "201"),  # corrects 190; names match loosely
    ("Knife crime with injury", "2024/25", "2", "29"),  # new
]


def test_preview_sorts_rows_into_creates_updates_and_unchanged(robbery, knife_crime):
    result = preview(csv_file(GOOD_ROWS))
    assert result.rejected == []
    assert [(r.row, r.indicator, r.period, r.value) for r in result.creates] == [
        (3, "Robbery", "2024/25", "773.00"),
        (5, "Knife crime with injury", "2024/25 Q2", "29.00"),
    ]
    assert [(r.row, r.period, r.old_value, r.value) for r in result.updates] == [
        (4, "2024/25 Q1", "190.00", "201.00")
    ]
    assert [r.row for r in result.unchanged] == [2]
    assert result.counts == {
        "creates": 2,
        "updates": 1,
        "unchanged": 1,
        "new_indicators": 0,
        "rejected": 0,
    }


def test_preview_saves_nothing(robbery, knife_crime):
    before = list(IndicatorValue.objects.values_list("pk", "value"))
    preview(csv_file(GOOD_ROWS))
    assert list(IndicatorValue.objects.values_list("pk", "value")) == before


def test_xlsx_is_read_like_csv_with_loose_headings(robbery, knife_crime):
    rows = [
        ("Robbery", "2024/25", None, 773),
        (None, None, None, None),  # a blank row keeps the numbering honest
        ("Knife crime with injury", "2024/25", 2, "1,029"),
    ]
    upload = xlsx_file(rows, header=(" INDICATOR", "year", "quarter ", "Value "))
    result = preview(upload)
    assert result.rejected == []
    assert [(r.row, r.quarter, r.value) for r in result.creates] == [
        (2, None, "773.00"),
        (4, 2, "1029.00"),
    ]


def test_each_bad_row_is_refused_with_its_row_number_and_reason(robbery):
    rows = [
        ("Robbery", "2024/25", "", "773"),  # row 2, fine
        ("Stolen bicycles", "2024/25", "", "10"),  # row 3
        ("Robbery", "2024/25", "1", "lots"),  # row 4
        ("Robbery", "2024-25", "", "5"),  # row 5
        ("Robbery", "2024/25", "5", "5"),  # row 6
        ("Robbery", "2024/25", "", "770"),  # row 7: same period as row 2
        ("Robbery", "2024/25", "Q3", ""),  # row 8
    ]
    result = preview(csv_file(rows))
    reasons = {r.row: r.reason for r in result.rejected}
    assert reasons == {
        3: 'Unknown indicator "Stolen bicycles".',
        4: 'Value "lots" is not a number.',
        5: 'Year "2024-25" is not like 2025/26.',
        6: 'Quarter "5" is not 1-4 (or Q1-Q4, or blank for the whole year).',
        7: "Duplicate of row 2.",
        8: "Missing value.",
    }
    assert [r.row for r in result.creates] == [2]
    assert result.can_apply is False


def test_xlsx_rejections_carry_row_numbers_too(robbery):
    result = preview(xlsx_file([("Robbery", "2024/25", "Q9", 1), ("Robbery", "26/27", None, 2)]))
    assert [(r.row, r.reason.split(" ")[0]) for r in result.rejected] == [
        (2, "Quarter"),
        (3, "Year"),
    ]


def test_a_row_with_several_problems_lists_them_all(robbery):
    (rejection,) = preview(csv_file([("Robbery", "next year", "Q7", "x")])).rejected
    assert rejection.reason == (
        'Year "next year" is not like 2025/26; '
        'quarter "Q7" is not 1-4 (or Q1-Q4, or blank for the whole year); '
        'value "x" is not a number.'
    )


def test_unknown_indicators_are_created_only_when_ticked():
    rows = [
        ("Stolen bicycles", "2024/25", "", "310", "count", "Acquisitive crime", "lower"),
        ("stolen  bicycles", "2023/24", "", "288", "", "", ""),
        ("Youth centre visits", "2024/25", "", "5,120", "", "Young people", "Higher"),
    ]
    header = ("Indicator", "Year", "Quarter", "Value", "Unit", "Category", "Better")
    refused = preview(csv_file(rows, header=header))
    assert [r.row for r in refused.rejected] == [2, 3, 4]

    result = preview(csv_file(rows, header=header), create_unknown=True)
    assert result.rejected == []
    assert [(n.row, n.name, n.category, n.better) for n in result.new_indicators] == [
        (2, "Stolen bicycles", "Acquisitive crime", "lower"),
        (4, "Youth centre visits", "Young people", "higher"),
    ]
    assert not Indicator.objects.exists()

    counts = apply(result, user=None)
    assert counts == {
        "indicators_created": 2,
        "values_created": 3,
        "values_updated": 0,
        "unchanged": 0,
    }
    bikes = Indicator.objects.get(name="Stolen bicycles")
    assert bikes.better == Indicator.Better.LOWER
    assert sorted(bikes.values.values_list("year", "value")) == [
        (2023, Decimal("288.00")),
        (2024, Decimal("310.00")),
    ]


def test_a_new_indicator_with_an_unknown_better_is_refused():
    rows = [("Stolen bicycles", "2024/25", "", "310", "sideways")]
    result = preview(
        csv_file(rows, header=("Indicator", "Year", "Quarter", "Value", "Better")),
        create_unknown=True,
    )
    assert [(r.row, r.reason) for r in result.rejected] == [
        (2, 'Better "sideways" is not lower, higher or neither.')
    ]


def test_apply_saves_creates_and_updates_with_history(robbery, knife_crime, board_officer):
    result = preview(csv_file(GOOD_ROWS))
    counts = apply(result, board_officer)
    assert counts == {
        "indicators_created": 0,
        "values_created": 2,
        "values_updated": 1,
        "unchanged": 1,
    }
    assert IndicatorValue.objects.get(indicator=robbery, year=2024, quarter=1).value == 201
    assert IndicatorValue.objects.get(indicator=robbery, year=2024, quarter=None).value == 773
    latest = IndicatorValue.history.filter(indicator_id=robbery.pk, year=2024, quarter=1).first()
    assert latest.history_user == board_officer


def test_apply_refuses_a_preview_with_rejected_rows(robbery):
    result = preview(csv_file([("Robbery", "2024/25", "", "1"), ("Nope", "2024/25", "", "2")]))
    with pytest.raises(ValidationError):
        apply(result, None)
    assert not IndicatorValue.objects.filter(year=2024, quarter=None).exists()


def test_apply_updates_a_value_someone_added_after_the_preview(robbery):
    result = preview(csv_file([("Robbery", "2024/25", "", "773")]))
    IndicatorValue.objects.create(indicator=robbery, year=2024, value=700)
    counts = apply(result, None)
    assert counts["values_updated"] == 1
    assert IndicatorValue.objects.get(indicator=robbery, year=2024, quarter=None).value == 773


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("figures.pdf", b"%PDF-1.4", "Upload a CSV or an Excel (.xlsx) file."),
        ("figures.csv", b"", "The file is empty."),
        ("figures.xlsx", b"", "The file is empty."),
        ("figures.xlsx", b"Indicator,Year\n", "The file is not an Excel (.xlsx) workbook."),
        ("figures.xlsx", b"PK\x03\x04broken", "could not be read as an Excel workbook"),
        ("figures.csv", b"Name,When,Amount\nRobbery,2024/25,3\n", "no 'Indicator'"),
        ("figures.csv", b"Indicator,Year,Value\n", "no rows of figures"),
    ],
)
def test_files_that_cannot_be_used_give_one_clear_error(name, content, message):
    with pytest.raises(ValidationError) as caught:
        preview(SimpleUploadedFile(name, content))
    (text,) = caught.value.messages
    assert message in text


def test_too_many_rows_are_refused(robbery, monkeypatch):
    monkeypatch.setattr(indicator_import, "MAX_ROWS", 3)
    rows = [("Robbery", "2024/25", str(q), "1") for q in (1, 2, 3, 4)]
    with pytest.raises(ValidationError, match="the limit is 3"):
        preview(csv_file(rows))


def test_a_file_over_the_upload_size_is_refused(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    upload = SimpleUploadedFile("figures.csv", b"Indicator,Year,Value\n" + b"x" * 1024 * 1024)
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        preview(upload)


def test_windows_csv_encoding_is_read(robbery):
    text = "Indicator,Year,Quarter,Value\nRobbery,2024/25,,773\nCaf\u00e9 thefts,2024/25,,4\n"
    content = text.encode("cp1252")
    result = preview(SimpleUploadedFile("figures.csv", content))
    assert [r.reason for r in result.rejected] == ['Unknown indicator "Caf\u00e9 thefts".']


# --- The pages: upload, preview, confirm ------------------------------------------------------


def upload(client, rows, create_unknown=False, **kwargs):
    data = {"file": csv_file(rows, **kwargs)}
    if create_unknown:
        data["create_unknown"] = "on"
    return client.post(IMPORT_URL, data)


def test_upload_shows_the_preview_and_saves_nothing_until_confirmed(
    client, board_officer, robbery, knife_crime
):
    client.force_login(board_officer)
    response = upload(client, GOOD_ROWS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 new figures" in page
    assert "1 figure corrected" in page
    assert "Confirm and save" in page
    assert not IndicatorValue.objects.filter(year=2024, quarter=None).exists()

    token = response.context["token"]
    response = client.post(CONFIRM_URL, {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("boards:statistics")
    assert "2 figures added, 1 corrected, 1 unchanged" in response.content.decode()
    assert IndicatorValue.objects.get(indicator=robbery, year=2024, quarter=None).value == 773
    assert IndicatorValue.objects.get(indicator=robbery, year=2024, quarter=1).value == 201


def test_confirming_twice_saves_once(client, board_officer, robbery):
    client.force_login(board_officer)
    token = upload(client, [("Robbery", "2024/25", "", "773")]).context["token"]
    client.post(CONFIRM_URL, {"token": token})
    response = client.post(CONFIRM_URL, {"token": token}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert IndicatorValue.objects.filter(indicator=robbery, year=2024, quarter=None).count() == 1


def test_a_preview_with_refused_rows_has_no_confirm_button(client, board_officer, robbery):
    client.force_login(board_officer)
    response = upload(client, [("Robbery", "2024/25", "", "773"), ("Nope", "2024/25", "", "1")])
    page = response.content.decode()
    assert "Confirm and save" not in page
    assert "Unknown indicator &quot;Nope&quot;." in page
    assert response.context["token"] is None
    assert SESSION_KEY not in client.session


def test_a_forged_token_is_refused(client, board_officer, robbery):
    client.force_login(board_officer)
    upload(client, [("Robbery", "2024/25", "", "773")])
    response = client.post(CONFIRM_URL, {"token": "made-up"}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert not IndicatorValue.objects.filter(year=2024, quarter=None).exists()


def test_an_old_token_is_refused_after_a_new_upload(client, board_officer, robbery):
    client.force_login(board_officer)
    old = upload(client, [("Robbery", "2024/25", "", "773")]).context["token"]
    upload(client, [("Robbery", "2024/25", "", "775")])
    client.post(CONFIRM_URL, {"token": old})
    assert not IndicatorValue.objects.filter(year=2024, quarter=None).exists()


def test_a_stale_preview_is_refused(client, board_officer, robbery):
    client.force_login(board_officer)
    token = upload(client, [("Robbery", "2024/25", "", "773")]).context["token"]
    session = client.session
    session[SESSION_KEY]["made"] = time.time() - 2 * 60 * 60
    session.save()
    response = client.post(CONFIRM_URL, {"token": token}, follow=True)
    assert "expired" in response.content.decode()
    assert not IndicatorValue.objects.filter(year=2024, quarter=None).exists()


def test_another_users_token_is_refused(client, board_officer, administrator, robbery):
    client.force_login(board_officer)
    token = upload(client, [("Robbery", "2024/25", "", "773")]).context["token"]
    client.logout()
    client.force_login(administrator)
    client.post(CONFIRM_URL, {"token": token})
    assert not IndicatorValue.objects.filter(year=2024, quarter=None).exists()


def test_wrong_file_type_shows_a_message_by_the_field(client, board_officer):
    client.force_login(board_officer)
    response = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("minutes.docx", b"PK\x03\x04xx")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Upload a CSV or an Excel (.xlsx) file."]
    assert response.context["preview"] is None


def test_empty_file_shows_a_message(client, board_officer):
    client.force_login(board_officer)
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("figures.csv", b"")})
    assert response.status_code == 200
    # Django's own check for an empty upload answers first, with the same meaning.
    assert response.context["form"].errors["file"]
    assert "empty" in response.context["form"].errors["file"][0]


def test_ticking_create_unknown_creates_them_on_confirm(client, board_officer):
    client.force_login(board_officer)
    response = upload(
        client,
        [("Stolen bicycles", "2024/25", "", "310", "Acquisitive crime")],
        create_unknown=True,
        header=("Indicator", "Year", "Quarter", "Value", "Category"),
    )
    assert "Indicators that would be created" in response.content.decode()
    assert not Indicator.objects.exists()
    client.post(CONFIRM_URL, {"token": response.context["token"]})
    bikes = Indicator.objects.get(name="Stolen bicycles")
    assert bikes.category == "Acquisitive crime"
    assert bikes.values.get().value == 310


def test_confirm_only_takes_post(client, board_officer):
    client.force_login(board_officer)
    assert client.get(CONFIRM_URL).status_code == 405
