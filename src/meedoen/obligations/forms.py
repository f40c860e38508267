"""Forms of the obligations screens. The services check everything again (rules.py); the forms give the errors a
place next to the field they belong to. Forms that change an existing record carry the version the user saw."""
from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import DateField, DecimalField, IntegerField

from .models import Exemption, Hearing, IncomeSignal, Measure, ObligationCode, Objection
from .rules import ALLOWED_COVERS

COVER_CHOICES = [(c, ObligationCode(c).label) for c in ("work", "reintegration", "reciprocity", "language")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label, required=True, help_text=""):
    return DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def _text(label, required=True, rows=3, help_text=""):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}),
                           help_text=help_text)


class VersionedForm(forms.Form):
    version = IntegerField(widget=forms.HiddenInput)


class ExemptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort ontheffing"), choices=Exemption.Kind.choices, widget=forms.RadioSelect)
    covers = forms.MultipleChoiceField(
        label=_("Ontheffing van"), choices=COVER_CHOICES, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Leeg laten: de gewone keuze voor deze soort (bij art. 9a: werk en re-integratie)."),
    )
    grounds = _text(_("Waarom is de ontheffing nodig?"))
    evidence_note = _text(_("Waar steunt de ontheffing op?"), required=False, rows=2,
                          help_text=_("Bijvoorbeeld het advies van een arts of een verklaring. Nodig bij sociale of "
                                      "medische redenen en bij volledige arbeidsongeschiktheid."))
    requested_on = _date(_("Aangevraagd op"), required=False,
                         help_text=_("Alleen bij een alleenstaande ouder: deze ontheffing is op verzoek (art. 9a)."))
    starts_on = _date(_("Vanaf"))
    ends_on = _date(_("Tot en met"), required=False,
                    help_text=_("Leeg alleen bij volledige en duurzame arbeidsongeschiktheid."))
    review_on = _date(_("Opnieuw bekijken uiterlijk"), required=False,
                      help_text=_("Bij een alleenstaande ouder binnen 6 maanden; anders binnen een jaar."))

    def clean(self):
        data = super().clean()
        kind, covers = data.get("kind"), data.get("covers")
        if kind and covers and not set(covers) <= ALLOWED_COVERS[kind]:
            self.add_error("covers", _("Deze soort ontheffing geldt niet voor alle gekozen verplichtingen."))
        return data


class ExemptionReviewForm(VersionedForm):
    note = _text(_("Uitkomst van de beoordeling"))
    next_review_on = _date(_("Volgende keer opnieuw bekijken uiterlijk"), required=False)


class ExemptionEndForm(VersionedForm):
    reason = _text(_("Waarom stopt de ontheffing?"), rows=2)
    ended_on = _date(_("Beëindigd op"))


class MeasureProposalForm(forms.Form):
    breached_obligation = forms.ChoiceField(label=_("Welke verplichting is niet nagekomen?"),
                                            choices=ObligationCode.choices)
    occurred_on = _date(_("Datum van de gedraging"))
    facts = _text(_("Wat is er gebeurd? (feiten)"), rows=4,
                  help_text=_("Alleen feiten: wat, wanneer, waar. Geen oordeel."))
    blame = forms.ChoiceField(label=_("Verwijtbaarheid"), choices=Measure.Blame.choices, widget=forms.RadioSelect,
                              help_text=_("Niet verwijtbaar (bijv. ziek, zorg voor een kind, crisis): dan volgt geen "
                                          "maatregel (art. 18 lid 9)."))
    blame_note = _text(_("Toelichting op de verwijtbaarheid"),
                       help_text=_("Wat weet u over het waarom? Denk aan gezondheid, zorgtaken, taal, schulden."))
    regime = forms.ChoiceField(label=_("Regeling"), choices=Measure.Regime.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Categorie uit de maatregelenverordening"), required=False, choices=())

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("— kies (alleen bij de verordening) —"))] + [
            (c.code, c.label) for c in categories]


class HearingScheduleForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Hoe wordt de inwoner gehoord?"), widget=forms.RadioSelect,
                             choices=[(Hearing.Kind.HEARING, Hearing.Kind.HEARING.label),
                                      (Hearing.Kind.WRITTEN, Hearing.Kind.WRITTEN.label)])
    respond_by = _date(_("Horen of reageren uiterlijk"))


class HearingForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Hoe is de inwoner gehoord?"), choices=Hearing.Kind.choices,
                             widget=forms.RadioSelect)
    held_on = _date(_("Datum van het horen of de zienswijze"), required=False)
    outcome = _text(_("Wat zei de inwoner? (uitkomst)"), required=False)
    respond_by = _date(_("Reageren kon tot en met"), required=False,
                       help_text=_("Alleen bij 'geen reactie binnen de termijn'."))
    reason_not_needed = _text(_("Waarom was horen niet nodig?"), required=False, rows=2,
                              help_text=_("Bijvoorbeeld: de inwoner heeft de feiten erkend (Awb 4:12)."))


class DecisionForm(VersionedForm):
    category = forms.ChoiceField(label=_("Categorie"), required=False, choices=())
    blame = forms.ChoiceField(label=_("Verwijtbaarheid (na het horen)"), choices=Measure.Blame.choices,
                              widget=forms.RadioSelect)
    decision_grounds = _text(_("Motivering van het besluit"), rows=4,
                             help_text=_("Dit komt in de beschikking. Schrijf in eenvoudige taal waarom."))
    urgent_reasons = _text(_("Dringende redenen om de maatregel aan te passen (art. 18 lid 10)"), required=False,
                           rows=2, help_text=_("Alleen invullen als u de maatregel lichter maakt of er van afziet."))
    urgent_percentage = DecimalField(label=_("Aangepast percentage"), required=False, min_value=0,
                                     max_value=100, decimal_places=2)
    urgent_months = IntegerField(label=_("Aangepast aantal maanden"), required=False, min_value=0,
                                 max_value=12)
    spread_over_months = IntegerField(
        label=_("Verdelen over maanden"), required=False, min_value=1, max_value=3,
        help_text=_("Alleen bij de uniforme arbeidsverplichtingen: hoogstens 3 maanden (art. 18 lid 7)."))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("— zoals voorgesteld —"))] + [(c.code, c.label) for c in categories]


class ReconsiderForm(VersionedForm):
    note = _text(_("Uitkomst van de heroverweging"))
    stop_after_month = _date(_("Verlaging stopt na de maand van"), required=False,
                             help_text=_("Leeg laten als de maatregel doorloopt zoals besloten."))


class WithdrawForm(VersionedForm):
    reason = _text(_("Waarom wordt de maatregel ingetrokken?"), rows=2)


class ObjectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort"), choices=Objection.Kind.choices, widget=forms.RadioSelect)
    decision_kind = forms.ChoiceField(label=_("Tegen welk besluit?"), choices=Objection.DecisionKind.choices)
    measure = forms.ModelChoiceField(label=_("Maatregel"), queryset=Measure.objects.none(), required=False)
    decision_date = _date(_("Datum van het besluit"), required=False,
                          help_text=_("Bij een maatregel vullen wij de datum van het besluit zelf in."))
    received_on = _date(_("Ontvangen op"))
    subject = _text(_("Waar gaat het over?"))
    with_committee = forms.BooleanField(label=_("Met adviescommissie (beslistermijn 12 weken, klacht 10 weken)"),
                                        required=False)

    def __init__(self, *args, measures=None, **kwargs):
        super().__init__(*args, **kwargs)
        if measures is not None:
            self.fields["measure"].queryset = measures


class ObjectionHandleForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=Objection.Outcome.choices, widget=forms.RadioSelect)
    note = _text(_("Toelichting op de uitkomst"))
    handled_on = _date(_("Afgehandeld op"))


class IncomeSignalForm(forms.Form):
    source = forms.ChoiceField(label=_("Bron"), choices=IncomeSignal.Source.choices)
    source_detail = forms.CharField(label=_("Bron, toelichting"), required=False, max_length=200,
                                    help_text=_("Bijvoorbeeld: wijkteam Feijenoord. Geen namen van melders."))
    received_on = _date(_("Ontvangen op"))
    description = _text(_("Wat is er gemeld?"))


class SignalNoteForm(VersionedForm):
    note = _text(_("Toelichting"), rows=2)


class EnforcementForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=IncomeSignal.EnforcementOutcome.choices,
                                widget=forms.RadioSelect)
    note = _text(_("Toelichting"))
