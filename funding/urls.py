from .views import public, staff

app_name = "funding"

urlpatterns = staff.urlpatterns + public.urlpatterns
