"""The ASGI application tunes its process for serving: start-up heap frozen, young collections
rarer, a short GIL switch interval (webapp/process_tuning.py)."""

from __future__ import annotations

import gc
import importlib
import sys

import pytest

from webapp import process_tuning


@pytest.fixture
def restored_interpreter():
    threshold, interval = gc.get_threshold(), sys.getswitchinterval()
    yield
    gc.set_threshold(*threshold)
    sys.setswitchinterval(interval)
    gc.unfreeze()


def test_it_tunes_the_process_when_the_asgi_application_loads(restored_interpreter, monkeypatch):
    gc.set_threshold(700, 10, 10)
    sys.setswitchinterval(0.005)
    gc.unfreeze()
    monkeypatch.delenv("WEB_PROCESS_TUNING", raising=False)
    import webapp.asgi

    importlib.reload(webapp.asgi)
    assert gc.get_threshold()[0] == process_tuning.GC_GEN0_THRESHOLD
    assert sys.getswitchinterval() == pytest.approx(process_tuning.SWITCH_INTERVAL_S)
    assert gc.get_freeze_count() > 0


def test_it_leaves_the_defaults_when_turned_off(restored_interpreter, monkeypatch):
    gc.set_threshold(700, 10, 10)
    sys.setswitchinterval(0.005)
    gc.unfreeze()
    monkeypatch.setenv("WEB_PROCESS_TUNING", "false")
    process_tuning.tune_server_process()
    assert gc.get_threshold()[0] == 700
    assert sys.getswitchinterval() == pytest.approx(0.005)
    assert gc.get_freeze_count() == 0
