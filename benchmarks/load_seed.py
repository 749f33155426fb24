"""Seed the load benchmark's fresh database; run by benchmarks/load.py as a subprocess with the
server's production environment (it needs Django, which the gevent-patched load generator must not
import):

    python -m benchmarks.load_seed --accounts 20 --filler-graphs 60 --subgraphs 40

Migrates, collects static files, creates accounts with API tokens through
`manage.py create_api_token`, stores the three real Neuronpedia graphs as public graphs through the
upload service (the code path of POST /api/graphs/ after the HTTP layer, so the upload rate limit
plays no part), adds small synthetic public graphs so list pages are full, shares some graphs with
collaborators and saves subgraphs. Prints one JSON object on stdout: tokens, graph ids, node ids.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
from pathlib import Path
from typing import Any

# `../shared` beside the checkout; a worktree elsewhere names it in CIRCUITSCOPE_SHARED_DIR.
SHARED_DIR = Path(
    os.environ.get("CIRCUITSCOPE_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared"
)
FIXTURES = SHARED_DIR / "fixtures" / "neuronpedia-graphs"
ACCOUNT_PREFIX = "load-"
PINNED_PER_GRAPH = 12


def _seed(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from graphs.body_facts import graph_node_ids
    from graphs.collab.models import Role
    from graphs.collab.services import set_collaborator
    from graphs.models import Graph, Visibility
    from graphs.services import create_graph_from_upload, save_subgraph
    from graphs.testing import build_graph_document

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    tokens = []
    for i in range(args.accounts):
        out = io.StringIO()
        call_command(
            "create_api_token",
            f"{ACCOUNT_PREFIX}{i:03d}",
            "--create-user",
            "--name",
            "load benchmark",
            stdout=out,
        )
        tokens.append(out.getvalue().strip())
    users = list(get_user_model().objects.filter(username__startswith=ACCOUNT_PREFIX))
    rng = random.Random(0)

    for i in range(args.filler_graphs):
        document = build_graph_document(slug=f"filler-{i}", seed=i)
        graph = create_graph_from_upload(
            users[i % len(users)],
            io.BytesIO(json.dumps(document).encode()),
            visibility=Visibility.PUBLIC,
        )
        # Collaborators on filler graphs: list pages must not pay per collaborator.
        for other in rng.sample(users, k=min(3, len(users))):
            if other.pk != graph.owner_id:
                set_collaborator(graph, graph.owner, other, Role.VIEWER)

    real = []
    fixtures = sorted(FIXTURES.glob("*.json"))
    if len(fixtures) != 3:
        raise SystemExit(f"expected the three real graphs in {FIXTURES}, found {len(fixtures)}")
    for path in fixtures:
        with path.open("rb") as fh:
            graph = create_graph_from_upload(users[0], fh, visibility=Visibility.PUBLIC)
        node_ids = sorted(graph_node_ids(graph))
        real.append(
            {
                "id": graph.id,
                "slug": graph.slug,
                "byte_size": graph.byte_size,
                "node_ids": rng.sample(node_ids, k=min(PINNED_PER_GRAPH, len(node_ids))),
            }
        )
    for i in range(args.subgraphs):
        graph_info = real[i % len(real)]
        graph = Graph.objects.get(pk=graph_info["id"])
        pinned = graph_info["node_ids"][: 2 + i % 6]
        save_subgraph(
            graph,
            users[i % len(users)],
            {"display_name": f"seed view {i}", "pinned_ids": pinned, "clerps": [[pinned[0], "x"]]},
        )
    return {"tokens": tokens, "graphs": real}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--filler-graphs", type=int, default=60)
    parser.add_argument("--subgraphs", type=int, default=40)
    args = parser.parse_args()
    import django

    django.setup()
    print(json.dumps(_seed(args)))


if __name__ == "__main__":
    main()
