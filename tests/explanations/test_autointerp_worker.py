"""An auto-interp run started through the API runs on a real Celery worker listening on the
`autointerp` queue (Redis db 7), against a local chat-completions server."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from graphs.explanations.models import AutoInterpRun, Explanation
from graphs.features.models import Feature, PublicFeatureSet
from tests.explanations.chat_server import ChatServer, Step, completion
from tests.support.workers import REDIS_URL, Worker, worker_env


def _dashboard(token: str) -> dict:
    example = {"tokens": ["capital", " is", token], "tokens_acts_list": [0.0, 5.0, 0.0]}
    return {
        "examples_quantiles": [{"quantile_name": "Top activations", "examples": [example] * 3}],
        "top_logits": [token],
        "bottom_logits": [],
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_goes_through_the_autointerp_queue(settings, api, tmp_path: Path):
    server = ChatServer([Step(body=completion("say Austin"))])
    try:
        PublicFeatureSet.objects.create(
            model_id="demo", source_set="demo", n_features=2, digest="d"
        )
        for index, token in enumerate([" Austin", " Boise"]):
            Feature.objects.create(
                model_id="demo",
                source_set="demo",
                layer=0,
                index=index,
                dashboard=_dashboard(token),
            )
        autointerp = {
            # A queue of its own: no stale message of another run is taken.
            "AUTOINTERP_QUEUE": f"autointerp-test-{uuid.uuid4().hex[:8]}",
            "AUTOINTERP_BASE_URL": server.base_url,
            "AUTOINTERP_MODEL": "test-model",
            "AUTOINTERP_BACKOFF_MS": "10",
        }
        for name, value in autointerp.items():
            setattr(settings, name, value)
        settings.REDIS_URL = REDIS_URL
        settings.CELERY_BROKER_URL = REDIS_URL
        models_file = tmp_path / "models.json"
        models_file.write_text("[]")
        env = worker_env(models_file, Path(settings.MEDIA_ROOT), **autointerp)
        worker = Worker(autointerp["AUTOINTERP_QUEUE"], env, tmp_path / "worker.log")
        try:
            worker.wait_ready()
            response = api("staff").post(
                "/api/explanations/autointerp/",
                {"model": "demo", "source_set": "demo"},
                format="json",
            )
            assert response.status_code == 202, response.json()
            run_id = response.json()["id"]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                run = AutoInterpRun.objects.get(pk=run_id)
                if run.finished:
                    break
                time.sleep(0.3)
            assert run.state == AutoInterpRun.State.SUCCEEDED, (
                run.error,
                worker.log_path.read_text()[-2000:],
            )
            assert (run.done, run.total) == (2, 2)
            assert list(Explanation.objects.values_list("description", flat=True)) == [
                "say Austin",
                "say Austin",
            ]
        finally:
            worker.stop()
    finally:
        server.close()
