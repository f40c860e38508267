from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("De gebruikersnaam of het wachtwoord klopt niet. Probeer het nog eens."),
        "inactive": _("Dit account is niet actief."),
    }
