"""Creating graphs: from an uploaded JSON file or from a document generated here.

The body is written to storage first, then the row in one transaction; if the row cannot be
saved the body is deleted, so a failed write leaves nothing behind. (If a caller's outer
transaction rolls back after we return, the body is orphaned: `manage.py sweep_graph_bodies`
removes bodies that no row points to.)
"""

from __future__ import annotations

import json
import tempfile
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from graphs.errors import GraphRejected
from graphs.models import Graph, Source, Visibility
from graphs.storage import delete_body, write_body
from graphs.validation import Problem, ValidationReport, validate_graph_file

SLUG_MAX = 200
TITLE_MAX = 200
# The fields of metadata.info.generator the row keeps (the schema bounds each); other keys stay
# in the body only, so no upload makes every list or page of the graph carry them.
GENERATOR_FIELDS = ("name", "version", "url", "email")


def check_slug(slug: str) -> str:
    try:
        validate_slug(slug)
    except ValidationError:
        raise GraphRejected(
            "invalid slug",
            [
                Problem(
                    "slug",
                    f"{slug!r} is not a valid slug: use only letters, digits, '-' and '_' "
                    "(no '/', spaces or dots)",
                )
            ],
        ) from None
    if len(slug) > SLUG_MAX:
        raise GraphRejected(
            "invalid slug", [Problem("slug", f"must be at most {SLUG_MAX} characters")]
        )
    return slug


def check_visibility(visibility: str) -> str:
    if visibility not in Visibility.values:
        raise GraphRejected(
            "invalid visibility",
            [
                Problem(
                    "visibility", f"{visibility!r} is not one of: {', '.join(Visibility.values)}"
                )
            ],
        )
    return visibility


def _derived_slug(owner: AbstractBaseUser, model_id: str, wanted: str) -> str:
    """A free slug based on the graph's own metadata.slug (made slug-safe)."""
    base = slugify(wanted)[: SLUG_MAX - 8] or "graph"
    taken = set(
        Graph.objects.filter(owner=owner, model_id=model_id, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _db_safe(value: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold NUL characters; the columns get U+FFFD instead (the
    stored body keeps the exact JSON)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_db_safe(item) for item in value]
    if isinstance(value, dict):
        return {_db_safe(key): _db_safe(item) for key, item in value.items()}
    return value


def _default_title(metadata: dict[str, Any], slug: str) -> str:
    prompt = str(metadata.get("prompt") or "").replace("<bos>", "").strip()
    return (prompt or slug)[:TITLE_MAX]


def create_graph_from_upload(
    owner: AbstractBaseUser,
    json_file: IO[bytes],
    *,
    slug: str | None = None,
    title: str | None = None,
    description: str | None = None,
    visibility: str = Visibility.PRIVATE,
    source: str = Source.UPLOADED,
    report: ValidationReport | None = None,
) -> Graph:
    """Validate the JSON in `json_file` (seekable), store it, and create its row.
    Raises GraphRejected with every problem found; a rejected graph is never stored."""
    check_visibility(visibility)
    if slug is not None:
        check_slug(slug)
    if title is not None and not (0 < len(title) <= TITLE_MAX):
        raise GraphRejected(
            "invalid title", [Problem("title", f"must have 1 to {TITLE_MAX} characters")]
        )
    if report is None:
        json_file.seek(0)
        report = validate_graph_file(json_file)
    if not report.ok:
        raise GraphRejected(
            f"the graph has {len(report.problems) + report.omitted} problem(s)",
            report.problems,
            more_problems=report.omitted,
            suggestions=report.suggestions,
        )
    metadata = _db_safe(report.metadata or {})
    model_id = str(metadata["scan"])
    if (
        slug is not None
        and Graph.objects.filter(owner=owner, model_id=model_id, slug=slug).exists()
    ):
        raise GraphRejected(
            "slug already used",
            [Problem("slug", f"you already have a {model_id} graph with slug {slug!r}")],
        )
    final_slug = (
        slug if slug is not None else _derived_slug(owner, model_id, str(metadata.get("slug", "")))
    )
    info = metadata.get("info") if isinstance(metadata.get("info"), dict) else {}
    given = info.get("generator") if isinstance(info.get("generator"), dict) else {}
    generator = {key: given[key] for key in GENERATOR_FIELDS if isinstance(given.get(key), str)}

    json_file.seek(0)
    body = write_body(json_file)
    try:
        with transaction.atomic():
            return Graph.objects.create(
                owner=owner,
                slug=final_slug,
                model_id=model_id,
                prompt=str(metadata.get("prompt", "")),
                prompt_tokens=list(metadata.get("prompt_tokens", [])),
                title=title or _default_title(metadata, final_slug),
                description=description
                if description is not None
                else str(info.get("description", "")),
                visibility=visibility,
                source=source,
                node_count=report.node_count,
                link_count=report.link_count,
                byte_size=body.byte_size,
                stored_size=body.stored_size,
                generator=generator,
                body_key=body.key,
                body_sha256=body.sha256,
            )
    except IntegrityError:
        delete_body(body.key)
        # Two uploads raced for the same slug; the loser gets the same answer as above.
        raise GraphRejected(
            "slug already used", [Problem("slug", f"{final_slug!r} was just taken; try again")]
        ) from None
    except BaseException:
        delete_body(body.key)
        raise


def create_graph_from_document(
    owner: AbstractBaseUser, document: dict[str, Any], **options: Any
) -> Graph:
    """Store a graph built in memory (e.g. by the generation worker); same checks as an upload."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        # allow_nan=False: a NaN in a generated graph must fail here, not produce invalid JSON.
        try:
            encoded = json.dumps(document, allow_nan=False, separators=(",", ":")).encode()
        except ValueError:
            raise GraphRejected(
                "the graph has non-finite numbers",
                [Problem("(document)", "contains NaN or infinity; every number must be finite")],
            ) from None
        spool.write(encoded)
        del encoded
        spool.seek(0)
        options.setdefault("source", Source.GENERATED)
        return create_graph_from_upload(owner, spool, **options)
