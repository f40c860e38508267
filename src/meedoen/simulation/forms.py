from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import IntegerField

from . import services

DEFAULT_PROFILES = ["rotterdam", "amsterdam", "utrecht"]


class SimulationForm(forms.Form):
    profiles = forms.MultipleChoiceField(
        label=_("Beleidsprofielen om te vergelijken"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Kies één tot vier profielen. Ze krijgen dezelfde inwoners en dezelfde toevalsgetallen, "
                    "zodat een verschil door het beleid komt."))
    population = forms.ChoiceField(
        label=_("Bevolking"), initial="synthetic", widget=forms.RadioSelect,
        choices=[("synthetic", _("Synthetisch (zoals de demogemeente)")),
                 ("municipality", _("De inwoners van mijn gemeente (herschaald naar het aantal hieronder)"))])
    residents = IntegerField(label=_("Aantal inwoners"), min_value=100,
                             max_value=services.WEB_MAX_RESIDENTS, initial=5_000)
    months = IntegerField(label=_("Aantal maanden"), min_value=1, max_value=services.WEB_MAX_MONTHS,
                          initial=60)
    runs = IntegerField(label=_("Aantal runs"), min_value=1, max_value=services.WEB_MAX_RUNS, initial=10,
                        help_text=_("Meer runs geven betrouwbaardere banden, maar duren langer."))
    seed = IntegerField(label=_("Seed (startgetal van het toeval)"), min_value=0, initial=0,
                        help_text=_("Dezelfde seed geeft dezelfde uitkomst."))

    def __init__(self, *args, has_residents=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profiles"].choices = services.available_profiles()
        self.fields["profiles"].initial = DEFAULT_PROFILES
        self.has_residents = has_residents

    def clean_profiles(self):
        profiles = self.cleaned_data["profiles"]
        if len(profiles) > services.WEB_MAX_PROFILES:
            raise forms.ValidationError(_("Kies hoogstens %(n)s profielen.") % {"n": services.WEB_MAX_PROFILES})
        return profiles

    def clean(self):
        data = super().clean()
        if data.get("population") == "municipality" and not self.has_residents:
            self.add_error("population", _("Uw gemeente heeft nog geen inwoners in begeleiding. Kies synthetisch."))
        if all(data.get(k) for k in ("profiles", "residents", "months", "runs")):
            for problem in services.web_problems(residents=data["residents"], months=data["months"],
                                                 runs=data["runs"], profiles=len(data["profiles"])):
                self.add_error(None, problem)
        return data
