"""State changes of policy profiles: copying into a new draft version, approving."""
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.db.models import Max
from django.utils import timezone

from .models import PolicyProfile

COPIED_FIELDS = [
    "name", "description", "resident_term", "resident_term_plural", "approach_phrase", "ideology", "stance",
    "letter_tone", "neighbourhood_team_sees_names", "segmentation", "contact_norms", "caseload_norms",
    "no_show_ladder", "reciprocity", "assessment_weights", "extra",
]


@transaction.atomic
def copy_as_draft(profile, *, key=None, effective_from=None):
    """A new draft version of `profile` (same key), or version 1 of a new key for a municipality's own profile."""
    key = key or profile.key
    last = PolicyProfile.objects.filter(key=key).aggregate(v=Max("version"))["v"] or 0
    return PolicyProfile.objects.create(
        key=key,
        version=last + 1,
        based_on=profile,
        status=PolicyProfile.Status.DRAFT,
        effective_from=effective_from or timezone.localdate(),
        **{f: getattr(profile, f) for f in COPIED_FIELDS},
    )


@transaction.atomic
def approve(profile, user):
    profile.full_clean()
    profile.status = PolicyProfile.Status.APPROVED
    profile.approved_by = user
    profile.approved_by_name = str(user)
    profile.approved_at = timezone.now()
    profile.save()
    return profile


# Approved profile versions never change, and nearly every screen needs the one in force, so it is kept in process
# memory for a few minutes. Saving or deleting any profile clears this cache (signals below); other worker processes
# pick up a newly approved version within PROFILE_CACHE_SECONDS.
PROFILE_CACHE_SECONDS = 300
_profile_cache = {}


def clear_profile_cache(**_kwargs):
    _profile_cache.clear()


def active_profile(municipality, on_date=None):
    on_date = on_date or timezone.localdate()
    cache_key = (municipality.policy_key, on_date)
    hit = _profile_cache.get(cache_key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    profile = PolicyProfile.objects.active_for(municipality.policy_key, on_date)
    if profile is None:
        raise PolicyProfile.DoesNotExist(
            f"No approved policy profile '{municipality.policy_key}' in force on {on_date} for {municipality}."
        )
    _profile_cache[cache_key] = (time.monotonic() + PROFILE_CACHE_SECONDS, profile)
    return profile


post_save.connect(clear_profile_cache, sender=PolicyProfile, dispatch_uid="policy_profile_cache_save")
post_delete.connect(clear_profile_cache, sender=PolicyProfile, dispatch_uid="policy_profile_cache_delete")
