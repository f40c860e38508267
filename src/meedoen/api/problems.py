"""Errors of the API as problem details (RFC 9457, `application/problem+json`), shaped as the NL API strategy does.

Every error under /api/ has the same body, whichever layer refused the request (a DRF view, the URL resolver, the
two-factor middleware, an unexpected exception):

    {"type": "https://www.rfc-editor.org/rfc/rfc9110#status.400", "title": "De invoer klopt niet", "status": 400,
     "detail": "…", "instance": "/api/v1/residents/", "code": "invalid",
     "invalidParams": [{"name": "bsn", "code": "invalid_bsn", "reason": "Dit is geen geldig BSN. …"}]}

`type` points at the definition of the status code (as the Haal Centraal APIs do), `code` is the machine-readable
reason, `invalidParams` lists every refused field (400 only). Extension members such as `version` (409 on a stale
version) sit beside them. `instance` is the path only: a query string may hold personal data (a name searched for).
"""
from __future__ import annotations

from http import HTTPStatus

from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"

# Short, fixed summaries per status (the `title` of RFC 9457); `detail` says what happened this time.
TITLES = {
    400: _("De invoer klopt niet"),
    401: _("Niet ingelogd"),
    403: _("Geen toegang"),
    404: _("Niet gevonden"),
    405: _("Deze methode kan hier niet"),
    406: _("Dit formaat kunnen we niet leveren"),
    409: _("Conflict met de huidige gegevens"),
    412: _("De voorwaarde van het verzoek klopt niet"),
    415: _("Dit formaat kunnen we niet lezen"),
    429: _("Te veel verzoeken"),
    500: _("Er ging iets mis bij ons"),
}
VALIDATION_DETAIL = _("Niet alle gegevens kloppen. Bij invalidParams staat per veld wat er niet goed is.")
SERVER_ERROR_DETAIL = _(
    "Probeer het later nog eens. Blijft het misgaan? Neem dan contact op met de functioneel beheerder."
)
NOT_FOUND_DETAIL = _("Dit adres bestaat niet in de API.")
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def type_uri(status: int) -> str:
    """Where the status code is defined: RFC 9110 for the HTTP codes, RFC 6585 for 429."""
    if status == 429:
        return "https://www.rfc-editor.org/rfc/rfc6585#section-4"
    return f"https://www.rfc-editor.org/rfc/rfc9110#status.{status}"


def title(status: int) -> str:
    if status in TITLES:
        return str(TITLES[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def body(status: int, detail, *, code: str, instance: str | None = None, invalid_params=None, **extensions) -> dict:
    problem = {"type": type_uri(status), "title": title(status), "status": status, "detail": str(detail),
               "code": code}
    if instance:
        problem["instance"] = instance
    if invalid_params is not None:
        problem["invalidParams"] = list(invalid_params)
    problem.update(extensions)
    return problem


def invalid_params(detail, name: str = ""):
    """DRF's nested error detail ({"field": ["message", …], "inputs": {"age": […]}, "list": {0: […]}}) as a flat
    list of {name, code, reason}; nested names are joined with dots ("profiles.0")."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from invalid_params(value, f"{name}.{key}" if name else str(key))
    elif isinstance(detail, (list, tuple)):
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list, tuple)):
                yield from invalid_params(item, f"{name}.{index}" if name else str(index))
            else:
                yield _param(name, item)
    else:
        yield _param(name, detail)


def _param(name, message):
    return {"name": name or NON_FIELD, "code": str(getattr(message, "code", None) or "invalid"), "reason": str(message)}


def response(status: int, detail, *, code: str, request=None, headers=None, **extensions):
    """A finished problem+json response. A plain Django response, so DRF's content negotiation cannot turn it into
    HTML for a browser; DRF's JSON encoder handles lazy strings and dates in extension members."""
    from django.http import HttpResponse

    instance = getattr(request, "path", None)
    content = JSONRenderer().render(body(status, detail, code=code, instance=instance, **extensions))
    reply = HttpResponse(content, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        reply[name] = value
    return reply


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)
