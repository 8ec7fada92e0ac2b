from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reports"

    def ready(self):
        # Each kind of report registers itself when its module loads.
        from . import agenda_pack, annual, quarterly  # noqa: F401
