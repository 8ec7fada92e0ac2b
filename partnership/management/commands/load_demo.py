from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = (
        "Load the demo partnership (Riverside Community Safety Partnership, fictional). "
        "Safe to run again: it adds what is missing and leaves the rest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, quiet_logins=False, **options):
        logins = []
        # Demo people are fictional: the services' e-mails to them are dropped, never sent.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                demo = import_module(module_name)
                logins.extend(demo.load(lambda line: self.stdout.write(f"  {line}")))
        if quiet_logins:
            return
        self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all of them below):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<18} {login.name}")
        if logins:
            self.stdout.write(f"  password: {logins[0].password}")
