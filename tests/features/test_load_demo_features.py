"""Loading shipped dashboards: complete, idempotent, transactional, and loud about bad files."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from graphs.features.models import Feature, PublicFeatureSet
from graphs.features.services.demo_features import load_shipped_features
from graphs.features.shipped import ShippedDashboardError
from tests.features.dashboards import make_dashboard, records_in, write_jsonl_gz

pytestmark = [pytest.mark.datalayer, pytest.mark.django_db]


def test_it_loads_every_feature_of_every_file(dashboards_dir):
    report = load_shipped_features(dashboards_dir)
    assert report.changed
    assert Feature.objects.count() == records_in(dashboards_dir) == 18
    assert report.counts == {("demo", "demo"): 12, ("demo", "demo-clt"): 6}
    feature = Feature.objects.in_public_set("demo", "demo-clt").get(layer=1, index=2)
    assert feature.label == "clt 1/2"
    assert feature.dashboard == make_dashboard(2, seed=11)
    assert feature.graph is None and feature.owner is None


def test_a_second_run_changes_nothing(dashboards_dir):
    load_shipped_features(dashboards_dir)
    before = {f.pk: f.updated_at for f in Feature.objects.all()}
    report = load_shipped_features(dashboards_dir)
    assert not report.changed
    assert report.total == 18
    assert {f.pk: f.updated_at for f in Feature.objects.all()} == before


def test_changed_files_replace_the_sets(dashboards_dir):
    load_shipped_features(dashboards_dir)
    write_jsonl_gz(dashboards_dir / "transcoders.jsonl.gz", [{"layer": 0, **make_dashboard(9)}])
    report = load_shipped_features(dashboards_dir)
    assert report.changed
    assert Feature.objects.in_public_set("demo", "demo").count() == 1
    assert Feature.objects.count() == 7
    assert PublicFeatureSet.objects.get(source_set="demo").n_features == 1


def test_rows_deleted_by_hand_are_restored(dashboards_dir):
    load_shipped_features(dashboards_dir)
    Feature.objects.filter(layer=0).delete()
    assert load_shipped_features(dashboards_dir).changed
    assert Feature.objects.count() == 18


def test_a_bad_file_loads_nothing_and_keeps_what_was_there(dashboards_dir):
    load_shipped_features(dashboards_dir)
    bad = make_dashboard(1)
    bad["examples_quantiles"][0]["examples"][0]["tokens"] = "not a list"
    write_jsonl_gz(
        dashboards_dir / "zz-bad.jsonl.gz",
        [
            {"model_id": "demo", "source_set": "other", "layer": 0, **make_dashboard(0)},
            {"model_id": "demo", "source_set": "other", "layer": 0, **bad},
        ],
    )
    with pytest.raises(
        ShippedDashboardError, match=r"examples_quantiles\[0\]\.examples\[0\]\.tokens"
    ):
        load_shipped_features(dashboards_dir)
    assert Feature.objects.count() == 18
    assert not Feature.objects.filter(source_set="other").exists()


def test_it_refuses_a_feature_shipped_twice(dashboards_dir):
    write_jsonl_gz(
        dashboards_dir / "dup.jsonl.gz",
        [{"model_id": "demo", "source_set": "demo", "layer": 2, **make_dashboard(3)}],
    )
    with pytest.raises(ShippedDashboardError, match="appears twice"):
        load_shipped_features(dashboards_dir)
    assert Feature.objects.count() == 0


def test_the_command_reports_what_it_did(dashboards_dir):
    out = StringIO()
    call_command("load_demo_features", "--dir", str(dashboards_dir), stdout=out)
    assert out.getvalue().startswith("loaded 18 features (demo/demo: 12, demo/demo-clt: 6)")
    out = StringIO()
    call_command("load_demo_features", "--dir", str(dashboards_dir), stdout=out)
    assert out.getvalue().startswith("already loaded 18 features")


def test_the_command_fails_in_one_line_without_files(tmp_path):
    with pytest.raises(CommandError, match="no dashboard files") as caught:
        call_command("load_demo_features", "--dir", str(tmp_path))
    assert caught.value.returncode == 2


def test_the_command_names_a_corrupt_file(dashboards_dir):
    (dashboards_dir / "broken.json.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(CommandError, match=r"broken\.json\.gz: cannot read"):
        call_command("load_demo_features", "--dir", str(dashboards_dir))


def test_a_changed_manifest_alone_reloads(dashboards_dir):
    load_shipped_features(dashboards_dir)
    manifest = {"model": "demo", "sets": {"plt": {"file": "transcoders.jsonl.gz"}}}
    (dashboards_dir / "manifest.json").write_text(json.dumps(manifest))
    report = load_shipped_features(dashboards_dir)
    assert report.changed and report.counts[("demo", "plt")] == 12
    assert not Feature.objects.in_public_set("demo", "demo").exists()


def test_a_file_whose_set_is_unknown_is_named(dashboards_dir):
    write_jsonl_gz(dashboards_dir / "orphan.jsonl.gz", [{"layer": 0, **make_dashboard(1)}])
    with pytest.raises(ShippedDashboardError, match=r"orphan\.jsonl\.gz:1: no model_id/source_set"):
        load_shipped_features(dashboards_dir)


def test_a_broken_manifest_is_named(dashboards_dir):
    (dashboards_dir / "manifest.json").write_text('{"model": "demo"}')
    with pytest.raises(ShippedDashboardError, match=r"manifest\.json: cannot read the sets"):
        load_shipped_features(dashboards_dir)
