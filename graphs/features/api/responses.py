"""Response shapes shared by the public-set and uploaded-feature views."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework import status
from rest_framework.response import Response

from graphs.features.models import Feature
from graphs.features.requests import BadFeatureRequest


def bad_request(exc: BadFeatureRequest) -> Response:
    return Response(
        {"detail": str(exc), "problems": [p.as_dict() for p in exc.problems]},
        status=status.HTTP_400_BAD_REQUEST,
    )


def batch_response(rows: Iterable[Feature], pairs: list[tuple[int, int]]) -> Response:
    """`results` in the order asked, `missing` the pairs that have no dashboard (a graph's nodes
    may include features nobody computed a dashboard for; that is not an error)."""
    found = {(f.layer, f.index): f for f in rows}
    return Response(
        {
            "results": [found[p].as_anthropic() for p in pairs if p in found],
            "missing": [list(p) for p in pairs if p not in found],
        }
    )
