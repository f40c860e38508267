"""Outreach screens: campaigns, slots, attendance, a resident's outreach, and the public booking page.

Views stay thin: access is a queryset filter (services.visible_campaigns / visible_outreaches, residents.access),
state changes go through services, and every view and change is audited.
"""
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from meedoen.formtools import add_validation_error
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.policy.services import active_profile
from meedoen.residents.access import get_resident_or_deny, visible_residents

from . import services
from .forms import (
    AttendanceForm, BookingForm, CampaignForm, CloseForm, ContactForm, ContactPreferenceForm, ConvokeForm,
    HomeVisitForm, SlotForm,
)
from .models import Appointment, Campaign, Invitation, Outreach, SentMessage, Slot

PREVIEW_LIMIT = services.MAX_CAMPAIGN_RESIDENTS
CONVOCATION_HORIZON = dt.timedelta(days=90)
Action = AuditEntry.Action


def _staff_only(request):
    if request.user.role not in services.STAFF_ROLES or request.user.municipality_id is None:
        audit.record(request, Action.DENIED, detail={"reason": "role"})
        raise PermissionDenied(_("Alleen klantmanagers en teamleiders werken met uitnodigingen."))


def _campaign_or_deny(request, pk):
    _staff_only(request)
    campaign = services.visible_campaigns(request.user).select_related("policy_profile", "neighbourhood",
                                                                       "created_by", "team").filter(pk=pk).first()
    if campaign is not None:
        return campaign
    if Campaign.objects.filter(pk=pk).exists():
        audit.record(request, Action.DENIED, detail={"campaign": pk})
        raise PermissionDenied(_("Geen toegang tot deze campagne."))
    raise Http404


def _outreach_or_deny(request, pk):
    _staff_only(request)
    outreach = (services.visible_outreaches(request.user).select_related("campaign", "resident")
                .filter(pk=pk).first())
    if outreach is not None:
        return outreach
    denied = Outreach.objects.filter(pk=pk).only("resident_id").first()
    if denied is None:
        raise Http404
    audit.record(request, Action.DENIED, resident=denied.resident_id, detail={"outreach": pk})
    raise PermissionDenied(_("Geen toegang tot deze inwoner."))


def _pct(value):
    return None if value is None else round(value * 100)


# --------------------------------------------------------------------------------------------------------------------
# Campaigns
# --------------------------------------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    _staff_only(request)
    campaigns = (services.visible_campaigns(request.user).select_related("neighbourhood", "created_by")
                 .annotate(n=Count("outreaches"),
                           n_open=Count("outreaches", filter=Q(outreaches__status__in=Outreach.OPEN_STATUSES)),
                           n_done=Count("outreaches", filter=Q(outreaches__status=Outreach.Status.COMPLETED)))
                 .order_by("-created_at")[:100])
    audit.record(request, Action.VIEW, detail={"campaigns": len(campaigns)})
    profile = active_profile(request.user.municipality)
    labels = {k.code: k.label for k in services.kinds_for(profile)}
    for campaign in campaigns:
        campaign.kind_label = labels.get(campaign.appointment_kind, campaign.appointment_kind)
    return render(request, "outreach/campaign_list.html", {"campaigns": campaigns})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _staff_only(request)
    profile = active_profile(request.user.municipality)
    kinds = services.kinds_for(profile)
    segments = [(g.code, g.label) for g in profile.groups]
    form = CampaignForm(request.POST or None, user=request.user, kinds=kinds, segments=segments)
    selection, total, chosen = None, 0, set()
    if request.method == "POST" and form.is_valid():
        eligible = services.eligible_residents(request.user, **form.criteria())
        total = eligible.count()
        selection = list(eligible.select_related("neighbourhood").order_by("last_name", "first_name")
                         .only("public_id", "first_name", "name_prefix", "last_name", "neighbourhood__name",
                               "segment", "last_contact_on")[:PREVIEW_LIMIT])
        chosen = set(request.POST.getlist("residents")) if "create" in request.POST else \
            {str(r.public_id) for r in selection}
        if "create" in request.POST:
            try:
                campaign = services.create_campaign(
                    request.user, name=form.cleaned_data["name"],
                    appointment_kind=form.cleaned_data["appointment_kind"], resident_ids=list(chosen),
                    invitation_valid_days=form.cleaned_data["invitation_valid_days"], **form.criteria(),
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                audit.record(request, Action.CREATE, obj=campaign, detail={"residents": len(chosen)})
                messages.success(request, _("Campagne gemaakt. Maak nu tijdsloten aan en verstuur de uitnodigingen."))
                return redirect("outreach:slots", campaign.pk)
        audit.record(request, Action.SEARCH, detail={"criteria": sorted(k for k, v in form.criteria().items() if v),
                                                     "results": total})
    return render(request, "outreach/campaign_form.html", {
        "form": form, "selection": selection, "total": total, "chosen": chosen, "limit": PREVIEW_LIMIT,
        "profile": profile, "kinds": kinds,
    })


@login_required
def campaign_detail(request, pk):
    campaign = _campaign_or_deny(request, pk)
    profile = campaign.policy_profile
    kind = services.kind_for(profile, campaign.appointment_kind)
    # Every list of people below is filtered by who the user may see now (a resident who moved to another team
    # disappears); the others are only counted, never named.
    visible = visible_residents(request.user)
    outreaches = list(
        services.visible_outreaches(request.user).filter(campaign=campaign)
        .select_related("resident", "resident__neighbourhood")
        .prefetch_related(
            Prefetch("invitations", queryset=Invitation.objects.order_by("-sent_at")),
            Prefetch("appointments", queryset=Appointment.objects.select_related("slot__venue").order_by("-id")),
        )
        .order_by("resident__last_name", "resident__first_name")
    )
    hidden_people = campaign.outreaches.count() - len(outreaches)
    sent = list(SentMessage.objects.filter(campaign=campaign, resident__in=visible).select_related("resident")
                .order_by("-created_at")[:50])
    delivery = dict(SentMessage.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("id"))
                    .values_list("status", "n"))
    stats = services.campaign_statistics(campaign)
    audit.record(request, Action.VIEW, obj=campaign, detail={"outreaches": len(outreaches)})
    return render(request, "outreach/campaign_detail.html", {
        "campaign": campaign, "kind": kind, "outreaches": outreaches, "hidden_people": hidden_people, "sent": sent,
        "delivery": delivery,
        "stats": stats, "alerts": services.campaign_alerts(campaign),
        "pct": {"self_booked": _pct(stats.self_booked_share), "inv": _pct(stats.no_show_rate_invitation),
                "conv": _pct(stats.no_show_rate_convocation)},
        "free_places": services.free_slots(campaign).count(),
        "attendance_due": Appointment.objects.filter(outreach__campaign=campaign, resident__in=visible,
                                                     status=Appointment.Status.PLANNED,
                                                     slot__starts_at__lte=timezone.now()).count(),
    })


@login_required
@require_POST
def campaign_send(request, pk):
    campaign = _campaign_or_deny(request, pk)
    try:
        services.send_campaign(campaign, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("outreach:slots", campaign.pk)
    audit.record(request, Action.UPDATE, obj=campaign, detail={"sent": True})
    messages.success(request, _("De uitnodigingen worden verstuurd."))
    return redirect("outreach:campaign", campaign.pk)


# --------------------------------------------------------------------------------------------------------------------
# Slots and attendance
# --------------------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def slots(request, pk):
    campaign = _campaign_or_deny(request, pk)
    kind = services.kind_for(campaign.policy_profile, campaign.appointment_kind)
    form = SlotForm(request.POST or None, municipality=campaign.municipality_id,
                    staff=services.staff_choices(request.user),
                    initial={"caseworker": request.user.pk, "minutes": kind.minutes})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.add_slots(request.user, campaign, caseworker=data["caseworker"],
                                      starts_at=form.starts_at(), minutes=data["minutes"], capacity=data["capacity"],
                                      venue=data["venue"], count=data["count"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            audit.record(request, Action.CREATE, obj=campaign, detail={"slots": len(made)})
            messages.success(request, _("%(n)s tijdslot(en) toegevoegd.") % {"n": len(made)})
            return redirect("outreach:slots", campaign.pk)
    show_all = request.GET.get("alle") == "1"
    listed = campaign.slots.all() if show_all else campaign.slots.filter(
        Q(starts_at__gte=timezone.now() - dt.timedelta(days=1)) | Q(booked_count__gt=0)
        | Q(appointments__isnull=False)).distinct()
    visible = visible_residents(request.user)
    rows = list(
        listed.select_related("venue", "caseworker")
        .prefetch_related(Prefetch("appointments", queryset=Appointment.objects.select_related("resident")
                                   .filter(resident__in=visible).exclude(status=Appointment.Status.WITHDRAWN)))
        .order_by("starts_at")
    )
    # Appointments of people the user may not see (e.g. moved to another team) are counted per slot, not named.
    hidden = dict(Appointment.objects.filter(slot__in=[slot.pk for slot in rows])
                  .exclude(status=Appointment.Status.WITHDRAWN).exclude(resident__in=visible)
                  .values_list("slot_id").annotate(n=Count("id")).values_list("slot_id", "n").order_by())
    for slot in rows:
        slot.hidden_appointments = hidden.get(slot.pk, 0)
    audit.record(request, Action.VIEW, obj=campaign, detail={"slots": len(rows)})
    return render(request, "outreach/slots.html", {
        "campaign": campaign, "kind": kind, "form": form, "slots": rows, "now": timezone.now(), "show_all": show_all,
        "alerts": services.campaign_alerts(campaign),
    })


@login_required
@require_POST
def slot_delete(request, pk):
    _staff_only(request)
    slot = Slot.objects.filter(pk=pk, campaign__in=services.visible_campaigns(request.user)).first()
    if slot is None:
        raise Http404
    try:
        services.delete_slot(request.user, slot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        audit.record(request, Action.DELETE, obj=slot.campaign, detail={"slot": pk})
        messages.success(request, _("Tijdslot verwijderd."))
    return redirect("outreach:slots", slot.campaign_id)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    _staff_only(request)
    appointment = (Appointment.objects.select_related("slot__venue", "slot__caseworker", "outreach__campaign",
                                                      "resident")
                   .filter(pk=pk, outreach__in=services.visible_outreaches(request.user)).first())
    if appointment is None:
        denied = Appointment.objects.filter(pk=pk).only("resident_id").first()
        if denied is None:
            raise Http404
        audit.record(request, Action.DENIED, resident=denied.resident_id, detail={"appointment": pk})
        raise PermissionDenied(_("Geen toegang tot deze inwoner."))
    form = AttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(appointment, form.cleaned_data["status"], request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            audit.record(request, Action.UPDATE, resident=appointment.resident, obj=appointment,
                         detail={"attendance": form.cleaned_data["status"]})
            messages.success(request, _("Aanwezigheid vastgelegd."))
            return redirect("outreach:outreach", appointment.outreach_id)
    audit.record(request, Action.VIEW, resident=appointment.resident, obj=appointment)
    return render(request, "outreach/attendance.html", {"appointment": appointment, "form": form})


# --------------------------------------------------------------------------------------------------------------------
# One resident's outreach
# --------------------------------------------------------------------------------------------------------------------


def _convocation_slots(outreach):
    """Free future slots a caseworker can book for this resident: the campaign's, then same-kind ones elsewhere."""
    campaign = outreach.campaign
    now = timezone.now()
    return (Slot.objects.filter(Q(campaign=campaign) | Q(municipality_id=campaign.municipality_id,
                                                         appointment_kind=campaign.appointment_kind))
            .filter(starts_at__gt=now, starts_at__lt=now + CONVOCATION_HORIZON, booked_count__lt=F("capacity"))
            .select_related("venue", "caseworker").order_by("starts_at"))


@login_required
def outreach_detail(request, pk):
    outreach = _outreach_or_deny(request, pk)
    audit.record(request, Action.VIEW, resident=outreach.resident, obj=outreach)
    return render(request, "outreach/outreach_detail.html", _outreach_context(request, outreach))


def _outreach_context(request, outreach, **forms):
    steps = list(outreach.steps.select_related("policy_profile", "appointment__slot").order_by("position"))
    last_step = steps[-1] if steps else None
    return {
        "outreach": outreach,
        "resident": outreach.resident,
        "kind": services.kind_for(outreach.campaign.policy_profile, outreach.campaign.appointment_kind),
        "steps": steps,
        "invitations": outreach.invitations.order_by("-sent_at"),
        "appointments": outreach.appointments.select_related("slot__venue", "slot__caseworker").order_by("-id"),
        "sent": outreach.messages.order_by("-created_at"),
        "home_visit_open": outreach.status == Outreach.Status.STAFF_ACTION and last_step is not None
        and last_step.kind == "home_visit" and last_step.position == outreach.position,
        "can_convoke": outreach.status not in (Outreach.Status.COMPLETED, Outreach.Status.CLOSED,
                                               Outreach.Status.HANDED_OVER, Outreach.Status.NEW)
        and not outreach.appointments.filter(status=Appointment.Status.PLANNED).exists(),
        "convoke_form": forms.get("convoke_form") or ConvokeForm(slots=_convocation_slots(outreach)),
        "home_visit_form": forms.get("home_visit_form") or HomeVisitForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "pending_attendance": outreach.appointments.filter(status=Appointment.Status.PLANNED,
                                                           slot__starts_at__lte=timezone.now()).first(),
    }


def _outreach_action(request, pk, form_class, form_key, action, success, form_kwargs=None):
    outreach = _outreach_or_deny(request, pk)
    form = form_class(request.POST, **(form_kwargs(outreach) if form_kwargs else {}))
    if form.is_valid():
        try:
            action(outreach, form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            audit.record(request, Action.UPDATE, resident=outreach.resident, obj=outreach,
                         detail={"action": form_key})
            messages.success(request, success)
            return redirect("outreach:outreach", outreach.pk)
    audit.record(request, Action.VIEW, resident=outreach.resident, obj=outreach)
    context = _outreach_context(request, outreach, **{form_key: form})
    context["failed_form"] = form
    return render(request, "outreach/outreach_detail.html", context, status=400)


@login_required
@require_POST
def outreach_convoke(request, pk):
    return _outreach_action(
        request, pk, ConvokeForm, "convoke_form",
        lambda o, data: services.convoke(o, data["slot"], request.user),
        _("Oproep gemaakt en verstuurd."), form_kwargs=lambda o: {"slots": _convocation_slots(o)},
    )


@login_required
@require_POST
def outreach_home_visit(request, pk):
    return _outreach_action(
        request, pk, HomeVisitForm, "home_visit_form",
        lambda o, data: services.record_home_visit(o, met=data["met"] == "yes", danger=data["danger"],
                                                   note=data["note"], actor=request.user),
        _("Uitkomst van het huisbezoek vastgelegd."),
    )


@login_required
@require_POST
def outreach_contact(request, pk):
    return _outreach_action(request, pk, ContactForm, "contact_form",
                            lambda o, data: services.record_contact(o, request.user, data["note"]),
                            _("Contact vastgelegd."))


@login_required
@require_POST
def outreach_close(request, pk):
    return _outreach_action(request, pk, CloseForm, "close_form",
                            lambda o, data: services.close_outreach(o, request.user, data["reason"]),
                            _("Benadering afgesloten."))


@login_required
@require_POST
def outreach_danger(request, pk):
    outreach = _outreach_or_deny(request, pk)
    danger = request.POST.get("danger") == "1"
    services.set_danger(outreach, danger=danger, actor=request.user)
    audit.record(request, Action.UPDATE, resident=outreach.resident, obj=outreach, detail={"danger": danger})
    messages.success(request, _("Opgeslagen."))
    return redirect("outreach:outreach", outreach.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_preferences(request, public_id):
    _staff_only(request)
    resident = get_resident_or_deny(request, public_id, for_edit=True)
    pref = services.preference_for(resident)
    form = ContactPreferenceForm(request.POST or None, initial={
        "email_consent": pref.email_consent, "sms_consent": pref.sms_consent,
        "reminders_paused": pref.reminders_paused, "pause_reason": pref.pause_reason,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.set_contact_preference(resident, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            audit.record(request, Action.UPDATE, resident=resident, detail={"contact_preference": True})
            messages.success(request, _("Contactvoorkeuren opgeslagen."))
            return redirect("outreach:preferences", resident.public_id)
    audit.record(request, Action.VIEW, resident=resident)
    return render(request, "outreach/preferences.html", {
        "resident": resident, "form": form, "outreaches": services.resident_outreach(resident),
    })


# --------------------------------------------------------------------------------------------------------------------
# The public booking page: no login, first name only, never a BSN
# --------------------------------------------------------------------------------------------------------------------


def _public(response):
    # The token is in the URL: never send it to another site (no-referrer would make browsers post "Origin: null",
    # which the CSRF check rightly refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def book(request, token):
    found = services.lookup_token(token)
    invitation = found.invitation
    if found.state == "unknown":
        audit.record(request, Action.DENIED, detail={"booking": "unknown token"}, screen="outreach:book")
        return _public(render(request, "outreach/book_unavailable.html", {"state": "unknown"}, status=404))
    outreach = invitation.outreach
    resident = outreach.resident
    context = {"first_name": resident.first_name, "municipality": outreach.campaign.municipality,
               "kind": services.kind_for(outreach.campaign.policy_profile, outreach.campaign.appointment_kind)}
    if found.state == "used":
        appointment = (invitation.appointments.select_related("slot__venue").order_by("-id").first())
        audit.record(request, Action.VIEW, resident=resident, obj=invitation, detail={"booking": "used"})
        return _public(render(request, "outreach/book_unavailable.html", {
            **context, "state": "used", "appointment": appointment, "just_booked": request.GET.get("geboekt") == "1",
        }, status=200 if request.GET.get("geboekt") == "1" else 410))
    if found.state == "expired":
        audit.record(request, Action.VIEW, resident=resident, obj=invitation, detail={"booking": "expired"})
        return _public(render(request, "outreach/book_unavailable.html", {**context, "state": "expired",
                                                                           "invitation": invitation}, status=410))
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.book_by_token(token, form.cleaned_data["slot"])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        except OperationalError:  # the database was busy with another booking (SQLite); nothing was saved
            form.add_error(None, _("Het is nu erg druk. Probeer het over een minuut opnieuw."))
        else:
            audit.record(request, Action.CREATE, resident=resident, obj=appointment, detail={"booking": "booked"})
            return redirect(f"{request.path}?geboekt=1")
    slots = services.bookable_slots(invitation)
    if not slots:
        services.note_no_free_slot(outreach.campaign)
    audit.record(request, Action.VIEW, resident=resident, obj=invitation, detail={"booking": "open"})
    return _public(render(request, "outreach/book.html", {
        **context, "form": form, "slots": slots, "invitation": invitation,
        "home_neighbourhood": resident.neighbourhood_id,
    }, status=400 if form.errors else 200))
