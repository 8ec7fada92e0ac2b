from django.urls import path

from . import pack_views, views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("quarterly/", views.request_quarterly, name="request_quarterly"),
    path("annual/", views.request_annual, name="request_annual"),
    path("meetings/<int:pk>/agenda-pack/", pack_views.meeting_pack, name="agenda_pack"),
    path("narrative/<int:board>/<str:year>/", views.narrative, name="narrative"),
    path("<uuid:pk>/status/", views.status, name="status"),
    path("<uuid:pk>/download/", views.download, name="download"),
    path("<uuid:pk>/retry/", views.retry, name="retry"),
    path("<uuid:pk>/final/", views.mark_final, name="mark_final"),
]
