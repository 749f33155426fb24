"""Shared factory_boy factories. Personas in tests: owner, collaborator, outsider, anonymous.

GraphFactory stores a real (small, synthetic) body in the graph storage, so every row it makes
points to a body that exists, as in production. Pass `document=` to store a specific graph JSON.
"""

from __future__ import annotations

import io
import json

import factory
from django.contrib.auth import get_user_model

from graphs.collab.models import Collaborator, Role
from graphs.models import Graph, Source, Subgraph, Visibility
from graphs.storage import write_body
from graphs.testing import build_graph_document

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class GraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Graph

    owner = factory.SubFactory(UserFactory)
    slug = factory.Sequence(lambda n: f"graph-{n}")
    model_id = "demo-model"
    title = factory.LazyAttribute(lambda g: f"Graph {g.slug}")
    description = ""
    visibility = Visibility.PRIVATE
    source = Source.UPLOADED
    # The graph JSON to store; None stores a small synthetic graph.
    document = None

    @classmethod
    def _create(cls, model_class, *args, document=None, **kwargs):
        document = document or build_graph_document(slug=kwargs["slug"], scan=kwargs["model_id"])
        raw = json.dumps(document).encode()
        body = write_body(io.BytesIO(raw))
        metadata = document["metadata"]
        kwargs.setdefault("prompt", metadata.get("prompt", ""))
        kwargs.setdefault("prompt_tokens", metadata.get("prompt_tokens", []))
        kwargs.setdefault("generator", metadata.get("info", {}).get("generator", {}))
        return super()._create(
            model_class,
            *args,
            node_count=len(document["nodes"]),
            link_count=len(document["links"]),
            byte_size=body.byte_size,
            stored_size=body.stored_size,
            body_key=body.key,
            body_sha256=body.sha256,
            **kwargs,
        )


class CollaboratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaborator

    graph = factory.SubFactory(GraphFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class SubgraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subgraph

    graph = factory.SubFactory(GraphFactory)
    author = factory.LazyAttribute(lambda s: s.graph.owner)
    display_name = factory.Sequence(lambda n: f"Subgraph {n}")
    pinned_ids = factory.LazyFunction(list)
    supernodes = factory.LazyFunction(list)
    clerps = factory.LazyFunction(list)
