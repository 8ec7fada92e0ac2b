"""The permission matrix's shared parts: personas, the shape of an entry, and this app's entries.

tests/test_permission_matrix.py walks every URL pattern of the project and looks each one up in
the entries the apps declare in their ``tests/access.py``. An entry names one URL and one method,
builds the address's arguments (and any data posted) from the shared world, and gives the status
every persona must get. The world is built once per module: each app adds its own objects to it
with ``build(world)``.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from partnership import roles
from partnership.tests.factories import persona

# --- Personas ------------------------------------------------------------------------------------
ANON = "anonymous"
MEMBER_A = "member of board A"
MEMBER_B = "member of board B"
FORMER_A = "former member of board A"
OFFICER = "board officer"
CHAIR_A = "chair of board A"
GRANTS = "grants officer"
PANEL_A = "coordinator of case panel A"
# Sits on a case panel and a statutory-review panel, neither of them A's or the One Panel.
PANEL_B = "coordinator of case panel B, member of another One Panel"
# The chairs of panels see their access logs, which their coordinators and members do not.
PANELS_CHAIR = "chair of case panel A and of the One Panel"
ONE_PANEL = "member of the One Panel"
ADMIN = "administrator"
# Applicants have no account: what they hold is a private link. The applicant holds a live link
# to their own application; the stranger holds another applicant's live link (or, where the
# address names no object, an expired one). Everyone else tries an expired link.
APPLICANT = "applicant with their link"
STRANGER = "holder of another or an expired link"

SIGNED_IN = (MEMBER_A, MEMBER_B, FORMER_A, OFFICER, CHAIR_A, GRANTS, PANEL_A, PANEL_B)
SIGNED_IN += (PANELS_CHAIR, ONE_PANEL, ADMIN)
PERSONAS = (ANON, *SIGNED_IN)
LINK_HOLDERS = (APPLICANT, STRANGER)
# The admin is for administrators, the only staff: one signed-in outsider of each kind stands for
# everyone else there, which keeps ~250 admin addresses cheap.
ADMIN_PERSONAS = (ANON, MEMBER_A, OFFICER, PANEL_A, ADMIN)

TWO_FACTOR = (PANEL_A, PANEL_B, PANELS_CHAIR, ONE_PANEL, ADMIN)
TWO_FACTOR_STEPS = ("two_factor_start", "two_factor_confirm", "two_factor_disable")

# --- Expected outcomes ---------------------------------------------------------------------------
LOGIN = "sign-in"  # 302 to the sign-in page
ADMIN_LOGIN = "admin sign-in"  # 302 to the admin's sign-in page


def everyone(code: int | str, **overrides: int | str) -> dict[str, int | str]:
    """Every signed-in persona gets ``code``; anonymous visitors are sent to sign in."""
    return {ANON: LOGIN, **dict.fromkeys(SIGNED_IN, code), **_named(overrides)}


def only(ok: int | str, who: tuple[str, ...], others: int | str, **overrides: int | str):
    """``who`` get ``ok``, every other signed-in persona ``others``."""
    return {**everyone(others), **dict.fromkeys(who, ok), **_named(overrides)}


def public(code: int | str = 200) -> dict[str, int | str]:
    return {**dict.fromkeys(PERSONAS, code)}


_KEYS = {
    "anon": ANON,
    "member_a": MEMBER_A,
    "member_b": MEMBER_B,
    "former_a": FORMER_A,
    "officer": OFFICER,
    "chair_a": CHAIR_A,
    "grants": GRANTS,
    "panel_a": PANEL_A,
    "panel_b": PANEL_B,
    "panels_chair": PANELS_CHAIR,
    "one_panel": ONE_PANEL,
    "admin": ADMIN,
    "applicant": APPLICANT,
    "stranger": STRANGER,
}


def _named(overrides: Mapping[str, int | str]) -> dict[str, int | str]:
    return {_KEYS[k]: v for k, v in overrides.items()}


# --- World and entries ---------------------------------------------------------------------------
class World:
    """Everything the entries point at; each app's ``build`` adds its own attributes.

    ``persona`` is the visitor of the request being made, for addresses whose arguments depend
    on who asks (an applicant's private link)."""

    def __init__(self):
        self.users: dict[str, object] = {}
        self.persona: str = ANON


@dataclass(frozen=True)
class Entry:
    """One URL name and method, for every persona.

    ``private`` pages hold case data or an applicant's details: every answer, refusals included,
    must say not to store it, and a refused GET must leave not even an access-log row."""

    name: str
    expect: Mapping[str, int | str]
    args: Callable[[World], list] = field(default=lambda w: [])
    method: str = "get"
    data: Callable[[World], dict] | None = None
    private: bool = False
    url: Callable[[World], str] | None = None  # for the few addresses that have no name
    # An admin object page of a table the world leaves empty: the status the administrator gets.
    model: type | None = None
    if_no_rows: int | None = None
    # More to check of a response: (world, response, the rows it wrote) -> problems found.
    check: Callable[[World, object, list[str]], list[str]] | None = None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.name}"


def get(name, expect, args=None, **kwargs) -> Entry:
    return Entry(name, expect, args or (lambda w: []), "get", **kwargs)


def post(name, expect, args=None, data=None, **kwargs) -> Entry:
    return Entry(name, expect, args or (lambda w: []), "post", data or (lambda w: {}), **kwargs)


def build(world: World) -> None:
    """The people without a seat anywhere; the apps add the members of their boards and panels."""
    world.users[ANON] = None
    world.users[APPLICANT] = None
    world.users[STRANGER] = None
    world.users[OFFICER] = persona(roles.BOARD_OFFICER, username="matrix_officer")
    world.users[GRANTS] = persona(roles.GRANTS_OFFICER, username="matrix_grants")
    world.users[ADMIN] = persona(
        roles.ADMINISTRATOR, username="matrix_admin", is_staff=True, is_superuser=True
    )
    from django.apps import apps

    if apps.is_installed("django_otp.plugins.otp_totp"):
        # A device for the device admin's change, delete and history pages to show.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=world.users[ADMIN], name="Phone", confirmed=True)


ENTRIES = [
    get("home", everyone(200)),
    get("healthz", public(200)),
    get("robots_txt", public(200)),
    # A signed-in visitor is sent on from the sign-in page.
    get("login", {**everyone(302), ANON: 200}),
    post("login", {**everyone(302), ANON: 200}),
    post("logout", {**everyone(302), ANON: 302}),
    get("logout", {**everyone(405), ANON: 405}),
    get("password_change", everyone(200)),
    post("password_change", everyone(200)),
    get("password_change_done", everyone(200)),
    get("password_reset", public(200)),
    post("password_reset", public(200)),
    get("password_reset_done", public(200)),
    get("password_reset_confirm", public(200), lambda w: ["MQ", "bad-token"]),
    get("password_reset_complete", public(200)),
    # The code step: without a password accepted in the last few minutes, back to the password.
    get("login_code", public(302)),
    post("login_code", public(302)),
    # Everyone signed in has the page (its password link); two-factor is offered to
    # administrators and to those who sit on a case or review panel.
    get("account_security", everyone(200)),
    *[get(name, everyone(405)) for name in TWO_FACTOR_STEPS],
    post("two_factor_start", only(302, TWO_FACTOR, 404)),
    post("two_factor_confirm", only(302, TWO_FACTOR, 404)),
    # The administrator has a device; turning it off without a code shows the form again.
    post("two_factor_disable", only(302, TWO_FACTOR, 404, admin=200)),
    # The admin's own sign-in form would skip the code step: it sends everyone to the site's.
    get("admin_login_redirect", public(302)),
]


# --- The admin, generated from its registry ------------------------------------------------------
# What the administrator gets where it is not 200: the admin refuses what may not be changed there
# (the access log is read-only, and so are Celery's results).
ADMIN_EXCEPTIONS: dict[str, int] = {
    # Sign-in attempts are recorded by the lockout, never typed in.
    "admin:axes_accessattempt_add": 403,
    "admin:axes_accesslog_add": 403,
    "admin:axes_accessfailurelog_add": 403,
    # Applications and awards come from the public form and the board's decision, not the admin,
    # and are never deleted (the ledger and the audit trail point at them).
    "admin:funding_application_add": 403,
    "admin:funding_application_delete": 403,
    "admin:funding_award_add": 403,
    "admin:funding_award_delete": 403,
    # The case panels' access log is append-only.
    "admin:reviews_accesslog_add": 403,
    "admin:reviews_accesslog_delete": 403,
    # Authenticator devices are added by their owner on the account's security page.
    "admin:otp_totp_totpdevice_add": 403,
    # Reports are asked for on the reports pages, which queue the job.
    "admin:reporting_reportrequest_add": 403,
}


def _first_pk(model) -> str:
    row = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return str(row) if row is not None else "0"


def _first_version(model) -> list[str]:
    """An object and one of its recorded versions (rows a data migration made may have none)."""
    row = model.history.order_by("history_id").first()
    if row is None:
        return [_first_pk(model), "0"]
    return [str(getattr(row, model._meta.pk.attname)), str(row.history_id)]


def _model_args(model, groups: int) -> Callable[[World], list]:
    def args(world: World) -> list:
        return _first_version(model) if groups == 2 else [_first_pk(model)][:groups]

    return args


# What the administrator gets at an object's page when the table is empty: the admin sends
# change and delete back to its index with a message, and has no history to show.
IF_NO_ROWS = {"change": 302, "delete": 302, "history": 302, "simple_history": 404}


def admin_entries() -> list[Entry]:
    """Every admin address: the site's own, and each registered model's, from the registry."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    outsiders = dict.fromkeys((ANON, MEMBER_A, OFFICER, PANEL_A), ADMIN_LOGIN)
    plain_history = admin.ModelAdmin.history_view

    def staff_only(name: str, ok: int | str, **kwargs) -> Entry:
        code = ADMIN_EXCEPTIONS.get(name, ok)
        return Entry(name, {**outsiders, ADMIN: code}, **kwargs)

    def an_award_on_site(world: World) -> list:
        return [ContentType.objects.get_for_model(world.award).pk, world.award.pk]

    entries = [
        staff_only("admin:index", 200),
        staff_only("admin:app_list", 200, args=lambda w: ["boards"]),
        staff_only("admin:password_change", 200),
        staff_only("admin:password_change_done", 200),
        staff_only("admin:jsi18n", 200),
        # Autocomplete asks for a field it knows; an empty question is a 403 for everyone.
        staff_only("admin:autocomplete", 403),
        staff_only("admin:view_on_site", 302, args=an_award_on_site),
        # Everyone signs in and out through the site's own pages (two-factor included).
        Entry("admin:login", dict.fromkeys(ADMIN_PERSONAS, 302)),
        Entry(
            "admin:logout",
            dict.fromkeys(ADMIN_PERSONAS, 302),
            method="post",
            data=lambda w: {},
        ),
        # Unknown admin addresses: sign in first, then 404 (the catch-all adds the slash).
        Entry(
            "admin:<admin/(?P<url>.*)$>",
            {**outsiders, ADMIN: 404},
            url=lambda w: reverse("admin:index") + "no-such-page/",
        ),
    ]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        for pattern in model_admin.urls:
            route = str(pattern.pattern)
            groups = pattern.pattern.regex.groups
            if pattern.name:
                name = f"admin:{pattern.name}"
                kind = pattern.name.removeprefix(
                    f"{model._meta.app_label}_{model._meta.model_name}_"
                )
                if_no_rows = IF_NO_ROWS.get(kind)
                if kind == "history" and type(model_admin).history_view is not plain_history:
                    if_no_rows = 404  # django-simple-history's own history page
                entries.append(
                    staff_only(
                        name,
                        200,
                        args=_model_args(model, groups),
                        # A version page needs a version: its table is the one to look at.
                        model=model.history.model if kind == "simple_history" else model,
                        if_no_rows=if_no_rows,
                    )
                )
            else:
                # The bare object address sends on to the object's change page.
                name = f"admin:<{prefix}{route}>"
                changelist = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"

                def url(world, changelist=changelist, model=model):
                    return f"{reverse(changelist)}{_first_pk(model)}/"

                entries.append(staff_only(name, 302, url=url, model=model, if_no_rows=302))
    return entries
