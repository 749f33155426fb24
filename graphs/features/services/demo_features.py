"""Loading the shipped demo dashboards into the database (first run of `make run`, CI).

Idempotent: the files' digest is stored per public set, and a second run with the same files
touches nothing. A changed file reloads every public set in one transaction (delete + bulk insert),
so readers never see half a set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from graphs.features import conf
from graphs.features.models import Feature, PublicFeatureSet
from graphs.features.schema import validate_dashboard
from graphs.features.shipped import (
    ShippedDashboardError,
    ShippedFeature,
    dashboard_files,
    files_digest,
    iter_shipped,
)

_BULK_BATCH = 1000


@dataclass
class LoadReport:
    changed: bool
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _is_current(digest: str) -> bool:
    sets = list(PublicFeatureSet.objects.all())
    if not sets or any(s.digest != digest for s in sets):
        return False
    # The digest alone would miss rows deleted by hand; the per-set counts catch that cheaply.
    return all(
        Feature.objects.in_public_set(s.model_id, s.source_set).count() == s.n_features
        for s in sets
    )


@transaction.atomic
def load_shipped_features(
    directory: Path | None = None, *, force: bool = False, validate: bool = True
) -> LoadReport:
    directory = Path(directory or conf.get("DEMO_DASHBOARDS_DIR"))
    files = dashboard_files(directory)
    if not files:
        raise ShippedDashboardError(f"no dashboard files (*.json.gz, *.jsonl.gz) in {directory}")
    digest = files_digest(files)
    # Serialise concurrent loaders (two web processes starting at once) on the set rows.
    list(PublicFeatureSet.objects.select_for_update())
    if not force and _is_current(digest):
        return LoadReport(
            changed=False,
            counts={
                (s.model_id, s.source_set): s.n_features for s in PublicFeatureSet.objects.all()
            },
        )

    Feature.objects.filter(graph__isnull=True).delete()
    PublicFeatureSet.objects.all().delete()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    seen: set[tuple[str, str, int, int]] = set()
    pending: list[Feature] = []
    for item in iter_shipped(directory):
        _check(item, seen, validate)
        counts[(item.model_id, item.source_set)] += 1
        pending.append(
            Feature(
                model_id=item.model_id,
                source_set=item.source_set,
                layer=item.layer,
                index=item.index,
                label=item.label,
                dashboard=item.dashboard,
            )
        )
        if len(pending) >= _BULK_BATCH:
            Feature.objects.bulk_create(pending)
            pending.clear()
    Feature.objects.bulk_create(pending)
    PublicFeatureSet.objects.bulk_create(
        PublicFeatureSet(model_id=m, source_set=s, n_features=n, digest=digest)
        for (m, s), n in counts.items()
    )
    return LoadReport(changed=True, counts=dict(counts))


def _check(item: ShippedFeature, seen: set[tuple[str, str, int, int]], validate: bool) -> None:
    key = (item.model_id, item.source_set, item.layer, item.index)
    where = f"{item.model_id}/{item.source_set} layer {item.layer} index {item.index}"
    if key in seen:
        raise ShippedDashboardError(f"{where}: appears twice in the shipped files")
    seen.add(key)
    if validate:
        problems = validate_dashboard(item.dashboard, limit=1)
        if problems:
            raise ShippedDashboardError(f"{where}: {problems[0].path} {problems[0].message}")
