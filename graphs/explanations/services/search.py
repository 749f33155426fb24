"""Searching explanation texts.

PostgreSQL: full-text search with the `simple` configuration (no stemming and no stop words:
labels are short and often a single token such as "the" or "8"), every word matched as a prefix
("Aust" finds "Austin"), on the GIN-indexed `search_vector` column (migration 0002); results
ranked by ts_rank, shorter texts first among equals. Elsewhere (SQLite): every word as a
case-insensitive substring, shorter texts first. Both answer the same question: explanations
containing all the words.

A query matching more than MAX_MATCHES rows ranks only the first MAX_MATCHES found (and says so):
ranking and counting several hundred thousand matches of a common word would cost seconds, and
nobody pages that far; a second word narrows it.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from graphs.errors import InvalidInput
from graphs.explanations.models import Explanation

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MAX_MATCHES = 1_000
_WORD = re.compile(r"\w+", re.UNICODE)


def words_of(query: str) -> list[str]:
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput.on_field("q", f"must have at most {MAX_QUERY_LENGTH} characters")
    words = _WORD.findall(query.lower())[:MAX_WORDS]
    if not words:
        raise InvalidInput.on_field("q", "give at least one word or number to search for")
    return words


def search_ids(
    query: str, *, model_id: str | None = None, source_set: str | None = None
) -> list[str]:
    """The ids of the matches, best first: at most MAX_MATCHES + 1 (one more than are ever
    shown, so a longer list says the search was capped). One query: the first matches the index
    finds, each with what ranks it; sorted here."""
    words = words_of(query)
    rows = Explanation.objects.order_by()
    if model_id:
        rows = rows.filter(model_id=model_id)
    if source_set:
        rows = rows.filter(source_set=source_set)
    rows = rows.annotate(text_length=Length("description"))
    if connection.vendor != "postgresql":
        for word in words:
            rows = rows.filter(description__icontains=word)
        found = rows.values_list("pk", "text_length")[: MAX_MATCHES + 1]
        return [pk for pk, _ in sorted(found, key=lambda row: (row[1], row[0]))]
    tsquery = " & ".join(f"{word}:*" for word in words)  # \w+ words: nothing to escape
    matched = rows.filter(
        RawSQL(
            "search_vector @@ to_tsquery('simple'::regconfig, %s)",
            (tsquery,),
            output_field=BooleanField(),
        )
    ).annotate(
        search_rank=RawSQL(
            "ts_rank(search_vector, to_tsquery('simple'::regconfig, %s))",
            (tsquery,),
            output_field=FloatField(),
        )
    )
    found = matched.values_list("pk", "search_rank", "text_length")[: MAX_MATCHES + 1]
    return [pk for pk, _, _ in sorted(found, key=lambda row: (-row[1], row[2], row[0]))]


def rows_of(ids: list[str]) -> list[Explanation]:
    """The explanations of `ids` (a page of them), in that order."""
    by_id = Explanation.objects.select_related("author").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def is_capped(count: int) -> bool:
    return count > MAX_MATCHES
