"""`python manage.py explain_offline`: give every feature of our public dashboard sets an
offline explanation (method cs_offline-logits), then fill the empty clerps of the demo graphs
with the default explanations. Idempotent."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from graphs.explanations.services.demo_labels import refill_demo_graphs
from graphs.explanations.services.offline_run import explain_public_sets


class Command(BaseCommand):
    help = "Offline explanations for every public dashboard; labels on the demo graphs."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--set",
            action="append",
            metavar="MODEL/SET",
            help="only this public set (repeatable); default: every one",
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        sets = None
        if options["set"]:
            sets = []
            for value in options["set"]:
                model_id, _, source_set = value.partition("/")
                if not model_id or not source_set:
                    raise CommandError(f"--set {value!r}: expected MODEL/SET", returncode=2)
                sets.append((model_id, source_set))
        report = explain_public_sets(sets)
        if not report.counts:
            self.stdout.write("no public dashboard sets: run load_demo_features first")
            return
        labelled = refill_demo_graphs()
        seconds = time.perf_counter() - started
        counts = ", ".join(f"{m}/{s}: {n}" for (m, s), n in sorted(report.counts.items()))
        self.stdout.write(
            f"offline explanations for {report.total} features ({counts}), {report.added} new; "
            f"{labelled} demo graph node label(s) filled; {seconds:.2f} s"
        )
