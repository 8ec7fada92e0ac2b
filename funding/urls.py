from .views import decisions, public, staff

app_name = "funding"

urlpatterns = staff.urlpatterns + decisions.urlpatterns + public.urlpatterns
