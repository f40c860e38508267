"""Recording assessments and measurements; the numbers come from the pure rules in rules.py."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meedoen.policy.services import active_profile
from meedoen.residents.models import DossierEvent, Resident
from meedoen.residents.services import add_event

from . import rules
from .instruments import LADDER_STEPS, ZRM_DOMAINS
from .models import Assessment, LadderMeasurement, ZRMMeasurement


def inputs_from_resident(resident, on_date=None):
    on_date = on_date or timezone.localdate()
    benefit_years = max(0, (on_date - resident.benefit_start_date).days // 365)
    return rules.AssessmentInputs(
        age=resident.age_on(on_date),
        benefit_years=benefit_years,
        work_experience_years=resident.work_experience_years,
        education=resident.education_level,
        language=resident.dutch_language_level,
        physical_health=resident.physical_health,
        mental_health=resident.mental_health,
        debts=resident.debts,
        addiction=resident.addiction,
        isolation=resident.isolation,
        social_circumstances=resident.social_circumstances,
        care_duties=resident.care_duties,
    )


def compute(resident, inputs, profile):
    weights = profile.assessment_weights or rules.DEFAULT_WEIGHTS
    result = rules.score(inputs, weights)
    segment = rules.segment_for(result.estimated_months, inputs.age, profile.segmentation)
    return result, segment


@transaction.atomic
def record_assessment(resident, inputs, *, actor, override_segment="", override_reason="", notes="", profile=None):
    profile = profile or active_profile(resident.municipality)
    result, segment = compute(resident, inputs, profile)
    final = segment.segment
    override_segment = override_segment or ""
    if override_segment and override_segment != segment.segment:
        codes = [g.code for g in profile.groups]
        if override_segment not in codes:
            raise ValidationError({"override_segment": "Onbekend segment voor dit beleidsprofiel."})
        if not override_reason.strip():
            raise ValidationError(
                {"override_reason": "Schrijf op waarom u afwijkt van het berekende segment. Dat is verplicht."}
            )
        final = override_segment
    assessment = Assessment.objects.create(
        resident=resident,
        assessed_by=actor,
        policy_profile=profile,
        rule_version=result.rule_version,
        inputs=inputs.__dict__,
        estimated_months=result.estimated_months,
        contributions=result.contributions_as_list(),
        computed_segment=segment.segment,
        segment_rule=segment.rule,
        young_person_rule_applied=segment.young_person_rule_applied,
        segment=final,
        override_reason=override_reason.strip() if final != segment.segment else "",
        notes=notes,
    )
    Resident.objects.filter(pk=resident.pk).update(
        segment=final, estimated_months_to_work=result.estimated_months, last_assessed_on=timezone.localdate()
    )
    resident.segment, resident.estimated_months_to_work = final, result.estimated_months
    label = profile.segment_label(final)
    add_event(
        resident, DossierEvent.Kind.ASSESSMENT,
        f"Inschatting: {result.estimated_months} maanden tot werk, segment {label}", actor, profile,
    )
    if final != segment.segment:
        add_event(
            resident, DossierEvent.Kind.SEGMENT_OVERRIDE,
            f"Segment aangepast van {profile.segment_label(segment.segment)} naar {label}: {override_reason.strip()}",
            actor, profile,
        )
    return assessment


@transaction.atomic
def record_ladder(resident, *, step, measured_on, actor, note=""):
    measurement = LadderMeasurement(resident=resident, step=step, measured_on=measured_on, measured_by=actor, note=note)
    measurement.full_clean()
    measurement.save()
    latest = resident.ladder_measurements.order_by("-measured_on", "-id").values_list("step", flat=True).first()
    Resident.objects.filter(pk=resident.pk).update(ladder_step=latest)
    resident.ladder_step = latest
    add_event(resident, DossierEvent.Kind.LADDER, f"Participatieladder: trede {step} ({LADDER_STEPS[step][0]})", actor)
    return measurement


@transaction.atomic
def record_zrm(resident, *, scores, measured_on, actor, note=""):
    measurement = ZRMMeasurement(resident=resident, measured_on=measured_on, measured_by=actor, note=note, **scores)
    measurement.full_clean()
    measurement.save()
    low = [label for code, label in ZRM_DOMAINS if scores[code] <= 2]
    summary = "Zelfredzaamheid-Matrix ingevuld" + (f"; aandacht nodig: {', '.join(low)}" if low else "")
    add_event(resident, DossierEvent.Kind.ZRM, summary, actor)
    return measurement
