"""Filling the empty clerps of stored generated graphs with default explanations.

Graphs generated while explanations exist get their clerps when stored (the job's store step);
graphs stored before (the demo graphs of an earlier `make run`) are rewritten here: the body is
read, filled, stored under a new key, and the row switched to it in one transaction; the old body
is deleted after the commit. A graph with nothing to fill is left untouched (same body, same ETag).
"""

from __future__ import annotations

import io
import json
import logging

from django.db import transaction

from graphs.explanations.services.graph_labels import fill_clerps
from graphs.models import Graph, Source
from graphs.storage import delete_body, open_body_json, write_body

log = logging.getLogger(__name__)


def refill_graph(graph: Graph, model_id: str, source_set: str) -> int:
    """Fill one generated graph's empty clerps; returns how many nodes got one."""
    if graph.source != Source.GENERATED:
        return 0  # an uploaded body is the researcher's file: served as uploaded
    with open_body_json(graph.body_key) as body:
        document = json.load(body)
    filled = fill_clerps(document, model_id, source_set)
    if not filled:
        return 0
    stored = write_body(io.BytesIO(json.dumps(document, separators=(",", ":")).encode()))
    old_key = graph.body_key
    try:
        with transaction.atomic():
            locked = Graph.objects.select_for_update().get(pk=graph.pk)
            if locked.body_key != old_key:  # rewritten meanwhile: keep theirs
                delete_body(stored.key)
                return 0
            locked.body_key, locked.body_sha256 = stored.key, stored.sha256
            locked.byte_size, locked.stored_size = stored.byte_size, stored.stored_size
            locked.save(
                update_fields=["body_key", "body_sha256", "byte_size", "stored_size", "updated_at"]
            )
            transaction.on_commit(lambda: delete_body(old_key))
    except BaseException:
        delete_body(stored.key)
        raise
    return filled
