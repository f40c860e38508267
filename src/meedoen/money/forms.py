from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DateField, IntegerField, MonthField
from meedoen.offer.forms import EuroField

from .models import Housemate, IncomeReport


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class IncomeReportForm(forms.Form):
    month = MonthField(label=_("Maand"), help_text=_("De maand waarin het geld is ontvangen."))
    kind = forms.ChoiceField(label=_("Soort inkomen"), choices=IncomeReport.Kind.choices)
    person = forms.ChoiceField(label=_("Van wie is het inkomen?"), choices=IncomeReport.Person.choices,
                               initial=IncomeReport.Person.RESIDENT)
    net_amount = EuroField(label=_("Netto bedrag (euro)"), max_digits=10, decimal_places=2,
                           help_text=_("Het bedrag dat op de rekening kwam, bijvoorbeeld 812,50. Bij loon per 4 weken: "
                                       "het bedrag van één loonstrook."))
    hours = EuroField(label=_("Gewerkte uren"), max_digits=6, decimal_places=2, required=False,
                      help_text=_("Verplicht bij een vergoeding per gewerkt uur."))
    employer = forms.CharField(label=_("Werkgever of organisatie"), max_length=120, required=False)
    source = forms.ChoiceField(label=_("Waar komt het bedrag vandaan?"), choices=IncomeReport.Source.choices)
    serves_work = forms.BooleanField(
        label=_("Het werk helpt de inwoner op weg naar (meer) werk"), required=False, initial=True,
        help_text=_("Alleen dan geldt de vrijlating van 25 % (art. 31 lid 2 onder n)."))
    note = forms.CharField(label=_("Toelichting (optioneel)"), max_length=300, required=False)

    def __init__(self, *args, has_partner=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_partner:
            del self.fields["person"]

    @property
    def data_for_service(self):
        data = dict(self.cleaned_data)
        data.setdefault("person", IncomeReport.Person.RESIDENT)
        return data


class CorrectionForm(IncomeReportForm):
    version = IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["month"]

    @property
    def data_for_service(self):
        data = super().data_for_service
        data.pop("version", None)
        return data


class DecideForm(forms.Form):
    month = MonthField()
    fingerprint = forms.CharField(max_length=64)


class HouseholdForm(forms.Form):
    partner_date_of_birth = DateField(label=_("Geboortedatum partner"), required=False, widget=DateInput())
    medically_limited_hours = forms.BooleanField(
        label=_("Medisch urenbeperkt (art. 6b)"), required=False,
        help_text=_("De inwoner kan om medische redenen niet meer uren werken. Dan geldt een vrijlating van 15 % "
                    "(art. 31 lid 2 onder y)."))
    version = IntegerField(widget=forms.HiddenInput)


class HousemateForm(forms.Form):
    description = forms.CharField(label=_("Wie is het?"), max_length=80,
                                  help_text=_("Bijvoorbeeld: zoon, moeder, vriend, huurder. Geen naam nodig."))
    date_of_birth = DateField(label=_("Geboortedatum"), widget=DateInput())
    moved_in_on = DateField(label=_("Woont er sinds (leeg: woonde er al)"), required=False,
                            widget=DateInput())
    moved_out_on = DateField(label=_("Verhuisd op (leeg: woont er nog)"), required=False, widget=DateInput())
    exception = forms.ChoiceField(label=_("Telt de huisgenoot mee als kostendeler?"),
                                  choices=Housemate.ExceptionKind.choices, initial=Housemate.ExceptionKind.NONE)


class EndHousemateForm(forms.Form):
    moved_out_on = DateField(label=_("Verhuisd op"), widget=DateInput())
