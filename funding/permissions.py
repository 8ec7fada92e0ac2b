"""Who may do what with the community fund.

Grants officers (and administrators) run the fund. The chair may read the fund's summary.
Applicants have no account: their private link is their only key, and it opens only their own
application.
"""

from django.core.exceptions import PermissionDenied

from partnership import roles

MANAGERS = (roles.GRANTS_OFFICER,)
READERS = (roles.GRANTS_OFFICER, roles.CHAIR)


def can_manage_funding(user) -> bool:
    return user.is_authenticated and roles.has_role(user, MANAGERS)


def can_read_funding(user) -> bool:
    return user.is_authenticated and roles.has_role(user, READERS)


def require_funding_manager(user) -> None:
    if not can_manage_funding(user):
        raise PermissionDenied("Only grants officers work on applications.")
