"""manage.py audit_storage [--json] [--grace-minutes N] [--delete-orphan-bodies]

Lists what points nowhere (graph rows without a body, bodies without a row, rows of missing
graphs); exits 1 when anything is found, 0 when the store is consistent. Read-only unless
--delete-orphan-bodies, which removes orphan and half-written bodies older than the grace period
through the body sweep (which re-checks each one just before deleting). Rows are never deleted here.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from graphs.services.audit import DEFAULT_GRACE, AuditReport, audit_storage
from graphs.services.orphan_bodies import sweep_orphan_bodies

SHOWN_PER_FINDING = 20


class Command(BaseCommand):
    help = (
        "Audit the database against graph body storage: graph rows without a body, bodies "
        "without a row, rows of missing graphs. Exit code 1 when something is found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print the report as JSON"
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=int(DEFAULT_GRACE.total_seconds() // 60),
            help="bodies without a row younger than this may be uploads in flight: not "
            "findings, never deleted (default: %(default)s)",
        )
        parser.add_argument(
            "--delete-orphan-bodies",
            action="store_true",
            help="delete the orphan and half-written bodies found (older than the grace period)",
        )

    def handle(
        self, *args, as_json: bool, grace_minutes: int, delete_orphan_bodies: bool, **options
    ) -> None:
        if grace_minutes < 0:
            raise CommandError("--grace-minutes must be at least 0", returncode=2)
        grace = timedelta(minutes=grace_minutes)
        report = audit_storage(grace)
        deleted: list[str] = []
        if delete_orphan_bodies and (report.orphan_bodies or report.incomplete_bodies):
            deleted = sweep_orphan_bodies(grace)
        if as_json:
            self.stdout.write(json.dumps({**report.as_dict(), "deleted_bodies": deleted}, indent=2))
        else:
            self._print_summary(report, deleted)
        # Deleted orphans are repaired; anything else found stays a finding.
        remaining = {
            name: [item for item in items if item not in deleted]
            for name, items in report.findings().items()
        }
        if any(remaining.values()):
            raise SystemExit(1)

    def _print_summary(self, report: AuditReport, deleted: list[str]) -> None:
        self.stdout.write(
            f"checked {report.graphs_checked} graph rows and {report.bodies_checked} stored bodies"
        )
        for name, items in report.findings().items():
            self.stdout.write(f"{name.replace('_', ' ')}: {len(items)}")
            for item in items[:SHOWN_PER_FINDING]:
                self.stdout.write(f"  {item}")
            if len(items) > SHOWN_PER_FINDING:
                self.stdout.write(f"  ... and {len(items) - SHOWN_PER_FINDING} more (see --json)")
        if report.recent_bodies:
            self.stdout.write(
                f"{len(report.recent_bodies)} bodies without a row are younger than the grace "
                f"period ({report.grace_seconds // 60} min) and may be uploads in flight; "
                "not counted"
            )
        if report.bodies_in_flight:
            self.stdout.write(
                f"{len(report.bodies_in_flight)} bodies are being written (younger than the grace "
                "period); not counted"
            )
        if deleted:
            self.stdout.write(f"deleted {len(deleted)} orphan or half-written bodies")
        self.stdout.write("clean" if report.clean else "problems found")
