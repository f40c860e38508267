"""Forms of the referral screens (caseworker and provider portal). The services check everything again; the forms
parse the input and give the services' errors a place next to the field they belong to."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DateField, DateTimeField, DecimalField, IdField, IntegerField
from meedoen.offer.models import Activity, Provider

from . import rules
from .models import Cohort, ProviderReport

HOURS = {"max_digits": 4, "decimal_places": 1, "min_value": 0, "max_value": 40}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


# -- caseworker -------------------------------------------------------------------------------------------------------


class ReferralForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Partner"), queryset=Provider.objects.none(),
                                      error_messages={"required": _("Kies een partner."),
                                                      "invalid_choice": _("Kies een partner uit de lijst.")})
    activity = forms.ModelChoiceField(
        label=_("Activiteit"), queryset=Activity.objects.none(), required=False,
        help_text=_("Leeg laten als de partner zelf met de inwoner kijkt wat past (bijv. schuldhulp)."),
        error_messages={"invalid_choice": _("Kies een activiteit uit de lijst.")},
    )
    hours_per_week = DecimalField(label=_("Uren per week"), required=False, **HOURS)
    handover_note = forms.CharField(
        label=_("Warme overdracht aan de partner"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
        help_text=_("Wie is de inwoner, wat wil hij of zij, wat is afgesproken? Schrijf gezondheid of schulden "
                    "alleen op als de inwoner daarvoor hieronder toestemming geeft. Nooit het BSN."),
    )
    consent_given = forms.BooleanField(
        label=_("De inwoner geeft toestemming voor deze doorverwijzing en om naam, leeftijd, wijk, telefoon, "
                "e-mail en de overdracht te delen met de partner"), required=False,
    )
    consent_share_health = forms.BooleanField(label=_("De partner mag ook de gezondheid zien"), required=False)
    consent_share_debts = forms.BooleanField(label=_("De partner mag ook zien of er schulden zijn"), required=False)
    consent_note = forms.CharField(label=_("Toelichting op de toestemming"), max_length=300, required=False,
                                   help_text=_("Bijv. 'mondeling gegeven in het gesprek van vandaag'."))
    allow_full = forms.BooleanField(
        label=_("Toch doorverwijzen als de activiteit vol is (de partner zet de inwoner op de wachtlijst)"),
        required=False,
    )
    suggestion = IdField(widget=forms.HiddenInput, required=False)
    task = IdField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(municipality=municipality, active=True)
        self.fields["activity"].queryset = (Activity.objects.filter(municipality=municipality, active=True)
                                            .select_related("provider"))
        self.fields["activity"].label_from_instance = lambda a: f"{a.title} ({a.provider.name})"


class WithdrawForm(forms.Form):
    version = IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Waarom intrekken?"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CompleteForm(forms.Form):
    version = IntegerField(widget=forms.HiddenInput)
    ended_on = DateField(label=_("Afgerond op"), widget=DateInput())
    note = forms.CharField(label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CheckForm(forms.Form):
    still_active = forms.TypedChoiceField(
        label=_("Is de inwoner nog actief?"), widget=forms.RadioSelect, required=False, empty_value=None,
        choices=[("ja", _("Ja, nog actief")), ("nee", _("Nee, niet meer actief"))],
        coerce=lambda v: {"ja": True, "nee": False}.get(v),
    )
    note = forms.CharField(label=_("Toelichting"), max_length=300, required=False)


# -- provider ---------------------------------------------------------------------------------------------------------


class VersionForm(forms.Form):
    version = IntegerField(widget=forms.HiddenInput)


class AcceptForm(VersionForm):
    note = forms.CharField(label=_("Bericht aan de klantmanager (niet verplicht)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(VersionForm):
    reason = forms.CharField(label=_("Waarom kunt u deze inwoner niet plaatsen?"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class IntakeForm(VersionForm):
    intake_at = DateTimeField(label=_("Intake op"), widget=DateTimeInput(),
                              input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                              error_messages={"required": _("Kies een datum en tijd voor de intake."),
                                              "invalid": _("Vul een datum en tijd in.")})
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False)


class CohortChoiceForm(VersionForm):
    cohort = forms.ModelChoiceField(label=_("Groep"), queryset=Cohort.objects.none(),
                                    error_messages={"required": _("Kies een groep."),
                                                    "invalid_choice": _("Kies een groep uit de lijst.")})

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(provider=provider).order_by("starts_on")
        self.fields["cohort"].label_from_instance = lambda c: f"{c.name} (start {c.starts_on:%d-%m-%Y})"


class PlaceForm(VersionForm):
    placed_on = DateField(label=_("Gestart op"), widget=DateInput(),
                          error_messages={"required": _("Vul de startdatum in.")})
    hours_per_week = DecimalField(label=_("Uren per week"), required=False, **HOURS)


class ReturnForm(VersionForm):
    advice = forms.CharField(
        label=_("Uw advies aan de klantmanager"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat hebt u gezien, en wat is er eerst nodig? Bijv. schuldhulp, hulp bij problemen thuis."),
    )


class ReportForm(VersionForm):
    progress = forms.ChoiceField(label=_("Hoe gaat het?"), choices=ProviderReport.Progress.choices,
                                 widget=forms.RadioSelect, required=False)
    text = forms.CharField(label=_("Terugkoppeling"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    hours_per_week = DecimalField(label=_("Uren per week nu"), required=False, **HOURS)


class ProviderCompleteForm(VersionForm):
    ended_on = DateField(label=_("Afgerond op"), widget=DateInput(),
                         error_messages={"required": _("Vul de datum in.")})
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Naam van de groep"), max_length=100, required=False)
    starts_on = DateField(label=_("Eerste bijeenkomst"), widget=DateInput(),
                          error_messages={"required": _("Kies de startdatum.")})
    size = IntegerField(label=_("Aantal plaatsen"), required=False, min_value=1, max_value=50,
                        help_text=_("Leeg laten: de groepsgrootte uit het contract (anders 15)."))

    def initial_name(self):
        return ""


PROVIDER_FORMS = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "plan_intake": IntakeForm,
    "add_to_cohort": CohortChoiceForm,
    "place": PlaceForm,
    "return": ReturnForm,
    "report": ReportForm,
    "complete": ProviderCompleteForm,
}


def provider_forms(referral, data=None, action=None):
    """The forms for the actions the provider may take now, keyed by action; `data` binds the one for `action`."""
    today = timezone.localdate()
    forms_ = {}
    for name in rules.allowed_actions(referral.status, rules.PROVIDER):
        cls = PROVIDER_FORMS[name]
        initial = {"version": referral.version}
        if name == "place":
            initial.update(placed_on=today, hours_per_week=referral.hours_per_week)
        elif name == "complete":
            initial["ended_on"] = today
        kwargs = {"provider": referral.provider} if cls is CohortChoiceForm else {}
        bound = data if name == action else None
        forms_[name] = cls(bound, initial=initial, prefix=name, **kwargs)
    return forms_
