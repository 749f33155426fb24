"""Public answers replayed at the ASGI door (webapp/replayed_answers.py): the second identical
request for a public graph's metadata or list is answered without entering Django, with the same
bytes and headers; and nothing private, stale, refused or badly authenticated is ever replayed
(each case changes something through the service, then asks again at once)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.core.asgi import get_asgi_application
from django.utils import timezone

from benchmarks.asgi_scope import get_scope
from graphs.collab.models import Role
from graphs.models import Visibility
from graphs.services import update_graph
from tests.factories import CollaboratorFactory, GraphFactory, UserFactory
from tests.support.caches import fresh_cache
from webapp.accounts.models import ApiToken
from webapp.accounts.tokens import create_token, revoke_token
from webapp.replayed_answers import ReplayedAnswers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def redis_cache(settings):
    settings.CACHES = fresh_cache("redis")


class CountingDjango:
    """Django's ASGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.app = get_asgi_application()
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await self.app(scope, receive, send)


@pytest.fixture
def django_app() -> CountingDjango:
    return CountingDjango()


@pytest.fixture
def server(django_app, settings) -> ReplayedAnswers:
    return ReplayedAnswers(django_app, paths=settings.REPLAYED_ANSWER_PATHS)


async def get(app, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    sent = {"host": "testserver", **(headers or {})}
    encoded = [(k.lower().encode(), v.encode()) for k, v in sent.items()]
    scope = get_scope(path, encoded, ("testserver", 80))
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(10)
    body = b""
    while True:
        message = await communicator.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    await communicator.wait(10)  # the answer is recorded after it was sent
    return start["status"], {k.lower(): v for k, v in start["headers"]}, body


def bearer(user) -> dict[str, str]:
    _, plaintext = create_token(user, "replay test")
    return {"authorization": f"Bearer {plaintext}"}


@pytest.fixture
def public_path(transactional_db) -> str:
    """The metadata path of a public graph."""
    return f"/api/graphs/{GraphFactory(visibility=Visibility.PUBLIC).pk}/"


@pytest.fixture
def reader(transactional_db) -> tuple[object, dict[str, str]]:
    """A user who reads with an API token, and the headers that send the token."""
    user = UserFactory()
    return user, bearer(user)


async def test_it_replays_public_metadata_and_lists_without_django(server, django_app):
    graph = await sync_to_async(GraphFactory)(visibility=Visibility.PUBLIC)
    for path in (f"/api/graphs/{graph.pk}/", "/api/graphs/?page_size=5"):
        before = django_app.calls
        first = await get(server, path)
        again = await get(server, path)
        assert first[0] == 200 and again == first, path
        assert django_app.calls == before + 1, path
        # The headers the middleware added came back too.
        assert b"content-security-policy" in again[1] and b"x-frame-options" in again[1]


async def test_a_valid_token_is_replayed_to_and_a_revoked_one_refused_at_once(
    server, django_app, public_path, reader
):
    user, auth = reader
    assert (await get(server, public_path, auth))[0] == 200
    calls = django_app.calls
    assert (await get(server, public_path, auth))[0] == 200
    assert django_app.calls == calls  # replayed

    token = await sync_to_async(ApiToken.objects.get)(user=user)
    await sync_to_async(revoke_token)(token)
    status, _, _ = await get(server, public_path, auth)
    assert status == 401 and django_app.calls == calls + 1


async def test_unknown_malformed_and_inactive_credentials_go_to_django(
    server, django_app, public_path, reader
):
    user, auth = reader
    assert (await get(server, public_path))[0] == 200  # recorded, anonymous
    for bad in ("Bearer not-a-token", "Bearer two parts", "Basic dXNlcjpwYXNz", "Bearer"):
        calls = django_app.calls
        status, _, _ = await get(server, public_path, {"authorization": bad})
        assert django_app.calls == calls + 1, bad
        assert status in (401, 403) or bad.startswith("Basic"), (bad, status)

    assert (await get(server, public_path, auth))[0] == 200
    user.is_active = False
    await sync_to_async(user.save)()
    calls = django_app.calls
    assert (await get(server, public_path, auth))[0] == 401
    assert django_app.calls == calls + 1


async def test_a_token_not_marked_used_lately_goes_to_django_which_marks_it(
    server, django_app, public_path, reader
):
    user, auth = reader
    assert (await get(server, public_path, auth))[0] == 200
    long_ago = timezone.now() - timedelta(hours=1)
    # As if the cached token was stored an hour ago: its entry is dropped and read again.
    await sync_to_async(ApiToken.objects.filter(user=user).update)(last_used_at=long_ago)
    from webapp.accounts import token_cache

    token = await sync_to_async(ApiToken.objects.select_related("user").get)(user=user)
    await sync_to_async(token_cache.store)(token.secret_hash, token)
    calls = django_app.calls
    assert (await get(server, public_path, auth))[0] == 200
    assert django_app.calls == calls + 1
    token = await sync_to_async(ApiToken.objects.get)(user=user)
    assert token.last_used_at > long_ago


async def test_a_graph_made_private_is_not_replayed(server, django_app):
    owner = await sync_to_async(UserFactory)()
    graph = await sync_to_async(GraphFactory)(owner=owner, visibility=Visibility.PUBLIC)
    path = f"/api/graphs/{graph.pk}/"
    for p in (path, "/api/graphs/"):
        await get(server, p)
        await get(server, p)
    await sync_to_async(update_graph)(graph, owner, {"visibility": Visibility.PRIVATE})
    assert (await get(server, path))[0] == 404
    status, _, body = await get(server, "/api/graphs/")
    assert status == 200 and graph.pk.encode() not in body


async def test_private_answers_are_never_replayed(server, django_app):
    owner, member = await sync_to_async(UserFactory)(), await sync_to_async(UserFactory)()
    graph = await sync_to_async(GraphFactory)(owner=owner, visibility=Visibility.PRIVATE)
    membership = await sync_to_async(CollaboratorFactory)(
        graph=graph, user=member, role=Role.VIEWER
    )
    auth = await sync_to_async(bearer)(member)
    path = f"/api/graphs/{graph.pk}/"
    assert (await get(server, path, auth))[0] == 200
    assert (await get(server, path, auth))[0] == 200
    await sync_to_async(membership.delete)()  # no write to the graph itself
    assert (await get(server, path, auth))[0] == 404
    assert (await get(server, path))[0] == 404


async def test_other_hosts_cookies_and_conditions_are_answered_by_django(
    server, django_app, public_path
):
    _, headers, _ = await get(server, public_path)
    etag = headers[b"etag"].decode()
    calls = django_app.calls
    assert (await get(server, public_path, {"host": "evil.example"}))[0] == 400
    assert (await get(server, public_path, {"host": "evil.example"}))[0] == 400
    assert (await get(server, public_path, {"cookie": "sessionid=x"}))[0] == 200
    assert (await get(server, public_path, {"cookie": "sessionid=x"}))[0] == 200
    assert django_app.calls == calls + 4
    # A conditional GET is its own answer: 304, replayed the second time.
    assert (await get(server, public_path, {"if-none-match": etag}))[0] == 304
    calls = django_app.calls
    status, _, body = await get(server, public_path, {"if-none-match": etag})
    assert status == 304 and body == b"" and django_app.calls == calls


async def test_a_failing_redis_sends_every_request_to_django(server, django_app, public_path):
    await get(server, public_path)

    class Broken:
        async def mget(self, keys):
            raise ConnectionError("redis is down")

        async def set(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    server._redis = Broken()
    calls = django_app.calls
    assert (await get(server, public_path))[0] == 200
    assert (await get(server, public_path))[0] == 200
    assert django_app.calls == calls + 2


async def test_bodies_and_the_public_page_are_replayed(server, django_app):
    graph = await sync_to_async(GraphFactory)(visibility=Visibility.PUBLIC, title="Listed")
    gzip_ok = {"accept-encoding": "gzip"}
    for path, headers in (
        (f"/api/graphs/{graph.pk}/data/", gzip_ok),
        (f"/api/graphs/{graph.pk}/data/", {}),
        ("/graphs/public/", {}),
    ):
        first = await get(server, path, headers)
        calls = django_app.calls
        again = await get(server, path, headers)
        assert first[0] == 200 and again == first and django_app.calls == calls, path
    assert len(first[2]) > 0 and b"Listed" in first[2]
    gzipped = await get(server, f"/api/graphs/{graph.pk}/data/", gzip_ok)
    assert gzipped[1][b"content-encoding"] == b"gzip"
    assert int(gzipped[1][b"content-length"]) == len(gzipped[2]) == graph.stored_size


async def test_a_private_graphs_body_is_never_replayed(server, django_app):
    owner = await sync_to_async(UserFactory)()
    graph = await sync_to_async(GraphFactory)(owner=owner, visibility=Visibility.PRIVATE)
    auth = await sync_to_async(bearer)(owner)
    path = f"/api/graphs/{graph.pk}/data/"
    assert (await get(server, path, auth))[0] == 200
    calls = django_app.calls
    assert (await get(server, path, auth))[0] == 200
    assert django_app.calls == calls + 1
    assert (await get(server, path))[0] == 404


async def test_the_csrf_cookie_alone_is_replayed_to_and_a_session_is_not(
    server, django_app, public_path
):
    await get(server, public_path)
    calls = django_app.calls
    assert (await get(server, public_path, {"cookie": "csrftoken=abc"}))[0] == 200
    assert django_app.calls == calls
    for cookie in ("csrftoken=abc; sessionid=x", "messages=y", "csrftoken=abc; other=1"):
        assert (await get(server, public_path, {"cookie": cookie}))[0] == 200
        assert django_app.calls == calls + 1, cookie
        calls = django_app.calls
