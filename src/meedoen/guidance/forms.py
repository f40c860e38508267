"""Forms of the guidance screens. The services check everything again; the forms give the errors a place next to
the field they belong to."""
import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DateField, DecimalField, formfield

from .models import ActionPlan, Conversation, GuidanceEnding, PlanStep, Route


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("Deze datum ligt in de toekomst."))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ConversationForm(forms.ModelForm):
    held_on = DateField(label=_("Datum van het gesprek"), widget=DateInput(), validators=[_not_in_future])

    class Meta:
        model = Conversation
        formfield_callback = formfield  # bounded dates and finite decimals (meedoen.formtools)
        fields = ["held_on", "where", "venue", "with_whom", "discussed", "wishes", "talents", "refusal",
                  "refused_what", "cant_reason", "refusal_explanation"]
        widgets = {
            "where": forms.RadioSelect,
            "refusal": forms.RadioSelect,
            "discussed": forms.Textarea(attrs={"rows": 4}),
            "wishes": forms.Textarea(attrs={"rows": 3}),
            "talents": forms.Textarea(attrs={"rows": 2}),
            "refusal_explanation": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "where": _("Waar was het gesprek?"),
            "venue": _("Locatie (als het gesprek in de wijk was)"),
            "with_whom": _("Met wie (naast de inwoner)?"),
            "discussed": _("Wat is er besproken?"),
            "wishes": _("Wat wil de inwoner zelf?"),
            "talents": _("Waar is de inwoner goed in?"),
            "refusal": _("Heeft de inwoner iets geweigerd?"),
            "refused_what": _("Wat heeft de inwoner geweigerd?"),
            "cant_reason": _("Als het niet kan: waarom niet?"),
            "refusal_explanation": _("Toelichting (in de woorden van de inwoner)"),
        }
        help_texts = {
            "wishes": _("Schrijf het op zoals de inwoner het zegt. Dit leest de volgende klantmanager ook."),
            "refusal": _("Kan niet (gezondheid, zorgtaken, taal, schulden, crisis) leidt tot ontheffing of hulp. "
                         "Wil niet leidt tot een motiverend gesprek of, als het beleid dat zegt, een oproep met "
                         "gevolgen."),
        }

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        venues = self.fields["venue"].queryset
        self.fields["venue"].queryset = venues.filter(municipality=municipality) if municipality else venues.none()
        self.fields["venue"].required = False
        self.fields["venue"].empty_label = _("– geen locatie –")
        self.fields["where"].choices = Conversation.Where.choices  # no empty radio option
        self.fields["cant_reason"].choices = [("", _("– kies een reden –"))] + list(Conversation.CantReason.choices)

    def clean(self):
        cleaned = super().clean()
        refusal = cleaned.get("refusal")
        if refusal == Conversation.Refusal.CANT and not cleaned.get("cant_reason"):
            self.add_error("cant_reason", _("Kies waarom het niet kan."))
        if refusal and refusal != Conversation.Refusal.NONE and not (cleaned.get("refused_what") or "").strip():
            self.add_error("refused_what", _("Schrijf op wat de inwoner heeft geweigerd."))
        if refusal != Conversation.Refusal.CANT:
            cleaned["cant_reason"] = ""
        return cleaned

    def _post_clean(self):
        # The service builds and validates the model; the form only checks its own fields.
        pass


class PlanForm(forms.Form):
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    goals = forms.CharField(
        label=_("Doelen"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat wil de inwoner bereiken? Gebruik de woorden van de inwoner."),
    )
    capacity_hours_per_week = DecimalField(
        label=_("Hoeveel uur per week kan de inwoner nu aan?"), min_value=Decimal(0), max_value=Decimal(40),
        decimal_places=1, max_digits=4,
        help_text=_("Naar vermogen: een vrijwilligersplek is officieel 20 uur per week, gemiddeld 10, en begint soms "
                    "met 4."),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    capacity_note = forms.CharField(label=_("Toelichting op het vermogen"), required=False, max_length=300)
    review_on = DateField(label=_("Evaluatiedatum"), widget=DateInput(),
                          help_text=_("Wanneer kijkt u samen met de inwoner hoe het gaat?"))
    over_capacity_reason = forms.CharField(
        label=_("Reden voor meer uren dan het vermogen"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Alleen nodig als de afspraken samen meer uren vragen dan de inwoner nu aankan."),
    )

    def clean_review_on(self):
        value = self.cleaned_data["review_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Kies een evaluatiedatum na vandaag."))
        return value

    @classmethod
    def initial_from(cls, plan, *, norm_days=None):
        if plan is None:
            days = norm_days or 91
            return {"review_on": timezone.localdate() + dt.timedelta(days=days), "route": Route.PARTICIPATION}
        return {
            "route": plan.route, "goals": plan.goals,
            "capacity_hours_per_week": plain_hours(plan.capacity_hours_per_week),
            "capacity_note": plan.capacity_note, "over_capacity_reason": plan.over_capacity_reason,
            "review_on": plan.review_on if plan.review_on > timezone.localdate()
            else timezone.localdate() + dt.timedelta(days=norm_days or 91),
        }


class PlanStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort"), choices=[("", _("– kies –"))] + list(PlanStep.Kind.choices))
    description = forms.CharField(label=_("Wat gaat er gebeuren?"), max_length=300)
    hours_per_week = DecimalField(
        label=_("Uren per week"), min_value=Decimal(0), max_value=Decimal(40), decimal_places=1, max_digits=4,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    responsible = forms.ChoiceField(label=_("Wie doet het?"),
                                    choices=[("", _("– kies –"))] + list(PlanStep.Responsible.choices))
    responsible_name = forms.CharField(label=_("Naam (organisatie of persoon)"), required=False, max_length=120)


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not filled:
            raise forms.ValidationError(_("Een plan heeft minstens één afspraak."))

    def steps(self):
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


# Two empty rows under the existing agreements (untouched rows are skipped), so no script is needed to add one.
StepFormSet = forms.formset_factory(PlanStepForm, formset=BaseStepFormSet, extra=2, min_num=1, can_delete=True,
                                    max_num=20, validate_max=True)
STEP_PREFIX = "stap"


def plain_hours(value):
    """16.0 → 16 and 2.5 → 2.5 for the form (a number field shows '16.0' otherwise)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def step_initial(plan):
    if plan is None:
        return []
    return [
        {"kind": s.kind, "description": s.description, "hours_per_week": plain_hours(s.hours_per_week),
         "responsible": s.responsible, "responsible_name": s.responsible_name}
        for s in plan.steps.all()
    ]


class SignPlanForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Hoe tekent de inwoner?"), widget=forms.RadioSelect,
        choices=[
            (ActionPlan.SignatureMethod.PAPER, _("Op papier getekend")),
            (ActionPlan.SignatureMethod.VERBAL, _("Mondeling akkoord gegeven; ik leg het vast")),
            ("portal_later", _("Later zelf in het portaal")),
        ],
    )
    signed_on = DateField(label=_("Datum van ondertekening"), widget=DateInput(), required=False,
                          validators=[_not_in_future])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") in (ActionPlan.SignatureMethod.PAPER, ActionPlan.SignatureMethod.VERBAL) \
                and not cleaned.get("signed_on") and "signed_on" not in self.errors:
            self.add_error("signed_on", _("Vul de datum in waarop de inwoner heeft getekend."))
        return cleaned


class EndGuidanceForm(forms.Form):
    ended_on = DateField(label=_("Einddatum"), widget=DateInput(), validators=[_not_in_future])
    reason = forms.ChoiceField(label=_("Waarom stopt de begeleiding?"), widget=forms.RadioSelect,
                               choices=GuidanceEnding.Reason.choices)
    explanation = forms.CharField(label=_("Toelichting op de reden"), widget=forms.Textarea(attrs={"rows": 2}))
    review = forms.CharField(
        label=_("Terugblik op de begeleiding"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wat is bereikt? Wat ging goed, wat niet? Wat helpt als de inwoner later terugkomt?"),
    )


class ReorientForm(forms.Form):
    to_route = forms.ChoiceField(label=_("Naar welke route?"), widget=forms.RadioSelect, choices=Route.choices)
    reason = forms.CharField(label=_("Waarom een andere route?"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskDoneForm(forms.Form):
    note = forms.CharField(label=_("Uitkomst (optioneel)"), required=False, max_length=1000)
