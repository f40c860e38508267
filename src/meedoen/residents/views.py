"""Staff screens for the dossier: search, caseload, team overview, dossier, edit, reassign. Views stay thin."""
import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from meedoen.accounts.models import Role, User
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import add_validation_error, get_page, parse_page
from meedoen.guidance.handover import summary_text as handover_text
from meedoen.policy.services import active_profile

from . import services
from .access import get_resident_or_deny, visible_residents
from .caseload import team_overview
from .forms import ReassignForm, ResidentForm, ResidentRegistrationForm, ResidentSearchForm
from .choices import Intensity
from .models import DossierEvent, Resident
from .tabs import dossier_context

UUID_PLACEHOLDER = uuid.UUID(int=0)

DOSSIER_HEADER_RELATED = ("neighbourhood", "current_caseworker", "municipality")
CASELOAD_FIELDS = (
    "public_id", "first_name", "name_prefix", "last_name", "date_of_birth", "segment", "intensity", "ladder_step",
    "last_assessed_on", "neighbourhood__name",
)
CASELOAD_SORTS = {
    "naam": ("last_name", "first_name"),
    "segment": ("segment", "last_name"),
    "ingeschat": ("last_assessed_on", "last_name"),
    "trede": ("ladder_step", "last_name"),
}


@login_required
def home(request):
    role = request.user.role
    if role == Role.CASEWORKER:
        return redirect("guidance:worklist")
    if role == Role.TEAM_LEAD:
        return redirect("residents:team")
    if role == Role.NEIGHBOURHOOD_WORKER:
        return redirect("residents:search")
    if role == Role.ADMINISTRATOR or request.user.is_superuser:
        return redirect("audit:list")
    if role == Role.ANALYST:
        return redirect("monitoring:dashboard")
    if role == Role.PROVIDER_STAFF and request.user.provider_id:
        return redirect("partner:home")
    if role == Role.ENFORCEMENT:
        return redirect("obligations:enforcement")
    if role == Role.RESIDENT:
        return redirect("portal:overview")
    return render(request, "residents/home_other.html")


@audit.no_personal_data
@login_required
def about(request):
    """Static page with the base layout; also the baseline page of `make bench`."""
    return render(request, "about.html")


def _profile(request):
    return active_profile(request.user.municipality)


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    if request.user.role not in (Role.CASEWORKER, Role.TEAM_LEAD, Role.NEIGHBOURHOOD_WORKER):
        raise PermissionDenied
    profile = _profile(request)
    segments = [(g.code, g.label) for g in profile.groups]
    form = ResidentSearchForm(request.POST if request.method == "POST" else None, municipality=request.user.municipality, segments=segments)
    results = None
    if request.method == "POST" and form.is_valid():
        if form.has_criteria():
            qs = form.filter(visible_residents(request.user)).select_related("neighbourhood", "current_caseworker")
            results = list(qs.order_by("last_name", "first_name")[:50])
            audit.record(
                request, AuditEntry.Action.SEARCH,
                detail={"criteria": sorted(k for k, v in form.cleaned_data.items() if v), "results": len(results),
                        "shown": [r.pk for r in results]},
            )
        else:
            form.add_error(None, _("Vul minstens één zoekveld in."))
    context = {"form": form, "results": results, "profile": profile}
    template = "residents/_search_results.html" if request.htmx else "residents/search.html"
    return render(request, template, context)


def caseload_rows(residents, profile):
    """Plain rows for the caseload table, prepared once: a caseload of 350 is read many times a day."""
    today = timezone.localdate()
    labels = {g.code: g.label for g in profile.groups}
    intensity = dict(Intensity.choices)
    dossier_prefix = reverse("residents:dossier", args=[UUID_PLACEHOLDER]).replace(f"{UUID_PLACEHOLDER}/", "")
    return [
        {
            "url": f"{dossier_prefix}{r.public_id}/",
            "name": r.full_name,
            "age": r.age_on(today),
            "neighbourhood": r.neighbourhood.name,
            "segment": r.segment,
            "segment_label": labels.get(r.segment, r.segment or "–"),
            "intensity": intensity.get(r.intensity, r.intensity),
            "ladder_step": r.ladder_step or "–",
            "last_assessed_on": r.last_assessed_on.strftime("%d-%m-%Y") if r.last_assessed_on else "–",
        }
        for r in residents
    ]


def _caseload_page(request, caseworker):
    profile = _profile(request)
    qs = (
        visible_residents(request.user).filter(current_caseworker=caseworker).select_related("neighbourhood")
        .only(*CASELOAD_FIELDS)
    )
    segment = request.GET.get("segment", "")
    if segment:
        qs = qs.filter(segment=segment)
    sort = request.GET.get("sorteer", "naam")
    qs = qs.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["naam"]))
    page = get_page(Paginator(qs, settings.MEEDOEN_CASELOAD_PAGE_SIZE), request)
    audit.note_shown(request, page)
    return {
        "caseworker": caseworker,
        "page": page,
        "rows": caseload_rows(page, profile),
        "profile": profile,
        "segment": segment,
        "sort": sort,
        "sorts": CASELOAD_SORTS.keys(),
        "segments": [(g.code, g.label) for g in profile.groups],
    }


@login_required
def caseload(request):
    if request.user.role != Role.CASEWORKER:
        raise PermissionDenied
    return render(request, "residents/caseload.html", _caseload_page(request, request.user))


@login_required
def caseworker_caseload(request, user_id):
    """A team lead looks at one caseworker's caseload in the own team."""
    if request.user.role != Role.TEAM_LEAD:
        raise PermissionDenied
    caseworker = get_object_or_404(User, pk=user_id, role=Role.CASEWORKER)
    if caseworker.team_id != request.user.team_id:
        audit.record(request, AuditEntry.Action.DENIED, obj=caseworker)
        raise PermissionDenied
    return render(request, "residents/caseload.html", _caseload_page(request, caseworker))


@login_required
def team(request):
    if request.user.role != Role.TEAM_LEAD or request.user.team is None:
        raise PermissionDenied
    profile = _profile(request)
    rows = team_overview(request.user.team, profile)
    # Residents in the team's wijken without any caseworker: the team lead assigns them.
    unassigned = visible_residents(request.user).filter(current_caseworker__isnull=True).count()
    return render(
        request, "residents/team.html",
        {"rows": rows, "profile": profile, "team": request.user.team, "unassigned": unassigned},
    )


@login_required
def dossier(request, public_id):
    resident = get_resident_or_deny(
        request, public_id, select_related=DOSSIER_HEADER_RELATED
    )
    audit.record(request, AuditEntry.Action.VIEW, resident=resident)
    context = dossier_context(request, resident, "overview")
    profile = context["profile"]
    assessment = resident.assessments.select_related("assessed_by").first()
    if assessment is not None and assessment.policy_profile_id == profile.pk:
        assessment.policy_profile = profile  # the usual case; an older version is loaded on access
    context.update({
        "assessment": assessment,
        "ladder": list(resident.ladder_measurements.only("resident", "step", "measured_on")[:8]),
        "zrm": list(resident.zrm_measurements.defer("note", "measured_by")[:4]),
        "assignments": list(
            resident.assignments.select_related("caseworker", "team").only(
                "resident", "started_on", "ended_on", "reason", "handover_note", "caseworker__first_name",
                "caseworker__last_name", "caseworker__username", "team__name",
            )[:10]
        ),
        "timeline": _timeline_page(resident, 1),
    })
    return render(request, "residents/dossier.html", context)


class TimelinePage(list):
    """One page of the timeline, newest first, as plain rows. Fetches one row extra instead of counting a long
    history, and formats each row once (labels are looked up once per page, not per row)."""

    def __init__(self, events, number, size):
        kinds = {value: str(label) for value, label in DossierEvent.Kind.choices}
        super().__init__(
            {
                "iso": local.isoformat(),
                "when": local.strftime("%d-%m-%Y %H:%M"),
                "kind": kinds.get(e.kind, e.kind),
                "summary": e.summary,
                "actor": e.actor.get_full_name() or e.actor.username if e.actor else "",
            }
            for e in events[:size]
            for local in [timezone.localtime(e.occurred_at)]
        )
        self.number = number
        self._has_next = len(events) > size

    def has_next(self):
        return self._has_next

    def next_page_number(self):
        return self.number + 1


def _timeline_page(resident, number):
    """Page `number` (1 up to formtools.MAX_PAGE, so the offset stays a database integer) of the timeline."""
    size = settings.MEEDOEN_TIMELINE_PAGE_SIZE
    events = DossierEvent.objects.filter(resident=resident).select_related("actor").order_by("-occurred_at", "-id")
    start = (number - 1) * size
    return TimelinePage(list(events[start:start + size + 1]), number, size)


@login_required
def timeline(request, public_id):
    resident = get_resident_or_deny(request, public_id, select_related=DOSSIER_HEADER_RELATED)
    number = parse_page(request.GET.get("pagina"))
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "timeline"})
    page = _timeline_page(resident, number)
    if request.htmx:
        return render(request, "residents/_timeline.html", {"resident": resident, "timeline": page})
    context = dossier_context(request, resident, "timeline")
    context["timeline"] = page
    return render(request, "residents/timeline_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, public_id):
    resident = get_resident_or_deny(request, public_id, for_edit=True)
    if request.method == "POST":
        form = ResidentForm(request.POST, instance=resident)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                _resident, changed = services.update_resident(
                    resident, changes, expected_version=form.cleaned_data["version"], actor=request.user
                )
            except services.ConcurrentEditError:
                audit.record(request, AuditEntry.Action.CONFLICT, resident=resident)
                form.add_error(
                    None,
                    _(
                        "Iemand anders heeft dit dossier opgeslagen terwijl u aan het wijzigen was. Uw wijzigingen "
                        "zijn nog niet opgeslagen. Open het dossier opnieuw, bekijk de nieuwe gegevens en voer uw "
                        "wijziging dan nog een keer in."
                    ),
                )
            else:
                audit.record(request, AuditEntry.Action.UPDATE, resident=resident, detail={"fields": changed})
                messages.success(request, _("De gegevens zijn opgeslagen."))
                return redirect("residents:dossier", public_id=resident.public_id)
    else:
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "edit form"})
        form = ResidentForm(instance=resident)
    return render(request, "residents/edit.html", {"resident": resident, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request, public_id):
    if request.user.role != Role.TEAM_LEAD:
        raise PermissionDenied
    resident = get_resident_or_deny(request, public_id, for_edit=True)
    caseworkers = User.objects.filter(team=request.user.team, role=Role.CASEWORKER, is_active=True)
    history = list(resident.assignments.select_related("caseworker").order_by("-started_on", "-pk"))
    # A fixed caseworker gives trust: propose someone who knew the resident before, if they are in the team.
    team_ids = set(caseworkers.values_list("pk", flat=True))
    earlier = next((a.caseworker for a in history
                    if a.caseworker_id != resident.current_caseworker_id and a.caseworker_id in team_ids), None)
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    changes_last_year = sum(1 for a in history[:-1] if a.started_on >= year_ago)  # the first assignment is no change
    # Health stays out of the prefilled note: only the resident's consent lets it into a handover.
    initial = {"handover_note": handover_text(resident), "caseworker": earlier.pk if earlier else None}
    form = ReassignForm(request.POST if request.method == "POST" else None, caseworkers=caseworkers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_caseworker(
                resident, form.cleaned_data["caseworker"], actor=request.user, reason=form.cleaned_data["reason"],
                handover_note=form.cleaned_data["handover_note"],
                consent_share_health=form.cleaned_data["consent_share_health"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=resident,
                         detail={"fields": ["current_caseworker"]})
            messages.success(request, _("De klantmanager is gewijzigd. De overdracht staat in het dossier."))
            return redirect("residents:dossier", public_id=resident.public_id)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "handover"})
    return render(request, "residents/reassign.html", {
        "resident": resident, "form": form, "earlier_caseworker": earlier, "changes_last_year": changes_last_year,
    })


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """Intake: a caseworker registers a new resident, who joins the caseworker's own caseload."""
    if request.user.role != Role.CASEWORKER:
        raise PermissionDenied
    instance = Resident(municipality=request.user.municipality)
    form = ResidentRegistrationForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            resident = services.register_resident(
                actor=request.user, municipality=request.user.municipality,
                caseworker=request.user, **fields,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident)
            messages.success(request, _("De inschrijving is opgeslagen. Maak nu een eerste inschatting."))
            return redirect("assessment:new", public_id=resident.public_id)
    return render(request, "residents/register.html", {"form": form, "profile": _profile(request)})
