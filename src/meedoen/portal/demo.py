"""Demo: link the demo login 'inwoner' to a resident whose portal has something to show.

Called by the demo generator after every extension has seeded its data (plans, invitations, letters, income). The
choice is deterministic: first a signed plan, then income reports, letters, appointments, a recorded over- or
underpayment and the caseworker 'klantmanager' (in that order of importance), ties broken by the order the residents
were generated in.

The demo seeds plans without rendering their letters (speed). A signed plan always gets a confirmation letter in
real use (guidance.services.sign_plan), so the linked resident gets that one letter here, through the same service,
so that "Mijn brieven" shows a real PDF.
"""
from django.db.models import Q

from meedoen.accounts.models import Role, User
from meedoen.guidance.models import ActionPlan
from meedoen.guidance.services import issue_letter_safely
from meedoen.letters.models import Letter
from meedoen.money.models import IncomeReport, PaymentCorrection
from meedoen.outreach.models import Appointment
from meedoen.residents.models import Resident


def _ids(queryset):
    return set(queryset.values_list("resident_id", flat=True).distinct())


def choose_resident(municipality):
    in_municipality = Q(resident__municipality=municipality)
    features = [
        _ids(ActionPlan.objects.filter(in_municipality, status=ActionPlan.Status.SIGNED)),
        _ids(IncomeReport.objects.filter(in_municipality)),
        _ids(Letter.objects.filter(in_municipality)),
        _ids(Appointment.objects.filter(in_municipality)),
        _ids(PaymentCorrection.objects.filter(in_municipality)),
        set(Resident.objects.filter(municipality=municipality, current_caseworker__username__startswith="klantmanager",
                                    current_caseworker__role=Role.CASEWORKER).values_list("pk", flat=True)),
    ]
    candidates = set().union(*features[:4])
    if not candidates:
        return Resident.objects.filter(municipality=municipality).order_by("pk").first()
    return Resident.objects.get(pk=min(candidates, key=lambda pk: (tuple(pk not in f for f in features), pk)))


def link_resident_login(municipality):
    """Link the municipality's unlinked demo resident login to a resident with data; returns the resident."""
    user = (User.objects.filter(municipality=municipality, role=Role.RESIDENT, resident__isnull=True)
            .order_by("pk").first())
    if user is None:
        return None
    resident = choose_resident(municipality)
    if resident is None:
        return None
    # The login carries the resident's own name (the menu shows it); never the BSN.
    user.resident = resident
    user.first_name = resident.first_name
    user.last_name = " ".join(part for part in (resident.name_prefix, resident.last_name) if part)
    user.save(update_fields=["resident", "first_name", "last_name"])
    _plan_letter(resident)
    return resident


def _plan_letter(resident):
    plan = (ActionPlan.objects.filter(resident=resident, status=ActionPlan.Status.SIGNED)
            .select_related("signature_recorded_by", "policy_profile").prefetch_related("steps").first())
    if plan is None:
        return None
    context = {
        "plan_goals": [line.strip() for line in plan.goals.splitlines() if line.strip()],
        "plan_activities": [{"name": s.description, "hours_per_week": f"{s.hours_per_week:g}".replace(".", ",")}
                            for s in plan.steps.all()],
        "review_on": plan.review_on,
    }
    letter, _problem = issue_letter_safely(resident, "plan_confirmation", f"plan:{plan.pk}:signed",
                                           actor=plan.signature_recorded_by or resident.current_caseworker,
                                           profile=plan.policy_profile, context=context)
    return letter
