"""`python manage.py load_demo_features`: load the shipped demo dashboards (idempotent)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from graphs.features.services.demo_features import load_shipped_features
from graphs.features.shipped import ShippedDashboardError


class Command(BaseCommand):
    help = "Load the shipped feature dashboards of the demo model into the database (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir", type=Path, help="dashboards directory (default: the shipped one)"
        )
        parser.add_argument("--force", action="store_true", help="reload even if unchanged")
        parser.add_argument(
            "--no-validate", action="store_true", help="skip the schema check of each dashboard"
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            report = load_shipped_features(
                options["dir"], force=options["force"], validate=not options["no_validate"]
            )
        except ShippedDashboardError as exc:
            raise CommandError(str(exc), returncode=2) from None
        seconds = time.perf_counter() - started
        sets = ", ".join(f"{m}/{s}: {n}" for (m, s), n in sorted(report.counts.items()))
        verb = "loaded" if report.changed else "already loaded"
        self.stdout.write(f"{verb} {report.total} features ({sets}) in {seconds:.2f} s")
