"""Forms for the outreach screens. Labels and errors in Dutch (B1); the services do the real checks."""
import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DateField, IdField, IntegerField
from meedoen.organisation.models import Neighbourhood, Venue

from .models import Appointment, Slot


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Naam van de campagne"), max_length=120,
                           help_text=_("Bijvoorbeeld: Feijenoord voorjaar 2026."))
    appointment_kind = forms.ChoiceField(label=_("Soort afspraak"))
    neighbourhood = forms.ModelChoiceField(label=_("Wijk"), queryset=Neighbourhood.objects.none(), required=False,
                                           empty_label=_("Alle wijken"))
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    last_contact_before = DateField(
        label=_("Laatste contact vóór"), required=False, widget=DateInput(),
        help_text=_("Mensen zonder contact sinds deze datum (of nooit) komen in de selectie."),
    )
    invitation_valid_days = IntegerField(
        label=_("Uitnodiging geldig (dagen)"), min_value=3, max_value=60, initial=14,
        help_text=_("Daarna verloopt de persoonlijke link en volgt de volgende stap van het beleid."),
    )

    def __init__(self, *args, user, kinds, segments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment_kind"].choices = [(k.code, k.label) for k in kinds]
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(municipality_id=user.municipality_id)
        self.fields["segment"].choices = [("", _("Alle segmenten"))] + list(segments)

    def criteria(self):
        data = self.cleaned_data
        return {"neighbourhood": data.get("neighbourhood"), "segment": data.get("segment") or "",
                "last_contact_before": data.get("last_contact_before")}


class SlotForm(forms.Form):
    venue = forms.ModelChoiceField(label=_("Locatie"), queryset=Venue.objects.none(), required=False,
                                   empty_label=_("Huisbezoek (bij de inwoner thuis)"))
    caseworker = forms.ModelChoiceField(label=_("Medewerker"), queryset=None)
    date = DateField(label=_("Datum"), widget=DateInput())
    start_time = forms.TimeField(label=_("Begintijd"), widget=TimeInput())
    minutes = IntegerField(label=_("Duur per afspraak (minuten)"), min_value=5, max_value=480, initial=30)
    capacity = IntegerField(label=_("Plaatsen per tijdslot"), min_value=1, max_value=50, initial=1,
                            help_text=_("Bij een huisbezoek altijd 1."))
    count = IntegerField(label=_("Aantal tijdsloten achter elkaar"), min_value=1, max_value=40, initial=1)

    def __init__(self, *args, municipality, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(municipality=municipality).select_related("neighbourhood")
        self.fields["caseworker"].queryset = staff

    def starts_at(self):
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["date"], data["start_time"]))


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Wat gebeurde er?"), widget=forms.RadioSelect,
        choices=[(Appointment.Status.ATTENDED, _("Gekomen")),
                 (Appointment.Status.CANCELLED_IN_TIME, _("Op tijd afgemeld")),
                 (Appointment.Status.NO_SHOW, _("Niet gekomen (zonder afmelding)"))],
    )


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, slot):
        start = timezone.localtime(slot.starts_at)
        where = slot.venue.name if slot.venue_id else _("huisbezoek")
        return f"{start:%d-%m-%Y %H:%M} · {where} · {slot.caseworker} ({slot.free} vrij)"


class ConvokeForm(forms.Form):
    slot = SlotChoiceField(label=_("Tijdslot"), queryset=Slot.objects.none(), empty_label=None)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class HomeVisitForm(forms.Form):
    met = forms.ChoiceField(label=_("Uitkomst van het huisbezoek"), widget=forms.RadioSelect,
                            choices=[("yes", _("Inwoner gesproken")), ("no", _("Niet getroffen of wil niet praten"))])
    danger = forms.BooleanField(label=_("Ik maak me zorgen over de veiligheid"), required=False,
                                help_text=_("Dan wordt de benadering niet afgesloten."))
    note = forms.CharField(label=_("Korte toelichting"), max_length=200, required=False)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reden om af te sluiten"), max_length=250,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ContactForm(forms.Form):
    note = forms.CharField(label=_("Korte toelichting"), max_length=200, required=False)


class ContactPreferenceForm(forms.Form):
    email_consent = forms.BooleanField(label=_("Mag uitnodigingen en herinneringen per e-mail krijgen"),
                                       required=False)
    sms_consent = forms.BooleanField(label=_("Mag uitnodigingen en herinneringen per sms krijgen"), required=False)
    reminders_paused = forms.BooleanField(label=_("Herinneringen pauzeren"), required=False)
    pause_reason = forms.CharField(label=_("Reden van de pauze"), max_length=200, required=False)


class BookingForm(forms.Form):
    slot = IdField(widget=forms.HiddenInput, error_messages={"required": _("Kies een tijdstip.")})
