"""/graphs/<id>/: metadata, download link and the explorer mount, for those who may see the graph."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("visibility", "persona", "status"),
    [
        ("private", "owner", 200),
        ("private", "collaborator", 200),
        ("private", "outsider", 404),
        ("private", "anonymous", 404),
        ("unlisted", "owner", 200),
        ("unlisted", "outsider", 200),
        ("unlisted", "anonymous", 200),
        ("public", "collaborator", 200),
        ("public", "outsider", 200),
        ("public", "anonymous", 200),
    ],
)
def test_who_may_see_the_graph_page(request, make_graph, as_user, visibility, persona, status):
    graph = make_graph(visibility, title="The capital of Texas")
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = as_user(user).get(f"/graphs/{graph.pk}/")
    assert response.status_code == status
    # A refused private graph answers exactly like an unknown one: nothing of it leaks.
    assert (b"The capital of Texas" in response.content) == (status == 200)


def test_an_unknown_id_is_404(as_user, owner):
    assert as_user(owner).get("/graphs/AAAAAAAAAAAAAAAAAAAAAA/").status_code == 404


def test_it_shows_metadata_download_link_and_explorer_mount(make_graph, as_user, owner):
    graph = make_graph("public", title="Dallas", description="first line\nsecond line")
    content = as_user(None).get(f"/graphs/{graph.pk}/").content.decode()
    assert f'href="/api/graphs/{graph.pk}/data/"' in content
    assert f'data-graph-id="{graph.pk}"' in content and 'id="explorer"' in content
    for text in [
        graph.model_id,
        graph.slug,
        "alice",
        f"{graph.node_count} nodes",
        "first line<br>second line",
    ]:
        assert text in content


def test_user_text_is_escaped(make_graph, as_user):
    graph = make_graph(
        "public",
        title="<script>alert('t')</script>",
        description="<img src=x onerror=alert(1)>",
        generator={"name": "<b>gen</b>", "version": "1", "url": "javascript:alert(1)"},
    )
    content = as_user(None).get(f"/graphs/{graph.pk}/").content.decode()
    assert "<script>alert" not in content and "&lt;script&gt;alert" in content
    assert "<img src=x" not in content and "<b>gen</b>" not in content
    assert "javascript:alert" not in content


def test_a_generator_http_link_is_kept(make_graph, as_user):
    graph = make_graph(
        "public", generator={"name": "circuit-tracer", "url": "https://example.org/ct"}
    )
    assert (
        'href="https://example.org/ct"'
        in as_user(None).get(f"/graphs/{graph.pk}/").content.decode()
    )


def test_the_page_answers_get_only(make_graph, as_user, owner):
    graph = make_graph("public")
    assert as_user(owner).post(f"/graphs/{graph.pk}/").status_code == 405
