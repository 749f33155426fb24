"""Over a thousand generated hostile uploads through POST /api/graphs/ (and the validator): every
answer is a 201 or a 4xx with a message, nothing is stored for a refusal, and the storage audit
finds nothing out of place afterwards. Runs in-process (Django's test client); the transport
level (Content-Length lies, chunked bodies, the ASGI size limit) is in test_transport_fuzz.py.

FUZZ_SCALE=N multiplies the number of examples for a longer local run.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.fuzz.harness import SCALE, TALLY, fuzz_settings
from tests.fuzz.hostile import DOCUMENT_KINDS, document_cases
from tests.fuzz.hostile_requests import TRANSPORT_KINDS, query_cases, transport_cases
from tests.fuzz.oracle import check_upload, check_validation_agrees

pytestmark = pytest.mark.django_db

# Per kind of damage, so each kind gets its share (kinds with few distinct cases, such as
# top_level, run out early: hypothesis does not repeat an example).
DOCUMENT_EXAMPLES = 60
TRANSPORT_EXAMPLES = 14
QUERY_EXAMPLES = 120
ENDPOINT = "api-upload"


@pytest.fixture
def uploader() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username="fuzzer"))
    return client


@pytest.mark.parametrize("kind", sorted(DOCUMENT_KINDS))
@fuzz_settings(DOCUMENT_EXAMPLES)
@given(data=st.data())
def test_it_answers_hostile_documents_with_201_or_a_reason(
    uploader, audited, media_root, tally, kind, data
):
    case = data.draw(document_cases(kind))
    upload = check_upload(uploader, case, tally, media_root, endpoint=ENDPOINT)
    check_validation_agrees(APIClient(), case, upload, tally)


@pytest.mark.parametrize("how", TRANSPORT_KINDS)
@fuzz_settings(TRANSPORT_EXAMPLES)
@given(data=st.data())
def test_it_answers_hostile_content_types_and_encodings(
    uploader, audited, media_root, tally, how, data
):
    case = data.draw(transport_cases(how))
    check_upload(uploader, case, tally, media_root, endpoint=ENDPOINT)


@fuzz_settings(QUERY_EXAMPLES)
@given(case=query_cases())
def test_it_answers_hostile_query_parameters(uploader, audited, media_root, tally, case):
    check_upload(uploader, case, tally, media_root, endpoint=ENDPOINT)


def test_it_ran_at_least_a_thousand_uploads_without_a_server_error():
    # Runs after the tests above (same module, same database fixture: pytest-django keeps their
    # order). The figures of the whole run are printed at the end (tests/fuzz/conftest.py).
    assert TALLY.total(ENDPOINT) >= 1000 * SCALE
    assert TALLY.server_errors() == 0
