"""Every HTTP endpoint of the site with its permission rule: the table behind the matrix tests.

The table is keyed by route, written as in the URLconf with regex groups shortened to `<name>`
and DRF's format-suffix twins folded into their base route (they reach the same view). The
completeness test walks `get_resolver()` and fails on any route missing here, so a new endpoint
cannot ship without a rule. Methods a route does not list must be refused (405 to a signed-in
user); that is tested too.

A rule says who may use the endpoint, independently of graphs/permissions.py:
- `who`: the personas let through once they can see the graph (owner, editor, viewer, outsider,
  anonymous);
- `graph`: the endpoint concerns one graph, so whoever may not see it gets 404 (and an anonymous
  visitor 404 or the "sign in" answer, whichever check comes first);
- `own`: the object belongs to the owner persona alone (a job, a token): anyone else signed in
  gets 404, never 403, so its id reveals nothing;
- `ok`: the statuses that mean "let through". Where the real action would need a worker process
  (steer, tokenize, generate) the request is deliberately invalid, and 400/409, which only come
  after the permission checks, mean let through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from graphs.collab.models import Collaborator, Role
from graphs.explanations import methods as explanation_methods
from graphs.explanations.models import Explanation
from graphs.features.ids import cantor_pair
from graphs.features.models import Feature, PublicFeatureSet
from graphs.generation.models import GenerationJob
from graphs.models import Graph, Subgraph
from tests.factories import CollaboratorFactory, GraphFactory, SubgraphFactory, UserFactory
from webapp.accounts.tokens import create_token

PERSONAS = ("owner", "editor", "viewer", "outsider", "anonymous")
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
EVERYONE = frozenset(PERSONAS)
MEMBERS = frozenset({"owner", "editor", "viewer"})
EDITORS = frozenset({"owner", "editor"})
OWNER = frozenset({"owner"})
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
METHODS = ("GET", *UNSAFE)
LOGIN = "login"  # a page's answer to an anonymous visitor: 302 to the login page


@dataclass
class World:
    """One graph of the owner's, shared with the editor and the viewer, and what hangs off it."""

    users: dict[str, Any]
    graph: Graph
    subgraph: Subgraph  # authored by the editor
    collaborator: Collaborator  # the viewer's membership
    feature: Feature  # an uploaded dashboard of the graph
    job: GenerationJob  # the owner's
    token_id: str  # the owner's API token


def build_world(users: dict[str, Any], visibility: str) -> World:
    owner = users["owner"]
    graph = GraphFactory(owner=owner, visibility=visibility)
    CollaboratorFactory(graph=graph, user=users["editor"], role=Role.EDITOR)
    viewer = CollaboratorFactory(graph=graph, user=users["viewer"], role=Role.VIEWER)
    subgraph = SubgraphFactory(graph=graph, author=users["editor"], display_name="eddie's view")
    feature = Feature.objects.create(
        model_id=graph.model_id,
        source_set="uploaded",
        layer=0,
        index=1,
        dashboard={"top_logits": []},
        graph=graph,
        owner=owner,
    )
    job = GenerationJob.objects.create(
        owner=owner,
        model_id="demo",
        prompt="the cat",
        slug="the-cat",
        visibility=visibility,
        request_key=f"k-{graph.pk}",
    )
    token, _ = create_token(owner, "matrix")
    return World(users, graph, subgraph, viewer, feature, job, token.pk)


def public_feature() -> Feature:
    """One dashboard of a public feature set (anyone may read those)."""
    PublicFeatureSet.objects.get_or_create(
        model_id="demo", source_set="demo", defaults={"n_features": 1, "digest": "x"}
    )
    return Feature.objects.get_or_create(
        model_id="demo",
        source_set="demo",
        layer=0,
        index=2,
        graph=None,
        defaults={"dashboard": {"top_logits": []}},
    )[0]


def owners_explanation(w: World) -> Explanation:
    """A human explanation written by the owner persona (its author)."""
    owner = w.users["owner"]
    found = Explanation.objects.filter(author=owner).first()
    return found or Explanation.objects.create(
        model_id="demo",
        source_set="demo",
        layer=0,
        index=3,
        description="the owner's",
        method=explanation_methods.HUMAN,
        author=owner,
    )


@dataclass(frozen=True)
class Call:
    path: str
    data: Any = None
    json: bool = True  # send `data` as JSON (else form-encoded)


@dataclass(frozen=True)
class Rule:
    who: frozenset[str]
    ok: tuple[int | str, ...]
    call: Callable[[World], Call]
    graph: bool = False
    own: bool = False
    page: bool = False  # a browser page: anonymous visitors are sent to the login page

    def expected(self, persona: str, visibility: str) -> set[int | str]:
        sees = persona in MEMBERS or visibility != "private"
        anonymous_refused: set[int | str] = {LOGIN} if self.page else {401, 403}
        if self.graph and not sees:
            return {404} | (anonymous_refused if persona == "anonymous" else set())
        if persona in self.who:
            return set(self.ok)
        if persona == "anonymous":
            return anonymous_refused
        return {404} if self.own else {403}


def _g(w: World) -> str:
    return f"/api/graphs/{w.graph.pk}/"


def _sub(w: World) -> str:
    return f"{_g(w)}subgraphs/{w.subgraph.pk}/"


def _collab(w: World) -> str:
    return f"{_g(w)}collaborators/{w.collaborator.pk}/"


def _public_twin(w: World) -> str:
    """A public graph of the world graph's model, someone else's."""
    return GraphFactory(
        owner=w.users["outsider"], model_id=w.graph.model_id, visibility="public"
    ).pk


def _newcomer(w: World) -> Call:
    UserFactory(username="newcomer")
    return Call(f"{_g(w)}collaborators/", {"user": "newcomer", "role": "viewer"})


def _feature_json(w: World) -> str:
    return f"/feature-json/graphs/{w.graph.pk}/{cantor_pair(w.feature.layer, w.feature.index)}.json"


def _public_json(w: World) -> str:
    f = public_feature()
    return f"/feature-json/demo/demo/{cantor_pair(f.layer, f.index)}.json"


def _public_pair(shape=str):
    """The public dashboard's (layer, index), as `layer:index` or as a list."""
    f = public_feature()
    return [f.layer, f.index] if shape is list else f"{f.layer}:{f.index}"


def fixed(path: str, data: Any = None, *, json: bool = True) -> Callable[[World], Call]:
    return lambda w: Call(path, data, json)


def anyone(call, ok=(200,), **kw) -> Rule:
    return Rule(EVERYONE, ok, call, **kw)


def signed_in(call, ok=(200,), **kw) -> Rule:
    return Rule(SIGNED_IN, ok, call, **kw)


def sees_graph(call, ok=(200,), who=EVERYONE, **kw) -> Rule:
    return Rule(who, ok, call, graph=True, **kw)


def staff_only(call, ok=(200,)) -> Rule:
    """None of the personas is staff: every one of them is refused. `ok` is what a staff user
    gets (the CSRF test sends as one)."""
    return Rule(frozenset(), ok, call)


def _explanation(w: World) -> str:
    return f"/api/explanations/{owners_explanation(w).pk}/"


_NEW_EXPLANATION = {
    "model": "demo",
    "source_set": "demo",
    "layer": 0,
    "index": 4,
    "description": "x",
}


INVALID_GRAPH = {"not": "a graph"}

ROUTES: dict[str, dict[str, Rule]] = {
    # --- site and accounts (pages) ---
    "healthz/": {"GET": anyone(fixed("/healthz/"))},
    "favicon.ico": {"GET": anyone(fixed("/favicon.ico"), ok=(301,))},
    "accounts/signup/": {
        # Signed-in users are sent home; an empty form re-renders with its errors.
        "GET": anyone(fixed("/accounts/signup/"), ok=(200, 302)),
        "POST": anyone(fixed("/accounts/signup/", {}, json=False), ok=(200, 302)),
    },
    "accounts/login/": {
        "GET": anyone(fixed("/accounts/login/"), ok=(200, 302)),
        "POST": anyone(
            fixed("/accounts/login/", {"username": "x", "password": "y"}, json=False), ok=(200, 302)
        ),
    },
    "accounts/logout/": {"POST": anyone(fixed("/accounts/logout/", {}, json=False), ok=(302,))},
    "accounts/password/": {
        "GET": signed_in(fixed("/accounts/password/"), page=True),
        "POST": signed_in(fixed("/accounts/password/", {}, json=False), page=True),
    },
    "accounts/password/done/": {"GET": signed_in(fixed("/accounts/password/done/"), page=True)},
    "accounts/tokens/": {
        "GET": signed_in(fixed("/accounts/tokens/"), page=True),
        "POST": signed_in(fixed("/accounts/tokens/", {"name": "ci"}, json=False), page=True),
    },
    "accounts/tokens/<token_id>/revoke/": {
        "POST": Rule(
            OWNER,
            (302,),
            lambda w: Call(f"/accounts/tokens/{w.token_id}/revoke/", {}, False),
            own=True,
            page=True,
        ),
    },
    # --- graph pages ---
    "": {"GET": anyone(fixed("/"))},
    "graphs/mine/": {"GET": signed_in(fixed("/graphs/mine/"), page=True)},
    "graphs/shared/": {"GET": signed_in(fixed("/graphs/shared/"), page=True)},
    "graphs/public/": {"GET": anyone(fixed("/graphs/public/"))},
    "graphs/upload/": {"GET": signed_in(fixed("/graphs/upload/"), page=True)},
    "graphs/<graph_id>/": {"GET": sees_graph(lambda w: Call(f"/graphs/{w.graph.pk}/"), page=True)},
    "graphs/<graph_id>/compare/": {
        "GET": sees_graph(lambda w: Call(f"/graphs/{w.graph.pk}/compare/"), page=True)
    },
    "graphs/<graph_id>/compare/<other_id>/": {
        "GET": sees_graph(
            lambda w: Call(f"/graphs/{w.graph.pk}/compare/{_public_twin(w)}/"), page=True
        )
    },
    "validate/": {"GET": anyone(fixed("/validate/"))},
    "generations/<job_id>/": {
        "GET": Rule(OWNER, (200,), lambda w: Call(f"/generations/{w.job.pk}/"), own=True, page=True)
    },
    "feature-json/graphs/<graph_id>/<feature_id>.json": {
        "GET": sees_graph(lambda w: Call(_feature_json(w)))
    },
    "feature-json/<model_id>/<source_set>/<feature_id>.json": {
        "GET": anyone(lambda w: Call(_public_json(w)))
    },
    # --- API: root, schema, tokens ---
    "api/": {"GET": anyone(fixed("/api/"))},
    "api/schema/": {"GET": anyone(fixed("/api/schema/"))},
    "api/docs/": {"GET": anyone(fixed("/api/docs/"))},
    "api/tokens/": {
        "GET": signed_in(fixed("/api/tokens/")),
        "POST": signed_in(fixed("/api/tokens/", {"name": "ci"}), ok=(201,)),
    },
    "api/tokens/<pk>/": {
        "GET": Rule(OWNER, (200,), lambda w: Call(f"/api/tokens/{w.token_id}/"), own=True),
        "DELETE": Rule(OWNER, (204,), lambda w: Call(f"/api/tokens/{w.token_id}/"), own=True),
    },
    # --- API: validation, models, generation, steering ---
    "api/validate/": {"POST": anyone(fixed("/api/validate/", INVALID_GRAPH))},
    "api/models/": {"GET": anyone(fixed("/api/models/"))},
    "api/models/<model_id>/tokenize/": {
        "POST": signed_in(fixed("/api/models/demo/tokenize/", {}), ok=(400,))
    },
    "api/models/<model_id>/steer/": {
        "POST": signed_in(fixed("/api/models/demo/steer/", {}), ok=(400,))
    },
    "api/generations/": {
        "GET": signed_in(fixed("/api/generations/")),
        "POST": signed_in(fixed("/api/generations/", {"model": "demo"}), ok=(400,)),
    },
    "api/generations/<pk>/": {
        "GET": Rule(OWNER, (200,), lambda w: Call(f"/api/generations/{w.job.pk}/"), own=True),
        "DELETE": Rule(OWNER, (200,), lambda w: Call(f"/api/generations/{w.job.pk}/"), own=True),
    },
    "api/graphs/<pk>/steer/": {
        # The factory's model is not served here: 409 comes after the permission checks.
        "POST": sees_graph(lambda w: Call(f"{_g(w)}steer/", {}), ok=(409,), who=SIGNED_IN)
    },
    # --- API: graphs ---
    "api/graphs/": {
        "GET": anyone(fixed("/api/graphs/")),
        "POST": signed_in(fixed("/api/graphs/", INVALID_GRAPH), ok=(400,)),
    },
    "api/graphs/<pk>/": {
        "GET": sees_graph(lambda w: Call(_g(w))),
        "PATCH": sees_graph(lambda w: Call(_g(w), {"title": "Renamed"}), who=EDITORS),
        "DELETE": sees_graph(lambda w: Call(_g(w)), ok=(204,), who=OWNER),
    },
    "api/graphs/<pk>/data/": {"GET": sees_graph(lambda w: Call(f"{_g(w)}data/"))},
    "api/graphs/<graph_id>/activity/": {"GET": sees_graph(lambda w: Call(f"{_g(w)}activity/"))},
    "api/graphs/<graph_id>/compare/<other_id>/": {
        # Against a public graph of the same model: the world graph's visibility decides.
        "GET": sees_graph(lambda w: Call(f"{_g(w)}compare/{_public_twin(w)}/"))
    },
    # --- API: subgraphs (the target is the editor's) ---
    "api/graphs/<graph_pk>/subgraphs/": {
        "GET": sees_graph(lambda w: Call(f"{_g(w)}subgraphs/")),
        "POST": sees_graph(
            lambda w: Call(f"{_g(w)}subgraphs/", {"display_name": "mine"}), ok=(201,), who=SIGNED_IN
        ),
    },
    "api/graphs/<graph_pk>/subgraphs/<pk>/": {
        "GET": sees_graph(lambda w: Call(_sub(w))),
        "PUT": sees_graph(
            lambda w: Call(_sub(w), {"display_name": "over", "version": w.subgraph.version}),
            who=frozenset({"editor"}),
        ),
        "PATCH": sees_graph(
            lambda w: Call(_sub(w), {"display_name": "renamed", "version": w.subgraph.version}),
            who=frozenset({"editor"}),
        ),
        "DELETE": sees_graph(lambda w: Call(_sub(w)), ok=(204,), who=frozenset({"editor"})),
    },
    "api/graphs/<graph_pk>/subgraphs/<pk>/duplicate/": {
        "POST": sees_graph(lambda w: Call(f"{_sub(w)}duplicate/", {}), ok=(201,), who=SIGNED_IN)
    },
    # --- API: collaborators (the target is the viewer's membership) ---
    "api/graphs/<graph_pk>/collaborators/": {
        "GET": sees_graph(lambda w: Call(f"{_g(w)}collaborators/"), who=MEMBERS),
        "POST": sees_graph(_newcomer, ok=(201,), who=OWNER),
    },
    "api/graphs/<graph_pk>/collaborators/<pk>/": {
        "GET": sees_graph(lambda w: Call(_collab(w)), who=MEMBERS),
        "PATCH": sees_graph(lambda w: Call(_collab(w), {"role": "editor"}), who=OWNER),
        "DELETE": sees_graph(lambda w: Call(_collab(w)), ok=(204,), who=OWNER),
    },
    # --- API: feature dashboards ---
    "api/features/": {"GET": anyone(fixed("/api/features/"))},
    "api/features/<model_id>/<source_set>/batch/": {
        "GET": anyone(lambda w: Call(f"/api/features/demo/demo/batch/?features={_public_pair()}")),
        "POST": anyone(
            lambda w: Call("/api/features/demo/demo/batch/", {"features": [_public_pair(list)]})
        ),
    },
    "api/features/<model_id>/<source_set>/<layer>/<index>/": {
        "GET": anyone(lambda w: Call(f"/api/features/demo/demo/{public_feature().layer}/2/"))
    },
    "api/graphs/<graph_id>/features/": {
        "GET": sees_graph(lambda w: Call(f"{_g(w)}features/")),
        # An empty upload is refused as invalid (400) once the permission checks have passed.
        "POST": sees_graph(lambda w: Call(f"{_g(w)}features/", {}), ok=(400,), who=EDITORS),
        "DELETE": sees_graph(lambda w: Call(f"{_g(w)}features/"), who=EDITORS),
    },
    "api/graphs/<graph_id>/features/batch/": {
        "GET": sees_graph(lambda w: Call(f"{_g(w)}features/batch/?features=0:1")),
        "POST": sees_graph(lambda w: Call(f"{_g(w)}features/batch/", {"features": [[0, 1]]})),
    },
    "api/graphs/<graph_id>/features/<layer>/<index>/": {
        "GET": sees_graph(lambda w: Call(f"{_g(w)}features/0/1/"))
    },
    # --- explanations: pages and API ---
    "search/": {"GET": anyone(fixed("/search/?q=austin"))},
    "features/<model_id>/<source_set>/<layer>/<index>/": {
        "GET": anyone(fixed("/features/demo/demo/0/3/")),
        # Adds the signed-in user's explanation, then back to the page.
        "POST": signed_in(
            fixed("/features/demo/demo/0/3/", {"description": "x"}, json=False),
            ok=(302,),
            page=True,
        ),
    },
    "api/explanations/": {
        "GET": anyone(fixed("/api/explanations/?model=demo&source_set=demo&layer=0&index=3")),
        "POST": signed_in(fixed("/api/explanations/", _NEW_EXPLANATION), ok=(201,)),
    },
    "api/explanations/search/": {"GET": anyone(fixed("/api/explanations/search/?q=owner"))},
    "api/explanations/import/": {
        "POST": staff_only(fixed("/api/explanations/import/", []), ok=(201,))
    },
    "api/explanations/autointerp/": {
        "GET": staff_only(fixed("/api/explanations/autointerp/")),
        # Unconfigured endpoint (503) or no source set (400): both after the staff check.
        "POST": staff_only(
            fixed("/api/explanations/autointerp/", {"model": "demo"}), ok=(400, 503)
        ),
    },
    "api/explanations/autointerp/<pk>/": {
        "GET": staff_only(fixed("/api/explanations/autointerp/none/")),
    },
    "api/explanations/<pk>/": {
        "GET": anyone(lambda w: Call(_explanation(w))),
        "PATCH": Rule(OWNER, (200,), lambda w: Call(_explanation(w), {"description": "edited"})),
        "DELETE": Rule(OWNER, (204,), lambda w: Call(_explanation(w))),
    },
    "api/graphs/<graph_id>/explanations/": {
        "GET": sees_graph(lambda w: Call(f"{_g(w)}explanations/"))
    },
}

# Routes left out of the matrix on purpose, each with the reason.
EXCLUDED = {
    "admin/": "Django's admin: staff only, by Django's own login (tested in tests/webapp/pages/test_admin.py)",
}


def normalize(route: str) -> str:
    """`api/^graphs/(?P<pk>[A-Za-z0-9_-]{16,32})\\.(?P<format>[a-z0-9]+)/?$` -> `api/graphs/<pk>/`."""
    route = re.sub(r"\\\.\(\?P<format>[^)]*\)/\?\$?$", "/", route)  # DRF's format-suffix twins
    route = route.replace("<drf_format_suffix:format>", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    route = re.sub(r"<\w+:(\w+)>", r"<\1>", route)
    route = route.replace("^", "").replace("$", "")
    return re.sub(r"//+", "/", route)


@dataclass
class Route:
    key: str
    name: str | None
    callback: Any = field(repr=False)


def site_routes() -> list[Route]:
    """Every route of the URLconf, admin excluded, normalized."""
    found: list[Route] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append(
                    Route(normalize(prefix + str(pattern.pattern)), pattern.name, pattern.callback)
                )

    walk(get_resolver().url_patterns, "")
    return [r for r in found if not any(r.key.startswith(x) for x in EXCLUDED)]
