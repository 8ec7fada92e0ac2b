"""What every case-panel page shares: sign-in, no caching, and the refusal pages.

Case data must not linger in browser or proxy caches, so every response of these views, error
pages included, says ``Cache-Control: no-store, private``. Outsiders get the site's plain 404
page for anything of a panel (``reviews.permissions`` decides); a member refused something gets
a 403 page giving the reason, which never names a person.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from boards.models import Board

from ..models import Case


def private(view):
    """Mark every response of ``view`` (404 and 403 included) as not to be stored."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except PermissionDenied as exc:
            response = render(
                request, "reviews/forbidden.html", {"reason": str(exc) or ""}, status=403
            )
        except Http404 as exc:
            # Turned into the site's 404 page here, as Django would do later, so that the
            # header below reaches it too.
            response = response_for_exception(request, exc)
        patch_cache_control(response, no_store=True, private=True)
        return response

    return wrapped


def member_page(view):
    """A signed-in page whose data the view narrows to the user's panels."""
    return private(login_required(view))


def panel_crumbs(panel: Board, *more) -> list[tuple[str, str]]:
    return [
        ("Case panels", reverse("reviews:index")),
        (panel.display_name, reverse("reviews:panel", args=[panel.pk])),
        *more,
    ]


def case_crumbs(case: Case, *more) -> list[tuple[str, str]]:
    own = (case.reference, reverse("reviews:case", args=[case.pk]))
    return panel_crumbs(case.panel, own, *more)


def not_a_member(request, title: str):
    """The plain page for someone who sits on no panel: it says nothing about any panel."""
    return render(request, "reviews/no_panel.html", {"title": title})
