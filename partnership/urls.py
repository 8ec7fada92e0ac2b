from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Sign-in first so that a signed-in user is sent on; then the rest of Django's
    # sign-out and password-reset views, with our templates.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("boards/", include("boards.urls")),
    path("funding/", include("funding.urls")),
    path("reviews/", include("reviews.urls")),
    path("reports/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Partnership administration"
admin.site.site_title = "Partnership administration"
