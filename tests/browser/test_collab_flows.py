"""Collaboration flows as people use them, in separate browser contexts over the ASGI server
(HTTP and the graph's websocket):

- a stale tab keeps the version it edits through a page reload, is refused again, and "Reload"
  brings the server's version while its own changes stay listed to re-apply: nothing is lost;
- loading another subgraph over unsaved changes asks first;
- featuring one's own subgraph; saving someone else's as "my copy" under a name of its own;
- losing access while the page is open: a banner, saving off, the unsaved view downloadable, and
  the page comes back when access does;
- role, visibility, featuring and title changes reach other open pages live;
- editors edit the title and description; authors rename and delete their subgraphs;
- the Share dialog fits the window, Copy says it copied, times read as the header's, and
  anonymous visitors are not offered a "Mine" list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from graphs.collab.models import Collaborator, Role
from graphs.collab.services import remove_collaborator, set_collaborator
from graphs.models import Graph, Subgraph
from graphs.services import update_graph
from tests.factories import GraphFactory, SubgraphFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$")


def features_of(graph: dict, n: int) -> list[str]:
    feats = [x for x in graph["nodes"] if x["feature_type"] == "cross layer transcoder"]
    feats.sort(key=lambda x: x["influence"])
    return [x["node_id"] for x in feats[:n]]


def ctrl_click(page, node_id: str) -> None:
    p = page.evaluate(f"window.__explorer.clientPoint({node_id!r})")
    page.keyboard.down("Control")
    page.mouse.click(p["x"], p["y"])
    page.keyboard.up("Control")


@pytest.fixture
def people(browser, asgi_server):
    """`open(user, path, dialogs=...)`: a page of its own browser context, signed in as `user`
    (None: anonymous), that answers dialogs as told (a list of answers, in order: True accepts,
    False dismisses, a string accepts a prompt with it) and waits for the explorer."""
    contexts = []

    def open_(user, path: str, *, dialogs=(), wait=True, clipboard=False):
        ctx = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        contexts.append(ctx)
        if clipboard:
            ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=asgi_server)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"].value
            ctx.add_cookies([{"name": "sessionid", "value": cookie, "url": asgi_server}])
        page = ctx.new_page()
        page.errors, page.dialogs, answers = [], [], list(dialogs)

        def answer(dialog):
            page.dialogs.append(dialog.message)
            reply = answers.pop(0) if answers else False
            if reply is False:
                dialog.dismiss()
            else:
                dialog.accept(reply if isinstance(reply, str) else None)

        page.on("dialog", answer)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(asgi_server + path)
        if wait:
            page.wait_for_function("window.__explorer && window.__explorer.ready", timeout=20000)
            page.wait_for_selector("#ex-saved[data-loaded='true']")
        return page

    yield open_
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def cast(db):
    return {
        "owner": UserFactory(username="alice"),
        "editor": UserFactory(username="bob"),
        "viewer": UserFactory(username="carol"),
    }


@pytest.fixture
def graph(cast, real_graph) -> Graph:
    graph = GraphFactory(
        owner=cast["owner"],
        document=real_graph,
        slug=real_graph["metadata"]["slug"],
        model_id=real_graph["metadata"]["scan"],
        visibility="private",
    )
    Collaborator.objects.create(graph=graph, user=cast["editor"], role=Role.EDITOR)
    Collaborator.objects.create(graph=graph, user=cast["viewer"], role=Role.VIEWER)
    return graph


def path(graph, query: str = "") -> str:
    return f"/graphs/{graph.pk}/{query}"


def live(page) -> None:
    page.wait_for_selector("#cs-activity[data-live='true']", timeout=10000)


def test_a_stale_tab_is_refused_after_a_reload_and_reload_keeps_its_changes(
    people, graph, cast, real_graph, shot
):
    a, b, c = features_of(real_graph, 3)
    sub = SubgraphFactory(graph=graph, author=cast["editor"], display_name="loop", pinned_ids=[a])
    tab_a = people(cast["editor"], path(graph, f"?subgraph={sub.pk}"))
    tab_b = people(cast["editor"], path(graph, f"?subgraph={sub.pk}"))
    for tab, node in ((tab_a, c), (tab_b, b)):
        tab.wait_for_function("window.__explorer.pinned().length === 1")
        ctrl_click(tab, node)
    tab_b.click("#ex-saved .ex-save")
    tab_b.wait_for_selector("#ex-saved .ex-msg:has-text('version 2')")
    tab_a.click("#ex-saved .ex-save")
    conflict = tab_a.locator("#ex-saved .ex-conflict")
    conflict.wait_for()
    text = conflict.text_content()
    assert "bob saved this subgraph last" in text and "(version 2)." in text
    assert "Reload it" not in text  # the old run-on sentence
    assert tab_a.locator("#ex-saved .ex-reload").text_content() == "Reload version 2"
    # The version edited travels in the address with the view.
    assert "version=1" in tab_a.url and c in tab_a.url

    # A reload of the page keeps the edits and their base version: still refused.
    tab_a.reload()
    tab_a.wait_for_function("window.__explorer && window.__explorer.ready", timeout=20000)
    assert sorted(tab_a.evaluate("window.__explorer.pinned()")) == sorted([a, c])
    assert tab_a.evaluate("window.__explorer.subgraphVersion()") == 1
    tab_a.click("#ex-saved .ex-save")
    tab_a.locator("#ex-saved .ex-conflict").wait_for()
    sub.refresh_from_db()
    assert (sorted(sub.pinned_ids), sub.version) == (sorted([a, b]), 2)

    # "Reload": the server's version, with this tab's changes listed aside.
    tab_a.click("#ex-saved .ex-reload")
    tab_a.locator("#ex-saved .ex-pending").wait_for()
    assert sorted(tab_a.evaluate("window.__explorer.pinned()")) == sorted([a, b])
    label_c = tab_a.evaluate(f"window.__explorer.label({c!r})")
    assert label_c in tab_a.locator("#ex-saved .ex-pending").text_content()
    shot(tab_a, "collab-reload-keeps-changes")
    tab_a.click("#ex-saved .ex-reapply")
    assert sorted(tab_a.evaluate("window.__explorer.pinned()")) == sorted([a, b, c])
    tab_a.click("#ex-saved .ex-save")
    tab_a.wait_for_selector("#ex-saved .ex-msg:has-text('version 3')")
    sub.refresh_from_db()
    assert (sorted(sub.pinned_ids), sub.version) == (sorted([a, b, c]), 3)
    assert "version=3" in tab_a.url
    assert tab_a.errors == [] and tab_b.errors == []


def test_loading_another_subgraph_over_unsaved_pins_asks_first(people, graph, cast, real_graph):
    a, b = features_of(real_graph, 2)
    SubgraphFactory(graph=graph, author=cast["owner"], display_name="other", pinned_ids=[a])
    page = people(cast["editor"], path(graph), dialogs=[False, True])
    ctrl_click(page, b)
    page.click("#ex-saved .ex-all .ex-load")
    assert len(page.dialogs) == 1 and "unsaved changes" in page.dialogs[0]
    assert page.evaluate("window.__explorer.pinned()") == [b]  # declined: nothing lost
    page.click("#ex-saved .ex-all .ex-load")
    page.wait_for_function(f"window.__explorer.pinned().join() === {a!r}")
    # Nothing unsaved now: loading again asks nothing.
    page.click("#ex-saved .ex-all .ex-load")
    page.wait_for_selector("#ex-saved .ex-msg:has-text('Loaded')")
    assert len(page.dialogs) == 2


@pytest.mark.parametrize("persona", ["owner", "editor"])
def test_featuring_ones_own_subgraph_from_the_list(people, graph, cast, persona):
    own = SubgraphFactory(graph=graph, author=cast[persona], display_name="mine")
    page = people(cast[persona], path(graph))
    page.locator(f"#ex-saved .ex-all li[data-subgraph-id='{own.pk}'] .ex-feature").click()
    page.wait_for_selector(f"#ex-saved .ex-featured li[data-subgraph-id='{own.pk}']")
    own.refresh_from_db()
    assert own.featured and own.version == 1
    assert "version required" not in page.locator("#ex-saved").text_content()


def test_editing_someone_elses_subgraph_saves_a_copy_with_its_own_name(
    people, graph, cast, real_graph
):
    a, b = features_of(real_graph, 2)
    theirs = SubgraphFactory(
        graph=graph, author=cast["editor"], display_name="loop", pinned_ids=[a]
    )
    page = people(cast["owner"], path(graph, f"?subgraph={theirs.pk}"))
    page.wait_for_function("window.__explorer.pinned().length === 1")
    save = page.locator("#ex-saved .ex-save")
    assert save.text_content() == "Save as my copy"
    assert "bob's subgraph stays as it is" in save.get_attribute("title")
    ctrl_click(page, b)
    save.click()
    page.wait_for_selector("#ex-saved .ex-msg:has-text('your copy')")
    copy = Subgraph.objects.get(graph=graph, author=cast["owner"])
    assert copy.display_name == "loop (alice's copy)"
    assert copy.pinned_ids == [a, b]
    theirs.refresh_from_db()
    assert theirs.pinned_ids == [a] and theirs.version == 1
    rows = page.locator("#ex-saved .ex-all li")
    entries = {rows.nth(i).locator(".ex-load").text_content(): rows.nth(i) for i in range(2)}
    assert set(entries) == {"loop", "loop (alice's copy)"}
    assert entries["loop"].locator(".ex-author").text_content() == " by bob"
    assert entries["loop (alice's copy)"].locator(".ex-author").text_content() == " by you"
    assert page.locator("#ex-saved .ex-save").text_content() == "Save"  # now her own


def test_losing_access_shows_a_banner_stops_saving_offers_the_view_and_comes_back(
    people, graph, cast, real_graph, shot
):
    a, b = features_of(real_graph, 2)
    page = people(cast["editor"], path(graph, f"?pinnedIds={a},{b}"))
    live(page)
    page.fill("#ex-saved .ex-save-name", "unsaved work")
    remove_collaborator(graph, cast["owner"], cast["editor"])
    banner = page.locator(".cs-access-lost")
    banner.wait_for(timeout=5000)
    assert "no longer have access" in banner.text_content()
    box = banner.bounding_box()
    assert box["y"] < 60  # at the top of the window, not in the activity list below
    assert page.locator("#ex-saved .ex-save").is_disabled()
    shot(page, "collab-access-lost")
    with page.expect_download() as download:
        page.click(".cs-access-download")
    saved = json.loads(Path(download.value.path()).read_text())
    assert saved["graph"] == graph.pk and saved["pinnedIds"] == [a, b]
    assert saved["name"] == "unsaved work" and "pruningThreshold" in saved

    set_collaborator(graph, cast["owner"], cast["editor"], Role.EDITOR)
    banner.wait_for(state="detached", timeout=15000)
    assert page.locator("#ex-saved .ex-save").is_enabled()
    assert page.evaluate("window.__explorer.pinned()") == [a, b]
    page.click("#ex-saved .ex-save")
    page.wait_for_selector("#ex-saved .ex-msg:has-text('Saved')")
    assert Subgraph.objects.get(graph=graph).pinned_ids == [a, b]


def test_role_visibility_featuring_and_title_reach_open_pages_live(people, graph, cast):
    sub = SubgraphFactory(graph=graph, author=cast["editor"], display_name="loop")
    viewer = people(cast["viewer"], path(graph))
    editor = people(cast["editor"], path(graph))
    live(viewer)
    live(editor)
    assert viewer.locator("#ex-saved .ex-feature").count() == 0
    assert viewer.locator("#cs-edit-open").is_hidden()

    set_collaborator(graph, cast["owner"], cast["viewer"], Role.EDITOR)
    viewer.locator("#ex-saved .ex-feature").first.wait_for(timeout=5000)
    viewer.locator("#cs-edit-open").wait_for(state="visible")

    # The promoted viewer features; the editor's page shows it at once.
    viewer.locator(f"#ex-saved .ex-all li[data-subgraph-id='{sub.pk}'] .ex-feature").click()
    editor.wait_for_selector(f"#ex-saved .ex-featured li[data-subgraph-id='{sub.pk}']")
    editor.wait_for_selector("#cs-activity .cs-activity-row[data-verb='subgraph_featured']")

    update_graph(graph, cast["owner"], {"visibility": "unlisted"})
    badge = editor.locator(".cs-visibility-badge")
    editor.wait_for_function(
        "document.querySelector('.cs-visibility-badge').dataset.visibility === 'unlisted'"
    )
    assert badge.text_content() == "Unlisted (anyone with the link)"
    assert "warn" not in badge.get_attribute("class")
    editor.wait_for_selector("#cs-activity .cs-activity-row[data-verb='visibility_changed']")

    # The promoted viewer edits the title and description from the page.
    viewer.click("#cs-edit-open")
    viewer.fill("#cs-edit .cs-edit-title", "Capitals, two hops")
    viewer.fill("#cs-edit .cs-edit-description", "Texas -> Austin")
    viewer.click("#cs-edit .cs-edit-save")
    editor.wait_for_function(
        "document.querySelector('.cs-graph-title').textContent === 'Capitals, two hops'"
    )
    assert editor.locator(".cs-graph-description").text_content() == "Texas -> Austin"
    graph.refresh_from_db()
    assert (graph.title, graph.description) == ("Capitals, two hops", "Texas -> Austin")
    assert viewer.errors == [] and editor.errors == []


def test_authors_rename_and_delete_their_subgraphs_and_moderators_hide_others(people, graph, cast):
    own = SubgraphFactory(graph=graph, author=cast["editor"], display_name="draft")
    spam = SubgraphFactory(graph=graph, author=cast["viewer"], display_name="OFFICIAL")
    page = people(cast["editor"], path(graph), dialogs=["final", True])
    row = page.locator(f"#ex-saved .ex-mine li[data-subgraph-id='{own.pk}']")
    row.locator(".ex-rename").click()
    page.wait_for_selector("#ex-saved .ex-mine .ex-load:has-text('final')")
    own.refresh_from_db()
    assert (own.display_name, own.version) == ("final", 2)
    page.locator(f"#ex-saved .ex-mine li[data-subgraph-id='{own.pk}'] .ex-delete").click()
    page.wait_for_selector(f"#ex-saved li[data-subgraph-id='{own.pk}']", state="detached")
    assert not Subgraph.objects.filter(pk=own.pk).exists()
    assert "Delete your subgraph" in page.dialogs[1]
    page.locator(f"#ex-saved .ex-all li[data-subgraph-id='{spam.pk}'] .ex-hide").click()
    page.wait_for_selector(f"#ex-saved li[data-subgraph-id='{spam.pk}'] .ex-hidden-mark")
    spam.refresh_from_db()
    assert spam.hidden


def test_share_dialog_fits_copy_says_so_times_match_and_anonymous_has_no_mine(
    people, graph, cast, shot
):
    set_collaborator(graph, cast["owner"], UserFactory(username="dave"), Role.VIEWER)
    owner = people(cast["owner"], path(graph), clipboard=True)
    owner.click("#cs-share-open")
    owner.wait_for_selector("#cs-share .cs-collaborators li[data-name='dave']")
    shot(owner, "collab-share-dialog-compact")
    dialog = owner.locator("#cs-share").bounding_box()
    assert dialog["height"] <= 600, dialog
    close = owner.locator("#cs-share .cs-share-close").bounding_box()
    assert close["y"] + close["height"] <= 900  # Close in view
    copy = owner.locator("#cs-share .cs-share-link button").first
    copy.click()
    owner.wait_for_function(
        "document.querySelector('#cs-share .cs-share-link button').textContent === 'Copied'"
    )
    assert owner.evaluate("navigator.clipboard.readText()").endswith(f"/graphs/{graph.pk}/")
    owner.click("#cs-share .cs-share-close")
    stamp = owner.locator("#cs-activity time").first
    stamp.wait_for()
    assert UTC_TIME.match(stamp.text_content()), stamp.text_content()

    update_graph(graph, cast["owner"], {"visibility": "public"})
    anonymous = people(None, path(graph))
    headings = anonymous.locator("#ex-saved h4").all_text_contents()
    assert not any(h.startswith("Mine") for h in headings), headings
    assert "Sign in to save subgraphs." in anonymous.locator("#ex-saved").text_content()
