from .views import actions, budget, core, exports, meetings, plans, statistics

app_name = "boards"

urlpatterns = (
    core.urlpatterns
    + meetings.urlpatterns
    + actions.urlpatterns
    + exports.urlpatterns
    + plans.urlpatterns
    + statistics.urlpatterns
    + budget.urlpatterns
)
