"""Content-Security-Policy on every response.

Our pages load scripts, styles, images and fonts from this site only (bundles under /static/, no
inline script). What a page may fetch is this site plus the hosts of FEATURE_JSON_HOSTS: a
graph's `feature_json_base_url` is uploader's text, so without the list every viewer's browser
would fetch from whatever server an uploader named. Pages may not be framed
(`frame-ancestors 'none'`, as X-Frame-Options DENY) except a graph's embed mode, whose view sets
`response.csp_frame_ancestors` from EMBED_FRAME_ANCESTORS.

A view may widen `style-src` with `response.csp_inline_styles = True` (the API's Swagger page,
whose package writes a <style> block); scripts are never widened.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def feature_json_sources() -> list[str]:
    return [f"https://{host}" for host in getattr(settings, "FEATURE_JSON_HOSTS", [])]


def policy(response: HttpResponse) -> str:
    styles = "'self' 'unsafe-inline'" if getattr(response, "csp_inline_styles", False) else "'self'"
    ancestors = getattr(response, "csp_frame_ancestors", None) or "'none'"
    connect = " ".join(["'self'", *feature_json_sources()])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {styles}",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy(response)
        return response
