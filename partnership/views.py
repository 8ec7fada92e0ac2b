from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import roles
from .health import broker_reachable, database_reachable, heartbeat_state

# What each role's part of the dashboard offers. The areas fill in as each app lands.
DASHBOARD_PANELS = (
    (
        roles.BOARD_OFFICER,
        "Board business",
        "Boards, members and deputies, meetings, attendance and the actions register.",
        "boards:index",
    ),
    (
        roles.GRANTS_OFFICER,
        "Community fund",
        "Funding rounds, applications waiting for assessment, awards and payments due.",
        "funding:index",
    ),
    (
        roles.PANEL_COORDINATOR,
        "Case panels",
        "MARAC and community MARAC cases for your panels, overdue actions and review deadlines.",
        "reviews:index",
    ),
    (
        roles.CHAIR,
        "Partnership overview",
        "Quarterly and annual reports for sign-off, and the partnership at a glance.",
        "reporting:index",
    ),
)


@login_required
def home(request):
    held = roles.user_roles(request.user)
    panels = [
        {"role": role, "title": title, "text": text, "url_name": url_name}
        for role, title, text, url_name in DASHBOARD_PANELS
        if role in held or roles.ADMINISTRATOR in held
    ]
    return render(request, "home.html", {"panels": panels, "is_admin": roles.ADMINISTRATOR in held})


@require_GET
@never_cache
def healthz(request):
    """For load balancers and container health checks: 200 when the services answer.

    The database and the broker decide the status: without them the web server cannot serve.
    The workers' and beat's heartbeats are reported but do not, by default: restarting or
    unlisting a web server does not mend a worker, and pages still work (reports wait in the
    queue). ``?worker=1`` makes a stale worker heartbeat a 503 too, for monitors that page
    someone about the background jobs.
    """
    db_ok, db_detail = database_reachable()
    broker_ok, broker_detail = broker_reachable()
    worker_ok, worker_detail = heartbeat_state("worker")
    _, beat_detail = heartbeat_state("beat")
    healthy = db_ok and broker_ok and (worker_ok or request.GET.get("worker") != "1")
    body = {
        "database": db_detail,
        "broker": broker_detail,
        "worker": worker_detail,
        "beat": beat_detail,
        "ok": healthy,
    }
    return JsonResponse(body, status=200 if healthy else 503)


# Search engines may list the fund's public pages; nothing else here is for them, and private
# links (an applicant's /funding/my/...) must never be crawled.
ROBOTS = "User-agent: *\nAllow: /funding/apply/\nDisallow: /\n"


@require_GET
def robots_txt(request):
    """The cheapest page the site serves: no database, no template (the load test's baseline)."""
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")
