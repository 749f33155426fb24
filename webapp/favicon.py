"""/favicon.ico: browsers ask for it whatever a page links; send them to the static icon."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request: with hashed static files the name is known only after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))
