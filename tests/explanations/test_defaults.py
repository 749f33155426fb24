"""The default explanation: the best-scored LLM one, else the newest; one query for a graph."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from graphs.explanations import methods
from graphs.explanations.models import Explanation
from graphs.explanations.services.defaults import default_for, defaults_at

pytestmark = [pytest.mark.datalayer, pytest.mark.django_db]


def add(description: str, method: str, *, minutes_ago: int, score=None, layer=0, index=0):
    return Explanation.objects.create(
        model_id="demo",
        source_set="demo",
        layer=layer,
        index=index,
        description=description,
        method=method,
        score=score,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_the_best_scored_llm_explanation_wins_over_newer_ones():
    add("low", methods.MAX_ACT_LOGITS, minutes_ago=50, score=0.2)
    add("best", methods.TOKEN_ACT_PAIR, minutes_ago=40, score=0.9)
    add("newest human", methods.HUMAN, minutes_ago=1)
    add("offline", methods.OFFLINE, minutes_ago=2, score=5.0)  # scores count for LLMs only
    assert default_for("demo", "demo", 0, 0).description == "best"


def test_without_a_scored_llm_explanation_the_newest_wins():
    add("old llm", methods.MAX_ACT_LOGITS, minutes_ago=50)
    add("offline", methods.OFFLINE, minutes_ago=30)
    add("human", methods.HUMAN, minutes_ago=5)
    assert default_for("demo", "demo", 0, 0).description == "human"
    assert default_for("demo", "demo", 0, 1) is None


def test_defaults_of_many_features_in_one_query(django_assert_num_queries):
    for index in range(300):
        add(f"old {index}", methods.OFFLINE, minutes_ago=10, index=index, layer=index % 4)
        add(f"new {index}", methods.HUMAN, minutes_ago=1, index=index, layer=index % 4)
    add("scored", methods.MAX_ACT_LOGITS, minutes_ago=99, score=0.5, index=7, layer=3)
    add("other set", methods.HUMAN, minutes_ago=0, index=0, layer=0).__class__.objects.filter(
        description="other set"
    ).update(source_set="demo-clt")
    pairs = [(index % 4, index) for index in range(300)] + [(2, 9999)]
    with django_assert_num_queries(1):
        found = defaults_at("demo", "demo", pairs)
    assert len(found) == 300
    assert found[(3, 7)].description == "scored"
    assert found[(0, 0)].description == "new 0"
    assert all(found[(i % 4, i)].description == f"new {i}" for i in range(300) if i != 7)
