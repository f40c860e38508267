from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("De gebruikersnaam of het wachtwoord klopt niet. Probeer het nog eens."),
        "inactive": _("Dit account is niet actief."),
    }


class TwoFactorCodeForm(forms.Form):
    """The six-digit code from the authenticator app. Checking it is the view's job (device throttling, audit)."""

    code = forms.CharField(
        label=_("Code uit je app"),
        help_text=_("De 6 cijfers die je app nu laat zien."),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "size": 8}),
        error_messages={"required": _("Vul de code uit je app in.")},
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())
