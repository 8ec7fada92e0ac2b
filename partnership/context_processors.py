from django.conf import settings

from . import navigation, roles


def site(request):
    user = getattr(request, "user", None)
    if user is None:
        return {"partnership_name": settings.PARTNERSHIP_NAME}
    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "nav_items": navigation.items_for(user, request.path),
        "user_roles": sorted(roles.user_roles(user)),
    }
