"""The key statistics pages: the table, an indicator's figures, its forms, and who may do what."""

from decimal import Decimal

import pytest
from django.urls import reverse

from boards.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db

STATISTICS_URL = reverse("boards:statistics")


def value(indicator, year, amount, quarter=None):
    return IndicatorValue.objects.create(
        indicator=indicator, year=year, quarter=quarter, value=amount
    )


@pytest.fixture
def indicators():
    """Violence (a fall is good), hate crime (context only), a new one with no base."""
    knife = Indicator.objects.create(name="Knife crime with injury", category="Violence")
    value(knife, 2024, 117)
    value(knife, 2023, 136)
    hate = Indicator.objects.create(
        name="Hate crime offences", category="Hate crime", better=Indicator.Better.NEITHER
    )
    value(hate, 2024, 414)
    value(hate, 2023, 434)
    visits = Indicator.objects.create(
        name="Youth centre visits", category="Young people", better=Indicator.Better.HIGHER
    )
    value(visits, 2024, 5)
    value(visits, 2023, 0)
    burglary = Indicator.objects.create(name="Residential burglary", category="Acquisitive crime")
    value(burglary, 2024, 1251)
    value(burglary, 2023, 1204)
    return {"knife": knife, "hate": hate, "visits": visits, "burglary": burglary}


def page_urls(indicator):
    return {
        "statistics": reverse("boards:statistics"),
        "statistics_csv": reverse("boards:statistics_csv"),
        "indicator_detail": reverse("boards:indicator_detail", args=[indicator.pk]),
        "indicator_create": reverse("boards:indicator_create"),
        "indicator_edit": reverse("boards:indicator_edit", args=[indicator.pk]),
        "indicator_import": reverse("boards:indicator_import"),
    }


OPEN_TO_EVERYONE_SIGNED_IN = {"statistics", "statistics_csv", "indicator_detail"}


@pytest.mark.parametrize(
    "who", ["board_officer", "administrator", "chair", "grants_officer", "outsider", "anonymous"]
)
def test_permission_matrix(client, request, indicators, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    if user:
        client.force_login(user)
    for name, url in page_urls(indicators["knife"]).items():
        response = client.get(url)
        if who in ("board_officer", "administrator"):
            expected = 200
        elif who == "anonymous":
            expected = 302
        else:
            expected = 200 if name in OPEN_TO_EVERYONE_SIGNED_IN else 403
        assert response.status_code == expected, (who, name, response.status_code)
        if who == "anonymous":
            assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["chair", "outsider"])
def test_only_officers_change_figures(client, request, indicators, who):
    client.force_login(request.getfixturevalue(who))
    knife = indicators["knife"]
    detail = reverse("boards:indicator_detail", args=[knife.pk])
    assert client.post(detail, {"year": "2024/25", "value": "1"}).status_code == 403
    assert (
        client.post(reverse("boards:indicator_import_confirm"), {"token": "x"}).status_code == 403
    )
    assert client.post(reverse("boards:indicator_create"), {"name": "X"}).status_code == 403
    assert IndicatorValue.objects.get(indicator=knife, year=2024).value == 117
    assert not Indicator.objects.filter(name="X").exists()


def test_signed_in_user_without_a_role_sees_figures_but_no_buttons(client, outsider, indicators):
    client.force_login(outsider)
    page = client.get(STATISTICS_URL).content.decode()
    assert "Knife crime with injury" in page
    assert "Add an indicator" not in page
    assert "Import from a spreadsheet" not in page
    detail = client.get(reverse("boards:indicator_detail", args=[indicators["knife"].pk]))
    assert detail.context["form"] is None
    assert "Add or correct a figure" not in detail.content.decode()


def test_table_shows_values_change_percentage_and_direction_in_words(
    client, board_officer, indicators
):
    client.force_login(board_officer)
    response = client.get(STATISTICS_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["this_period"] == "2024/25"
    assert response.context["last_period"] == "2023/24"
    assert "Key statistics for 2024/25 against 2023/24" in page
    # Knife crime fell: good.
    assert "-19" in page and "-13.97%" in page
    assert "fall, good" in page
    # Burglary rose: bad.
    assert "1,251" in page and "+47" in page and "+3.90%" in page
    assert "rise, bad" in page
    # Hate crime is context only.
    assert "fall, neither good nor bad" in page
    # Zero base: a difference but no percentage.
    assert "n/a" in page
    assert "rise, good" in page
    # Arrows are coloured and never alone.
    assert 'class="stat-arrow stat-good" aria-hidden="true">↓' in page
    assert 'class="stat-arrow stat-bad" aria-hidden="true">↑' in page
    assert 'class="stat-arrow stat-neutral" aria-hidden="true">↓' in page
    # Grouped by category, with headers that say what they head.
    assert '<th scope="colgroup" colspan="7"' in page
    groups = [category for category, _ in response.context["groups"]]
    assert groups == ["Acquisitive crime", "Hate crime", "Violence", "Young people"]
    assert reverse("boards:indicator_detail", args=[indicators["knife"].pk]) in page


def test_default_year_is_the_latest_with_values(client, outsider, indicators):
    value(indicators["knife"], 2025, 3, quarter=1)
    client.force_login(outsider)
    response = client.get(STATISTICS_URL)
    assert response.context["this_period"] == "2025/26"


def test_quarter_view_compares_the_same_quarter(client, outsider, indicators):
    value(indicators["knife"], 2024, 30, quarter=2)
    value(indicators["knife"], 2023, 40, quarter=2)
    client.force_login(outsider)
    response = client.get(STATISTICS_URL, {"year": "2024/25", "quarter": "2"})
    assert response.context["this_period"] == "2024/25 Q2"
    assert response.context["last_period"] == "2023/24 Q2"
    assert "-25.00%" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [({"year": "twenty"}, "year"), ({"year": "2024/25", "quarter": "7"}, "quarter")],
)
def test_bad_period_shows_a_message_by_the_field_and_still_the_table(
    client, outsider, indicators, query, field
):
    client.force_login(outsider)
    response = client.get(STATISTICS_URL, query)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert response.context["this_period"].startswith("2024/25")
    assert "Knife crime with injury" in response.content.decode()


def test_csv_export_has_the_same_figures(client, outsider, indicators):
    client.force_login(outsider)
    response = client.get(reverse("boards:statistics_csv"), {"year": "2024/25"})
    assert response["Content-Type"].startswith("text/csv")
    assert "key-statistics-2024-25.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Category,Indicator,Unit,2024/25,2023/24,Change,Change %")
    assert 'Violence,Knife crime with injury,count,117.00,136.00,-19.00,-13.97,"fall, good",' in (
        lines
    )
    assert any(
        line.startswith("Young people,Youth centre visits") and ",," in line for line in lines
    )


def _many(count):
    for n in range(count):
        indicator = Indicator.objects.create(name=f"Indicator {n:03d}", category=f"Group {n % 5}")
        value(indicator, 2024, n + 10)
        value(indicator, 2023, n + 5)


@pytest.mark.parametrize("count", [5, 50])
def test_statistics_page_queries_do_not_grow(
    client, board_officer, count, django_assert_num_queries
):
    _many(count)
    client.force_login(board_officer)
    client.get(STATISTICS_URL)  # warm the session
    # Session, user, roles, years with values, indicators, values.
    with django_assert_num_queries(6):
        response = client.get(STATISTICS_URL)
    assert response.context["row_count"] == count


# --- An indicator's page and forms -----------------------------------------------------------


def test_indicator_page_lists_values_by_year_and_quarter(client, outsider, indicators):
    knife = indicators["knife"]
    for quarter, amount in ((1, 30), (2, 31), (3, 28), (4, 28)):
        value(knife, 2024, amount, quarter=quarter)
    client.force_login(outsider)
    response = client.get(reverse("boards:indicator_detail", args=[knife.pk]))
    rows = response.context["years"]
    assert [r["year"].label for r in rows] == ["2024/25", "2023/24"]
    assert rows[0]["whole"] == "117"
    assert rows[0]["quarters"] == ["30", "31", "28", "28"]
    assert rows[0]["summed"] == "117"
    assert rows[1]["quarters"] == ["—", "—", "—", "—"]


def test_officer_adds_then_corrects_a_value_and_the_history_shows_both(
    client, board_officer, indicators
):
    knife = indicators["knife"]
    url = reverse("boards:indicator_detail", args=[knife.pk])
    client.force_login(board_officer)
    response = client.post(url, {"year": "2024/25", "quarter": "3", "value": "1,029"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=knife, year=2024, quarter=3).value == 1029
    client.post(url, {"year": "2024/25", "quarter": "3", "value": "1030"})
    assert IndicatorValue.objects.filter(indicator=knife, year=2024, quarter=3).count() == 1
    page = client.get(url).content.decode()
    assert "Changed 2024/25 Q3: 1,030" in page
    assert "Added 2024/25 Q3: 1,029" in page


def test_officer_corrects_a_whole_year_figure(client, board_officer, indicators):
    knife = indicators["knife"]
    client.force_login(board_officer)
    client.post(
        reverse("boards:indicator_detail", args=[knife.pk]),
        {"year": "2024", "quarter": "", "value": "118"},
    )
    assert IndicatorValue.objects.get(indicator=knife, year=2024, quarter=None).value == 118


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": "2024-25", "quarter": "", "value": "5"}, "year", "is not like 2025/26"),
        ({"year": "", "quarter": "", "value": "5"}, "year", "required"),
        ({"year": "2099/00", "quarter": "", "value": "5"}, "year", "has not started yet"),
        ({"year": "2024/25", "quarter": "9", "value": "5"}, "quarter", "valid choice"),
        ({"year": "2024/25", "quarter": "", "value": "many"}, "value", "is not a number"),
        ({"year": "2024/25", "quarter": "", "value": "1e20"}, "value", "too large"),
    ],
)
def test_bad_value_input_is_refused_by_the_field(
    client, board_officer, indicators, data, field, message
):
    knife = indicators["knife"]
    client.force_login(board_officer)
    response = client.post(reverse("boards:indicator_detail", args=[knife.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert IndicatorValue.objects.filter(indicator=knife).count() == 2


def test_officer_creates_and_edits_an_indicator(client, board_officer):
    client.force_login(board_officer)
    response = client.post(
        reverse("boards:indicator_create"),
        {
            "name": "  Deliberate   fires ",
            "category": "Anti-social behaviour",
            "unit": "count",
            "better": "lower",
            "source": "Vale Fire and Rescue Service",
            "active": "on",
        },
    )
    fires = Indicator.objects.get()
    assert fires.name == "Deliberate fires"
    assert response.url == reverse("boards:indicator_detail", args=[fires.pk])
    client.post(
        reverse("boards:indicator_edit", args=[fires.pk]),
        {"name": fires.name, "category": "Fire", "unit": "count", "better": "lower"},
    )
    fires.refresh_from_db()
    assert (fires.category, fires.active) == ("Fire", False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "unit": "count", "better": "lower"}, "name"),
        ({"name": "knife CRIME with injury", "unit": "count", "better": "lower"}, "name"),
        ({"name": "Arson", "unit": "count", "better": "sideways"}, "better"),
        ({"name": "Arson", "unit": "", "better": "lower"}, "unit"),
    ],
)
def test_bad_indicator_input_is_refused_by_the_field(
    client, board_officer, indicators, data, field
):
    client.force_login(board_officer)
    response = client.post(reverse("boards:indicator_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Indicator.objects.filter(name="Arson").exists()
    assert Indicator.objects.count() == 4


def test_breadcrumbs_lead_back_to_key_statistics(client, board_officer, indicators):
    client.force_login(board_officer)
    for url in (
        reverse("boards:indicator_detail", args=[indicators["knife"].pk]),
        reverse("boards:indicator_import"),
        reverse("boards:indicator_create"),
    ):
        page = client.get(url).content.decode()
        assert f'<a href="{STATISTICS_URL}">Key statistics</a>' in page, url
        assert f'<a href="{reverse("boards:index")}">Boards</a>' in page, url


def test_demo_statistics_load_once():
    from boards import demo_statistics

    messages = []
    demo_statistics.load(messages.append)
    demo_statistics.load(messages.append)
    assert Indicator.objects.count() == len(demo_statistics.INDICATORS)
    assert "already loaded" in messages[-1]
    total = Indicator.objects.get(name="Total recorded crime")
    years = sorted({v.year for v in total.values.all()})
    assert len(years) == 2
    whole = total.values.get(year=years[-1], quarter=None).value
    quarters = total.values.filter(year=years[-1], quarter__isnull=False)
    assert sum(q.value for q in quarters) == whole
    assert Decimal(whole) > 0
