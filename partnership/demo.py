"""Demo accounts, one per role, for the fictional partnership.

Each app may have a ``demo`` module with ``load(log) -> list[Login]``; the ``load_demo`` command
finds them in INSTALLED_APPS order, so apps add their own demo data without this package
importing them.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import roles

# Known to anyone reading the README: for the demo machine only, never a real deployment.
DEMO_PASSWORD = "riverside-demo-2026"


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    name: str


DEMO_USERS = (
    ("admin", "Priya", "Raman", roles.ADMINISTRATOR),
    ("officer", "Tom", "Whitfield", roles.BOARD_OFFICER),
    ("grants", "Hannah", "Okafor", roles.GRANTS_OFFICER),
    ("coordinator", "Gareth", "Lloyd", roles.PANEL_COORDINATOR),
    ("chair", "Margaret", "Ellison", roles.CHAIR),
)


def load(log) -> list[Login]:
    roles.ensure_roles(Group)
    user_model = get_user_model()
    logins = []
    for username, first, last, role in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@riverside-csp.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        # The administrator reaches Django's admin for the reference lists.
        user.is_staff = user.is_superuser = role == roles.ADMINISTRATOR
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        logins.append(Login(username, DEMO_PASSWORD, role, f"{first} {last}"))
        log(f"{'created' if created else 'kept'} demo user {username} ({role})")
    return logins
