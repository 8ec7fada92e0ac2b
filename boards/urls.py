from .views import actions, core, exports, meetings

app_name = "boards"

urlpatterns = core.urlpatterns + meetings.urlpatterns + actions.urlpatterns + exports.urlpatterns
