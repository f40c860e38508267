"""Keep the worklist facts on the Resident row true (see facts.py): any save or delete through the ORM of a record
the facts are copied from recomputes that resident's facts. Services that change those records with
queryset.update() call facts.refresh() themselves."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from meedoen.assessment.models import LadderMeasurement
from meedoen.obligations.models import Exemption
from meedoen.referrals.models import Referral

from . import facts
from .models import ActionPlan, Conversation

SOURCES = (Conversation, ActionPlan, LadderMeasurement, Referral, Exemption)


def _refresh_resident(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the facts come with the fixture
        return
    facts.refresh([instance.resident_id])


for _model in SOURCES:
    receiver(post_save, sender=_model, dispatch_uid=f"worklist-facts-save-{_model._meta.label}")(_refresh_resident)
    receiver(post_delete, sender=_model, dispatch_uid=f"worklist-facts-delete-{_model._meta.label}")(
        _refresh_resident)
