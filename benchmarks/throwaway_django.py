"""Django for a benchmark that runs in its own process: a throwaway database and storage folder,
and the synthetic graphs (graphs.testing.build_graph_document) the graph benchmarks store."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def throwaway_django(database_url: str | None, **env: str) -> Iterator[Path]:
    """Django set up and migrated on `database_url`, else on SQLite in a temporary folder that
    also holds the stored bodies; `env` adds settings (e.g. rate limits off). Yields the folder.
    Settings are read from the environment once, so this must come before any other Django use."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["DATABASE_URL"] = database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        os.environ["MEDIA_ROOT"] = str(work / "media")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield work


def add_graph_options(parser: argparse.ArgumentParser) -> None:
    """The synthetic graph's size, and the database to store it in."""
    parser.add_argument("--features", type=int, default=60, help="per layer and position")
    parser.add_argument("--tokens", type=int, default=24)
    parser.add_argument("--layers", type=int, default=16)
    parser.add_argument("--links-per-node", type=int, default=60)
    parser.add_argument("--database-url")


def graph_document(args: argparse.Namespace, slug: str, seed: int = 0) -> dict[str, Any]:
    """A synthetic graph of the size `add_graph_options` read."""
    from graphs.testing import build_graph_document

    return build_graph_document(
        n_layers=args.layers,
        features_per_layer_and_pos=args.features,
        prompt_tokens=[f"t{i}" for i in range(args.tokens)],
        links_per_node=args.links_per_node,
        slug=slug,
        seed=seed,
    )
