"""Human explanations: a signed-in user writes, edits and deletes their own; nobody else's.

The rules (explanations are public to read, so others' rows are visible but read-only):
- create: any signed-in user, for a feature of a set we know (a registry set, a set with
  dashboards, or one that already has explanations);
- update / delete: the author only (anyone else: NotAllowed, 403); only human rows are editable
  (machine rows are replaced by their method's rerun, never edited by hand).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from graphs.errors import InvalidInput, NotAllowed
from graphs.explanations import conf, methods
from graphs.explanations.models import Explanation
from graphs.explanations.neuronpedia import valid_set_id

_MAX_INDEX = 2**31 - 1


def clean_description(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.on_field("description", "must be a non-empty string")
    text = " ".join(value.split())  # one line: labels sit beside nodes
    limit = int(conf.get("DESCRIPTION_MAX_LENGTH"))
    if len(text) > limit:
        raise InvalidInput.on_field("description", f"must have at most {limit} characters")
    return text


def check_feature(model_id: object, source_set: object, layer: object, index: object) -> None:
    for name, value in (("model", model_id), ("source_set", source_set)):
        if not isinstance(value, str) or not valid_set_id(value):
            raise InvalidInput.on_field(name, "letters, digits, '.', '_' and '-' only (1-100)")
    for name, value in (("layer", layer), ("index", index)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_INDEX:
            raise InvalidInput.on_field(name, "must be a non-negative integer")
    if not known_set(str(model_id), str(source_set)):
        raise InvalidInput.on_field(
            "source_set", f"no transcoder set {model_id}/{source_set} is known here"
        )


def known_set(model_id: str, source_set: str) -> bool:
    from graphs.features.models import Feature
    from graphs.generation.registry import all_entries

    if any(entry.feature_set == (model_id, source_set) for entry in all_entries()):
        return True
    return (
        Explanation.objects.filter(model_id=model_id, source_set=source_set).exists()
        or Feature.objects.filter(model_id=model_id, source_set=source_set).exists()
    )


@transaction.atomic
def create_human(
    author: AbstractBaseUser,
    *,
    model_id: str,
    source_set: str,
    layer: int,
    index: int,
    description: str,
) -> Explanation:
    check_feature(model_id, source_set, layer, index)
    return Explanation.objects.create(
        model_id=model_id,
        source_set=source_set,
        layer=layer,
        index=index,
        description=clean_description(description),
        method=methods.HUMAN,
        author=author,
    )


def _check_author(user: AbstractBaseUser, explanation: Explanation) -> None:
    if explanation.method != methods.HUMAN or explanation.author_id != user.pk:
        raise NotAllowed("only its author may change or delete an explanation")


@transaction.atomic
def update_human(user: AbstractBaseUser, explanation_id: str, description: str) -> Explanation:
    explanation = Explanation.objects.select_for_update().get(pk=explanation_id)
    _check_author(user, explanation)
    explanation.description = clean_description(description)
    explanation.save(update_fields=["description", "updated_at"])
    return explanation


@transaction.atomic
def delete_human(user: AbstractBaseUser, explanation_id: str) -> None:
    explanation = Explanation.objects.select_for_update().get(pk=explanation_id)
    _check_author(user, explanation)
    explanation.delete()
