"""REST endpoints for a user's own API tokens: /api/tokens/.

Permission: signed-in users, by session only: an API token may not list, create or revoke tokens
(403), so a leaked token can neither mint a successor that outlives its revocation nor revoke
the owner's other tokens. Each user sees and revokes only their own tokens: another user's token
id answers 404, so ids of others' tokens cannot be probed.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from webapp.accounts.models import ApiToken
from webapp.accounts.serializers import ApiTokenSerializer, CreatedApiTokenSerializer
from webapp.accounts.tokens import TokenLimitReached, create_token, revoke_token


class SignedInBySession(BasePermission):
    message = (
        "API tokens cannot list, create or revoke tokens: manage them signed in, on "
        "/accounts/tokens/ (or with manage.py create_api_token)"
    )

    def has_permission(self, request: Request, view) -> bool:
        # BearerTokenAuthentication sets request.auth to the token; a session leaves it None.
        return request.auth is None


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated, SignedInBySession]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user)

    @extend_schema(request=ApiTokenSerializer, responses={201: CreatedApiTokenSerializer})
    def create(self, request: Request) -> Response:
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token, plaintext = create_token(request.user, serializer.validated_data["name"])
        except TokenLimitReached as exc:
            raise ValidationError({"name": [str(exc)]}) from None
        token.token = plaintext
        return Response(CreatedApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke a token (it stops working at once; the row stays listed)")
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        revoke_token(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="api-token")
urlpatterns = router.urls
