"""Concurrent saves of one subgraph, as real concurrent PostgreSQL transactions: one wins, the
other gets a 409 naming who saved last; nothing is silently overwritten, also when the losing tab
reloads its page and saves again (the browser side of that path: tests/browser/test_collab_flows.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from graphs.models import Subgraph
from graphs.node_index import _streamed_ids
from graphs.services import StaleVersion, update_subgraph
from tests.factories import GraphFactory, SubgraphFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target, results: list, index: int):
    def run():
        try:
            results[index] = target()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()  # each thread had its own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_save_waiting_on_an_uncommitted_one_gets_409_not_a_lost_update(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    author = UserFactory(username="ana")
    graph = GraphFactory(owner=author, visibility="private")
    sub = SubgraphFactory(graph=graph, author=author, display_name="v1")
    first_updated = threading.Event()
    results: list = [None, None]

    def first():
        with transaction.atomic():
            update_subgraph(Subgraph.objects.get(pk=sub.pk), author, {"display_name": "tab A"}, 1)
            first_updated.set()
            # Hold the row lock while the second save runs: it must wait, then see version 2.
            threading.Event().wait(0.5)
        return "committed"

    def second():
        first_updated.wait(5)
        return update_subgraph(
            Subgraph.objects.get(pk=sub.pk), author, {"display_name": "tab B"}, 1
        )

    threads = [in_thread(first, results, 0), in_thread(second, results, 1)]
    for t in threads:
        t.join(10)
    assert results[0] == "committed"
    assert isinstance(results[1], StaleVersion), results[1]
    assert "ana saved this subgraph last" in results[1].message
    sub.refresh_from_db()
    assert (sub.display_name, sub.version) == ("tab A", 2)


def test_many_simultaneous_puts_give_one_200_and_409s_naming_the_last_saver(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    author = UserFactory(username="bo")
    graph = GraphFactory(owner=author, visibility="private")
    sub = SubgraphFactory(graph=graph, author=author, display_name="start")
    n = 6
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def save(k: int):
        def run():
            client = APIClient()
            client.force_authenticate(author)
            barrier.wait(5)
            response = client.put(
                f"/api/graphs/{graph.id}/subgraphs/{sub.id}/",
                {"display_name": f"tab {k}", "version": 1},
                format="json",
            )
            return response.status_code, response.json()

        return run

    threads = [in_thread(save(k), results, k) for k in range(n)]
    for t in threads:
        t.join(20)
    codes = sorted(code for code, _ in results)
    assert codes == [200] + [409] * (n - 1), results
    winner = next(body for code, body in results if code == 200)
    sub.refresh_from_db()
    assert sub.display_name == winner["display_name"] and sub.version == 2
    for code, body in results:
        if code == 409:
            assert body["detail"].startswith("bo saved this subgraph last")
            assert body["saved_by"] == "bo" and body["current_version"] == 2


def test_the_reload_path_a_stale_tab_is_refused_until_it_builds_on_the_current_version(
    settings, tmp_path
):
    """Two tabs of one author edit version 1. Tab B saves while tab A saves from another thread;
    tab A loses, "reloads" the page (its state, and the version it is based on, come back from the
    address) and saves again: still refused, because it still names version 1. Only a save based
    on the current version, with tab B's node in it (Reload, then re-apply), goes through; tab B's
    work is never overwritten."""
    settings.MEDIA_ROOT = str(tmp_path)
    author = UserFactory(username="cy")
    graph = GraphFactory(owner=author, visibility="private")
    nodes = sorted(_streamed_ids(graph))
    sub = SubgraphFactory(graph=graph, author=author, display_name="loop", pinned_ids=[nodes[0]])
    url = f"/api/graphs/{graph.id}/subgraphs/{sub.id}/"
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def tab(pins: list[str]):
        def run():
            client = APIClient()
            client.force_authenticate(author)
            barrier.wait(5)
            response = client.put(
                url, {"display_name": "loop", "pinned_ids": pins, "version": 1}, format="json"
            )
            return response.status_code

        return run

    tab_a_pins, tab_b_pins = [nodes[0], nodes[2]], [nodes[0], nodes[1]]
    threads = [in_thread(tab(tab_a_pins), results, 0), in_thread(tab(tab_b_pins), results, 1)]
    for t in threads:
        t.join(20)
    assert sorted(results) == [200, 409], results
    winner = tab_b_pins if results[1] == 200 else tab_a_pins
    loser = tab_a_pins if winner is tab_b_pins else tab_b_pins

    client = APIClient()
    client.force_authenticate(author)
    # The reloaded page: same pins, same base version from its address. Refused again.
    again = client.put(
        url, {"display_name": "loop", "pinned_ids": loser, "version": 1}, format="json"
    )
    assert again.status_code == 409 and again.json()["current_version"] == 2
    # "Reload": the current version; re-applying the tab's own pins onto it keeps both.
    current = client.get(url).json()
    merged = list(dict.fromkeys(current["pinned_ids"] + loser))
    saved = client.put(
        url,
        {"display_name": "loop", "pinned_ids": merged, "version": current["version"]},
        format="json",
    )
    assert saved.status_code == 200 and saved.json()["version"] == 3
    sub.refresh_from_db()
    assert set(sub.pinned_ids) == set(winner) | set(loser)
