"""ASGI entry point: HTTP through Django, websockets through Channels."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from graphs.asgi_limits import RequestBodyLimit  # noqa: E402
from webapp.process_tuning import tune_server_process  # noqa: E402
from webapp.replayed_answers import ReplayedAnswers  # noqa: E402
from webapp.routing import websocket_urlpatterns  # noqa: E402
from webapp.ws_origin import SiteOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": ReplayedAnswers(
            RequestBodyLimit(django_asgi_app), paths=settings.REPLAYED_ANSWER_PATHS
        ),
        "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Last: everything the server keeps for its life is loaded by now (webapp/process_tuning.py).
tune_server_process()
