"""Home, "My graphs" and "Public graphs": each lists only what its viewer may see."""

from __future__ import annotations

import pytest

from tests.factories import GraphFactory

pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    page = response.context.get("page")
    graphs = list(page.object_list) if page is not None else list(response.context["recent"])
    return {graph.title for graph in graphs}


@pytest.fixture
def three(make_graph):
    return {v: make_graph(v, title=f"{v} graph") for v in ("private", "unlisted", "public")}


@pytest.mark.parametrize("persona", ["owner", "collaborator", "outsider", "anonymous"])
def test_public_lists_only_public_graphs_to_everyone(request, three, as_user, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    assert titles(as_user(user).get("/graphs/public/")) == {"public graph"}
    assert titles(as_user(user).get("/")) == {"public graph"}


def test_mine_lists_everything_i_own_and_nothing_else(three, as_user, owner, outsider):
    GraphFactory(owner=outsider, visibility="public", title="not mine")
    response = as_user(owner).get("/graphs/mine/")
    assert titles(response) == {"private graph", "unlisted graph", "public graph"}
    assert list(response.context["shared"]) == []


def test_mine_shows_graphs_shared_with_me_apart(three, as_user, collaborator):
    response = as_user(collaborator).get("/graphs/mine/")
    assert titles(response) == set()
    assert {g.title for g in response.context["shared"]} == {
        "private graph",
        "unlisted graph",
        "public graph",
    }


def test_an_outsider_sees_nothing_of_others_in_mine(three, as_user, outsider):
    response = as_user(outsider).get("/graphs/mine/")
    assert titles(response) == set() and list(response.context["shared"]) == []
    assert b"private graph" not in response.content


def test_mine_needs_an_account(as_user):
    response = as_user(None).get("/graphs/mine/")
    assert (
        response.status_code == 302
        and response["Location"] == "/accounts/login/?next=/graphs/mine/"
    )


def test_lists_filter_by_model_and_featured(make_graph, as_user):
    make_graph("public", title="gemma", model_id="gemma-2-2b", featured=True)
    make_graph("public", title="demo", model_id="demo")
    assert titles(as_user(None).get("/graphs/public/?model=gemma-2-2b")) == {"gemma"}
    assert titles(as_user(None).get("/graphs/public/?featured=1")) == {"gemma"}
    home = as_user(None).get("/")
    assert [g.title for g in home.context["featured"]] == ["gemma"]


def test_lists_paginate(make_graph, as_user, owner):
    for i in range(27):
        GraphFactory(owner=owner, visibility="public", title=f"g{i}")
    first = as_user(None).get("/graphs/public/")
    second = as_user(None).get("/graphs/public/?page=2")
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert as_user(None).get("/graphs/public/?page=banana").status_code == 200


def test_titles_are_escaped_in_lists(make_graph, as_user):
    make_graph("public", title="<script>alert(1)</script>")
    content = as_user(None).get("/graphs/public/").content
    assert b"<script>alert(1)" not in content and b"&lt;script&gt;alert(1)" in content
