"""Benchmarks for the annual report, printed by `make bench` (they never fail anything).

Run on a database that already holds the demo (`make bench` makes a scratch one). Prints:
build time ÷ WeasyPrint time for the same HTML, 10x-data scaling, worker memory after 10 builds
÷ after 1, and pages and seconds per page. ``--memory`` is the child process for the last.

Builds run as a worker runs them: with DEBUG off. With DEBUG on (the development default) Django
keeps the SQL of every query in ``connection.queries``, up to 9,000 of them, which a worker never
does, and which made "memory after 10 builds" grow by the bench's own bookkeeping.
"""

import contextlib
import ctypes
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # see the module's note: no query log, as in a worker
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from boards.demo import STRATEGIC  # noqa: E402
from boards.models import Board  # noqa: E402
from partnership.pdf import html_to_pdf  # noqa: E402
from partnership.periods import FinancialYear  # noqa: E402
from reporting.models import AnnualNarrative  # noqa: E402
from reporting.registry import get_kind  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
NUMBERED = {"number", "sequence", "reference_number"}


def demo_inputs() -> dict:
    board = Board.objects.get(name=STRATEGIC)
    # The complete year: the one whose narrative has the Chair's message written.
    narrative = (
        AnnualNarrative.objects.filter(board=board).exclude(chair_message="").order_by("-year")
    ).first()
    year = (
        FinancialYear.parse(f"{narrative.year}")
        if narrative
        else FinancialYear.containing(timezone.localdate()).previous()
    )
    return {"board": board.pk, "year": year.label}


def build(kind, inputs):
    return kind.render(kind.build(inputs))


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def timed(*fns, runs=RUNS) -> list[tuple[float, object]]:
    """The median time and last result of each function, the functions run in turn.

    For a ratio of two: whatever slows the machine for a while (another process, the CPU's
    clock) then slows both alike, instead of only the one that happened to be running.
    """
    times, results = [[] for _ in fns], [None] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            results[i] = fn()
            times[i].append(time.perf_counter() - start)
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)]


# --- 10x data: nine copies of the board's year, made with bulk_create (no signals, no history) --


class Copier:
    def __init__(self, n: int):
        self.n = n
        self.made = {}  # (model, old pk) -> new pk, for remapping foreign keys within this copy

    def __call__(self, obj, **changes):
        model = type(obj)._meta.concrete_model
        values = {}
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            value = getattr(obj, field.attname)
            if field.is_relation and value is not None:
                target = field.related_model._meta.concrete_model
                value = self.made.get((target, value), value)
            elif field.unique and isinstance(value, str) and value:
                suffix = f"-x{self.n}"
                value = value[: (field.max_length or 200) - len(suffix)] + suffix
            elif field.name in NUMBERED and isinstance(value, int):
                value += 10000 * self.n
            values[field.attname] = value
        values.update(changes)
        (new,) = model.objects.bulk_create([model(**values)])
        self.made[(model, obj.pk)] = new.pk
        return new


def scale_up(inputs: dict, factor: int = 10) -> dict:
    """Add factor-1 copies of the year's data for the board; returns rows added per kind."""
    from boards.models import (
        Action,
        AgendaItem,
        Attendance,
        BudgetLine,
        Indicator,
        KeyAction,
        Meeting,
    )
    from funding.models import Decision
    from reporting.sections import boards_beneath
    from reviews.models import Case, Review

    board = Board.objects.get(pk=inputs["board"])
    year = FinancialYear.parse(inputs["year"])
    beneath = list(boards_beneath(board.pk))
    added, failed = {}, {}

    def family(name, rows, copy_one):
        try:
            with transaction.atomic():
                for row in rows:
                    copy_one(row)
            added[name] = added.get(name, 0) + len(rows)
        except Exception as error:  # a family that will not copy is reported, not fatal
            failed[name] = f"{type(error).__name__}: {error}"

    in_year = {"starts_at__date__gte": year.start, "starts_at__date__lte": year.end}
    meetings = list(Meeting.objects.filter(board_id__in=beneath, **in_year).order_by("starts_at"))
    items = list(AgendaItem.objects.filter(meeting__in=meetings))
    attendance = list(Attendance.objects.filter(meeting__in=meetings))
    actions = list(Action.objects.filter(board=board).prefetch_related("updates"))
    key_actions = list(
        KeyAction.objects.filter(priority__plan__board=board).prefetch_related("updates")
    )
    indicators = list(Indicator.objects.prefetch_related("values"))
    budget = list(BudgetLine.objects.filter(board=board, year=year.start_year))
    decisions = list(
        Decision.objects.filter(meeting__in=meetings).select_related("application", "award")
    )
    cases = list(
        Case.objects.filter(
            panel_id__in=beneath, referral_date__gte=year.start, referral_date__lte=year.end
        ).prefetch_related("actions", "listings")
    )
    reviews = list(Review.objects.filter(panel_id__in=beneath).prefetch_related("recommendations"))

    plain = ("updates", "values", "recommendations")
    for n in range(1, factor):
        copy = Copier(n)
        family("meetings", meetings, copy)
        family("agenda items", items, copy)
        family("attendance", attendance, copy)
        family("actions", actions, partial(_with_children, copy, plain))
        family("key actions", key_actions, partial(_with_children, copy, plain))
        family("indicators", indicators, partial(_with_children, copy, plain))
        family("budget lines", budget, copy)
        family("fund decisions", decisions, partial(_decision, copy))
        family("cases", cases, partial(_with_children, copy, ("actions", "listings")))
        family("reviews", reviews, partial(_with_children, copy, plain))
    return added, failed


def _with_children(copy, relations, row):
    copy(row)
    for relation in relations:
        if relation in getattr(row, "_prefetched_objects_cache", {}):
            for child in getattr(row, relation).all():
                copy(child)


def _decision(copy, row):
    copy(row.application)
    copy(row)
    award = getattr(row, "award", None)
    if award is not None:
        copy(award)


# --- memory: a child process builds 10 times -------------------------------------------------


def _trim_heap() -> None:
    """Hand freed heap back to the system (glibc only), so RSS counts memory still in use.

    Without it RSS also counts memory Python and the C libraries have freed but malloc keeps,
    which depends on how fragmented the heap happens to be, not on what the builds keep.
    """
    with contextlib.suppress(OSError, AttributeError):  # not glibc: RSS as it is
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def rss_kib() -> int:
    gc.collect()
    _trim_heap()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_child(board: int, year: str) -> None:
    kind, inputs = get_kind("annual"), {"board": board, "year": year}
    build(kind, inputs)
    first = rss_kib()
    for _ in range(9):
        build(kind, inputs)
    print(first, rss_kib())


def memory(inputs: dict) -> tuple[int, int]:
    # This script itself, with the ids it found: no outside input.
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--memory", str(inputs["board"]), inputs["year"]],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[-2]), int(out[-1])


# --- the report ---------------------------------------------------------------------------------


def verdict(value: float, target: float) -> str:
    return f"{value:.2f} (target <= {target}: {'met' if value <= target else 'not met'})"


def main() -> None:
    out = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="bench-"))
    kind, inputs = get_kind("annual"), demo_inputs()
    board = Board.objects.get(pk=inputs["board"])
    print(f"Annual report, {board.name}, {inputs['year']}; median of {RUNS} runs")
    build(kind, inputs)  # warm up: imports, fonts, template loading

    before_mib, after_mib = (kib / 1024 for kib in memory(inputs))

    html = kind.html(kind.build(inputs))  # exactly what a build hands to WeasyPrint
    (out / "annual-1x.html").write_text(html)
    (t1, rendered), (weasy, _) = timed(lambda: build(kind, inputs), lambda: html_to_pdf(html))
    pages1 = pages(rendered.content)

    added, failed = scale_up(inputs)
    [(t10, rendered10)] = timed(lambda: build(kind, inputs))
    pages10 = pages(rendered10.content)
    (out / "annual-1x.pdf").write_bytes(rendered.content)
    (out / "annual-10x.pdf").write_bytes(rendered10.content)

    print(f"  10x data added: {', '.join(f'{k} {v}' for k, v in added.items())}")
    for name, error in failed.items():
        print(f"  10x data NOT added for {name}: {error}")
    print(f"  1x:  {pages1} pages, build {t1:.2f} s, {t1 / pages1:.3f} s per page")
    print(f"  10x: {pages10} pages, build {t10:.2f} s, {t10 / pages10:.3f} s per page")
    print(f"  WeasyPrint alone on the saved 1x HTML: {weasy:.2f} s")
    print(f"  worker RSS after 1 build {before_mib:.1f} MiB, after 10 builds {after_mib:.1f} MiB")
    print(f"Ratio 1, build / WeasyPrint render: {verdict(t1 / weasy, 1.25)}")
    scaled = t10 / ((pages10 / pages1) * t1)
    print(f"Ratio 2, 10x build / (page ratio x 1x build): {verdict(scaled, 1.2)}")
    print(f"Ratio 3, memory after 10 builds / after 1: {verdict(after_mib / before_mib, 1.1)}")
    if not os.environ.get("BENCH_DIR"):
        print(f"  (HTML and PDFs saved in {out})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory"]:
        memory_child(int(sys.argv[2]), sys.argv[3])
    else:
        main()
