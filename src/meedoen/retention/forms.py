from django import forms
from django.utils.translation import gettext_lazy as _

from meedoen.formtools import IdField


class HoldForm(forms.Form):
    PLACE, LIFT = "place", "lift"

    action = forms.ChoiceField(
        label=_("Wat wilt u doen?"), widget=forms.RadioSelect,
        choices=[(PLACE, _("Dossier bewaren (niet verwijderen)")), (LIFT, _("Bewaren stoppen"))], initial=PLACE,
    )
    dossier_number = IdField(label=_("Dossiernummer"), min_value=1)
    reason = forms.CharField(
        label=_("Reden"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: rechtszaak loopt, vraag van de ombudsman, invordering loopt nog. "
                    "Schrijf geen naam of BSN op."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Vul een reden in."))
        return reason
