from .views import decisions, grantee, grants, public, staff

app_name = "funding"

urlpatterns = [
    *staff.urlpatterns,
    *decisions.urlpatterns,
    *grants.urlpatterns,
    *public.urlpatterns,
    *grantee.urlpatterns,
]
