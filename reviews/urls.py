from .views import actions, cases, disposals, learning, meetings, panels, statutory

app_name = "reviews"

urlpatterns = (
    panels.urlpatterns
    + cases.urlpatterns
    + actions.urlpatterns
    + meetings.urlpatterns
    + disposals.urlpatterns
    + statutory.urlpatterns
    + learning.urlpatterns
)
