"""Changes to the dossier, each in one transaction, each leaving a timeline event."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import CaseworkerAssignment, DossierEvent, Resident


class ConcurrentEditError(Exception):
    """Somebody else saved the dossier after this edit started (optimistic locking)."""


def add_event(resident, kind, summary, actor=None, policy_profile=None, occurred_at=None):
    return DossierEvent.objects.create(
        resident=resident, kind=kind, summary=summary[:300], actor=actor, policy_profile=policy_profile,
        occurred_at=occurred_at or timezone.now(),
    )


@transaction.atomic
def register_resident(*, actor, caseworker=None, **fields):
    resident = Resident(**fields)
    resident.full_clean()
    resident.save()
    add_event(resident, DossierEvent.Kind.REGISTERED, "Ingeschreven in Meedoen", actor)
    if caseworker is not None:
        assign_caseworker(resident, caseworker, actor=actor, reason="Eerste toewijzing")
    return resident


def _as_columns(changes):
    """Map field names to column names, with related objects as their ids."""
    columns = {}
    for name, value in changes.items():
        field = Resident._meta.get_field(name)
        if field.is_relation:
            columns[field.attname] = getattr(value, "pk", value)
        else:
            columns[name] = value
    return columns


@transaction.atomic
def update_resident(resident, changes, *, expected_version, actor):
    """Save `changes` only if nobody saved the dossier since `expected_version` was read.

    Changes are compared with the stored row (not with `resident`, which a bound ModelForm may have modified).
    """
    columns = _as_columns(changes)
    stored = Resident.objects.filter(pk=resident.pk).values(*columns).get()
    changed = {name: value for name, value in columns.items() if stored[name] != value}
    if not changed:
        return resident, []
    rows = Resident.objects.filter(pk=resident.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **changed
    )
    if rows == 0:
        raise ConcurrentEditError
    labels = [str(Resident._meta.get_field(name.removesuffix("_id")).verbose_name) for name in changed]
    add_event(resident, DossierEvent.Kind.UPDATED, "Gewijzigd: " + ", ".join(labels), actor)
    resident.refresh_from_db()
    return resident, [name.removesuffix("_id") for name in changed]


@transaction.atomic
def assign_caseworker(resident, caseworker, *, actor, reason="", handover_note="", consent_share_health=False,
                      on_date=None):
    """End the current assignment and start a new one; the history shows every change of caseworker. A handover
    note that mentions health without the resident's consent is refused (guidance.handover.health_refusal)."""
    from meedoen.guidance.handover import health_refusal  # guidance builds on residents

    refusal = health_refusal(handover_note, consented=consent_share_health)
    if refusal:
        raise ValidationError({"handover_note": refusal})
    on_date = on_date or timezone.localdate()
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    if locked.current_caseworker_id == caseworker.pk:
        return None
    CaseworkerAssignment.objects.filter(resident=locked, ended_on__isnull=True).update(ended_on=on_date)
    assignment = CaseworkerAssignment.objects.create(
        resident=locked, caseworker=caseworker, team=caseworker.team, started_on=on_date, reason=reason,
        handover_note=handover_note, consent_share_health=bool(consent_share_health and handover_note),
        assigned_by=actor,
    )
    Resident.objects.filter(pk=locked.pk).update(current_caseworker=caseworker)
    resident.current_caseworker = caseworker
    add_event(resident, DossierEvent.Kind.ASSIGNMENT, f"Nieuwe klantmanager: {caseworker}. {reason}".strip(), actor)
    return assignment
