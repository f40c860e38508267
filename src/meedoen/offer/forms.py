import re

from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DecimalField, IntegerField, formfield
from meedoen.organisation.models import Neighbourhood, Venue

from .models import Activity, ActivityCategory, ProvisionType, Provider, Weekday

THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CatalogueFilterForm(forms.Form):
    """Filters of the catalogue list (GET: no personal data in them)."""

    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100,
                        help_text=_("Naam, omschrijving of trefwoord."))
    category = forms.ChoiceField(label=_("Soort"), required=False)
    neighbourhood = forms.ModelChoiceField(label=_("Wijk"), required=False, queryset=Neighbourhood.objects.none())
    provider = forms.ModelChoiceField(label=_("Partner"), required=False, queryset=Provider.objects.none())
    free = forms.BooleanField(label=_("Alleen met vrije plaatsen"), required=False)

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Alle soorten"))] + list(ActivityCategory.choices)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(municipality=municipality)
        self.fields["neighbourhood"].empty_label = _("Alle wijken")
        self.fields["provider"].queryset = Provider.objects.filter(municipality=municipality, active=True)
        self.fields["provider"].empty_label = _("Alle partners")

    def filter(self, qs):
        data = self.cleaned_data
        if data.get("q"):
            for term in data["q"].split():
                qs = qs.filter(title__icontains=term) | qs.filter(description__icontains=term) | \
                    qs.filter(tags__icontains=term)
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("neighbourhood"):
            qs = qs.filter(neighbourhood=data["neighbourhood"])
        if data.get("provider"):
            qs = qs.filter(provider=data["provider"])
        return qs


class CommaListField(forms.CharField):
    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]


class ActivityForm(forms.ModelForm):
    """Create or change an activity (functioneel beheerder). `version` guards against lost updates."""

    version = IntegerField(widget=forms.HiddenInput, required=False)
    days = forms.MultipleChoiceField(label=_("Dagen"), required=False, choices=Weekday.choices,
                                     widget=forms.CheckboxSelectMultiple)
    tags = CommaListField(label=_("Trefwoorden"), required=False, help_text=_("Gescheiden door komma's."))

    class Meta:
        model = Activity
        formfield_callback = formfield  # bounded dates and finite decimals (meedoen.formtools)
        fields = ["code", "title", "category", "provider", "description", "tags", "neighbourhood", "venue",
                  "address", "latitude", "longitude", "days", "hours_text", "min_hours_per_week",
                  "max_hours_per_week", "capacity", "min_language_level", "physical_load", "requires_indication",
                  "indication_note", "pays_per_month", "starts_on", "ends_on", "active"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET,
                   "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["provider"].queryset = Provider.objects.filter(municipality=municipality)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(municipality=municipality)
        self.fields["venue"].queryset = Venue.objects.filter(municipality=municipality)
        for name in ("min_hours_per_week", "max_hours_per_week", "pays_per_month", "latitude", "longitude"):
            self.fields[name].localize = True
            # A text box, not type="number": browsers refuse "4,5" in a number box.
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
            self.fields[name].widget.is_localized = True
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        """Uniqueness of the code is checked by the service (create and update), in the transaction that saves; the
        hours range by Activity.clean()."""

    @property
    def changes(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EuroField(DecimalField):
    """An amount in euros as people type it: 450, 450,50, 1.200,00, € 1200 or 1200.00."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            text = value.replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
            if ("," in text and "." in text) or THOUSANDS.match(text):  # 1.200,00 or 1.200
                text = text.replace(".", "").replace(",", ".")
            elif "," in text:
                text = text.replace(",", ".")
            value = text
        return super().to_python(value)


class GrantRequestForm(forms.Form):
    provision_type = forms.ModelChoiceField(label=_("Voorziening"), queryset=ProvisionType.objects.none())
    amount = EuroField(label=_("Bedrag (euro)"), max_digits=9, decimal_places=2, help_text=_("Bijv. 450,00."))
    reason = forms.CharField(label=_("Waarom is dit nodig?"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000, help_text=_("Welke belemmering neemt dit weg?"))

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provision_type"].queryset = ProvisionType.objects.filter(municipality=municipality,
                                                                              active=True).order_by("name")


class GrantDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Besluit"), choices=[("approve", _("Toekennen")), ("reject", _("Afwijzen"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Verplicht bij afwijzen."))
    version = IntegerField(widget=forms.HiddenInput)


class SpendingForm(forms.Form):
    spent = EuroField(label=_("Uitgegeven (euro)"), max_digits=9, decimal_places=2)
    version = IntegerField(widget=forms.HiddenInput)


class CancelGrantForm(forms.Form):
    version = IntegerField(widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Bestand (.csv of .xlsx)"),
                           help_text=_("Maximaal 5 MB. De eerste regel bevat de kolomnamen."))
