from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership"

    def ready(self):
        # Registers the system checks, and the change counter's installation after migrating.
        from . import checks, pagecache  # noqa: F401
