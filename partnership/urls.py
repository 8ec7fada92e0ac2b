from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import twofactor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Sign-in first so that a signed-in user is sent on; then the rest of Django's
    # sign-out and password-reset views, with our templates.
    # Sign-in asks a user with two-factor turned on for a code on a second step.
    path("accounts/login/", twofactor.LoginView.as_view(), name="login"),
    path("accounts/login/code/", twofactor.login_code, name="login_code"),
    path("accounts/security/", twofactor.account_security, name="account_security"),
    path(
        "accounts/security/two-factor/start/", twofactor.two_factor_start, name="two_factor_start"
    ),
    path(
        "accounts/security/two-factor/confirm/",
        twofactor.two_factor_confirm,
        name="two_factor_confirm",
    ),
    path(
        "accounts/security/two-factor/turn-off/",
        twofactor.two_factor_disable,
        name="two_factor_disable",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("boards/", include("boards.urls")),
    path("funding/", include("funding.urls")),
    path("reviews/", include("reviews.urls")),
    path("reports/", include("reporting.urls")),
    # The admin's own sign-in form would skip the two-factor step: send it to ours.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Partnership administration"
admin.site.site_title = "Partnership administration"
