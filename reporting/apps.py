from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reports"

    def ready(self):
        # Each kind of report registers itself when its module loads; the glance connects the
        # signals that refresh its cache.
        from . import agenda_pack, annual, glance, quarterly  # noqa: F401
