"""`python manage.py import_explanations PATH [--model ID --source-set ID]`: import an
explanation export (Neuronpedia's format; JSON list or JSON Lines, optionally gzipped), streamed
and idempotent. `-` reads standard input."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from graphs.explanations.services.importer import ImportRefused, import_stream


class Command(BaseCommand):
    help = "Import explanations (Neuronpedia export: JSON list or JSON Lines, optionally gzipped)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the export file, or - for standard input")
        parser.add_argument("--model", help="store every row under this model id ...")
        parser.add_argument("--source-set", help="... and this source-set id (give both)")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        path = options["path"]
        try:
            handle = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot open {path}: {exc.strerror}", returncode=2) from None
        try:
            report = import_stream(
                handle, model_id=options["model"], source_set=options["source_set"]
            )
        except ImportRefused as exc:
            raise CommandError(f"{path}: {exc} (nothing was imported)", returncode=2) from None
        finally:
            if handle is not sys.stdin.buffer:
                handle.close()
        seconds = time.perf_counter() - started
        sets = ", ".join(f"{m}/{s}: {n}" for (m, s), n in sorted(report.sets.items())) or "none"
        self.stdout.write(
            f"read {report.read} explanations ({sets}); added {report.added}, "
            f"{report.already_present} already present; {seconds:.2f} s"
        )
