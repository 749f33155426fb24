"""Human explanations through the API: anyone reads, signed-in users add, only the author edits
or deletes; who may NOT is tested for every write."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from graphs.explanations import methods
from graphs.explanations.models import Explanation
from tests.support.personas import ANONYMOUS_REFUSED

pytestmark = [pytest.mark.datalayer, pytest.mark.django_db]

FEATURE = {"model": "demo", "source_set": "demo", "layer": 1, "index": 439}


@pytest.fixture
def alices(api):
    response = api("owner").post(
        "/api/explanations/", {**FEATURE, "description": "say  Austin\n"}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_signed_in_user_adds_one_and_everyone_reads_it(alices, api):
    assert alices["description"] == "say Austin" and alices["method"] == methods.HUMAN
    assert alices["author"] == "alice" and len(alices["id"]) == 22
    listed = APIClient().get("/api/explanations/", FEATURE).json()
    assert [e["id"] for e in listed["results"]] == [alices["id"]]
    assert listed["default_id"] == alices["id"]
    assert APIClient().get(f"/api/explanations/{alices['id']}/").json() == alices


def test_anonymous_users_may_not_add(api):
    response = APIClient().post(
        "/api/explanations/", {**FEATURE, "description": "x"}, format="json"
    )
    assert response.status_code in ANONYMOUS_REFUSED
    assert not Explanation.objects.exists()


def test_the_author_edits_and_deletes(alices, api):
    url = f"/api/explanations/{alices['id']}/"
    edited = api("owner").patch(url, {"description": "Austin, Texas"}, format="json")
    assert edited.status_code == 200 and edited.json()["description"] == "Austin, Texas"
    assert api("owner").delete(url).status_code == 204
    assert not Explanation.objects.exists()


@pytest.mark.parametrize("persona", ["editor", "viewer", "outsider", "staff"])
def test_nobody_else_may_edit_or_delete(alices, api, persona):
    url = f"/api/explanations/{alices['id']}/"
    assert api(persona).patch(url, {"description": "vandal"}, format="json").status_code == 403
    assert api(persona).delete(url).status_code == 403
    assert Explanation.objects.get().description == "say Austin"


def test_anonymous_users_may_not_edit_or_delete(alices):
    url = f"/api/explanations/{alices['id']}/"
    assert (
        APIClient().patch(url, {"description": "x"}, format="json").status_code in ANONYMOUS_REFUSED
    )
    assert APIClient().delete(url).status_code in ANONYMOUS_REFUSED
    assert Explanation.objects.get().description == "say Austin"


def test_machine_explanations_are_nobodys_to_edit(api):
    row = Explanation.objects.create(
        model_id="demo",
        source_set="demo",
        layer=0,
        index=0,
        description="x",
        method=methods.OFFLINE,
    )
    assert (
        api("owner").patch(f"/api/explanations/{row.pk}/", {"description": "y"}).status_code == 403
    )
    assert api("staff").delete(f"/api/explanations/{row.pk}/").status_code == 403


def test_unknown_ids_answer_404(api):
    assert api("owner").patch("/api/explanations/nope/", {"description": "y"}).status_code == 404
    assert APIClient().get("/api/explanations/nope/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 1001}, "description"),
        ({"layer": -1}, "layer"),
        ({"index": "7"}, "index"),
        ({"model": "../etc"}, "model"),
        ({"source_set": "no-such-set"}, "source_set"),
    ],
)
def test_bad_input_is_refused_naming_the_field(api, change, field):
    response = api("owner").post(
        "/api/explanations/", {**FEATURE, "description": "ok", **change}, format="json"
    )
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Explanation.objects.exists()


def test_listing_needs_the_whole_feature():
    response = APIClient().get("/api/explanations/", {"model": "demo", "source_set": "demo"})
    assert response.status_code == 400 and "layer" in response.json()


def test_the_feature_page_adds_and_deletes_for_signed_in_users_only(client, cast):
    url = "/features/demo/demo/1/439/"
    anonymous = client.post(url, {"description": "sneaky"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not Explanation.objects.exists()
    client.force_login(cast.owner)
    client.post(url, {"description": "say Austin"})
    row = Explanation.objects.get()
    assert row.author == cast.owner and b"say Austin" in client.get(url).content
    client.force_login(cast.outsider)
    client.post(url, {"delete": row.pk})
    assert Explanation.objects.filter(pk=row.pk).exists()
    client.force_login(cast.owner)
    client.post(url, {"delete": row.pk})
    assert not Explanation.objects.exists()


def test_the_feature_page_escapes_user_text(client, cast):
    client.force_login(cast.owner)
    client.post("/features/demo/demo/1/439/", {"description": "<script>alert(1)</script>"})
    page = client.get("/features/demo/demo/1/439/").content
    assert b"<script>alert(1)</script>" not in page and b"&lt;script&gt;" in page
