"""The OpenAPI schema tells the truth about errors: every operation documents the problem-details responses it can
give (meedoen.api.problems), derived from what the operation is, not listed view by view.

- 401, 403 and 500 on every operation that needs a login;
- 400 when it reads a body or query parameters (other than the page number);
- 404 when it has a path parameter (an unknown id) or pages (a page number past the end);
- 409 with the current `version` when the body carries a `version` (optimistic locking);
- 415 when it reads a body; 429 when the view is throttled.

A view may still declare an error response with `OpenApiResponse(description=…)` for a better description (or an
error this cannot derive, such as 409 "no policy in force"); its body becomes a problem as well.
"""
from drf_spectacular import openapi
from drf_spectacular.plumbing import force_instance, is_patched_serializer
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from . import problems

PAGINATION_PARAMETERS = {"page", "page_size"}

DESCRIPTIONS = {
    400: "De invoer klopt niet. In `invalidParams` staat per veld wat er niet goed is.",
    401: "Niet ingelogd: stuur een geldige token (`Authorization: Token …`) of log in.",
    403: "Geen toegang met deze rol of tot deze gegevens (de poging wordt gelogd), of tweestapsverificatie is nog "
         "nodig.",
    404: "Niet gevonden: een onbekend id, of een paginanummer voorbij de laatste pagina.",
    409: "Iemand anders heeft de gegevens gewijzigd nadat u ze las. Er is niets gewijzigd; `version` is de huidige "
         "versie. Haal de gegevens opnieuw op en probeer het dan nog een keer.",
    415: "Dit formaat van de body kunnen we niet lezen. Stuur JSON.",
    429: "Te veel verzoeken. Wacht het aantal seconden uit de header `Retry-After`.",
    500: "Onverwachte fout bij ons. De fout is gelogd, zonder persoonsgegevens.",
}


@extend_schema_field({"type": "string", "format": "uri-reference"})
class UriReferenceField(serializers.CharField):
    pass


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Het veld. Geneste velden met een punt (`profiles.0`); "
                                           "`non_field_errors` als het om de combinatie van velden gaat.")
    code = serializers.CharField(help_text="Machineleesbare reden, bijv. `required`, `invalid`, `invalid_bsn`.")
    reason = serializers.CharField(help_text="Wat er niet klopt, in gewone woorden.")


class ProblemSerializer(serializers.Serializer):
    """Een fout als problem details (RFC 9457), zoals de NL API-strategie die beschrijft."""

    type = UriReferenceField(help_text="Waar de statuscode is beschreven.")
    title = serializers.CharField(help_text="Korte samenvatting, vast per statuscode.")
    status = serializers.IntegerField(min_value=400, max_value=599, help_text="De HTTP-statuscode.")
    detail = serializers.CharField(help_text="Wat er deze keer mis is, in gewone woorden.")
    instance = UriReferenceField(required=False, help_text="Het pad van het verzoek (zonder query).")
    code = serializers.CharField(help_text="Machineleesbare reden, bijv. `not_found`, `permission_denied`, "
                                           "`invalid`, `version_conflict`.")
    invalidParams = InvalidParamSerializer(  # noqa: N815 (the member name of the NL API strategy)
        many=True, required=False, help_text="Alleen bij 400: elk veld dat niet klopt.")

    class Meta:
        ref_name = "Problem"


class VersionConflictSerializer(ProblemSerializer):
    """Een 409 bij optimistische vergrendeling: de versie die u stuurde is niet meer de huidige."""

    version = serializers.IntegerField(allow_null=True, help_text="De huidige versie.")

    class Meta:
        ref_name = "VersionConflict"


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in sorted(self._derived_error_codes(operation)):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(None, str(code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        """Every error response (declared by a view or derived) has a problem-details body."""
        code = int(status_code) if str(status_code).isdigit() else 0
        if code >= 400:
            description, examples = DESCRIPTIONS.get(code, problems.title(code)), []
            if isinstance(serializer, OpenApiResponse):
                description, examples = serializer.description or description, serializer.examples or []
            body = VersionConflictSerializer if code == 409 and self._is_versioned() else ProblemSerializer
            serializer = OpenApiResponse(body, description=description, examples=examples)
            media_types = [problems.CONTENT_TYPE]
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _derived_error_codes(self, operation):
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        path_parameters = [p for p in parameters if p.get("in") == "path"]
        other_parameters = {p["name"] for p in parameters if p.get("in") != "path"}
        codes = {500}
        if any(requirement for requirement in operation.get("security", [])):
            codes |= {401, 403}
        if has_body or other_parameters - PAGINATION_PARAMETERS:
            codes.add(400)
        if path_parameters or other_parameters & PAGINATION_PARAMETERS:
            codes.add(404)
        if has_body:
            codes.add(415)
        if self._is_versioned():
            codes.add(409)
        if getattr(self.view, "throttle_classes", None):
            codes.add(429)
        return codes

    def _is_versioned(self):
        if self.method not in ("POST", "PUT", "PATCH"):
            return False
        serializer = force_instance(self.get_request_serializer())
        return "version" in getattr(serializer, "fields", {})

    def _map_basic_serializer(self, serializer, direction):
        """A PATCH body makes every field optional, except those a serializer lists in `required_when_partial`
        (the `version` for optimistic locking is required in every change)."""
        schema = super()._map_basic_serializer(serializer, direction)
        kept = getattr(serializer, "required_when_partial", ())
        if kept and is_patched_serializer(serializer, direction):
            schema["required"] = sorted({*schema.get("required", []), *kept})
        return schema
