"""Role checks for views. Each app's own permissions.py narrows by board or panel membership."""

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .roles import has_role


def role_required(roles: Iterable[str]):
    """Signed-in users holding one of ``roles`` get the view; others signed in get 403."""
    roles = tuple(roles)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, roles):
                raise PermissionDenied("Your role does not give access to this area.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
