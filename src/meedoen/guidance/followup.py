"""Keeping every resident's next-contact date current (DESIGN §4.1), using the pure rules in rules.py.

- register_contact(): a conversation, attended appointment or home visit happened (called by the guidance screens
  and by outreach).
- refresh_next_contact(): recompute one resident, e.g. after a plan was signed.
- refresh_all(): the nightly engine for a whole municipality, in bulk.

A placement with a partner (referrals app) that no contact has followed yet also sets a next-contact date.
"""
import datetime as dt

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from meedoen.experiments import overrides as experiment_overrides
from meedoen.policy.services import active_profile
from meedoen.residents.models import Resident

from . import rules
from .models import ActionPlan

ENDED_RULE = "begeleiding beëindigd: geen vervolgcontact"
BULK_BATCH_SIZE = 2000


def plan_review_date(resident):
    """The review date of the resident's current signed plan (None without one)."""
    return ActionPlan.objects.signed().filter(resident_id=resident.pk).values_list("review_on", flat=True).first()


def _registered_on(created_at):
    return timezone.localdate(created_at) if created_at else None


def latest_placement(resident):
    """The date of the resident's latest placement with a partner (None without one); see the referrals app."""
    from meedoen.referrals.models import Referral

    return (Referral.objects.filter(resident_id=resident.pk, placed_on__isnull=False).order_by("-placed_on")
            .values_list("placed_on", flat=True).first())


def compute_next_contact(resident, profile=None):
    if resident.guidance_status == "ended":
        return rules.NextContact(None, ENDED_RULE)
    profile = profile or active_profile(resident.municipality)
    # A running experiment's arm may change the contact norm and intensity (meedoen.experiments.overrides).
    arm = experiment_overrides.overrides_for([resident.pk]).get(resident.pk)
    return experiment_overrides.next_contact_for(
        arm, contact_norms=profile.contact_norms, segment=resident.segment, intensity=resident.intensity,
        last_contact_on=resident.last_contact_on, benefit_start_date=resident.benefit_start_date,
        registered_on=_registered_on(resident.created_at), plan_review_on=plan_review_date(resident),
        placed_on=latest_placement(resident),
    )


@transaction.atomic
def refresh_next_contact(resident, profile=None):
    result = compute_next_contact(resident, profile)
    Resident.objects.filter(pk=resident.pk).update(next_contact_on=result.due_on, next_contact_rule=result.rule[:200])
    resident.next_contact_on, resident.next_contact_rule = result.due_on, result.rule[:200]
    return result


@transaction.atomic
def register_contact(resident, contact_on=None, profile=None):
    """A conversation, attended appointment or home visit happened: move last contact and the next-contact date."""
    contact_on = contact_on or timezone.localdate()
    if resident.last_contact_on is None or contact_on > resident.last_contact_on:
        Resident.objects.filter(pk=resident.pk).update(last_contact_on=contact_on)
        resident.last_contact_on = contact_on
    return refresh_next_contact(resident, profile)


def refresh_all(municipality, *, profile=None, batch_size=BULK_BATCH_SIZE) -> int:
    """Recompute next_contact_on for everyone in active guidance in `municipality`; returns how many changed.

    Built for 40,000 to 450,000 residents: two reads of plain value tuples (residents, signed plans' review dates),
    the pure rule in Python, and writes of only the rows that changed, in batches. No query per resident.
    Residents whose guidance ended lose their next-contact date in one statement.
    """
    profile = profile or active_profile(municipality)
    norms = profile.contact_norms
    reviews = dict(
        ActionPlan.objects.signed().filter(resident__municipality=municipality).values_list("resident_id", "review_on")
    )
    from meedoen.referrals.models import Referral

    placements = dict(
        Referral.objects.filter(resident__municipality=municipality, placed_on__isnull=False)
        .values("resident_id").annotate(latest=Max("placed_on")).values_list("resident_id", "latest").order_by()
    )
    arms = experiment_overrides.overrides_for_municipality(municipality)  # one query for all experiment arms
    rows = (
        Resident.objects.filter(municipality=municipality, guidance_status="active")
        .values_list("pk", "segment", "intensity", "last_contact_on", "benefit_start_date", "created_at",
                     "next_contact_on", "next_contact_rule")
        .order_by()
    )
    tz = timezone.get_current_timezone()
    changed = []
    cache = {}
    for pk, segment, intensity, last_contact, benefit_start, created_at, old_due, old_rule in rows.iterator(
            chunk_size=10000):
        registered = created_at.astimezone(tz).date() if created_at else None
        review = reviews.get(pk)
        placed = placements.get(pk)
        arm = arms.get(pk)
        key = (segment, intensity, last_contact, benefit_start, registered, review, placed, arm and arm.key)
        result = cache.get(key)
        if result is None:
            result = experiment_overrides.next_contact_for(
                arm, contact_norms=norms, segment=segment, intensity=intensity, last_contact_on=last_contact,
                benefit_start_date=benefit_start, registered_on=registered, plan_review_on=review, placed_on=placed,
            )
            cache[key] = result
            if len(cache) > 200_000:
                cache.clear()
        if result.due_on != old_due or result.rule != old_rule:
            changed.append((pk, result.due_on, result.rule[:200]))
    _write(changed, batch_size)
    ended = (
        Resident.objects.filter(municipality=municipality, guidance_status="ended")
        .exclude(next_contact_on=None, next_contact_rule=ENDED_RULE)
        .update(next_contact_on=None, next_contact_rule=ENDED_RULE)
    )
    return len(changed) + ended


def _write(changed, batch_size):
    """Write (pk, due_on, rule) triples. Most residents share a (date, rule) pair with others, so one UPDATE per pair
    and batch of ids is far cheaper than a CASE per row; bulk_update is the fallback when pairs are mostly unique."""
    groups: dict[tuple[dt.date | None, str], list[int]] = {}
    for pk, due, rule in changed:
        groups.setdefault((due, rule), []).append(pk)
    # SQLite's parameter limit (999 in older builds) bounds the ids per statement.
    per_statement = min(batch_size, (connection.features.max_query_params or batch_size) - 10)
    with transaction.atomic():
        if len(groups) * 20 < len(changed):
            for (due, rule), pks in groups.items():
                for start in range(0, len(pks), per_statement):
                    Resident.objects.filter(pk__in=pks[start:start + per_statement]).update(
                        next_contact_on=due, next_contact_rule=rule
                    )
        else:
            objs = [Resident(pk=pk, next_contact_on=due, next_contact_rule=rule) for pk, due, rule in changed]
            Resident.objects.bulk_update(objs, ["next_contact_on", "next_contact_rule"],
                                         batch_size=batch_size // 4 or 1)
