from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DateField, IntegerField
from meedoen.residents import choices

from .instruments import LADDER_STEPS, ZRM_DOMAINS, ZRM_SCALE
from .rules import AssessmentInputs


class AssessmentForm(forms.Form):
    """The factors of de knip. Age and benefit duration come from the dossier; the rest is confirmed in the talk."""

    work_experience_years = IntegerField(label=_("Werkervaring (jaren)"), min_value=0, max_value=60)
    education = forms.ChoiceField(label=_("Opleiding"), choices=choices.EducationLevel.choices)
    language = forms.ChoiceField(label=_("Nederlandse taal"), choices=choices.LanguageLevel.choices)
    physical_health = forms.ChoiceField(label=_("Lichamelijke gezondheid"), choices=choices.HealthLimitation.choices)
    mental_health = forms.ChoiceField(label=_("Psychische gezondheid"), choices=choices.HealthLimitation.choices)
    debts = forms.ChoiceField(label=_("Schulden"), choices=choices.Debts.choices)
    addiction = forms.ChoiceField(label=_("Verslaving"), choices=choices.Addiction.choices)
    isolation = forms.ChoiceField(label=_("Sociaal isolement"), choices=choices.Isolation.choices)
    social_circumstances = forms.ChoiceField(
        label=_("Sociale omstandigheden"), choices=choices.SocialCircumstances.choices
    )
    care_duties = forms.ChoiceField(label=_("Zorgtaken"), choices=choices.CareDuties.choices)
    override_segment = forms.ChoiceField(label=_("Ander segment kiezen (optioneel)"), required=False)
    override_reason = forms.CharField(
        label=_("Reden om af te wijken"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht als u een ander segment kiest dan het berekende."),
    )
    notes = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, segments=(), age=0, benefit_years=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.age, self.benefit_years = age, benefit_years
        self.fields["override_segment"].choices = [("", _("Berekend segment aanhouden"))] + list(segments)

    @classmethod
    def initial_from(cls, inputs: AssessmentInputs):
        return {
            "work_experience_years": inputs.work_experience_years, "education": inputs.education,
            "language": inputs.language, "physical_health": inputs.physical_health,
            "mental_health": inputs.mental_health, "debts": inputs.debts, "addiction": inputs.addiction,
            "isolation": inputs.isolation, "social_circumstances": inputs.social_circumstances,
            "care_duties": inputs.care_duties,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("override_segment") and not (cleaned.get("override_reason") or "").strip():
            self.add_error(
                "override_reason", _("Schrijf op waarom u afwijkt van het berekende segment. Dat is verplicht.")
            )
        return cleaned

    def inputs(self):
        data = self.cleaned_data
        return AssessmentInputs(
            age=self.age, benefit_years=self.benefit_years, work_experience_years=data["work_experience_years"],
            education=data["education"], language=data["language"], physical_health=data["physical_health"],
            mental_health=data["mental_health"], debts=data["debts"], addiction=data["addiction"],
            isolation=data["isolation"], social_circumstances=data["social_circumstances"],
            care_duties=data["care_duties"],
        )


def _not_in_future(value):
    if value > timezone.localdate():
        raise forms.ValidationError(_("Deze datum ligt in de toekomst."))


class LadderForm(forms.Form):
    measured_on = DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}), validators=[_not_in_future]
    )
    step = forms.TypedChoiceField(
        label=_("Trede"), coerce=int, widget=forms.RadioSelect,
        choices=[(k, f"{k}. {name} – {desc}") for k, (name, desc) in LADDER_STEPS.items()],
    )
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ZRMForm(forms.Form):
    measured_on = DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}), validators=[_not_in_future]
    )
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scale = [(k, f"{k} – {v}") for k, v in ZRM_SCALE.items()]
        for code, label in ZRM_DOMAINS:
            self.fields[code] = forms.TypedChoiceField(label=label, coerce=int, choices=scale)

    def scores(self):
        return {code: self.cleaned_data[code] for code, _label in ZRM_DOMAINS}
