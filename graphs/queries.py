"""Queries behind the browser pages and list answers. Who may see what is decided by
graphs.permissions only."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.db.models.functions import Substr

from graphs.models import Graph
from graphs.permissions import graphs_of, listed_graphs


def listed_public_graphs() -> QuerySet[Graph]:
    # Only `public` graphs are listed; `unlisted` ones are reachable by their link alone.
    return listed_graphs()


def graphs_shared_with(user: AbstractBaseUser) -> QuerySet[Graph]:
    return graphs_of(user).exclude(owner_id=user.pk)


# The schema's limits of metadata.prompt and metadata.info.description (graph.schema.json).
PROMPT_MAX_CHARS = 10_000
DESCRIPTION_MAX_CHARS = 10_000


def for_listing(graphs: QuerySet[Graph]) -> QuerySet[Graph]:
    """`graphs` for a list: the prompt tokens and generator are never loaded, and the prompt and
    description come cut to their schema limit by the database (`prompt_head`,
    `description_head`), so a row written before the limits existed cannot swell a list."""
    return graphs.defer("prompt", "prompt_tokens", "description", "generator").annotate(
        prompt_head=Substr("prompt", 1, PROMPT_MAX_CHARS),
        description_head=Substr("description", 1, DESCRIPTION_MAX_CHARS),
    )
