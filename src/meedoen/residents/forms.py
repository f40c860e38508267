from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DateField, IntegerField, formfield
from meedoen.organisation.models import Neighbourhood

from .models import Resident

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResidentSearchForm(forms.Form):
    """Sent by POST so that names and BSN digits never appear in a URL or access log."""

    name = forms.CharField(label=_("Naam"), required=False, max_length=100)
    date_of_birth = DateField(label=_("Geboortedatum"), required=False, widget=DATE_WIDGET)
    bsn_last_digits = forms.RegexField(
        label=_("Laatste cijfers BSN"), required=False, regex=r"^\d{3,4}$", max_length=4,
        error_messages={"invalid": _("Vul de laatste 3 of 4 cijfers van het BSN in.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    neighbourhood = forms.ModelChoiceField(label=_("Wijk"), required=False, queryset=Neighbourhood.objects.none())
    segment = forms.ChoiceField(label=_("Segment"), required=False)

    def __init__(self, *args, municipality=None, segments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(municipality=municipality)
        self.fields["neighbourhood"].empty_label = _("Alle wijken")
        self.fields["segment"].choices = [("", _("Alle segmenten"))] + list(segments)

    def filter(self, qs):
        data = self.cleaned_data
        if data.get("name"):
            for term in data["name"].split():
                qs = qs.filter(last_name__icontains=term) | qs.filter(first_name__icontains=term)
        if data.get("date_of_birth"):
            qs = qs.filter(date_of_birth=data["date_of_birth"])
        if data.get("bsn_last_digits"):
            qs = qs.filter(bsn__endswith=data["bsn_last_digits"])
        if data.get("neighbourhood"):
            qs = qs.filter(neighbourhood=data["neighbourhood"])
        if data.get("segment"):
            qs = qs.filter(segment=data["segment"])
        return qs

    def has_criteria(self):
        return any(self.cleaned_data.get(f) for f in self.fields)


class ResidentForm(forms.ModelForm):
    """Personal data, household, education and barriers. `version` guards against lost updates."""

    version = IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Resident
        formfield_callback = formfield  # bounded dates and finite decimals (meedoen.formtools)
        fields = [
            "first_name", "name_prefix", "last_name", "bsn", "date_of_birth", "street", "house_number", "postcode",
            "city", "neighbourhood", "phone", "email", "household_type", "children_count",
            "youngest_child_date_of_birth", "benefit_start_date", "education_level", "work_experience_years",
            "last_paid_work_year", "work_history", "dutch_language_level", "physical_health", "mental_health",
            "debts", "addiction", "isolation", "social_circumstances", "care_duties", "barrier_notes", "interests",
            "indications", "intensity",
        ]
        widgets = {
            "date_of_birth": DATE_WIDGET,
            "youngest_child_date_of_birth": DATE_WIDGET,
            "benefit_start_date": DATE_WIDGET,
            "work_history": forms.Textarea(attrs={"rows": 3}),
            "barrier_notes": forms.Textarea(attrs={"rows": 3}),
            "interests": forms.Textarea(attrs={"rows": 3}),
            "bsn": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self.instance.municipality if self.instance.municipality_id else None
        if municipality is not None:
            self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(municipality=municipality)
        self.fields["neighbourhood"].error_messages["invalid_choice"] = _("Deze wijk kennen we niet in deze gemeente.")
        if self.instance.pk and "version" in self.fields:
            self.fields["version"].initial = self.instance.version

    def clean_bsn(self):
        from .bsn import normalise_bsn

        bsn = normalise_bsn(self.cleaned_data["bsn"])
        municipality_id = self.instance.municipality_id
        duplicate = Resident.objects.filter(municipality_id=municipality_id, bsn=bsn).exclude(pk=self.instance.pk)
        if municipality_id and duplicate.exists():
            raise forms.ValidationError(_("Er is al een dossier met dit BSN in deze gemeente."))
        return bsn

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("children_count") == 0 and cleaned.get("youngest_child_date_of_birth"):
            self.add_error("youngest_child_date_of_birth", _("Er staan geen kinderen ingevuld."))
        dob, start = cleaned.get("date_of_birth"), cleaned.get("benefit_start_date")
        if dob and start and start < dob:
            self.add_error("benefit_start_date", _("De bijstand kan niet vóór de geboortedatum beginnen."))
        return cleaned


class ReassignForm(forms.Form):
    caseworker = forms.ModelChoiceField(label=_("Nieuwe klantmanager"), queryset=None)
    reason = forms.CharField(label=_("Reden"), max_length=200)
    handover_note = forms.CharField(
        label=_("Warme overdracht"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat moet de nieuwe klantmanager weten, zodat de inwoner zijn verhaal niet opnieuw hoeft te doen?"),
    )
    consent_share_health = forms.BooleanField(
        label=_("De inwoner geeft toestemming om iets over de gezondheid in deze overdracht te zetten"),
        required=False,
        help_text=_("Zonder toestemming mag er niets over gezondheid in de overdracht staan. Dat staat al in het "
                    "dossier."),
    )

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = caseworkers

    def clean(self):
        data = super().clean()
        from meedoen.guidance.handover import health_refusal

        refusal = health_refusal(data.get("handover_note", ""), consented=data.get("consent_share_health", False))
        if refusal:
            self.add_error("handover_note", refusal)
        return data


class ResidentRegistrationForm(ResidentForm):
    """Intake of a new resident: the same fields without the lock version."""

    version = None

    class Meta(ResidentForm.Meta):
        fields = [f for f in ResidentForm.Meta.fields if f != "intensity"] + ["intensity"]
