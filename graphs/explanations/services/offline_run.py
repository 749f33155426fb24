"""Offline explanations for every dashboard of our public sets (`manage.py explain_offline`).

Idempotent: each feature has one offline row (its key is the feature and the method), inserted
or, when the dashboards changed, updated in place, so a second run writes no new row. One
transaction per set."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from graphs.explanations import methods, offline
from graphs.explanations.models import Explanation
from graphs.explanations.services.keys import rerun_key
from graphs.features.models import Feature, PublicFeatureSet

_BATCH = 1000


@dataclass
class OfflineReport:
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    added: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def explain_public_sets(sets: list[tuple[str, str]] | None = None) -> OfflineReport:
    report = OfflineReport()
    wanted = sets or list(PublicFeatureSet.objects.values_list("model_id", "source_set"))
    for model_id, source_set in wanted:
        explained, added = _explain_set(model_id, source_set)
        report.counts[(model_id, source_set)] = explained
        report.added += added
    return report


@transaction.atomic
def _explain_set(model_id: str, source_set: str) -> tuple[int, int]:
    before = Explanation.objects.filter(
        model_id=model_id, source_set=source_set, method=methods.OFFLINE
    ).count()
    pending: list[Explanation] = []
    explained = 0
    features = Feature.objects.in_public_set(model_id, source_set).only(
        "layer", "index", "dashboard"
    )
    for feature in features.iterator(chunk_size=_BATCH):
        text = offline.explain(feature.dashboard)
        if text is None:
            continue
        explained += 1
        pending.append(
            Explanation(
                model_id=model_id,
                source_set=source_set,
                layer=feature.layer,
                index=feature.index,
                description=text,
                method=methods.OFFLINE,
                content_key=rerun_key(
                    model_id, source_set, feature.layer, feature.index, methods.OFFLINE, ""
                ),
            )
        )
        if len(pending) >= _BATCH:
            _upsert(pending)
            pending = []
    _upsert(pending)
    after = Explanation.objects.filter(
        model_id=model_id, source_set=source_set, method=methods.OFFLINE
    ).count()
    return explained, after - before


def _upsert(rows: list[Explanation]) -> None:
    if rows:
        Explanation.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["content_key"],
            update_fields=["description"],
        )
