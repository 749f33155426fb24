"""The dashboards shipped with the demo model: they load completely, and idempotently."""

from __future__ import annotations

import pytest

from graphs.features import conf
from graphs.features.models import Feature, PublicFeatureSet
from graphs.features.services.demo_features import load_shipped_features
from graphs.features.shipped import dashboard_files, iter_shipped
from tests.features.dashboards import records_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.datalayer,
    pytest.mark.skipif(
        not dashboard_files(conf.DEMO_DASHBOARDS_DIR),
        reason=f"no shipped dashboards yet in {conf.DEMO_DASHBOARDS_DIR}",
    ),
]


def test_every_shipped_dashboard_loads_once():
    report = load_shipped_features()
    expected = records_in(conf.DEMO_DASHBOARDS_DIR)
    assert report.changed and report.total == expected
    assert Feature.objects.filter(graph__isnull=True).count() == expected
    assert ("demo", "demo") in report.counts, "the per-layer demo set has dashboards"
    assert not load_shipped_features().changed
    assert Feature.objects.count() == expected
    assert PublicFeatureSet.objects.filter(model_id="demo").exists()


def test_shipped_dashboards_have_labels_and_logits():
    features = list(iter_shipped(conf.DEMO_DASHBOARDS_DIR))
    assert all(f.label and f.dashboard["top_logits"] for f in features)
    # Features that never fire on the dashboard corpus have no examples (label "(dead)"); most
    # features of a trained transcoder do fire.
    alive = [f for f in features if f.dashboard["examples_quantiles"]]
    assert len(alive) > len(features) // 4
    assert all(f.label != "(dead)" for f in alive)
