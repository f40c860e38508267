import json

from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DateField, DecimalField, IntegerField

from . import rules
from .models import Consent

STRATA_CHOICES = [
    ("segment", _("Segment (kansrijk / kansarm)")),
    ("intensity", _("Intensiteit")),
    ("neighbourhood", _("Wijk")),
    ("age_band", _("Leeftijdsgroep (<27, 27–44, 45+)")),
]


class JSONField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4, "class": "mono"})

    def __init__(self, *args, empty=None, **kwargs):
        self.empty = empty
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value.strip():
            return self.empty() if callable(self.empty) else self.empty
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Dit is geen geldige JSON: %(e)s") % {"e": exc.msg}) from exc

    def prepare_value(self, value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return value


class ExperimentForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=160)
    hypothesis = forms.CharField(label=_("Hypothese"), widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("Wat verwacht u dat er gebeurt, bij wie, en waardoor?"))
    analysis_plan = forms.CharField(
        label=_("Analyseplan"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leeg laten: het standaardplan (verschil in gemiddelden en regressie met de nulmeting)."))
    strata = forms.MultipleChoiceField(label=_("Loten binnen groepen (strata)"), choices=STRATA_CHOICES,
                                       required=False, widget=forms.CheckboxSelectMultiple)
    eligibility = JSONField(
        label=_("Wie mag meedoen (voorwaarden)"), required=False, empty=list,
        help_text=_('Een lijst, bijv. [{"field": "segment", "op": "eq", "value": "kansarm"}]. Velden: %(f)s. '
                    'Vergelijkingen: %(o)s.') % {"f": ", ".join(rules.ELIGIBILITY_FIELDS),
                                                  "o": ", ".join(rules.OPERATORS)})
    consent_required = forms.BooleanField(label=_("Alleen met toestemming van de inwoner"), required=False,
                                          initial=True)
    seed = IntegerField(label=_("Seed voor het loten"), required=False, min_value=0,
                        help_text=_("Leeg laten: Meedoen kiest er een en legt die vast."))
    t0 = DateField(label=_("Nulmeting (T0) gepland op"), required=False)
    t1 = DateField(label=_("Meting T1 gepland op"), required=False)
    t2 = DateField(label=_("Meting T2 gepland op"), required=False)
    t3 = DateField(label=_("Meting T3 gepland op"), required=False)

    def waves(self):
        return {code.upper(): self.cleaned_data[code] for code in ("t0", "t1", "t2", "t3") if self.cleaned_data[code]}


class ArmForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Kort, zonder spaties, bijv. extra_aandacht."))
    name = forms.CharField(label=_("Naam"), max_length=120)
    description = forms.CharField(label=_("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weight = IntegerField(label=_("Gewicht bij het loten"), min_value=1, max_value=20, initial=1)
    is_control = forms.BooleanField(label=_("Dit is de controlegroep (verandert niets)"), required=False)
    parameters = JSONField(
        label=_("Wat deze conditie verandert"), required=False, empty=dict,
        help_text=_('Bijv. {"contact_days": 28, "intensity": "intensive", "fixed_caseworker": true} of '
                    '{"premium": {"rate": "0.50", "max_per_month": "200.00", "months": 12}} of '
                    '{"framing": {"kind": "kept", "amount": "150.00"}}.'))


class ConsentForm(forms.Form):
    status = forms.ChoiceField(label=_("Toestemming"), choices=Consent.Status.choices, widget=forms.RadioSelect)
    on = DateField(label=_("Datum"))


class QuestionnaireForm(forms.Form):
    wellbeing = IntegerField(label=_("Hoe tevreden bent u met uw leven op dit moment? (1 = heel ontevreden, "
                                     "10 = heel tevreden)"), min_value=1, max_value=10)
    health = IntegerField(label=_("Hoe is uw gezondheid? (1 = slecht, 5 = uitstekend)"), min_value=1,
                          max_value=5)
    caseworker_grade = IntegerField(label=_("Welk rapportcijfer geeft u uw klantmanager? (1 tot en met 10)"),
                                    min_value=1, max_value=10)
    participation_hours = DecimalField(
        label=_("Hoeveel uur per week doet u mee aan activiteiten, vrijwilligerswerk of zorg voor anderen?"),
        min_value=0, max_value=80, decimal_places=1, localize=True)
    paid_hours = DecimalField(label=_("Hoeveel uur per week werkt u betaald?"), min_value=0, max_value=80,
                              localize=True,
                              decimal_places=1)
