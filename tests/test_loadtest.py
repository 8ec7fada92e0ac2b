"""The load test's own logic (scripts/loadtest.py): its maths, its table, and one tiny real run.

The real run serves only /robots.txt and a missing page from a gunicorn on an empty SQLite file:
pytest's test database is in this process's memory, which gunicorn cannot reach, and neither
page reads the database. The demo's signed-in pages are exercised by `make bench` itself.
"""

import importlib.util
import math
import os
import threading
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "loadtest.py"


@pytest.fixture(scope="module")
def loadtest():
    spec = importlib.util.spec_from_file_location("loadtest", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def result(loadtest, name, seconds, latencies_ms, statuses):
    return loadtest.Result(
        loadtest.Page(name, "/"),
        seconds=seconds,
        latencies=[ms / 1000 for ms in latencies_ms],
        statuses=statuses,
    )


def test_percentile_is_nearest_rank_on_unsorted_values(loadtest):
    values = [7, 1, 10, 3, 9, 2, 8, 4, 6, 5]
    assert loadtest.percentile(values, 50) == 5
    assert loadtest.percentile(values, 95) == 10
    assert loadtest.percentile(values, 90) == 9
    assert loadtest.percentile(values, 0) == 1
    assert loadtest.percentile([42], 95) == 42


def test_percentile_of_no_values_is_not_a_number(loadtest):
    assert math.isnan(loadtest.percentile([], 50))


def test_every_answer_but_2xx_counts_as_an_error(loadtest):
    run = result(loadtest, "page", 1.0, [1, 1, 1, 1, 1, 1], [200, 204, 302, 302, 500, 0])
    assert run.errors == {302: 2, 500: 1, 0: 1}
    assert run.requests == 6
    assert run.rate == 6.0


def test_table_shows_rates_latencies_and_the_ratio_to_the_trivial_page(loadtest):
    trivial = result(loadtest, "trivial", 2.0, [1, 2, 3, 4], [200] * 4)  # 2 req/s
    fast = result(loadtest, "fast", 1.0, [10, 30], [200, 200])  # 2 req/s: ratio 1.00
    slow = result(loadtest, "slow", 2.0, [100, 300], [200, 302])  # 1 req/s: ratio 0.50
    crawl = result(loadtest, "crawl", 4.0, [900], [200])  # 0.25 req/s: ratio 0.125

    lines = loadtest.table([trivial, fast, slow, crawl]).splitlines()

    assert lines[0].split()[:6] == ["page", "requests", "errors", "req/s", "p50", "ms"]
    assert lines[1].split() == ["trivial", "4", "0", "2.0", "2.0", "4.0", "1.00", "(baseline)"]
    assert lines[2].split() == ["fast", "2", "0", "2.0", "10.0", "30.0", "1.00", "met"]
    assert lines[3].split() == ["slow", "2", "1", "1.0", "100.0", "300.0", "0.50", "met"]
    assert lines[4].split() == ["crawl", "1", "0", "0.2", "900.0", "900.0", "0.12", "not", "met"]
    assert lines[5] == "  slow errors: 302 x1"
    assert len(lines) == 6


def test_budget_hands_out_exactly_its_requests_across_threads(loadtest):
    budget = loadtest.Budget(1000)
    taken = []

    def take_all():
        while budget.take():
            taken.append(1)

    threads = [threading.Thread(target=take_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 1000


def test_a_real_run_is_bounded_counts_errors_and_leaves_no_server_behind(loadtest, tmp_path):
    environ = {
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    with loadtest.gunicorn(tmp_path / "gunicorn.log", environ, workers=1) as (port, server):
        workers = loadtest.children(server.pid)
        robots = loadtest.load(port, loadtest.Page("robots", "/robots.txt"), 5.0, 40, 2)
        missing = loadtest.load(port, loadtest.Page("missing", "/no-such-page/"), 0.5, 10, 2)

    assert robots.requests == 40  # the request bound, reached well inside 5 seconds
    assert not robots.errors
    assert all(latency > 0 for latency in robots.latencies)
    assert missing.requests == 10
    assert missing.errors == {404: 10}
    assert server.poll() is not None
    assert workers
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_logged_exceptions_counts_the_last_line_of_each_traceback(loadtest, tmp_path):
    log = tmp_path / "gunicorn.log"
    traceback = (
        "2026-12-05 10:00:00,000 ERROR django.request Internal Server Error: /x/\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in view\n'
        "    raise OperationalError\n"
        "django.db.utils.OperationalError: database is locked\n"
    )
    log.write_text(traceback * 3 + "[INFO] Booting worker with pid: 12\nValueError: bad\n")
    assert loadtest.logged_exceptions(log) == {
        "django.db.utils.OperationalError: database is locked": 3,
        "ValueError: bad": 1,
    }
    assert loadtest.logged_exceptions(tmp_path / "missing.log") == {}
