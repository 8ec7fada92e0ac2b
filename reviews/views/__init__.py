# Views are split by screen family; each module declares its own `urlpatterns`.
