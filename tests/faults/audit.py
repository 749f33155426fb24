"""What every fault test checks at its end: no partial graph is visible. The product's own
storage audit (graphs/services/audit.py, `manage.py audit_storage`) finds nothing, with no grace
period: every Graph row has its body in storage, and every stored body has its row."""

from __future__ import annotations

from datetime import timedelta

from graphs.services.audit import audit_storage
from graphs.services.orphan_bodies import stored_body_keys as _stored


def stored_body_keys() -> set[str]:
    return {item.key for item in _stored()}


def assert_no_partial_graph() -> None:
    report = audit_storage(grace=timedelta(0))
    assert report.clean, report.findings()
