"""A URL configuration with a view that fails, for the error-page tests only."""

from django.urls import include, path


def explode(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("explode/", explode), path("", include("partnership.urls"))]
