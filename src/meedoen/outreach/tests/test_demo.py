"""seed_outreach: a demo campaign for any preset, fast, with the ladder's next steps taken by the real services."""
import datetime as dt
import random
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from meedoen.demo import generator
from meedoen.guidance.models import Task
from meedoen.letters.models import Letter
from meedoen.outreach.demo import demo_booking_url, seed_outreach
from meedoen.outreach.models import Campaign, Invitation, LadderStep, Outreach

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("preset, final_kinds", [
    ("rotterdam", {"registered_letter", "no_show_action_letter", "measure_proposal"}),
    ("amsterdam", {"second_invitation", "home_visit", "close_outreach"}),
    ("utrecht", set()),
    ("leeuwarden", {"home_visit"}),
])
def test_demo_campaign_for_each_preset(preset, final_kinds, monkeypatch):
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [])  # residents only; the campaign is seeded here
    summary = generator.seed(preset, 300, 42, today=NOW.date())
    counts = seed_outreach(summary.municipality, random.Random(7), NOW.date())
    assert all(isinstance(v, int) for v in counts.values())  # seed_demo prints them in its summary
    campaign = Campaign.objects.get(municipality=summary.municipality)
    outreaches = Outreach.objects.filter(campaign=campaign)
    assert outreaches.count() == counts["benaderingen"] >= 10
    assert {o.resident.neighbourhood_id for o in outreaches} == {campaign.neighbourhood_id}
    statuses = set(outreaches.values_list("status", flat=True))
    assert {"completed", "planned", "invited", "staff_action"} <= statuses
    today_steps = set(LadderStep.objects.filter(outreach__campaign=campaign, executed_at=NOW)
                      .values_list("kind", flat=True))
    assert today_steps == final_kinds  # each depth of the ladder: its step taken today by the real services
    assert not outreaches.exclude(pending_event="").exists()
    for step in LadderStep.objects.filter(outreach__campaign=campaign):
        assert step.policy_profile_id == campaign.policy_profile_id and step.rule
    if "registered_letter" in final_kinds:
        assert Letter.objects.filter(kind="registered_letter", registered=True, campaign_ref=campaign.ref).exists()
    if "measure_proposal" in final_kinds:
        assert Task.objects.filter(kind="measure_proposal").count() == 1
    # the demo booking link works on the public page
    response = Client().get(urlsplit(demo_booking_url(summary.municipality)).path)
    assert response.status_code == 200 and "kies een dag en tijd" in response.text
    assert Invitation.objects.filter(outreach__campaign=campaign, status="open").exists()


def test_demo_extension_through_seed_demo(monkeypatch):
    """The way seed_demo calls it: listed in DEMO_EXTENSIONS, counts in the summary."""
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [("uitnodigingen", "meedoen.outreach.demo:seed_outreach")])
    summary = generator.seed("rotterdam", 300, 42, today=NOW.date())
    assert summary.counts["uitnodigingscampagnes"] == 1 and summary.counts["benaderingen"] >= 10
