"""Helpers for outreach tests: times in Amsterdam, a campaign with slots, the night run, the letters made."""
import datetime as dt
from zoneinfo import ZoneInfo

from meedoen.letters.models import Letter
from meedoen.outreach import services
from meedoen.outreach.models import Outreach
from meedoen.outreach.tasks import process_outreach

AMS = ZoneInfo("Europe/Amsterdam")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMS)  # a Monday, after every preset's effective date


def at(day, hour=9, minute=0):
    """An aware datetime in Amsterdam on `day` (a date, or days after START)."""
    if isinstance(day, int):
        day = START.date() + dt.timedelta(days=day)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMS)


def run_night():
    """The nightly task, run inline (ImmediateBackend), as cron's run_scheduled would enqueue it."""
    result = process_outreach.enqueue()
    assert result.status == "SUCCESSFUL", result.errors
    return result.return_value


def make_campaign(actor, residents, *, kind=None, valid_days=14, name="Campagne Feijenoord"):
    profile = services.active_profile(actor.municipality)
    kind = kind or services.kinds_for(profile)[0].code
    return services.create_campaign(actor, name=name, appointment_kind=kind,
                                    resident_ids=[r.public_id for r in residents], invitation_valid_days=valid_days)


def add_slots(actor, campaign, venue, *, day, hour=10, count=4, capacity=1, minutes=30, caseworker=None):
    return services.add_slots(actor, campaign, caseworker=caseworker or actor, starts_at=at(day, hour),
                              minutes=minutes, capacity=capacity, venue=venue, count=count)


def letters_of(resident):
    return list(Letter.objects.without_content().filter(resident=resident).order_by("id")
                .values_list("kind", "registered"))


def outreach_of(campaign, resident) -> Outreach:
    return Outreach.objects.get(campaign=campaign, resident=resident)



def token_from_letter(resident, step_key=None):
    """The booking token as printed in the resident's latest invitation or reminder letter."""
    import re

    letters = Letter.objects.filter(resident=resident, kind__in=["invitation", "reminder"]).order_by("-id")
    if step_key:
        letters = letters.filter(step_key=step_key)
    match = re.search(r"/uitnodigingen/afspraak/([a-z0-9]+)/", letters.first().document_html)
    return match.group(1)
