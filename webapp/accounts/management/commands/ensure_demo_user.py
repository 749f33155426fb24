"""`manage.py ensure_demo_user`: the account `make run` offers on a fresh machine.

Development only: a well-known password must never exist in production, so the command refuses to
run when DEBUG is false.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "circuitscope-demo"


class Command(BaseCommand):
    help = "Create the demo account (DEBUG only) and print its credentials."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "refusing to create a demo account when DEBUG is false", returncode=2
            )
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USERNAME)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            self.stdout.write(
                f"Demo account created: username {DEMO_USERNAME}, password {DEMO_PASSWORD}"
            )
        else:
            self.stdout.write(
                f"Demo account: username {DEMO_USERNAME}, password {DEMO_PASSWORD} (unless you changed it)"
            )
