from django.conf import settings

from . import navigation, roles


def site(request):
    user = getattr(request, "user", None)
    brand = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "partnership_logo": settings.PARTNERSHIP_LOGO,
    }
    if user is None:
        return brand
    return {
        **brand,
        "nav_items": navigation.items_for(user, request.path),
        "user_roles": sorted(roles.user_roles(user)),
    }
