"""Storing a generated graph through the graphs services (the same validation and storage as an
upload). Called by graphs/services/jobs.succeed inside its transaction."""

from __future__ import annotations

from typing import Any

from graphs.errors import GraphRejected
from graphs.explanations.services.graph_labels import fill_clerps
from graphs.generation.models import GenerationJob
from graphs.generation.registry import get_entry
from graphs.models import Graph, Source
from graphs.services.uploads import SLUG_MAX, TITLE_MAX, create_graph_from_document


def _slug_taken(exc: GraphRejected) -> bool:
    return any(problem.path == "slug" for problem in exc.problems)


def _with_job_metadata(graph_json: dict[str, Any], extra: dict[str, Any]) -> None:
    metadata = graph_json.setdefault("metadata", {})
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(metadata.get(key), dict):
            metadata[key] = {**metadata[key], **value}
        else:
            metadata[key] = value


def store_job_graph(job: GenerationJob, graph_json: dict[str, Any]) -> Graph:
    """Raises GraphRejected (nothing stored) if the engine produced an invalid graph."""
    _with_job_metadata(graph_json, job.graph_metadata)
    entry = get_entry(job.model_id)
    if entry is not None:
        # Feature nodes carry their default explanation as the label viewers show.
        fill_clerps(graph_json, *entry.feature_set)
    scan = str(graph_json.get("metadata", {}).get("scan", ""))
    # Fresh runs of one prompt share a slug; each job's own variant is unique (its random id), so
    # two workers finishing at once cannot race for the same one.
    own = f"{job.slug[: SLUG_MAX - 9]}-{job.id[:8]}"
    taken = Graph.objects.filter(owner_id=job.owner_id, model_id=scan, slug=job.slug).exists()
    title = job.prompt if len(job.prompt) <= TITLE_MAX else job.prompt[: TITLE_MAX - 1] + "…"
    options = {"title": title, "visibility": job.visibility, "source": Source.GENERATED}
    if not taken:
        try:
            return create_graph_from_document(job.owner, graph_json, slug=job.slug, **options)
        except GraphRejected as exc:
            if not _slug_taken(exc):
                raise
    return create_graph_from_document(job.owner, graph_json, slug=own, **options)
