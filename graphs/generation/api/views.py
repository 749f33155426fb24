"""REST endpoints of generation: the model registry, the tokenize preview and jobs.

Permissions: the registry is public; tokenizing and every job endpoint need a signed-in user;
a job is visible only to its owner (others get 404, so job ids reveal nothing).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.request import Request
from rest_framework.response import Response

from graphs.generation.api.serializers import (
    GenerationRequestSerializer,
    JobSchema,
    ModelListSchema,
    TokenizeAnswerSchema,
    TokenizeSerializer,
)
from graphs.generation.api.throttles import TokenizeThrottle
from graphs.generation.availability import availability_of
from graphs.generation.events import job_payload
from graphs.generation.models import GenerationJob
from graphs.generation.registry import all_entries, get_entry
from graphs.generation.services import dispatch, jobs, tokens
from graphs.generation.services import submission as generation


@extend_schema(
    responses=ModelListSchema,
    summary="The models on offer, with setting bounds and whether each can run now (and why not)",
)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def model_list(request: Request) -> Response:
    entries = all_entries()
    states = availability_of(entries)
    return Response(
        {
            "results": [
                {
                    **entry.as_dict(),
                    "available": states[entry.id].available,
                    "reason": states[entry.id].reason,
                }
                for entry in entries
            ]
        }
    )


@extend_schema(
    request=TokenizeSerializer,
    responses={200: TokenizeAnswerSchema, 503: OpenApiResponse(description="no worker answered")},
    summary="A prompt's tokens and top next tokens, from a worker",
)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
@throttle_classes([TokenizeThrottle])
def tokenize(request: Request, model_id: str) -> Response:
    entry = get_entry(model_id)
    if entry is None:
        raise exceptions.NotFound(f"unknown model {model_id!r}")
    serializer = TokenizeSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    prompt = serializer.validated_data["prompt"]
    tokens.check_prompt_length(entry, prompt)
    return Response(dispatch.tokenize(entry, prompt))


@extend_schema(responses=JobSchema)
class GenerationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = JobSchema  # the answers' shape; requests are GenerationRequestSerializer
    lookup_value_regex = r"[A-Za-z0-9_\-]+"

    def get_queryset(self):
        return GenerationJob.objects.filter(owner=self.request.user).order_by("-created_at")

    def list(self, request: Request) -> Response:
        # A job left queued for a model nobody can run shows its failure, even with no worker up.
        jobs.fail_unserved(owner=request.user)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([job_payload(job) for job in page])

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        jobs.fail_unserved(owner=request.user)
        return Response(job_payload(self.get_object()))

    @extend_schema(
        request=GenerationRequestSerializer,
        responses={202: JobSchema, 200: JobSchema, 429: OpenApiResponse(description="quota")},
    )
    def create(self, request: Request) -> Response:
        serializer = GenerationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        req = generation.GenerationRequest(
            entry=data["entry"],
            prompt=data["prompt"],
            slug=data["slug"],
            visibility=data["visibility"],
            settings=data["settings"],
            fresh=data["fresh"],
        )
        submitted = generation.start_generation(request.user, req)
        body = job_payload(submitted.job)
        body["reused"] = submitted.reused
        code = status.HTTP_200_OK if submitted.reused else status.HTTP_202_ACCEPTED
        return Response(body, status=code)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        job = generation.cancel_generation(self.get_object())
        return Response(job_payload(job))
