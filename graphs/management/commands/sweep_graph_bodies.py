"""manage.py sweep_graph_bodies [--older-than-minutes N] [--dry-run]: delete orphaned graph bodies."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from graphs.services.orphan_bodies import sweep_orphan_bodies


class Command(BaseCommand):
    help = (
        "Delete graph bodies in storage that no graph row points to (left by interrupted writes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-minutes", type=int, default=60)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, older_than_minutes: int, dry_run: bool, **options) -> None:
        if older_than_minutes < 0:
            self.stderr.write("--older-than-minutes must be at least 0")
            raise SystemExit(2)
        keys = sweep_orphan_bodies(timedelta(minutes=older_than_minutes), dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {len(keys)} orphaned graph bodies")
        for key in keys:
            self.stdout.write(f"  {key}")
