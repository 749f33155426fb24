"""`python manage.py autointerp MODEL SOURCE_SET [--layer L [--index I]] [--wait]`: start an
auto-interp run (np_max-act-logits against AUTOINTERP_BASE_URL), or list runs with `--list`.
Without Redis (embedded mode) the run executes in this process, with progress printed."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from graphs.errors import ServiceError
from graphs.explanations.models import AutoInterpRun
from graphs.explanations.services import autointerp_runs


def _line(run: AutoInterpRun) -> str:
    text = (
        f"{run.pk} {run.state}: {run.done + run.skipped + run.failed}/{run.total} "
        f"(explained {run.done}, dead {run.skipped}, failed {run.failed}; {run.calls} calls)"
    )
    return f"{text} - {run.error}" if run.error else text


class Command(BaseCommand):
    help = "Start an auto-interp run over a public dashboard set, a layer or one feature."

    def add_arguments(self, parser) -> None:
        parser.add_argument("model", nargs="?")
        parser.add_argument("source_set", nargs="?")
        parser.add_argument("--layer", type=int)
        parser.add_argument("--index", type=int)
        parser.add_argument("--list", action="store_true", help="list recent runs and exit")
        parser.add_argument("--wait", action="store_true", help="print progress until it ends")

    def handle(self, *args, **options) -> None:
        if options["list"]:
            for run in AutoInterpRun.objects.all()[:20]:
                self.stdout.write(f"{run} {_line(run)}")
            return
        if not options["model"] or not options["source_set"]:
            raise CommandError("give MODEL and SOURCE_SET (or --list)", returncode=2)
        try:
            run = autointerp_runs.start_run(
                created_by=None,
                model_id=options["model"],
                source_set=options["source_set"],
                layer=options["layer"],
                index=options["index"],
            )
        except ServiceError as exc:
            shown = "; ".join(str(p) for p in exc.problems) or exc.message
            raise CommandError(shown, returncode=2) from None
        self.stdout.write(f"started auto-interp run {run.pk} over {run.total} feature(s)")
        if settings.REDIS_URL and not options["wait"]:
            return
        while True:
            run.refresh_from_db()
            self.stdout.write(_line(run))
            if run.finished:
                break
            time.sleep(2)
        if run.state == AutoInterpRun.State.FAILED:
            raise CommandError(run.error, returncode=1)
