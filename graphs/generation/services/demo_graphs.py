"""Featured example graphs on the demo model, one per demo task, owned by the demo user.

Each graph is a generation job run to its end in this process by the embedded runner (the same
`run_job` as a worker's), so the demo graphs go through the registry, the engine, the validator
and storage exactly as a user's. Idempotent: a task whose graph (demo user, demo model, slug)
exists is not traced again; it is only made public and featured if someone changed that.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from graphs.features.links import feature_json_base_url
from graphs.generation.demo_tasks import (
    DEMO_MODEL,
    DEMO_TASKS,
    DEMO_TRACE_SETTINGS,
    DEMO_TRANSCODERS,
    DEMO_USERNAME,
    DemoTask,
)
from graphs.generation.models import GenerationJob, request_key
from graphs.generation.runner import EmbeddedRunner, embedded_runner
from graphs.models import Graph, Visibility


class DemoGraphError(Exception):
    """A demo graph could not be traced (engine error, missing demo assets); names the task."""


@dataclass(frozen=True)
class DemoGraphOutcome:
    task: DemoTask
    graph: Graph
    created: bool


def demo_user():
    """The system user that owns the example graphs; it cannot sign in (unusable password)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"email": "", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def load_demo_graphs(*, runner: EmbeddedRunner | None = None) -> list[DemoGraphOutcome]:
    owner = demo_user()
    outcomes: list[DemoGraphOutcome] = []
    for task in DEMO_TASKS:
        existing = Graph.objects.filter(owner=owner, model_id=DEMO_MODEL, slug=task.slug).first()
        if existing is not None:
            _publish(existing)
            outcomes.append(DemoGraphOutcome(task, existing, created=False))
            continue
        job = _demo_job(owner, task)
        outcome = (runner or embedded_runner()).run_now(job.pk)
        job.refresh_from_db()
        if job.state != GenerationJob.State.SUCCEEDED or job.graph is None:
            raise DemoGraphError(f"{task.slug}: {job.error or outcome}")
        outcomes.append(DemoGraphOutcome(task, _feature(job.graph, task), created=True))
    return outcomes


def _demo_job(owner, task: DemoTask) -> GenerationJob:
    return GenerationJob.objects.create(
        owner=owner,
        model_id=DEMO_MODEL,
        prompt=task.prompt,
        settings=DEMO_TRACE_SETTINGS,
        slug=task.slug,
        visibility=Visibility.PUBLIC,
        request_key=request_key(DEMO_MODEL, task.prompt, DEMO_TRACE_SETTINGS),
        graph_metadata={
            # The registry's model id: what /api/features/{model}/... and the generation form use.
            "scan": DEMO_MODEL,
            "info": {"description": task.description},
            "feature_details": {
                "feature_json_base_url": feature_json_base_url(DEMO_MODEL, DEMO_TRANSCODERS)
            },
        },
    )


@transaction.atomic
def _feature(graph: Graph, task: DemoTask) -> Graph:
    # Featuring is a staff action in the API; this is the operators' command, the same authority.
    graph.title, graph.description, graph.featured = task.title, task.description, True
    graph.save(update_fields=["title", "description", "featured", "updated_at"])
    return graph


@transaction.atomic
def _publish(graph: Graph) -> None:
    if graph.visibility != Visibility.PUBLIC or not graph.featured:
        graph.visibility, graph.featured = Visibility.PUBLIC, True
        graph.save(update_fields=["visibility", "featured", "updated_at"])
