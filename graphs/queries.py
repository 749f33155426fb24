"""Queries behind the browser pages. Who may see what is decided by graphs.permissions only."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from graphs.models import Graph
from graphs.permissions import graphs_of, listed_graphs


def listed_public_graphs() -> QuerySet[Graph]:
    # Only `public` graphs are listed; `unlisted` ones are reachable by their link alone.
    return listed_graphs()


def graphs_shared_with(user: AbstractBaseUser) -> QuerySet[Graph]:
    return graphs_of(user).exclude(owner_id=user.pk)
