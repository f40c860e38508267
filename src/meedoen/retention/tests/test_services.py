"""Applying the schedule: what is deleted, what is kept, what holds a dossier, and what the deletion record says."""
import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models

from meedoen.accounts.models import Role, User
from meedoen.audit.models import AuditEntry
from meedoen.guidance.models import GuidanceEnding
from meedoen.obligations.models import Exemption, Measure, ObligationCode, Objection
from meedoen.residents.models import Resident
from meedoen.retention import rules, services
from meedoen.retention import schedule as schedules
from meedoen.retention.models import DeletionRecord, LegalHold
from meedoen.tests.factories import ResidentFactory

from .conftest import FROZEN_AT, TERM, end_guidance

pytestmark = pytest.mark.django_db
TODAY = FROZEN_AT.date()


def resident_models():
    """Every model with a foreign key to Resident: the dossier's own records."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Resident:
                found.append((model, field.attname))
    return found


def rows_of(resident_ids):
    return {model._meta.label: model.objects.filter(**{f"{attname}__in": resident_ids}).count()
            for model, attname in resident_models()}


def objection(resident, actor, *, status=Objection.Status.OPEN, kind="objection", **extra):
    return Objection.objects.create(resident=resident, kind=kind, decision_kind="other", subject="Bezwaar",
                                    received_on=TODAY, respond_by=TODAY + dt.timedelta(days=42), status=status,
                                    recorded_by=actor, **extra)


def test_a_due_dossier_is_deleted_with_everything_linked_and_nothing_of_another_resident(
        ended_resident, caseworker, neighbourhood, municipality):
    neighbour = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
    end_guidance(neighbour, caseworker, months_ago=2)  # ended recently: inside the term
    before = rows_of([neighbour.pk])
    assert rows_of([ended_resident.pk])["guidance.GuidanceEnding"] == 1

    result = services.apply(municipality, TODAY)

    assert result.deleted == 1 and not result.failed
    assert not Resident.objects.filter(pk=ended_resident.pk).exists()
    assert all(n == 0 for n in rows_of([ended_resident.pk]).values())
    assert rows_of([neighbour.pk]) == before
    record = DeletionRecord.objects.get(category="resident_dossier")
    assert record.dossier_number == ended_resident.pk and record.municipality == municipality
    assert record.counts["residents.Resident"] == 1 and record.counts["guidance.GuidanceEnding"] == 1
    assert record.schedule_version == schedules.current().version and "resident_dossier" in record.rule
    assert record.due_on == rules.add_months(rules.add_months(TODAY, -(TERM + 12)), TERM)


def test_the_demo_dossier_with_plan_letters_money_and_portal_account_goes_entirely(municipality):
    """A full dossier as the demo makes it (the resident login's own: plan, letters with their PDF, income,
    questionnaires, …), ended and looked at after the term: every row that points at it is deleted, with the portal
    account; the counts in the record equal what left the database; other dossiers keep every row."""
    from meedoen.demo import generator

    with time_machine.travel(FROZEN_AT, tick=False):
        generator.seed("rotterdam", 120, 7)
    account = User.objects.filter(role=Role.RESIDENT, resident__isnull=False).select_related("resident").first()
    resident = account.resident
    Objection.objects.filter(resident=resident).update(status=Objection.Status.HANDLED)
    actor = resident.current_caseworker
    if resident.guidance_status != "ended":
        end_guidance(resident, actor, months_ago=0)
    others = list(Resident.objects.exclude(pk=resident.pk).values_list("pk", flat=True))
    totals = {label: apps.get_model(label).objects.count() for label in
              {m._meta.label for m, _ in resident_models()} | {"accounts.User", "guidance.PlanStep"}}
    mine, theirs = rows_of([resident.pk]), rows_of(others)
    assert mine["letters.Letter"] >= 1 and mine["guidance.ActionPlan"] >= 1

    later = rules.add_months(TODAY, TERM + 24)
    record = services.delete_dossier(resident.municipality, resident.pk, later)

    assert record is not None
    assert all(n == 0 for n in rows_of([resident.pk]).values())
    assert rows_of(others) == theirs
    assert not User.objects.filter(pk=account.pk).exists()
    for label, before in totals.items():
        gone = before - apps.get_model(label).objects.count()
        assert gone == record.counts.get(label, 0), label
    assert record.counts["letters.Letter"] == mine["letters.Letter"]


def test_an_audit_record_of_a_deletion_holds_no_name_or_bsn(ended_resident, municipality):
    personal = [ended_resident.bsn, ended_resident.first_name, ended_resident.last_name, ended_resident.street,
                str(ended_resident.public_id), ended_resident.postcode]
    services.apply(municipality, TODAY)
    record = DeletionRecord.objects.get()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, object_type="retention.DeletionRecord")
    text = repr(list(DeletionRecord.objects.values())) + repr(list(AuditEntry.objects.filter(pk=entry.pk).values()))
    assert not [value for value in personal if value and value in text]
    assert entry.resident_id == record.dossier_number and entry.actor is None


@pytest.mark.parametrize("hold", ["objection", "complaint", "recovery", "enforcement", "manual", "guidance"])
def test_a_held_dossier_is_kept(hold, ended_resident, caseworker, municipality, administrator):
    if hold == "objection":
        objection(ended_resident, caseworker)
    elif hold == "complaint":
        objection(ended_resident, caseworker, kind="complaint")
    elif hold == "recovery":
        make_recovery(ended_resident, caseworker, TODAY - dt.timedelta(days=400))
    elif hold == "enforcement":
        from meedoen.obligations.models import IncomeSignal
        IncomeSignal.objects.create(resident=ended_resident, source="tip", received_on=TODAY,
                                    description="Werkt in een winkel.", status=IncomeSignal.Status.HANDED_OVER,
                                    recorded_by=caseworker)
    elif hold == "manual":
        services.place_hold(ended_resident, administrator, "Rechtszaak loopt")
    else:
        Resident.objects.filter(pk=ended_resident.pk).update(guidance_status="active")

    result = services.apply(municipality, TODAY)

    assert result.deleted == 0 and result.held == 1
    assert Resident.objects.filter(pk=ended_resident.pk).exists()
    assert not DeletionRecord.objects.filter(category="resident_dossier").exists()


def make_recovery(resident, actor, made_on):
    from meedoen.money.models import MonthlyCalculation, NormTable, PaymentCorrection

    month = dt.date(2019, 1, 1)  # an old month: only the correction itself may hold the dossier
    amounts = {name: 0 for name in ("norm", "income", "disregard", "offset", "measure", "holiday_reserved",
                                    "holiday_paid", "premium_paid", "amount_to_pay", "total_paid")}
    table = NormTable.objects.order_by("pk").first()
    before = MonthlyCalculation.objects.create(resident=resident, month=month, status="replaced", version=1,
                                               norm_table=table, fingerprint="a", **amounts)
    after = MonthlyCalculation.objects.create(resident=resident, month=month, status="decided", version=2,
                                              replaces=before, norm_table=table, fingerprint="b", **amounts)
    correction = PaymentCorrection.objects.create(resident=resident, month=month, kind="overpayment", amount=120,
                                                  previous=before, recalculated=after, reason="Inkomsten",
                                                  created_by=actor)
    PaymentCorrection.objects.filter(pk=correction.pk).update(
        created_at=dt.datetime.combine(made_on, dt.time(12), tzinfo=FROZEN_AT.tzinfo))


def test_a_recovery_older_than_its_limitation_term_no_longer_holds(ended_resident, caseworker, municipality):
    make_recovery(ended_resident, caseworker, rules.add_months(TODAY, -61))
    assert services.apply(municipality, TODAY).deleted == 1


def test_a_handled_objection_does_not_hold_and_its_restricted_measure_link_is_deleted_with_the_dossier(
        ended_resident, caseworker, municipality):
    measure = Measure.objects.create(resident=ended_resident, breached_obligation=ObligationCode.choices[0][0],
                                     facts="Niet gekomen.", occurred_on=TODAY, blame="full", blame_note="Geen reden.",
                                     proposed_on=TODAY, proposed_by=caseworker, status=Measure.Status.WITHDRAWN)
    exemption = ended_exemption(ended_resident)
    objection(ended_resident, caseworker, status=Objection.Status.HANDLED, measure=measure, exemption=exemption)
    result = services.apply(municipality, TODAY)
    assert result.deleted == 1 and not Objection.objects.exists()


def test_a_restricted_link_from_another_dossier_stops_only_that_dossier_and_loses_nothing(
        ended_resident, caseworker, municipality, neighbourhood):
    second = end_guidance(ResidentFactory(municipality=municipality, neighbourhood=neighbourhood), caseworker,
                          months_ago=TERM + 6)
    exemption = ended_exemption(ended_resident)
    # A data error: an objection in an active dossier names the exemption of the ended one (RESTRICT).
    active = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
    objection(active, caseworker, status=Objection.Status.HANDLED, exemption=exemption)
    kept = rows_of([ended_resident.pk])

    result = services.apply(municipality, TODAY)

    assert result.failed == [ended_resident.pk] and result.deleted == 1
    assert rows_of([ended_resident.pk]) == kept
    assert not Resident.objects.filter(pk=second.pk).exists()
    assert list(DeletionRecord.objects.values_list("dossier_number", flat=True)) == [second.pk]


def test_letters_keep_their_pdf_in_the_row_so_no_dossier_file_is_left_in_storage():
    """Letters store their PDF bytes in the database (letters.Letter.pdf), so deleting the row deletes the PDF. No
    dossier model has a FileField today; if one is added, delete_dossier removes its files from storage after the
    commit (services._file_fields) — and this test is the reminder to add a deletion test for it."""
    from meedoen.letters.models import Letter

    assert isinstance(Letter._meta.get_field("pdf"), models.BinaryField)
    assert [m._meta.label for m, _ in resident_models() if services._file_fields(m)] == []


def test_dry_run_deletes_nothing_and_counts_what_would_go(ended_resident, municipality):
    before = rows_of([ended_resident.pk])
    result = services.apply(municipality, TODAY, dry_run=True)
    assert result.deleted == 1 and result.dry_run
    assert rows_of([ended_resident.pk]) == before
    assert not DeletionRecord.objects.exists()


def test_command_dry_run_lists_counts_only(ended_resident, municipality):
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--municipality", municipality.code, stdout=out)
    text = out.getvalue()
    assert f"{municipality.code}: dossiers due 1" in text and "dry run" in text
    assert ended_resident.last_name not in text and ended_resident.bsn not in text
    assert Resident.objects.filter(pk=ended_resident.pk).exists()
    call_command("apply_retention", "--municipality", municipality.code, stdout=StringIO())
    assert not Resident.objects.filter(pk=ended_resident.pk).exists()


def test_a_hold_placed_after_the_list_was_made_still_wins(ended_resident, municipality, administrator):
    [status] = [s for s in services.dossier_statuses(municipality, TODAY) if s.decision.is_due(TODAY)]
    services.place_hold(ended_resident, administrator, "Vraag van de ombudsman")
    assert services.delete_dossier(municipality, status.dossier_number, TODAY) is None
    assert Resident.objects.filter(pk=ended_resident.pk).exists()


def test_lifting_a_hold_keeps_its_history_and_makes_the_dossier_due_again(ended_resident, municipality,
                                                                          administrator):
    services.place_hold(ended_resident, administrator, "Rechtszaak loopt")
    assert services.apply(municipality, TODAY, dry_run=True).deleted == 0
    services.lift_hold(ended_resident, administrator, "Uitspraak gedaan")
    assert LegalHold.objects.get().lifted_at is not None
    assert services.apply(municipality, TODAY, dry_run=True).deleted == 1


def test_overview_counts_due_now_due_soon_and_held(ended_resident, caseworker, municipality, neighbourhood,
                                                   administrator):
    soon = end_guidance(ResidentFactory(municipality=municipality, neighbourhood=neighbourhood), caseworker,
                        months_ago=TERM - 1)
    later = end_guidance(ResidentFactory(municipality=municipality, neighbourhood=neighbourhood), caseworker,
                         months_ago=TERM - 6)
    held = end_guidance(ResidentFactory(municipality=municipality, neighbourhood=neighbourhood), caseworker,
                        months_ago=TERM + 1)
    objection(held, caseworker)
    manual = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)  # active, manual hold
    services.place_hold(manual, administrator, "Rechtszaak")
    summary = services.overview(municipality, TODAY)
    assert (summary.due_now, summary.due_soon) == (1, 1)
    assert sorted(s.dossier_number for s in summary.held) == sorted([held.pk, manual.pk])
    assert later.pk not in [s.dossier_number for s in summary.held] and soon.pk


def test_audit_lines_past_their_term_are_purged_but_research_exports_and_deletion_records_keep_theirs(db):
    schedule = schedules.current()
    old = FROZEN_AT - dt.timedelta(days=31 * schedule.category("audit_trail").term_months + 10)
    recent = FROZEN_AT - dt.timedelta(days=10)
    AuditEntry.objects.create(actor_username="x", action="view", occurred_at=old)
    AuditEntry.objects.create(actor_username="x", action="view", occurred_at=recent)
    AuditEntry.objects.create(actor_username="x", action="export", screen="monitoring:research_export",
                              occurred_at=old)
    DeletionRecord.objects.create(category="resident_dossier", rule="r", schedule_version="v", occurred_at=old)

    purged = services.purge_logs(TODAY)

    assert purged == {"audit_trail": 1, "research_export_log": 0, "deletion_record": 0}
    assert AuditEntry.objects.filter(occurred_at=recent).exists()
    assert AuditEntry.objects.filter(screen="monitoring:research_export").exists()
    assert DeletionRecord.objects.filter(category="resident_dossier").exists()
    assert DeletionRecord.objects.filter(category="audit_trail", counts={"audit.AuditEntry": 1}).exists()
    ancient = FROZEN_AT - dt.timedelta(days=31 * schedule.category("deletion_record").term_months + 10)
    DeletionRecord.objects.filter(category="resident_dossier").update(occurred_at=ancient)
    assert services.purge_logs(TODAY)["deletion_record"] == 1



def ended_exemption(resident):
    return Exemption.objects.create(resident=resident, kind=Exemption.Kind.SOCIAL_MEDICAL, grounds="Zorg",
                                    granted_by=resident.current_caseworker,
                                    starts_on=TODAY - dt.timedelta(days=90), status=Exemption.Status.ENDED,
                                    ended_on=TODAY - dt.timedelta(days=30))


def test_unconfirmed_default_terms_only_count_unless_the_municipality_accepts_them(ended_resident, municipality,
                                                                                  settings):
    settings.RETENTION_DELETE_UNDER_DEFAULT_TERMS = False
    assert schedules.current().status == "default"
    out = StringIO()
    call_command("apply_retention", "--municipality", municipality.code, stdout=out)
    assert "not confirmed by the archivaris" in out.getvalue()
    [result] = services.apply_all(today=TODAY, municipality_code=municipality.code)
    assert result.unconfirmed and result.dry_run and result.deleted == 1  # counted as due, not deleted
    assert Resident.objects.filter(pk=ended_resident.pk).exists()
    settings.RETENTION_DELETE_UNDER_DEFAULT_TERMS = True
    call_command("apply_retention", "--municipality", municipality.code, stdout=StringIO())
    assert not Resident.objects.filter(pk=ended_resident.pk).exists()
