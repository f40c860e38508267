"""The capacity-planning screen: for a neighbourhood or an outreach campaign, a proposed allocation of the residents
over the places in the catalogue (meedoen.offer.planning), the residents without a place, and where places are short
per kind of activity and neighbourhood.

It proposes; it never creates referrals. Access: klantmanager and teamleider of the municipality, over the residents
they may see (residents.access.visible_residents); a neighbourhood or campaign of another municipality is refused
and audited. Every run is audited (who, which selection, how many residents).
"""
from collections import Counter

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.accounts.access import require_role
from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import InvalidParameter, parse_id
from meedoen.organisation.models import Neighbourhood
from meedoen.outreach.models import Campaign
from meedoen.residents.access import visible_residents
from meedoen.residents.models import Resident

from . import planning
from .access import get_in_municipality_or_deny
from .models import Activity, ActivityCategory

PLANNING_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_LEAD})
MAX_RESIDENTS = 5_000  # planned synchronously; a larger selection is asked to be split
ROWS_SHOWN = 50


class PlanningForm(forms.Form):
    wijk = forms.TypedChoiceField(label=gettext_lazy("Wijk"), required=False, coerce=int, empty_value=None)
    campagne = forms.TypedChoiceField(label=gettext_lazy("of een uitnodigingscampagne"), required=False,
                                      coerce=int, empty_value=None)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wijk"].choices = [("", _("– kies een wijk –"))] + [
            (n.pk, n.name) for n in Neighbourhood.objects.filter(municipality=municipality).order_by("name")]
        campaigns = Campaign.objects.filter(municipality=municipality).order_by("-created_at", "-id")[:100]
        self.fields["campagne"].choices = [("", _("– geen campagne –"))] + [(c.pk, c.name) for c in campaigns]

    def clean(self):
        data = super().clean()
        if bool(data.get("wijk")) == bool(data.get("campagne")):
            raise forms.ValidationError(_("Kies een wijk of een campagne (één van de twee)."))
        return data


def _selected(request, key, queryset):
    """The neighbourhood or campaign in the query string, if any: 403 (audited) when it is another municipality's.
    An id that cannot be one is None here; the form then says what is wrong with it."""
    try:
        pk = parse_id(request.GET.get(key), name=key)
    except InvalidParameter:
        return None
    if pk is None:
        return None
    return get_in_municipality_or_deny(request, queryset, pk)


@login_required
def planning_view(request):
    require_role(request, PLANNING_ROLES, part="capacity planning")
    municipality = request.user.municipality
    neighbourhood = _selected(request, "wijk", Neighbourhood.objects.all())
    campaign = _selected(request, "campagne", Campaign.objects.all())
    asked = any(request.GET.get(key) for key in ("wijk", "campagne"))
    form = PlanningForm(request.GET if (neighbourhood or campaign or asked) else None, municipality=municipality)
    context = {"form": form, "max_residents": MAX_RESIDENTS}
    if form.is_bound and form.is_valid():
        residents = visible_residents(request.user).filter(guidance_status="active")
        if neighbourhood is not None:
            residents = residents.filter(neighbourhood=neighbourhood)
            context["selection"] = neighbourhood.name
        else:
            residents = residents.filter(outreaches__campaign=campaign)
            context["selection"] = campaign.name
        count = residents.count()
        context["count"] = count
        if count > MAX_RESIDENTS:
            context["too_many"] = True
        elif count:
            outcome = planning.plan_for_residents(residents, municipality, today=timezone.localdate())
            context.update(_present(outcome))
        audit.record(request, AuditEntry.Action.VIEW, detail={
            "part": "capacity planning", "neighbourhood": getattr(neighbourhood, "pk", None),
            "campaign": getattr(campaign, "pk", None), "residents": count,
            "allocated": context.get("allocated", 0)})
    return render(request, "offer/planning.html", context)


def _present(outcome: planning.PlanOutcome) -> dict:
    """What the template shows: counts, the first rows of the proposal and of the residents without a place, and
    the shortage table with names."""
    allocation, greedy = outcome.allocation, outcome.greedy
    activity_ids, resident_ids = outcome.activity_ids, outcome.resident_ids
    placed = [i for i in range(len(resident_ids)) if allocation.assignment[i] >= 0]
    unplaced = [i for i in range(len(resident_ids)) if allocation.assignment[i] < 0]
    categories = dict(ActivityCategory.choices)

    shown_placed, shown_unplaced = placed[:ROWS_SHOWN], unplaced[:ROWS_SHOWN]
    wanted_activities = {activity_ids[allocation.assignment[i]] for i in shown_placed}
    wanted_activities |= {activity_ids[allocation.best_option[i]] for i in shown_unplaced
                          if allocation.best_option[i] >= 0}
    activities = {a.pk: a for a in Activity.objects.filter(pk__in=wanted_activities).select_related("neighbourhood")}
    names = {r.pk: r for r in Resident.objects.filter(pk__in=[resident_ids[i] for i in shown_placed + shown_unplaced])
             .only("pk", "public_id", "first_name", "name_prefix", "last_name")}
    category_counts = Counter()
    category_of = dict(Activity.objects.filter(pk__in={activity_ids[allocation.assignment[i]] for i in placed})
                       .values_list("pk", "category"))
    for i in placed:
        if allocation.fixed[i] < 0:
            category_counts[category_of.get(activity_ids[allocation.assignment[i]], "other")] += 1

    proposal = [{"resident": names.get(resident_ids[i]),
                 "activity": activities.get(activity_ids[allocation.assignment[i]]),
                 "fit": outcome.fit_by_resident.get(resident_ids[i]), "kept": bool(allocation.fixed[i] >= 0)}
                for i in shown_placed]
    proposal.sort(key=lambda row: (row["resident"].last_name, row["resident"].first_name) if row["resident"]
                  else ("", ""))
    without = [{"resident": names.get(resident_ids[i]),
                "best": (activities.get(activity_ids[allocation.best_option[i]])
                         if allocation.best_option[i] >= 0 else None)}
               for i in shown_unplaced]

    neighbourhood_names = dict(Neighbourhood.objects.filter(
        pk__in={row.neighbourhood_id for row in outcome.shortage if row.neighbourhood_id}).values_list("pk", "name"))
    shortage = [{"category": categories.get(row.category, row.category),
                 "neighbourhood": neighbourhood_names.get(row.neighbourhood_id, _("geen wijk")),
                 "places": row.places, "first_choice": row.first_choice, "allocated": row.allocated,
                 "unallocated": row.unallocated, "shortage": row.shortage}
                for row in outcome.shortage if row.shortage or row.unallocated]
    n = len(resident_ids)
    return {
        "planned": True,
        "total": n,
        "allocated": len(placed),
        "kept": int((allocation.fixed >= 0).sum()),
        "new": allocation.new_assignments,
        "unallocated": len(unplaced),
        "no_option": outcome.no_option,
        "greedy_allocated": greedy.allocated,
        "fit_average": (round(sum(outcome.fit_by_resident.values()) / len(outcome.fit_by_resident))
                        if outcome.fit_by_resident else None),
        "fit_gain": round(100 * (allocation.total_fit / greedy.total_fit - 1), 1) if greedy.total_fit else None,
        "certified": allocation.certified,
        "category_counts": sorted(((categories.get(c, c), k) for c, k in category_counts.items()),
                                  key=lambda item: -item[1]),
        "proposal": proposal, "proposal_more": max(0, len(placed) - ROWS_SHOWN),
        "without": without, "without_more": max(0, len(unplaced) - ROWS_SHOWN),
        "shortage": shortage[:ROWS_SHOWN], "shortage_more": max(0, len(shortage) - ROWS_SHOWN),
        "places": int(outcome.capacity.sum()),
        "over_capacity": len(outcome.over_capacity_activity_ids),
    }
