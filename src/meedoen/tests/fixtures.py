"""Fixture factories shared by the apps' test conftests.

    # an app's tests/conftest.py
    from meedoen.tests.fixtures import frozen_clock, norm_tables_loaded

    FROZEN_AT = dt.datetime(2026, 4, 20, 10, 30, tzinfo=AMSTERDAM)
    _clock = frozen_clock(FROZEN_AT)
    _norms_loaded = norm_tables_loaded()

The root conftest's `today` fixture gives the local date on that clock.
"""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def frozen_clock(moment: dt.datetime):
    """An autouse fixture named `_clock`: unit, view and API tests run at `moment` (ticking), so dates never shift
    under a test at midnight. Browser tests keep the real clock: Chromium's cookies follow it."""

    @pytest.fixture(autouse=True)
    def _clock(request):
        if request.node.get_closest_marker("browser"):
            yield
            return
        with time_machine.travel(moment, tick=True):
            yield

    return _clock


def norm_tables_loaded():
    """An autouse fixture: the norm tables and income rules, as the money app's data migration loads them. A
    transactional test (the browser tests) flushes the database afterwards, taking the migration's data with it; so
    every database test loads them again (idempotent: an unchanged file is skipped)."""

    @pytest.fixture(autouse=True)
    def _norms_loaded(request):
        marker = request.node.get_closest_marker("django_db")
        if marker is not None:
            from meedoen.money import norms

            request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
            norms.load_all()
        yield

    return _norms_loaded
