"""`python manage.py load_demo_graphs`: trace and store the featured example graph of each demo
task on the demo model (idempotent: existing ones are kept)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from graphs.errors import ServiceError
from graphs.generation.services.demo_graphs import DemoGraphError, load_demo_graphs


class Command(BaseCommand):
    help = "Generate the featured example graphs of the demo model (one per demo task)."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            outcomes = load_demo_graphs()
        except (DemoGraphError, ServiceError) as exc:
            details = "; ".join(str(p) for p in getattr(exc, "problems", [])[:3])
            message = f"a demo graph could not be made: {exc}" + (
                f" ({details})" if details else ""
            )
            raise CommandError(message, returncode=2) from None
        for outcome in outcomes:
            state = "created" if outcome.created else "kept"
            graph = outcome.graph
            self.stdout.write(
                f"{state} {graph.slug}: {graph.node_count} nodes, {graph.link_count} links "
                f"(/graphs/{graph.pk}/)"
            )
        self.stdout.write(f"{len(outcomes)} demo graphs in {time.perf_counter() - started:.1f} s")
