"""Property tests for the public forms: whatever a stranger posts, the site answers without a
server error, and a refused post stores nothing.

Each test counts the examples it ran and prints the figure (run with -s, or read the captured
output of a failure); the totals are checked so a silently shortened run is noticed.
"""

import time
from collections import Counter
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding.forms_public import ApplicantForm
from funding.models import (
    Application,
    ApplicationBudgetLine,
    ApplicationDocument,
    BudgetCategory,
    Stage,
    StageChange,
)
from funding.tests.test_public_pages import PDF, applicant, make_round

pytestmark = pytest.mark.django_db

TARGETS = {"expression": 250, "applicant_form": 180, "upload": 200}
RAN: Counter = Counter()


def fuzz_settings(name):
    return settings(
        max_examples=TARGETS[name],
        deadline=None,
        database=None,  # nothing written into the project folder
        # The client and the round are built once per test and shared by its examples; each
        # example clears the rate-limit counters itself.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def report(name, started):
    seconds = time.perf_counter() - started
    stored = RAN[f"{name} stored"]
    print(f"\n[fuzz] {name}: {RAN[name]} examples ({stored} stored) in {seconds:.1f} s")
    assert RAN[name] >= TARGETS[name]


# --- What strangers send ---------------------------------------------------------------------

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "\t\r\n\x0b\x0c",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\u200b\u200d\ufeff",
    "😀" * 40,
    "👩‍👩‍👧‍👦🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "Zalgo: Ẑ̵̡̛a̴̢l̸g̷o̶",
    "<script>alert(1)</script>",
    "{{ request }}{% debug %}",
    "'; DROP TABLE funding_application; --",
    "%s%s%n",
    "a" * 100_000,
    "é" * 100_000,
    "😀" * 100_000,
]
NASTY_NUMBERS = [
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "Infinity",
    "-0",
    "0",
    "0.00",
    "£1,00,0",
    "1,000",
    "£12,500.50",
    "12.345",
    "12,50",
    "0x1F",
    "1_000",
    "١٢٣٤٥",
    "１２３４",
    "9" * 40,
    "-1000",
    "+1000",
    " 5000 ",
    "5000.",
    ".5",
    "£",
    "££1000",
    "99999999.99",
    "100000000",
]
NASTY_DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-2-3",
    "31/12/2026",
    "2026-12-31T25:00",
    "yesterday",
]

text = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=80),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Co", "So", "Zs"]), max_size=40),
    st.builds(lambda c, n: c * n, st.characters(exclude_categories=["Cs"]), st.integers(150, 6100)),
)
numbers = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**12), 10**12).map(str),
    st.floats().map(str),
    text,
)
dates = st.one_of(st.sampled_from(NASTY_DATES), st.dates().map(str), text)
ids = st.one_of(st.integers(-(2**70), 2**70).map(str), text)


def usually(good, bad):
    """Mostly sensible values, so some posts succeed and the rest fail one field at a time."""
    return st.one_of(*[st.just(good)] * 4, bad)


def pks(query) -> list[str]:
    return [str(pk) for pk in query.values_list("pk", flat=True)]


def without_some(draw, data: dict) -> dict:
    dropped = draw(st.sets(st.sampled_from(sorted(data)), max_size=3))
    return {key: value for key, value in data.items() if key not in dropped}


# --- The expression of interest --------------------------------------------------------------


@pytest.fixture
def fuzz_round(db):
    return make_round("fuzz-round")


def test_expression_form_never_fails_and_stores_only_what_it_accepts(client, fuzz_round):
    url = reverse("funding:expression", args=[fuzz_round.slug])
    areas = pks(fuzz_round.priority_areas)
    started = time.perf_counter()

    @fuzz_settings("expression")
    @given(data=st.data())
    def post_anything(data):
        cache.clear()
        draw = data.draw
        post = {
            "organisation_name": draw(usually("Riverside Boxing Club", text)),
            "contact_name": draw(usually("Jo Bright", text)),
            "contact_email": draw(usually("jo@boxing.example", st.one_of(st.emails(), text))),
            "contact_phone": draw(usually("", st.one_of(st.just("01632 960123"), text))),
            "project_title": draw(usually("Friday night boxing", text)),
            "summary": draw(usually("Sessions for young people.", text)),
            "amount_estimate": draw(usually("12,000", numbers)),
            "priority_areas": draw(
                usually([areas[0]], st.lists(st.one_of(st.sampled_from(areas), ids), max_size=4))
            ),
            "website": draw(st.one_of(st.just(""), st.just(""), st.just(""), text)),
        }
        post = without_some(draw, post)
        before = (Application.objects.count(), StageChange.objects.count())
        response = client.post(url, post)
        assert response.status_code == 200
        accepted = "funding/public/expression_received.html" in [t.name for t in response.templates]
        after = (Application.objects.count(), StageChange.objects.count())
        if accepted:
            assert not post.get("website")
            assert after == (before[0] + 1, before[1] + 1)
            RAN["expression stored"] += 1
        else:
            assert after == before
        RAN["expression"] += 1

    post_anything()
    report("expression", started)


# --- The full application --------------------------------------------------------------------


def snapshot(application):
    row = Application.objects.filter(pk=application.pk).values(*ApplicantForm.SCALAR_FIELDS)
    return (
        row.get(),
        sorted(application.priority_areas.values_list("pk", flat=True)),
        sorted(application.key_themes.values_list("pk", flat=True)),
    )


def budget_snapshot(application):
    return list(
        ApplicationBudgetLine.objects.filter(application=application)
        .order_by("pk")
        .values_list("pk", "category_id", "description", "amount")
    )


def test_applicant_form_never_fails_and_never_half_saves(client, fuzz_round):
    application, token = applicant(fuzz_round)
    url = reverse("funding:applicant_form", args=[token])
    areas = pks(fuzz_round.priority_areas)
    themes = pks(fuzz_round.key_themes)
    categories = pks(BudgetCategory.objects)
    started = time.perf_counter()

    @fuzz_settings("applicant_form")
    @given(data=st.data())
    def post_anything(data):
        cache.clear()
        draw = data.draw
        post = {
            "organisation_type": draw(usually("charity", st.one_of(st.just("cic"), text))),
            "charity_number": draw(usually("1123456", text)),
            "company_number": draw(usually("", text)),
            "address": draw(usually("1 Mill Lane", text)),
            "need": draw(usually("A need.", text)),
            "means": draw(usually("The means.", text)),
            "evaluation": draw(usually("An evaluation.", text)),
            "amount_requested": draw(usually("12,000", numbers)),
            "start_date": draw(usually("2027-04-01", dates)),
            "duration_months": draw(usually("12", numbers)),
            "match_funding": draw(usually("0", numbers)),
            "match_funding_source": draw(usually("", text)),
            "priority_areas": draw(st.lists(st.one_of(st.sampled_from(areas), ids), max_size=3)),
            "key_themes": draw(st.lists(st.one_of(st.sampled_from(themes), ids), max_size=3)),
            "established_under_a_year": draw(st.sampled_from(["", "on", "false", "0"]) | text),
            "declarations_confirmed": draw(st.sampled_from(["", "on", "true"]) | text),
            "website": draw(st.one_of(st.just(""), st.just(""), st.just(""), text)),
            draw(st.sampled_from(["save", "submit"])): "1",
        }
        saved_lines = [str(pk) for pk, *_ in budget_snapshot(application)]
        rows = draw(st.integers(0, 4))
        post |= {
            "budget-TOTAL_FORMS": draw(
                usually(str(rows), st.sampled_from(["-1", "1001", "9" * 25, "NaN", ""]) | text)
            ),
            "budget-INITIAL_FORMS": draw(
                usually(str(min(rows, len(saved_lines))), st.sampled_from(["-3", "50"]) | text)
            ),
            "budget-MIN_NUM_FORMS": "0",
            "budget-MAX_NUM_FORMS": draw(usually("40", text)),
        }
        for i in range(rows):
            post |= {
                f"budget-{i}-category": draw(usually(categories[i % len(categories)], ids)),
                f"budget-{i}-description": draw(usually("Coach", text)),
                f"budget-{i}-amount": draw(usually("6,000", numbers)),
            }
            # Drawn for every row, used only where a saved line exists: the lines saved by
            # earlier examples must not change which values Hypothesis draws.
            line_id = draw(usually(None, ids))
            if i < len(saved_lines):
                post[f"budget-{i}-id"] = saved_lines[i] if line_id is None else line_id
            if draw(st.integers(0, 5)) == 0:
                post[f"budget-{i}-DELETE"] = "on"
        post = without_some(draw, post)

        answers, lines = snapshot(application), budget_snapshot(application)
        applications = Application.objects.count()
        response = client.post(url, post)
        assert response.status_code in (200, 302)
        assert Application.objects.count() == applications
        assert not ApplicationDocument.objects.exists()
        application.refresh_from_db()
        # No documents were uploaded, so no submission can be complete.
        assert application.stage == Stage.APPLICATION
        assert application.full_submitted_at is None
        if post.get("website"):
            assert snapshot(application) == answers
            assert budget_snapshot(application) == lines
        elif response.status_code == 200 and not response.context["budget"].is_valid():
            assert budget_snapshot(application) == lines
        if response.status_code == 302:
            RAN["applicant_form stored"] += 1
        for _, _, _, amount in budget_snapshot(application):
            assert Decimal("0") < amount <= Decimal("99999999.99")
        RAN["applicant_form"] += 1

    post_anything()
    report("applicant_form", started)


# --- Malformed uploads -----------------------------------------------------------------------

BOUNDARY = "fuzzBoundary42"


@st.composite
def multipart_bodies(draw):
    """Bodies that are nearly, but rarely quite, what a browser sends."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(["kind", "file", "website", "remove", "", 'f"x', "k\x00"]))
        disposition = draw(
            st.sampled_from(
                [
                    f'form-data; name="{name}"',
                    f'form-data; name="{name}"; filename="policy.pdf"',
                    f"form-data; name=\"{name}\"; filename*=UTF-8''%0D%0Apolicy%00.pdf",
                    f'form-data; name="{name}"; filename="../../../etc/passwd.pdf"',
                    f'form-data; name="{name}"; filename=""',
                    "form-data",
                    "attachment; filename=",
                    "",
                ]
            )
        )
        extra = draw(
            st.sampled_from(
                [
                    "",
                    "Content-Type: application/pdf\r\n",
                    "Content-Transfer-Encoding: base64\r\n",
                    "Content-Type: text/html; charset=utf-999\r\n",
                    "X-Long: " + "a" * 10_000 + "\r\n",
                ]
            )
        )
        content = draw(
            st.one_of(
                st.binary(max_size=300),
                st.just(PDF),
                st.sampled_from([b"equality", b"governing", b"1", b""]),
                st.binary(max_size=64).map(lambda tail: b"%PDF-" + tail),
            )
        )
        head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{extra}\r\n"
        parts.append(head.encode() + content + b"\r\n")
    ending = draw(
        st.sampled_from([f"--{BOUNDARY}--\r\n".encode(), b"", b"--wrong--\r\n", BOUNDARY.encode()])
    )
    body = b"".join(parts) + ending
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    if draw(st.integers(0, 5)) == 0:
        body = draw(st.binary(max_size=600))
    return body


content_types = st.sampled_from(
    [
        f"multipart/form-data; boundary={BOUNDARY}",
        f'multipart/form-data; boundary="{BOUNDARY}"',
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=other",
        "multipart/form-data; boundary=" + "x" * 300,
        "multipart/form-data; boundary=\x00",
        "application/x-www-form-urlencoded",
        "text/plain",
    ]
)


def test_documents_upload_never_fails_on_malformed_bodies(client, fuzz_round):
    application, token = applicant(fuzz_round)
    url = reverse("funding:applicant_documents", args=[token])
    started = time.perf_counter()

    @fuzz_settings("upload")
    @given(body=multipart_bodies(), content_type=content_types)
    def post_anything(body, content_type):
        cache.clear()
        before = ApplicationDocument.objects.count()
        response = client.generic("POST", url, body, content_type=content_type)
        assert response.status_code in (200, 302, 400)
        if response.status_code != 302:
            assert ApplicationDocument.objects.count() == before
        else:
            RAN["upload stored"] += 1
        for document in ApplicationDocument.objects.filter(application=application):
            assert document.size > 0 and document.content_type == "application/pdf"
        RAN["upload"] += 1

    post_anything()
    report("upload", started)
