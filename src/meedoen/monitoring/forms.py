"""Filter form of the monitoring screens and the research export form."""
import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import FIRST_MONTH, LAST_DAY, DateField, check_period
from meedoen.organisation.models import Neighbourhood, Team
from meedoen.policy.services import active_profile

from .indicators import Filters, default_period

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    # A period inside 2000–2100 and at most ten years long: the indicators loop over its months and look up the
    # policy profile in force at its end.
    start = DateField(label=_("Van"), required=False, widget=DATE_WIDGET, first=FIRST_MONTH, last=LAST_DAY)
    end = DateField(label=_("Tot en met"), required=False, widget=DATE_WIDGET, first=FIRST_MONTH, last=LAST_DAY)
    neighbourhood = forms.ModelChoiceField(label=_("Wijk"), queryset=Neighbourhood.objects.none(), required=False,
                                           empty_label=_("Alle wijken"))
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("Alle teams"))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(municipality=municipality)
        self.fields["team"].queryset = Team.objects.filter(municipality=municipality)
        profile = active_profile(municipality)
        groups = profile.groups if profile is not None else []
        self.fields["segment"].choices = [("", _("Alle segmenten"))] + [(g.code, g.label) for g in groups]

    def clean(self):
        data = super().clean()
        for field, message in check_period(data.get("start"), data.get("end")).items():
            self.add_error(field, message)
        return data

    def filters(self) -> Filters:
        """The filters from valid input; the default period (last twelve months) fills what is empty."""
        # Fields that failed validation (e.g. a wijk of another municipality) are left out; the rest still apply.
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that passed
        data = getattr(self, "cleaned_data", {})
        default_start, default_end = default_period()
        end = data.get("end") or default_end
        start = data.get("start") or (end - dt.timedelta(days=364) if data.get("end") else default_start)
        if start > end:
            start = end - dt.timedelta(days=364)
        return Filters(
            municipality=self.municipality, start=start, end=end, neighbourhood=data.get("neighbourhood"),
            segment=data.get("segment") or "", team=data.get("team"),
        )


class ResearchExportForm(FilterForm):
    export_key = forms.CharField(
        label=_("Exportsleutel"), min_length=12, max_length=200, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Een geheim woord of zin van minstens 12 tekens. Met dezelfde sleutel krijgt iemand steeds "
                    "hetzelfde pseudoniem; met een andere sleutel een ander. Bewaar de sleutel zelf: Meedoen slaat "
                    "hem niet op."),
    )
