"""The default explanation of a feature, one rule used everywhere (the API, graph labels, the
clerps written into graphs): the best-scored LLM explanation, else the newest one of any method.

An explanation counts as "best-scored LLM" only when an LLM method wrote it and it has a score;
unscored ones compete with the rest by age, so a newer human or offline text wins over them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from graphs.explanations import methods
from graphs.explanations.models import Explanation

Pair = tuple[int, int]


def _preference() -> list:
    scored_llm = Case(
        When(Q(method__in=methods.LLM, score__isnull=False), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return [
        scored_llm.desc(),
        F("score").desc(nulls_last=True),
        F("created_at").desc(),
        F("id").desc(),
    ]


def ordered_by_preference(queryset: QuerySet[Explanation]) -> QuerySet[Explanation]:
    """Explanations of one feature, the default first."""
    return queryset.order_by(*_preference())


def at_pairs(model_id: str, source_set: str, pairs: Iterable[Pair]) -> QuerySet[Explanation]:
    """Every explanation of the set at any of the (layer, index) pairs: one OR term per layer
    (a handful), each an IN list, so the lookup stays on the feature index."""
    by_layer: dict[int, set[int]] = defaultdict(set)
    for layer, index in pairs:
        by_layer[int(layer)].add(int(index))
    base = Explanation.objects.filter(model_id=model_id, source_set=source_set)
    if not by_layer:
        return base.none()
    condition = Q()
    for layer, indices in sorted(by_layer.items()):
        condition |= Q(layer=layer, index__in=sorted(indices))
    return base.filter(condition)


def defaults_at(model_id: str, source_set: str, pairs: Iterable[Pair]) -> dict[Pair, Explanation]:
    """The default explanation of each feature that has one, in one query (a window function
    ranks each feature's explanations by `_preference`)."""
    ranked = at_pairs(model_id, source_set, pairs).annotate(
        preference_rank=Window(
            RowNumber(), partition_by=[F("layer"), F("index")], order_by=_preference()
        )
    )
    return {(e.layer, e.index): e for e in ranked.filter(preference_rank=1)}


def default_for(model_id: str, source_set: str, layer: int, index: int) -> Explanation | None:
    return ordered_by_preference(
        Explanation.objects.filter(
            model_id=model_id, source_set=source_set, layer=layer, index=index
        )
    ).first()
