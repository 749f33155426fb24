"""Auto-interp runs: start one (one feature, a layer or a whole set), run it feature by feature
with progress, within the set's budget of endpoint calls.

- start_run: checks the endpoint is configured and the set has dashboards, records the run and,
  on commit, hands it to a Celery worker on the AUTOINTERP_QUEUE queue (or, without Redis, to a
  thread of this process, as generation does in embedded mode).
- execute_run: the worker's body. Each explanation is stored as it comes (one row per feature
  and explainer model: a rerun replaces the text); progress is saved after every feature. An
  endpoint that keeps failing stops the run as failed with its reason; a malformed reply counts
  that feature as failed and the run goes on; the set's budget stops the run as failed with
  the figures.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Sum
from django.utils import timezone

from graphs.errors import InvalidInput, Unavailable
from graphs.explanations import conf, methods
from graphs.explanations.autointerp import prompt
from graphs.explanations.autointerp.client import (
    ChatClient,
    EndpointFailed,
    EndpointSettings,
    MalformedReply,
    NotConfigured,
)
from graphs.explanations.autointerp.postprocess import BadReply, clean_label
from graphs.explanations.models import AutoInterpRun, Explanation
from graphs.explanations.services.keys import rerun_key
from graphs.features.models import Feature

log = logging.getLogger(__name__)
TASK_NAME = "explanations.autointerp_run"


class BudgetSpent(RuntimeError):
    pass


def _features(run: AutoInterpRun):
    rows = Feature.objects.in_public_set(run.model_id, run.source_set)
    if run.layer is not None:
        rows = rows.filter(layer=run.layer)
    if run.index is not None:
        rows = rows.filter(index=run.index)
    return rows.order_by("layer", "index")


def _optional_int(name: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput.on_field(name, "must be a non-negative integer")
    return value


def start_run(*, created_by, model_id, source_set, layer=None, index=None) -> AutoInterpRun:
    try:
        endpoint = EndpointSettings.from_conf()
    except NotConfigured as exc:
        raise Unavailable(str(exc)) from None
    if not isinstance(model_id, str) or not isinstance(source_set, str):
        raise InvalidInput.on_field("source_set", "give the model and source_set of a set")
    layer, index = _optional_int("layer", layer), _optional_int("index", index)
    if index is not None and layer is None:
        raise InvalidInput.on_field("layer", "a feature index needs its layer")
    run = AutoInterpRun(
        model_id=model_id,
        source_set=source_set,
        layer=layer,
        index=index,
        explainer_model=endpoint.model,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    total = _features(run).count()
    if total == 0:
        raise InvalidInput.on_field(
            "source_set", f"no dashboards of {model_id}/{source_set} match: nothing to explain"
        )
    run.total = total
    with transaction.atomic():
        run.save()
        transaction.on_commit(lambda: enqueue(run.pk))
    return run


def enqueue(run_id: str) -> None:
    if settings.REDIS_URL:
        from webapp.celery import app

        broker = getattr(settings, "CELERY_BROKER_URL", None) or settings.REDIS_URL
        with app.connection_for_write(broker) as connection:
            app.send_task(
                TASK_NAME, args=[run_id], queue=conf.get("AUTOINTERP_QUEUE"), connection=connection
            )
        return
    threading.Thread(target=_run_in_thread, args=(run_id,), daemon=True).start()


def _run_in_thread(run_id: str) -> None:
    try:
        execute_run(run_id)
    finally:
        close_old_connections()


def _budget_left(run: AutoInterpRun) -> int | None:
    budget = int(conf.get("AUTOINTERP_BUDGET_PER_SET"))
    if budget == 0:
        return None
    used = AutoInterpRun.objects.filter(model_id=run.model_id, source_set=run.source_set).aggregate(
        n=Sum("calls")
    )["n"]
    return budget - (used or 0)


def _finish(run_id: str, state: str, error: str = "") -> None:
    AutoInterpRun.objects.filter(pk=run_id).update(
        state=state, error=error, finished_at=timezone.now()
    )


def _claim(run_id: str) -> AutoInterpRun | None:
    """The run, now RUNNING for this worker; None when it is not ours to run (finished, or
    running elsewhere with recent progress). A run whose worker died mid-way (no progress for
    AUTOINTERP_STALE_S; Celery redelivers the task of a lost worker) is resumed."""
    now = timezone.now()
    with transaction.atomic():
        run = AutoInterpRun.objects.select_for_update().get(pk=run_id)
        if run.state == AutoInterpRun.State.QUEUED:
            run.started_at = now
        elif run.state == AutoInterpRun.State.RUNNING and run.progress_at is not None:
            silent_s = (now - run.progress_at).total_seconds()
            if silent_s < int(conf.get("AUTOINTERP_STALE_S")):
                return None
            log.warning(
                "auto-interp run %s: resumed after %.0f s without progress", run_id, silent_s
            )
        else:
            return None
        run.state, run.progress_at = AutoInterpRun.State.RUNNING, now
        run.save(update_fields=["state", "started_at", "progress_at"])
    return run


def _already_explained(run: AutoInterpRun) -> set[tuple[int, int]]:
    """Features this run explained before its worker died (resumed runs skip them)."""
    rows = Explanation.objects.filter(
        model_id=run.model_id,
        source_set=run.source_set,
        method=methods.MAX_ACT_LOGITS,
        explainer_model=run.explainer_model,
        created_at__gte=run.started_at,
    )
    return set(rows.values_list("layer", "index"))


def execute_run(run_id: str) -> AutoInterpRun:
    run = _claim(run_id)
    if run is None:
        return AutoInterpRun.objects.get(pk=run_id)

    def count_call() -> None:
        left = _budget_left(run)
        if left is not None and left <= 0:
            raise BudgetSpent(
                f"the budget of {conf.get('AUTOINTERP_BUDGET_PER_SET')} endpoint calls for "
                f"{run.model_id}/{run.source_set} is spent (AUTOINTERP_BUDGET_PER_SET)"
            )
        AutoInterpRun.objects.filter(pk=run_id).update(calls=F("calls") + 1)

    try:
        chat = ChatClient(on_call=count_call)
        skip = _already_explained(run)
        for feature in _features(run).only("layer", "index", "dashboard").iterator():
            if (feature.layer, feature.index) not in skip:
                _explain_one(run, chat, feature)
    except (EndpointFailed, BudgetSpent, NotConfigured) as exc:
        _finish(run_id, AutoInterpRun.State.FAILED, str(exc))
    except Exception as exc:
        log.exception("auto-interp run %s crashed", run_id)
        _finish(run_id, AutoInterpRun.State.FAILED, f"internal error: {type(exc).__name__}: {exc}")
    else:
        _finish(run_id, AutoInterpRun.State.SUCCEEDED)
    return AutoInterpRun.objects.get(pk=run_id)


def _explain_one(run: AutoInterpRun, chat: ChatClient, feature: Feature) -> None:
    progress = "done"
    if not prompt.has_evidence(feature.dashboard):
        progress = "skipped"
    else:
        try:
            label = clean_label(chat.complete(prompt.messages(feature.dashboard)))
        except (MalformedReply, BadReply) as exc:
            log.warning("auto-interp %s L%s #%s: %s", run.pk, feature.layer, feature.index, exc)
            progress = "failed"
        else:
            _store(run, feature, label)
    AutoInterpRun.objects.filter(pk=run.pk).update(
        **{progress: F(progress) + 1}, progress_at=timezone.now()
    )


def _store(run: AutoInterpRun, feature: Feature, label: str) -> None:
    key = rerun_key(
        run.model_id,
        run.source_set,
        feature.layer,
        feature.index,
        methods.MAX_ACT_LOGITS,
        run.explainer_model,
    )
    Explanation.objects.bulk_create(
        [
            Explanation(
                model_id=run.model_id,
                source_set=run.source_set,
                layer=feature.layer,
                index=feature.index,
                description=label,
                method=methods.MAX_ACT_LOGITS,
                explainer_model=run.explainer_model,
                content_key=key,
            )
        ],
        update_conflicts=True,
        unique_fields=["content_key"],
        update_fields=["description", "created_at"],
    )
