"""What every answer to a hostile upload must be, checked the same way whichever door it came in by.

201 (and then the stored body is exactly the JSON sent, one row and one body more) or a 4xx with a
message (and then nothing stored); never a 5xx.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphs.models import Graph
from tests.fuzz.harness import Tally, stored_body_count
from tests.fuzz.hostile import Case

ANSWERS = {201, 400, 413, 415}


def post_case(client: Any, case: Case, path: str = "/api/graphs/", **headers: str) -> Any:
    url = f"{path}?{case.query}" if case.query else path
    if case.encoding is not None:
        headers["HTTP_CONTENT_ENCODING"] = case.encoding
    return client.generic("POST", url, case.body, content_type=case.content_type or "", **headers)


def describe(case: Case, response: Any) -> str:
    return f"{case.kind} ({case.note}): {response.status_code} {response.content[:400]!r}"


def check_refusal(case: Case, response: Any) -> dict[str, Any]:
    """A 4xx whose JSON says what is wrong."""
    assert response["Content-Type"].startswith("application/json"), describe(case, response)
    answer = json.loads(response.content)
    detail = answer.get("detail")
    assert isinstance(detail, str) and detail.strip(), describe(case, response)
    for problem in answer.get("problems", []):
        assert problem["path"] and problem["message"], describe(case, response)
    return answer


def check_upload(
    client: Any, case: Case, tally: Tally, media_root: Path, *, endpoint: str, **headers: str
) -> Any:
    rows, bodies = Graph.objects.count(), stored_body_count(media_root)
    response = post_case(client, case, **headers)
    tally.count(endpoint, response.status_code, case.kind)
    status = response.status_code
    assert status in ANSWERS, describe(case, response)
    if case.expect == "accept":
        assert status == 201, describe(case, response)
    elif case.expect == "refuse":
        assert 400 <= status < 500, describe(case, response)
    stored = status == 201
    assert Graph.objects.count() == rows + stored, describe(case, response)
    assert stored_body_count(media_root) == bodies + stored, describe(case, response)
    if stored:
        graph_id = response.json()["id"]
        data = client.get(f"/api/graphs/{graph_id}/data/", HTTP_ACCEPT_ENCODING="identity")
        assert data.status_code == 200
        assert b"".join(data.streaming_content) == case.json_bytes, describe(case, response)
    else:
        check_refusal(case, response)
    return response


def check_validation_agrees(client: Any, case: Case, upload: Any, tally: Tally) -> None:
    """The validator (anonymous, stores nothing) judges the document as the upload did."""
    response = post_case(client, case, path="/api/validate/")
    tally.count("api-validate", response.status_code)
    assert response.status_code in (200, 400, 413, 415), describe(case, response)
    if upload.status_code in (201, 400) and response.status_code == 200:
        report = response.json()
        assert report["valid"] == (upload.status_code == 201), describe(case, response)
        if not report["valid"]:
            assert report["problems"], describe(case, response)
    else:
        assert response.status_code == upload.status_code, describe(case, response)
        check_refusal(case, response)
