# Views by audience: public.py (no account) and staff.py (grants officers),
# each with its own urlpatterns.
