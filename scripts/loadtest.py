"""Loopback load test, printed by `make bench` after the report benchmarks (it never fails a build).

Starts gunicorn on 127.0.0.1 against the bench's scratch copy of the demo (the embedded SQLite
file in SQLITE_PATH, configured as the embedded default is, unless DATABASE_URL says otherwise),
with DEBUG off as in production, and loads five pages in turn, each for at most
LOADTEST_SECONDS and at most LOADTEST_REQUESTS requests, from LOADTEST_THREADS client threads
holding keep-alive connections. A short warm-up per page is not counted. Prints, per page: the
requests made, the errors (anything but 2xx), requests per second, p50 and p95 latency, and the
ratio to the trivial page (/robots.txt: no database, no template) against the target of 1/3.

Signed-in pages use real sessions made here for the demo users (the same rows a sign-in makes),
so the sign-in form, its lockout and its rate limit are not part of what is measured.

Server: gunicorn's gthread worker, 2 processes x 2 threads. Two processes because the machine's
2 cores are the CPU there is and Python runs one thread per process at a time; two threads each
so a worker has work while a thread waits on SQLite or the socket. gthread rather than the
image's default sync worker because only gthread keeps connections alive, and the load test
measures the pages, not a new TCP connection per request (in production a proxy holds those).
"""

import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partnership.net import free_port  # noqa: E402 (needs ROOT on the path)

SECONDS = float(os.environ.get("LOADTEST_SECONDS", "8"))
MAX_REQUESTS = int(os.environ.get("LOADTEST_REQUESTS", "20000"))
THREADS = int(os.environ.get("LOADTEST_THREADS", "8"))
WARM_UP_SECONDS = 1.0
WORKERS = 2
WORKER_THREADS = 2
TARGET = 1 / 3
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    cookie: str = ""  # the Cookie header's value for a signed-in page


@dataclass
class Result:
    page: Page
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, one per request
    statuses: list[int] = field(default_factory=list)  # 0 when the connection failed
    client_cpu: float | None = None  # CPU seconds this process used during the run
    server_cpu: float | None = None  # CPU seconds gunicorn's processes used during the run

    @property
    def requests(self) -> int:
        return len(self.statuses)

    @property
    def errors(self) -> Counter:
        return Counter(status for status in self.statuses if not 200 <= status < 300)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def percentile_ms(self, pct: float) -> float:
        return percentile(self.latencies, pct) * 1000


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct% of values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# --- the client -------------------------------------------------------------------------------


class Budget:
    """The requests left for one run, shared by its client threads."""

    def __init__(self, requests: int):
        self.left = requests
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def _client(port: int, page: Page, stop_at: float, budget: Budget, result: Result) -> None:
    headers = {"Cookie": page.cookie} if page.cookie else {}
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while time.perf_counter() < stop_at and budget.take():
            start = time.perf_counter()
            try:
                connection.request("GET", page.path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, HTTPException):
                # http.client opens a new connection on the next request after a close.
                connection.close()
                status = 0
            # Appends from several threads: list.append is atomic, and order does not matter.
            result.latencies.append(time.perf_counter() - start)
            result.statuses.append(status)
    finally:
        connection.close()


def load(
    port: int,
    page: Page,
    seconds: float,
    max_requests: int,
    threads: int,
    server_pids: list[int] | None = None,
) -> Result:
    """Load one page with ``threads`` keep-alive clients until the time or the requests run out."""
    result = Result(page, seconds=0.0)
    budget = Budget(max_requests)
    cpu_before, server_before = time.process_time(), cpu_seconds(server_pids or [])
    start = time.perf_counter()
    clients = [
        threading.Thread(target=_client, args=(port, page, start + seconds, budget, result))
        for _ in range(threads)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    result.seconds = time.perf_counter() - start
    result.client_cpu = time.process_time() - cpu_before
    if server_pids:
        result.server_cpu = cpu_seconds(server_pids) - server_before
    return result


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the given processes so far (Linux /proc; 0 where unreadable)."""
    ticks, per_second = 0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / per_second


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# --- the server -------------------------------------------------------------------------------


def answers(port: int) -> bool:
    connection = HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/robots.txt")
        return connection.getresponse().status == 200
    except (OSError, HTTPException):
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(
    log_path: Path, environ: dict[str, str] | None = None, workers: int = WORKERS
) -> Iterator[tuple[int, subprocess.Popen]]:
    """A gunicorn on a free loopback port, stopped on the way out whatever happened."""
    port = free_port()
    env = {**os.environ, **(environ or {})}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "partnership.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(WORKER_THREADS),
        # Client threads sit idle between pages; their connections must outlive that.
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    with open(log_path, "wb") as log:
        # Its own process group, so that a last-resort kill reaches the workers too.
        server = subprocess.Popen(  # noqa: S603 (fixed command, no outside input)
            command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not answers(port):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in {STARTUP_SECONDS} s")
            time.sleep(0.2)
        yield port, server
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # gunicorn's graceful shutdown; it stops its workers
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- the report -------------------------------------------------------------------------------


# "django.db.utils.OperationalError: database is locked", flush left as tracebacks end.
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)\b")

HEADER = (
    f"{'page':<26}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
    f"{'ratio':>7}  target >= 0.33"
)


def ratio(result: Result, trivial: Result) -> float:
    return result.rate / trivial.rate if trivial.rate > 0 else math.nan


def row(result: Result, trivial: Result) -> str:
    share = ratio(result, trivial)
    verdict = "met" if share >= TARGET else "not met"
    if result is trivial:
        verdict = "(baseline)"
    return (
        f"{result.page.name:<26}{result.requests:>9}{sum(result.errors.values()):>8}"
        f"{result.rate:>9.1f}{result.percentile_ms(50):>9.1f}{result.percentile_ms(95):>9.1f}"
        f"{share:>7.2f}  {verdict}"
    )


def table(results: list[Result]) -> str:
    """The printed table; the first result is the trivial page the others are compared with."""
    trivial = results[0]
    lines = [HEADER, *(row(result, trivial) for result in results)]
    for result in results:
        if result.errors:
            counts = ", ".join(
                f"{status or 'no answer'} x{n}" for status, n in result.errors.items()
            )
            lines.append(f"  {result.page.name} errors: {counts}")
    return "\n".join(lines)


def logged_exceptions(log_path: Path) -> Counter:
    """The last line of each traceback in gunicorn's log: why the 500s, if there were any."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return Counter()
    return Counter(line for line in lines if EXCEPTION_LINE.match(line))


def cpu_shares(result: Result) -> str:
    def share(cpu: float | None) -> str:
        return "n/a" if cpu is None else f"{cpu / result.seconds:.0%} of a core"

    return f"client {share(result.client_cpu)}, gunicorn {share(result.server_cpu)}"


# --- the demo's pages -------------------------------------------------------------------------


def demo_pages() -> list[Page]:
    """The five pages, found in the demo data, with real sessions for the demo users."""

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from boards.demo import STRATEGIC
    from boards.models import Board, Meeting, Membership
    from funding.demo import FUND
    from funding.models import FundingRound
    from reviews.demo import MARAC
    from reviews.permissions import is_panel_member

    users = get_user_model().objects

    def cookie(user) -> str:
        # The session a sign-in makes, written by Django's test client without the sign-in form.
        client = Client()
        client.force_login(user)
        return (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

    # The latest board meeting already held: its attendance is the one an officer records.
    # bench.py's 10x copies share its date; the lowest id is the demo's own.
    meeting = (
        Meeting.objects.filter(board__name=STRATEGIC, starts_at__lte=timezone.now())
        .order_by("-starts_at", "pk")
        .first()
    )
    rounds = FundingRound.objects.filter(fund__name=FUND).order_by("-opens_on")
    open_round = next(r for r in rounds if r.is_open())
    panel = Board.objects.get(name=MARAC)
    seats = (
        Membership.objects.filter(board=panel, person__user__isnull=False)
        .select_related("person__user")
        .order_by("person__user__username")
    )
    member = next(m.person.user for m in seats if is_panel_member(m.person.user, panel))
    pages = [
        Page("trivial /robots.txt", "/robots.txt"),
        Page(
            "attendance (officer)",
            reverse("boards:attendance", args=[meeting.pk]),
            cookie(users.get(username="officer")),
        ),
        Page("public interest form", reverse("funding:expression", args=[open_round.slug])),
        Page(
            f"case list ({member.username})",
            reverse("reviews:panel", args=[panel.pk]),
            cookie(member),
        ),
        Page("dashboard (chair)", reverse("reporting:index"), cookie(users.get(username="chair"))),
    ]
    # gunicorn's workers write sessions and access-log rows to the same SQLite file.
    connections.close_all()
    return pages


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    import django

    django.setup()
    pages = demo_pages()
    log_dir = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="loadtest-"))
    # Development environment (no TLS redirect, no production guard) with DEBUG off, as served.
    server_env = {
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
    }
    print(
        f"Loopback load test: gunicorn gthread {WORKERS} workers x {WORKER_THREADS} threads, "
        f"DEBUG off; per page at most {SECONDS:g} s and {MAX_REQUESTS} requests from {THREADS} "
        f"keep-alive client threads, after a {WARM_UP_SECONDS:g} s warm-up"
    )
    log_path = log_dir / "gunicorn.log"
    with gunicorn(log_path, server_env) as (port, server):
        pids = [server.pid, *children(server.pid)]
        results = []
        for page in pages:
            load(port, page, WARM_UP_SECONDS, MAX_REQUESTS, THREADS)
            results.append(load(port, page, SECONDS, MAX_REQUESTS, THREADS, pids))
        # Is the client the bottleneck? Half the threads should give about the same rate if the
        # server sets the pace, and the client's CPU should stay well under a core.
        half = load(port, pages[0], SECONDS / 2, MAX_REQUESTS, max(1, THREADS // 2), pids)
    print(table(results))
    for line, count in logged_exceptions(log_path).most_common(5):
        print(f"  in gunicorn's log, x{count}: {line[:160]}")
    print("CPU used during each run (2 cores in all, shared with whatever else is running):")
    for result in results:
        print(f"  {result.page.name}: {cpu_shares(result)}")
    print(
        f"  trivial with {max(1, THREADS // 2)} client threads: {half.rate:.1f} req/s "
        f"(with {THREADS}: {results[0].rate:.1f}); {cpu_shares(half)}"
    )


if __name__ == "__main__":
    main()
