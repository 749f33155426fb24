"""/api/docs/: Swagger UI under our Content-Security-Policy.

The split view serves its start-up script from the same URL (`?script`) instead of inline, so
scripts stay 'self' only; the package's page still has a <style> block, so this page alone allows
inline styles (webapp/csp.py).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    @extend_schema(exclude=True)  # the page itself is no API operation
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.csp_inline_styles = True
        return response
