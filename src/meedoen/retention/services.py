"""Applying the retention schedule: find due dossiers per municipality and delete each in its own transaction, purge
audit lines, research-export logs, questionnaire answers and old deletion records past their own terms.

Every deletion writes a DeletionRecord without personal data (category, municipality, internal dossier number, the
rule and schedule version, rows deleted per model). A dossier that cannot be deleted (a PROTECT or RESTRICT foreign
key from outside the dossier) is rolled back on its own and reported; the run goes on with the next one.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from meedoen.accounts.models import Role, User
from meedoen.audit.models import AuditEntry
from meedoen.experiments.models import QuestionnaireResponse
from meedoen.guidance.models import GuidanceEnding
from meedoen.money.models import MonthlyCalculation, PaymentCorrection
from meedoen.obligations.models import IncomeSignal, Objection
from meedoen.organisation.models import Municipality
from meedoen.residents.models import Resident

from . import rules
from . import schedule as schedules
from .models import DeletionRecord, LegalHold

log = logging.getLogger(__name__)

DOSSIER = "resident_dossier"
# Research exports are audit lines of their own kind, with their own (longer) term.
RESEARCH_EXPORT_SCREENS = ("monitoring:research_export", "monitoring:export")
RESEARCH_EXPORTS = Q(action=AuditEntry.Action.EXPORT, screen__in=RESEARCH_EXPORT_SCREENS)


@dataclass(frozen=True)
class DossierStatus:
    dossier_number: int
    facts: rules.DossierFacts
    decision: rules.Decision


@dataclass
class RunResult:
    municipality: str
    dry_run: bool
    deleted: int = 0
    failed: list = field(default_factory=list)  # dossier numbers (no names) that could not be deleted
    held: int = 0
    # True when deleting was asked for but the schedule is not confirmed (deletes_now): the run only counted.
    unconfirmed: bool = False
    rows: dict = field(default_factory=dict)  # {"app.Model": rows}
    purged: dict = field(default_factory=dict)  # {category: rows}

    def add_rows(self, counts):
        for label, n in counts.items():
            self.rows[label] = self.rows.get(label, 0) + n

    def as_dict(self):
        return {"municipality": self.municipality, "dry_run": self.dry_run, "unconfirmed": self.unconfirmed,
                "deleted": self.deleted,
                "failed": self.failed, "held": self.held, "rows": self.rows, "purged": self.purged}


# ---------------------------------------------------------------------------------------------------------------
# Facts, in a fixed number of queries for any number of dossiers


def _annotated(residents, today, hold_months):
    recovery_since = rules.add_months(today, -hold_months)
    return residents.annotate(
        last_ended_on=Subquery(GuidanceEnding.objects.filter(resident=OuterRef("pk"))
                               .order_by("-ended_on").values("ended_on")[:1]),
        last_benefit_month=Subquery(MonthlyCalculation.objects.filter(resident=OuterRef("pk"))
                                    .order_by("-month").values("month")[:1]),
        has_open_objection=Exists(Objection.objects.filter(resident=OuterRef("pk"),
                                                           status=Objection.Status.OPEN)),
        has_recent_correction=Exists(PaymentCorrection.objects.filter(
            resident=OuterRef("pk"), created_at__date__gte=recovery_since)
            .exclude(kind=PaymentCorrection.Kind.NONE)),
        with_enforcement=Exists(IncomeSignal.objects.filter(resident=OuterRef("pk"),
                                                            status=IncomeSignal.Status.HANDED_OVER)),
        manual_hold=Subquery(LegalHold.objects.active().filter(resident=OuterRef("pk")).values("reason")[:1]),
    ).values_list("pk", "guidance_status", "last_ended_on", "last_benefit_month", "has_open_objection",
                  "has_recent_correction", "with_enforcement", "manual_hold")


def dossier_statuses(municipality, today: dt.date, schedule=None, *, resident_ids=None) -> list[DossierStatus]:
    """Every dossier of the municipality that has ended guidance at least once or carries a manual hold, with the
    rules' decision. Dossiers that never ended are never due and are left out (they are most of them)."""
    schedule = schedule or schedules.current()
    term = schedule.category(DOSSIER).term_months
    residents = Resident.objects.filter(municipality=municipality)
    if resident_ids is not None:
        residents = residents.filter(pk__in=resident_ids)
    else:
        residents = residents.filter(Exists(GuidanceEnding.objects.filter(resident=OuterRef("pk")))
                                     | Exists(LegalHold.objects.active().filter(resident=OuterRef("pk"))))
    statuses = []
    for (pk, status, ended, benefit_month, objection, correction, enforcement, manual) in _annotated(
            residents.order_by("pk"), today, schedule.recovery_hold_months):
        facts = rules.DossierFacts(
            guidance_ended_on=ended, last_benefit_month=benefit_month,
            guidance_active=status != "ended", open_objection=objection,
            recovery_open=correction or enforcement, manual_hold_reason=manual or "",
        )
        statuses.append(DossierStatus(pk, facts, rules.decide(facts, term, today)))
    return statuses


@dataclass(frozen=True)
class Overview:
    due_now: int
    due_soon: int  # due within the next `months` months, not held
    held: list  # DossierStatus of dossiers held that would otherwise be due by then, and every manual hold


def overview(municipality, today: dt.date, schedule=None, *, months=3) -> Overview:
    horizon = rules.add_months(today, months)
    due_now = due_soon = 0
    held = []
    for status in dossier_statuses(municipality, today, schedule):
        decision = status.decision
        reached = decision.due_on is not None and decision.due_on <= horizon
        if decision.is_due(today):
            due_now += 1
        elif not decision.held and reached:
            due_soon += 1
        elif decision.held and (reached or "manual" in decision.holds):
            held.append(status)
    return Overview(due_now, due_soon, held)


# ---------------------------------------------------------------------------------------------------------------
# Deleting one dossier


def _file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _portal_accounts(resident_id):
    return User.objects.filter(resident_id=resident_id, role=Role.RESIDENT)


def delete_dossier(municipality, resident_id, today: dt.date, schedule=None) -> DeletionRecord | None:
    """Delete one due dossier and everything linked to it, in one transaction; returns the record, or None when the
    dossier is (no longer) due. Re-checks the rules inside the transaction, so a hold placed during the run wins.

    Foreign keys, handled deliberately:
    - CASCADE from the dossier (assessments, conversations, plans, referrals, letters with their stored PDF,
      exemptions, measures, objections, money calculations, experiment answers, …) goes with the resident;
    - RESTRICT (an objection against a measure or exemption) is allowed because the objection is deleted in the same
      operation; an objection of *another* dossier pointing here raises RestrictedError, and PROTECT from outside
      the dossier raises ProtectedError: the transaction rolls back and the caller reports the dossier as failed;
    - the resident's portal account (accounts.User with role inwoner, SET_NULL on the dossier) is deleted too;
    - files in storage (FileFields on any collected row) are removed after the commit, so a rollback keeps them.
    """
    schedule = schedule or schedules.current()
    with transaction.atomic():
        resident = Resident.objects.select_for_update().filter(municipality=municipality, pk=resident_id).first()
        if resident is None:
            return None
        [status] = dossier_statuses(municipality, today, schedule, resident_ids=[resident_id])
        if not status.decision.is_due(today):
            return None
        collector = Collector(using=DEFAULT_DB_ALIAS, origin=resident)
        collector.collect([resident])  # raises ProtectedError / RestrictedError before anything is deleted
        files = [(f.storage, getattr(obj, f.attname)) for model, objs in collector.data.items()
                 for f in _file_fields(model) for obj in objs if getattr(obj, f.attname)]
        counts = {}
        accounts = _portal_accounts(resident_id)
        if accounts.exists():
            counts.update(accounts.delete()[1])
        _, dossier_counts = collector.delete()
        for label, n in dossier_counts.items():
            counts[label] = counts.get(label, 0) + n
        counts = {label: n for label, n in sorted(counts.items()) if n}
        record = DeletionRecord.objects.create(
            category=DOSSIER, municipality=municipality, dossier_number=resident_id,
            rule=schedule.rule(DOSSIER), schedule_version=schedule.version, due_on=status.decision.due_on,
            counts=counts,
        )
        AuditEntry.objects.create(
            actor=None, actor_username="system", action=AuditEntry.Action.DELETE, resident_id=resident_id,
            object_type="retention.DeletionRecord", object_id=str(record.pk), screen="retention:apply",
            detail={"category": DOSSIER, "schedule": schedule.version, "rows": sum(counts.values())},
        )
        if files:
            transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    return record


# ---------------------------------------------------------------------------------------------------------------
# Records counted from their own date


def _purge(category, queryset, municipality, schedule, *, dry_run):
    count = queryset.count()
    if dry_run or not count:
        return count
    with transaction.atomic():
        queryset.delete()
        DeletionRecord.objects.create(category=category, municipality=municipality, rule=schedule.rule(category),
                                      schedule_version=schedule.version,
                                      counts={queryset.model._meta.label: count})
    return count


def purge_logs(today: dt.date, schedule=None, *, dry_run=False) -> dict:
    """Audit lines, research-export logs and deletion records past their own terms (all municipalities: audit
    lines carry no municipality). Deletion records are only purged after their own, longer term."""
    schedule = schedule or schedules.current()
    now = timezone.now()

    def cutoff(category):
        day = rules.older_than(today, schedule.category(category).term_months)
        return dt.datetime.combine(day, dt.time.min, tzinfo=now.tzinfo) if timezone.is_aware(now) else day

    records = DeletionRecord.objects.filter(occurred_at__lt=cutoff("deletion_record"))
    if dry_run:
        audit_rows, export_rows = _expired_audit(cutoff("audit_trail"), cutoff("research_export_log"))
        purged = {"audit_trail": audit_rows.count(), "research_export_log": export_rows.count()}
    else:
        purged = purge_audit_trail(cutoff("audit_trail"), cutoff("research_export_log"), schedule)
    purged["deletion_record"] = _purge("deletion_record", records, None, schedule, dry_run=dry_run)
    return purged


# The audit trail is by far the largest table (every read of a dossier is a line). Row-by-row deletion is bounded per
# run: batches of AUDIT_PURGE_BATCH rows, each in its own transaction, at most AUDIT_PURGE_MAX_ROWS a run; what is left
# goes the next night. On PostgreSQL whole months go at once (the table is partitioned by month, audit 0002).
AUDIT_PURGE_BATCH = 10_000
AUDIT_PURGE_MAX_ROWS = 2_000_000
AUDIT_LABEL = AuditEntry._meta.label


def _expired_audit(audit_cutoff, export_cutoff):
    audit = AuditEntry.objects.filter(occurred_at__lt=audit_cutoff).exclude(RESEARCH_EXPORTS)
    exports = AuditEntry.objects.filter(RESEARCH_EXPORTS, occurred_at__lt=export_cutoff)
    return audit.order_by(), exports.order_by()


class _Records:
    """One DeletionRecord per category per run, grown in the same transaction as each step's deletion, so the record
    always says what is really gone (a run that stops half-way leaves a true record of the half)."""

    def __init__(self, schedule):
        self.schedule, self.records, self.totals = schedule, {}, {"audit_trail": 0, "research_export_log": 0}

    def add(self, category, rows):
        if not rows:
            return
        record = self.records.get(category)
        if record is None:
            self.records[category] = DeletionRecord.objects.create(
                category=category, rule=self.schedule.rule(category), schedule_version=self.schedule.version,
                counts={AUDIT_LABEL: rows})
        else:
            record.counts[AUDIT_LABEL] += rows
            record.save(update_fields=["counts"])
        self.totals[category] += rows


def purge_audit_trail(audit_cutoff, export_cutoff, schedule) -> dict:
    """Delete audit lines older than the audit term and research-export lines older than theirs. Returns the rows
    deleted per category.

    PostgreSQL: first every monthly partition that ends before the audit term's cutoff is dropped whole (detach, drop:
    no row-by-row delete, no bloat). Research-export lines in it that are still inside their own, longer term are put
    back first; with their month gone they land in the DEFAULT partition. Then, on every database, what is left
    (SQLite: all of it; PostgreSQL: the month the cutoff falls in and the DEFAULT partition) is deleted in bounded
    batches."""
    from meedoen.audit import partitions

    records = _Records(schedule)
    for partition in partitions.partitions_before(audit_cutoff):
        in_month = AuditEntry.objects.filter(occurred_at__gte=partition.starts_at,
                                             occurred_at__lt=partition.ends_at).order_by()
        with transaction.atomic():
            audit_rows = in_month.exclude(RESEARCH_EXPORTS).count()
            export_rows = in_month.filter(RESEARCH_EXPORTS, occurred_at__lt=export_cutoff).count()
            kept = list(in_month.filter(RESEARCH_EXPORTS, occurred_at__gte=export_cutoff))
            partitions.drop_partition(partition)
            AuditEntry.objects.bulk_create(kept)
            records.add("audit_trail", audit_rows)
            records.add("research_export_log", export_rows)
        log.info("retention: audit partition %s dropped (%s lines, %s export lines kept)", partition.name,
                 audit_rows + export_rows, len(kept))
    audit, exports = _expired_audit(audit_cutoff, export_cutoff)
    budget = AUDIT_PURGE_MAX_ROWS
    for category, queryset in (("audit_trail", audit), ("research_export_log", exports)):
        while budget > 0:
            ids = list(queryset.values_list("pk", flat=True)[:min(AUDIT_PURGE_BATCH, budget)])
            if not ids:
                break
            with transaction.atomic():
                deleted, _ = queryset.filter(pk__in=ids).delete()
                records.add(category, deleted)
            budget -= len(ids)
    if budget <= 0:
        log.warning("retention: %s audit lines deleted this run (the maximum); the rest goes next run",
                    AUDIT_PURGE_MAX_ROWS)
    return dict(records.totals)


def purge_questionnaires(municipality, today: dt.date, schedule=None, *, dry_run=False) -> int:
    schedule = schedule or schedules.current()
    day = rules.older_than(today, schedule.category("experiment_questionnaire").term_months)
    answers = QuestionnaireResponse.objects.filter(wave__experiment__municipality=municipality,
                                                   wave__experiment__closed_at__date__lt=day)
    return _purge("experiment_questionnaire", answers, municipality, schedule, dry_run=dry_run)


# ---------------------------------------------------------------------------------------------------------------
# A run


def apply(municipality, today: dt.date | None = None, schedule=None, *, dry_run=False) -> RunResult:
    """Apply the schedule to one municipality. A dry run counts what would go and changes nothing."""
    schedule = schedule or schedules.current()
    today = today or timezone.localdate()
    result = RunResult(municipality.code, dry_run)
    statuses = dossier_statuses(municipality, today, schedule)
    result.held = sum(1 for s in statuses if s.decision.held and s.decision.due_on and s.decision.due_on <= today)
    for status in statuses:
        if not status.decision.is_due(today):
            continue
        if dry_run:
            result.deleted += 1
            continue
        try:
            record = delete_dossier(municipality, status.dossier_number, today, schedule)
        except (ProtectedError, RestrictedError) as error:
            blocking = sorted({obj._meta.label for obj in getattr(error, "protected_objects", None)
                               or getattr(error, "restricted_objects", ())})
            log.warning("retention: dossier %s not deleted, referenced by %s", status.dossier_number, blocking)
            result.failed.append(status.dossier_number)
            continue
        except Exception:  # one dossier's failure never stops the others; its transaction rolled back
            log.exception("retention: dossier %s not deleted", status.dossier_number)
            result.failed.append(status.dossier_number)
            continue
        if record is not None:
            result.deleted += 1
            result.add_rows(record.counts)
    result.purged["experiment_questionnaire"] = purge_questionnaires(municipality, today, schedule, dry_run=dry_run)
    return result


def deletes_now(schedule) -> bool:
    """Whether a run may delete. Destroying records needs a basis in the municipality's selectielijst (Archiefwet 1995
    art. 5), so under the shipped default terms ("status": "default", not yet confirmed by the archivaris) a run only
    counts, unless the setting RETENTION_DELETE_UNDER_DEFAULT_TERMS says the municipality accepts the defaults."""
    return schedule.status == "confirmed" or bool(getattr(settings, "RETENTION_DELETE_UNDER_DEFAULT_TERMS", False))


def apply_all(today=None, schedule=None, *, dry_run=False, municipality_code=None) -> list[RunResult]:
    schedule = schedule or schedules.current()
    today = today or timezone.localdate()
    unconfirmed = not dry_run and not deletes_now(schedule)
    if unconfirmed:
        log.warning("retention: schedule %s is not confirmed by the archivaris; counting only, nothing is deleted "
                    "(set RETENTION_DELETE_UNDER_DEFAULT_TERMS to accept the default terms)", schedule.version)
        dry_run = True
    municipalities = Municipality.objects.order_by("code")
    if municipality_code:
        municipalities = municipalities.filter(code=municipality_code)
    results = [apply(m, today, schedule, dry_run=dry_run) for m in municipalities]
    if not municipality_code:
        logs = purge_logs(today, schedule, dry_run=dry_run)
        results.append(RunResult("*", dry_run, purged=logs))
    for result in results:
        result.unconfirmed = unconfirmed
    return results


# ---------------------------------------------------------------------------------------------------------------
# Manual holds


def place_hold(resident, actor, reason: str) -> LegalHold:
    reason = reason.strip()
    if not reason:
        raise ValueError("a legal hold needs a reason")
    with transaction.atomic():
        existing = LegalHold.objects.active().select_for_update().filter(resident=resident).first()
        if existing is not None:
            return existing
        return LegalHold.objects.create(resident=resident, reason=reason[:300], placed_by=actor)


def lift_hold(resident, actor, reason: str) -> LegalHold | None:
    with transaction.atomic():
        hold = LegalHold.objects.active().select_for_update().filter(resident=resident).first()
        if hold is None:
            return None
        hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), actor, reason.strip()[:300]
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        return hold
