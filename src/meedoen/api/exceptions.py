"""API errors as problem details (meedoen.api.problems): DRF's exceptions, Django's Http404, PermissionDenied and
ValidationError, and the URL resolver's 404 and unexpected 500s under /api/. Never a BSN in an error body: messages
name the field, never echo its value."""
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from . import problems

# Headers DRF puts on an error response that a client needs (authentication scheme, when to retry).
KEPT_HEADERS = ("WWW-Authenticate", "Retry-After")


def exception_handler(exc, context):
    exc = _as_api_exception(exc)
    reply = drf_exception_handler(exc, context)  # also rolls back an ATOMIC_REQUESTS transaction
    if reply is None:
        return None  # unexpected: Django logs it and answers 500 through server_error below
    request = context.get("request")
    headers = {name: reply[name] for name in KEPT_HEADERS if reply.has_header(name)}
    status = reply.status_code
    if isinstance(exc, exceptions.ValidationError):
        return problems.response(status, problems.VALIDATION_DETAIL, code="invalid", request=request,
                                 headers=headers, invalid_params=problems.invalid_params(exc.detail))
    if isinstance(exc.detail, (dict, list)):  # an APIException raised with structured detail
        return problems.response(status, exc.default_detail, code=exc.default_code, request=request,
                                 headers=headers, invalid_params=problems.invalid_params(exc.detail))
    code = getattr(exc.detail, "code", None) or exc.default_code
    return problems.response(status, exc.detail, code=code, request=request, headers=headers)


def _as_api_exception(exc):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):  # Django's "__all__" becomes DRF's "non_field_errors", one name for both
            detail = {(problems.NON_FIELD if field == NON_FIELD_ERRORS else field): _details(errors)
                      for field, errors in exc.error_dict.items()}
        else:
            detail = {problems.NON_FIELD: _details(exc.error_list)}
        return exceptions.ValidationError(detail=detail)
    if isinstance(exc, Http404):
        return exceptions.NotFound()  # not Django's "No Resident matches the given query."
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return exc


def _details(errors):
    return [exceptions.ErrorDetail(message, code=error.code or "invalid")
            for error in errors for message in error.messages]


# Django's error views (ROOT_URLCONF handler404 / handler500): problem details under /api/, the HTML pages elsewhere.

def page_not_found(request, exception):
    if problems.is_api_request(request):
        return problems.response(404, problems.NOT_FOUND_DETAIL, code="not_found", request=request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if problems.is_api_request(request):
        return problems.response(500, problems.SERVER_ERROR_DETAIL, code="server_error", request=request)
    return defaults.server_error(request)
