"""The project package keeps no tables of its own beyond the audit history of user accounts."""

from django.contrib.auth import get_user_model
from simple_history import register

# Who changed an account (its roles, its active flag, its e-mail) and when. Every model the
# apps add gets history too: `history = HistoricalRecords()` on the model, enforced by a test.
register(get_user_model(), app="partnership", excluded_fields=["password", "last_login"])
