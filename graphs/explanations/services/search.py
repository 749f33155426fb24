"""Searching explanation texts.

PostgreSQL: full-text search with the `simple` configuration (no stemming and no stop words:
labels are short and often a single token such as "the" or "8"), every word matched as a prefix
("Aust" finds "Austin"), on a GIN expression index (migration 0002); results ranked by ts_rank,
shorter texts first among equals. Elsewhere (SQLite): every word as a case-insensitive substring,
shorter texts first. Both answer the same question: explanations containing all the words.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from graphs.errors import InvalidInput
from graphs.explanations.models import Explanation

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
# Must be the very expression of the index in migrations/0002, or PostgreSQL will not use it.
TSVECTOR_SQL = "to_tsvector('simple'::regconfig, description)"


def words_of(query: str) -> list[str]:
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput.on_field("q", f"must have at most {MAX_QUERY_LENGTH} characters")
    words = _WORD.findall(query.lower())[:MAX_WORDS]
    if not words:
        raise InvalidInput.on_field("q", "give at least one word or number to search for")
    return words


def search(
    query: str, *, model_id: str | None = None, source_set: str | None = None
) -> QuerySet[Explanation]:
    words = words_of(query)
    rows = Explanation.objects.all()
    if model_id:
        rows = rows.filter(model_id=model_id)
    if source_set:
        rows = rows.filter(source_set=source_set)
    if connection.vendor == "postgresql":
        return _full_text(rows, words)
    for word in words:
        rows = rows.filter(description__icontains=word)
    return rows.annotate(text_length=Length("description")).order_by("text_length", "id")


def _full_text(rows: QuerySet[Explanation], words: list[str]) -> QuerySet[Explanation]:
    tsquery = " & ".join(f"{word}:*" for word in words)  # words are \w+ only: nothing to escape
    matches = RawSQL(
        f"{TSVECTOR_SQL} @@ to_tsquery('simple'::regconfig, %s)",
        (tsquery,),
        output_field=BooleanField(),
    )
    rank = RawSQL(
        f"ts_rank({TSVECTOR_SQL}, to_tsquery('simple'::regconfig, %s))",
        (tsquery,),
        output_field=FloatField(),
    )
    return (
        rows.filter(matches)
        .annotate(search_rank=rank, text_length=Length("description"))
        .order_by(F("search_rank").desc(), "text_length", "id")
    )
