"""The traffic mix of the load benchmark: one locust user class, its tasks and their weights.

Each simulated user holds one of the seeded accounts' API tokens (Bearer; several users share an
account when there are more users than accounts), waits THINK_TIME_S between requests, and picks
a task by weight:

| weight | request                                  | what a person is doing              |
|-------:|------------------------------------------|-------------------------------------|
|     30 | GET /api/graphs/{id}/                    | an explorer or client reads metadata |
|     12 | GET /api/graphs/?page_size=25            | browsing the public list (API)       |
|      8 | GET /graphs/public/                      | browsing the public list (page)      |
|      6 | GET /graphs/{id}/                        | opening a graph's page               |
|     12 | GET /api/graphs/{id}/data/ (gzip)        | the explorer streams the graph JSON  |
|     10 | GET /api/graphs/{id}/subgraphs/          | the explorer lists saved views       |
|      5 | POST /api/graphs/{id}/subgraphs/         | saving a new view                    |
|      5 | PUT /api/graphs/{id}/subgraphs/{sid}/    | overwriting one's own view           |
|      1 | POST /api/generations/ (demo model)      | asking for a new graph               |

Graph ids are the three real Neuronpedia graphs. A generation submit answered 429 (a quota, with
Retry-After) is an expected outcome, counted apart (`QUOTA_429`), not an error.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

THINK_TIME_S = (1.0, 3.0)
GENERATION_PROMPTS = (
    "The capital of the state containing Dallas is",
    "The opposite of hot is",
    "23+14=",
    "Michael Jordan plays the sport of",
)

# Filled in by load.py before the users start.
SEED: dict[str, Any] = {}
QUOTA_429: Counter[str] = Counter()
_token_cycle: itertools.cycle | None = None


def configure(seed: dict[str, Any], think_time_s: tuple[float, float] = THINK_TIME_S) -> None:
    global _token_cycle
    MixUser.wait_time = between(*think_time_s)
    SEED.clear()
    SEED.update(seed)
    _token_cycle = itertools.cycle(seed["tokens"])
    QUOTA_429.clear()


class MixUser(FastHttpUser):
    wait_time = between(*THINK_TIME_S)
    # Streaming bodies of ~0.5 MB: allow them; a request slower than this counts as a failure.
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        assert _token_cycle is not None, "load_mix.configure() first"
        self.auth = {"Authorization": f"Bearer {next(_token_cycle)}"}
        self.graphs = SEED["graphs"]
        self.my_subgraph: tuple[str, str, int] | None = None  # (graph id, subgraph id, version)

    def _graph(self) -> dict[str, Any]:
        return random.choice(self.graphs)

    def _view(self, graph: dict[str, Any], name: str) -> dict[str, Any]:
        pinned = random.sample(graph["node_ids"], k=min(4, len(graph["node_ids"])))
        return {
            "display_name": name,
            "pinned_ids": pinned,
            "supernodes": [["group", *pinned[:2]]],
            "clerps": [[pinned[0], "a label"]],
            "pruning_threshold": round(random.uniform(0.5, 0.9), 2),
        }

    @task(30)
    def graph_metadata(self) -> None:
        self.client.get(
            f"/api/graphs/{self._graph()['id']}/", headers=self.auth, name="GET /api/graphs/{id}/"
        )

    @task(12)
    def list_api(self) -> None:
        self.client.get(
            "/api/graphs/?page_size=25", headers=self.auth, name="GET /api/graphs/ (list)"
        )

    @task(8)
    def list_page(self) -> None:
        self.client.get("/graphs/public/", name="GET /graphs/public/ (page)")

    @task(6)
    def graph_page(self) -> None:
        self.client.get(f"/graphs/{self._graph()['id']}/", name="GET /graphs/{id}/ (page)")

    @task(12)
    def graph_body(self) -> None:
        graph = self._graph()
        with self.client.get(
            f"/api/graphs/{graph['id']}/data/",
            headers={**self.auth, "Accept-Encoding": "gzip"},
            name="GET /api/graphs/{id}/data/",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and len(response.content) != graph["byte_size"]:
                response.failure(
                    f"body of {len(response.content)} bytes, expected {graph['byte_size']}"
                )

    @task(10)
    def list_subgraphs(self) -> None:
        self.client.get(
            f"/api/graphs/{self._graph()['id']}/subgraphs/",
            headers=self.auth,
            name="GET /api/graphs/{id}/subgraphs/",
        )

    @task(5)
    def save_subgraph(self) -> None:
        graph = self._graph()
        response = self.client.post(
            f"/api/graphs/{graph['id']}/subgraphs/",
            json=self._view(graph, "load view"),
            headers=self.auth,
            name="POST /api/graphs/{id}/subgraphs/",
        )
        if response.status_code == 201:
            body = response.json()
            self.my_subgraph = (graph["id"], body["id"], body["version"])

    @task(5)
    def overwrite_subgraph(self) -> None:
        if self.my_subgraph is None:
            self.save_subgraph()
            return
        graph_id, subgraph_id, version = self.my_subgraph
        graph = next(g for g in self.graphs if g["id"] == graph_id)
        response = self.client.put(
            f"/api/graphs/{graph_id}/subgraphs/{subgraph_id}/",
            json={**self._view(graph, "load view (edited)"), "version": version},
            headers=self.auth,
            name="PUT /api/graphs/{id}/subgraphs/{sid}/",
        )
        if response.status_code == 200:
            self.my_subgraph = (graph_id, subgraph_id, response.json()["version"])

    @task(1)
    def submit_generation(self) -> None:
        with self.client.post(
            "/api/generations/",
            json={
                "model": "demo",
                "prompt": random.choice(GENERATION_PROMPTS),
                "fresh": True,
                "max_feature_nodes": 100,
            },
            headers=self.auth,
            name="POST /api/generations/",
            catch_response=True,
        ) as response:
            if response.status_code == 429 and response.headers.get("Retry-After"):
                QUOTA_429["POST /api/generations/"] += 1
                response.success()
