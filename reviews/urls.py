from .views import actions, cases, disposals, meetings, panels

app_name = "reviews"

urlpatterns = (
    panels.urlpatterns
    + cases.urlpatterns
    + actions.urlpatterns
    + meetings.urlpatterns
    + disposals.urlpatterns
)
