"""The demo login 'inwoner' is linked, deterministically, to a resident whose portal shows a plan, letters and a
calculation; every portal page works for it."""
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from meedoen.accounts.models import User
from meedoen.guidance.models import ActionPlan

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def seed(seed=42):
    call_command("seed_demo", preset="rotterdam", residents=80, seed=seed, stdout=io.StringIO())
    user = User.objects.select_related("resident").get(username="inwoner")
    return user


def test_the_inwoner_login_sees_a_populated_portal(client):
    with time_machine.travel(NOW, tick=False):
        user = seed()
        resident = user.resident
        assert resident is not None
        assert ActionPlan.objects.filter(resident=resident, status="signed").exists()
        assert resident.income_reports.exists()
        assert resident.letters.filter(kind="plan_confirmation").exists()
        assert user.first_name == resident.first_name
        client.force_login(user)
        for name in ("portal:overview", "portal:plan", "portal:money", "portal:letters", "portal:appointments",
                     "portal:obligations"):
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            assert resident.bsn not in response.content.decode()
        money = client.get(reverse("portal:money") + "?maand=2026-05")
        assert money.context["lines"], "the demo month has a calculation"


def test_the_linked_resident_is_the_same_for_the_same_seed():
    from meedoen.demo.tests.test_seed_demo import wipe

    with time_machine.travel(NOW, tick=False):
        first = seed().resident.bsn
        wipe()
        assert seed().resident.bsn == first
