import logging
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage

from . import navigation, roles

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def logo_url(name: str) -> str:
    """The logo's address, or "" (no logo) if it was never collected: in production the static
    files' manifest refuses an unknown name, and a missing logo must not stop every page."""
    if not name:
        return ""
    try:
        return staticfiles_storage.url(name)
    except ValueError:
        logger.warning("The partnership logo %s is not among the collected static files", name)
        return ""


def site(request):
    user = getattr(request, "user", None)
    brand = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "partnership_logo_url": logo_url(settings.PARTNERSHIP_LOGO),
    }
    if user is None:
        return brand
    return {
        **brand,
        "nav_items": navigation.items_for(user, request.path),
        "user_roles": sorted(roles.user_roles(user)),
    }
