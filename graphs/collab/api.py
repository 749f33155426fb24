"""Collaboration's REST endpoints.

/api/graphs/{id}/collaborators/ (+ /{collab_id}/): who shares a graph, and in which role.
Members (owner and collaborators) list them; only the owner adds, changes and removes. A graph
the requester may not see answers 404; a visible one they may not manage answers 403. Ids are
random; an account the owner added by e-mail address is shown to the owner by that address, so
adding by e-mail never tells the owner anyone's username.

/api/graphs/{id}/activity/: who did what on a graph, newest first (the graph page's list).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from graphs import permissions
from graphs.api.errors import invalid_input
from graphs.api.graphs import ID_PATTERN
from graphs.api.nested import NestedGraphMixin
from graphs.collab.events import activity_payload
from graphs.collab.models import MEMBER_ONLY, Activity, Collaborator, Role
from graphs.collab.services import remove_collaborator, set_collaborator


class CollaboratorSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    name = serializers.SerializerMethodField(
        help_text="The username; to the owner, the e-mail address they added the account by."
    )
    invited_by_email = serializers.SerializerMethodField()

    class Meta:
        model = Collaborator
        fields = ["id", "name", "invited_by_email", "role", "created_at"]
        read_only_fields = fields

    def _to_owner(self, collaborator: Collaborator) -> bool:
        request = self.context.get("request")
        return bool(request and collaborator.graph.owner_id == request.user.pk)

    def get_name(self, collaborator: Collaborator) -> str:
        return collaborator.shown_name(to_owner=self._to_owner(collaborator))

    def get_invited_by_email(self, collaborator: Collaborator) -> bool:
        return bool(collaborator.invited_as) and self._to_owner(collaborator)


class CollaboratorCreateSerializer(serializers.Serializer):
    user = serializers.CharField(
        max_length=254, help_text="Username or e-mail address of an existing account."
    )
    role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)


class CollaboratorRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class CollaboratorAccess(BasePermission):
    """Members read the list; changing it is the owner's (checked again by the service)."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        graph = view.graph()
        if request.method in SAFE_METHODS:
            return permissions.role_of(request.user, graph) is not None
        return permissions.can_administer_graph(request.user, graph)


class CollaboratorViewSet(NestedGraphMixin, viewsets.GenericViewSet):
    serializer_class = CollaboratorSerializer
    permission_classes = [CollaboratorAccess]
    pagination_class = None
    lookup_value_regex = r"[A-Za-z0-9_-]{1,32}"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request graph
            return Collaborator.objects.none()
        return (
            Collaborator.objects.filter(graph=self.graph())
            .select_related("user", "graph")
            .order_by("created_at", "id")
        )

    def get_object(self) -> Collaborator:
        found = self.get_queryset().filter(public_id=self.kwargs["pk"]).first()
        if found is None:
            raise Http404
        return found

    @extend_schema(responses={200: CollaboratorSerializer(many=True)})
    def list(self, request, graph_pk=None):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, graph_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=CollaboratorCreateSerializer,
        responses={201: CollaboratorSerializer, 200: CollaboratorSerializer},
        description="Share the graph with an account, found by username or e-mail. Adding "
        "someone who already collaborates changes their role (200).",
    )
    def create(self, request, graph_pk=None):
        body = CollaboratorCreateSerializer(data=request.data)
        if not body.is_valid():
            return invalid_input(body.errors)
        name = body.validated_data["user"].strip()
        matches = list(
            get_user_model().objects.filter(
                Q(username__iexact=name) | Q(email__iexact=name), is_active=True
            )[:2]
        )
        if len(matches) != 1:
            why = (
                "no account has this username or e-mail"
                if not matches
                else ("more than one account matches: use the username")
            )
            return invalid_input({"user": [why]})
        user = matches[0]
        by_email = user.get_username().lower() != name.lower()
        existed = Collaborator.objects.filter(graph=self.graph(), user=user).exists()
        collaborator = set_collaborator(
            self.graph(),
            request.user,
            user,
            body.validated_data["role"],
            invited_as=name if by_email else "",
        )
        return Response(
            self.get_serializer(collaborator).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(request=CollaboratorRoleSerializer, responses={200: CollaboratorSerializer})
    def partial_update(self, request, graph_pk=None, pk=None):
        collaborator = self.get_object()
        body = CollaboratorRoleSerializer(data=request.data)
        if not body.is_valid():
            return invalid_input(body.errors)
        collaborator = set_collaborator(
            self.graph(), request.user, collaborator.user, body.validated_data["role"]
        )
        return Response(self.get_serializer(collaborator).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, graph_pk=None, pk=None):
        collaborator = self.get_object()
        remove_collaborator(self.graph(), request.user, collaborator.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


COLLABORATOR_ROUTE = rf"graphs/(?P<graph_pk>{ID_PATTERN})/collaborators"


MAX_ENTRIES = 200


@extend_schema(
    parameters=[OpenApiParameter("limit", int, description=f"1 to {MAX_ENTRIES} (default 50)")],
    responses={200: OpenApiTypes.OBJECT},
    description="Anyone who may see the graph. Entries about collaborators, from a period when "
    "the graph was private, and about subgraphs its owner or editors hid or deleted are for its "
    "members only.",
)
@api_view(["GET"])
@permission_classes([AllowAny])  # visibility is checked below: invisible graphs answer 404
def graph_activity(request: Request, graph_id: str) -> Response:
    graph = permissions.visible_graph_or_404(request.user, graph_id)
    try:
        limit = int(request.query_params.get("limit", 50))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_ENTRIES:
        return invalid_input({"limit": [f"must be an integer from 1 to {MAX_ENTRIES}"]})
    entries = Activity.objects.filter(graph=graph).select_related("actor")
    if permissions.role_of(request.user, graph) is None:
        # Collaborator entries, the private period's history and moderated subgraphs' entries.
        entries = entries.filter(members_only=False).exclude(verb__in=MEMBER_ONLY)
    return Response({"results": [activity_payload(e) for e in entries[:limit]]})
