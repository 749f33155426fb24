"""POST /api/validate/: every problem of a graph, plus the optional fields it could add.
Open to everyone, signed in or not: it stores nothing (the upload size limit still applies).

Anyone may make a server parse up to the upload limit here, so validations are rate-limited (per
user, or per client IP when anonymous) and an anonymous validation has a CPU budget."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from graphs import conf
from graphs.api.parsers import GraphFileParser, PayloadTooLarge, uploaded_file
from graphs.api.serializers import ValidationResultSerializer
from graphs.validation import validate_graph_file
from graphs.validation.bounded import BudgetExceeded
from webapp.client_address import client_ip
from webapp.ratelimit import hit, setting_limit


def throttle_validation(request) -> None:
    """Count one validation by the user, or by the client IP when anonymous; 429 past the limit."""
    limit = setting_limit("validate", "RATELIMIT_VALIDATIONS_PER_HOUR", 3600)
    user = request.user
    ident = f"user:{user.pk}" if user.is_authenticated else f"ip:{client_ip(request)}"
    wait = hit(limit, ident)
    if wait is not None:
        raise Throttled(
            wait=wait,
            detail=f"Validation limit reached: at most {limit.max_hits} validations per hour.",
        )


class ValidateView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [GraphFileParser]

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: ValidationResultSerializer},
        description="Validate a graph JSON (Content-Encoding: gzip accepted). 200 with valid=false "
        "and every problem when the graph is invalid; 413 beyond the size limit, or when an "
        "anonymous validation uses up its CPU budget; 429 past the hourly validation limit.",
    )
    def post(self, request):
        # Counted before the body is read: reading and parsing it is the cost being limited.
        throttle_validation(request)
        budget = None
        if not request.user.is_authenticated:
            budget = int(conf.get("VALIDATION_ANONYMOUS_CPU_S")) or None
        body = uploaded_file(request)
        try:
            report = validate_graph_file(body, cpu_budget_s=budget)
        except BudgetExceeded as error:
            raise PayloadTooLarge(
                f"validating this graph took more than {error.budget_s:g} s of CPU, the limit for "
                "anonymous validation: sign in to validate it, or upload it"
            ) from None
        finally:
            body.close()
        return Response(report.as_dict())
