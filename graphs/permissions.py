"""Who may do what with graphs and subgraphs: the whole access policy, in one place.

- A graph is visible to everyone when public or unlisted, else to its owner and collaborators.
- Editors (collaborators with role editor) and the owner edit title, description and which
  subgraphs are featured. Only the owner deletes, changes visibility or manages collaborators.
  Only staff feature a graph.
- Any signed-in user who can see a graph may save subgraphs on it; a subgraph is visible to whoever
  can see its graph, unless the graph's owner or an editor hid it (then to the graph's members
  and its author only); only its author overwrites it; its author, the graph's owner and editors
  delete it (moderation).
Views answer 404 (not 403) when the graph is not visible, so a private graph's existence never
leaks; they answer 403 when the graph is visible but the action is not allowed.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from graphs.collab.models import Collaborator, Role
from graphs.models import Graph, Subgraph, Visibility

User = AbstractBaseUser | AnonymousUser

OWNER = "owner"


def role_of(user: User, graph: Graph) -> str | None:
    """'owner', 'editor', 'viewer' or None."""
    if not user.is_authenticated:
        return None
    if graph.owner_id == user.pk:
        return OWNER
    return (
        Collaborator.objects.filter(graph=graph, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )


def can_view_graph(user: User, graph: Graph) -> bool:
    if graph.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        return True
    return role_of(user, graph) is not None


def visible_graph_or_404(user: User, graph_id: str) -> Graph:
    """The graph if `user` may see it. A missing graph and one they may not see answer the same
    404, so ids of private graphs do not leak."""
    graph = Graph.objects.select_related("owner").filter(pk=graph_id).first()
    if graph is None or not can_view_graph(user, graph):
        raise Http404("no such graph")
    return graph


def can_edit_graph(user: User, graph: Graph) -> bool:
    """Title, description and featured subgraphs."""
    return role_of(user, graph) in (OWNER, Role.EDITOR)


def can_administer_graph(user: User, graph: Graph) -> bool:
    """Delete, change visibility, manage collaborators."""
    return role_of(user, graph) == OWNER


def can_feature_graph(user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_upload(user: User) -> bool:
    return bool(user.is_authenticated)


def can_create_subgraph(user: User, graph: Graph) -> bool:
    return bool(user.is_authenticated) and can_view_graph(user, graph)


def can_view_subgraph(user: User, subgraph: Subgraph) -> bool:
    if not can_view_graph(user, subgraph.graph):
        return False
    if not subgraph.hidden or (user.is_authenticated and subgraph.author_id == user.pk):
        return True
    return role_of(user, subgraph.graph) is not None


def can_change_subgraph(user: User, subgraph: Subgraph) -> bool:
    return bool(user.is_authenticated) and subgraph.author_id == user.pk


def can_delete_subgraph(user: User, subgraph: Subgraph) -> bool:
    """The author, or the graph's owner or an editor moderating it."""
    return can_change_subgraph(user, subgraph) or can_edit_graph(user, subgraph.graph)


def can_feature_subgraph(user: User, graph: Graph) -> bool:
    """Featuring and hiding (curation) alike."""
    return can_edit_graph(user, graph)


def graphs_of(user: User) -> QuerySet[Graph]:
    """Graphs the user owns or collaborates on ("my graphs")."""
    if not user.is_authenticated:
        return Graph.objects.none()
    return Graph.objects.filter(Q(owner_id=user.pk) | Q(collaborators__user_id=user.pk)).distinct()


def listed_graphs() -> QuerySet[Graph]:
    """Graphs anyone may find in listings: public ones (unlisted ones only by link)."""
    return Graph.objects.filter(visibility=Visibility.PUBLIC)


def visible_subgraphs(user: User, graph: Graph) -> QuerySet[Subgraph]:
    """Subgraphs of a graph the user can see (the caller has checked the graph is visible):
    hidden ones only to members and their author."""
    subgraphs = Subgraph.objects.filter(graph=graph)
    if role_of(user, graph) is not None:
        return subgraphs
    if user.is_authenticated:
        return subgraphs.filter(Q(hidden=False) | Q(author_id=user.pk))
    return subgraphs.filter(hidden=False)
