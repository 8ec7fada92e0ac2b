from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import roles
from .health import broker_reachable, database_reachable

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
    """For load balancers and container health checks: 200 when the services answer."""
    db_ok, db_detail = database_reachable()
    broker_ok, broker_detail = broker_reachable()
    status = 200 if db_ok and broker_ok else 503
    return JsonResponse(
        {"database": db_detail, "broker": broker_detail, "ok": status == 200}, status=status
    )


# Search engines may list the fund's public pages; nothing else here is for them, and private
# links (an applicant's /funding/my/...) must never be crawled.
ROBOTS = "User-agent: *\nAllow: /funding/apply/\nDisallow: /\n"


@require_GET
def robots_txt(request):
    """The cheapest page the site serves: no database, no template (the load test's baseline)."""
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")
