"""Serializers for the resident dossier.

Three shapes, so the OpenAPI schema says exactly what a client may send:
- `ResidentSerializer`: what the API returns. Never the full BSN, only `bsn_masked`.
- `ResidentCreateSerializer`: registering; the only place a BSN is accepted (write-only).
- `ResidentUpdateSerializer`: changing a dossier; requires the `version` the client read (optimistic locking).
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meedoen.accounts.models import Role, User
from meedoen.organisation.models import Neighbourhood
from meedoen.residents import bsn as bsn_rules
from meedoen.residents.models import Resident

UNKNOWN_NEIGHBOURHOOD = _("Deze wijk kennen we niet in deze gemeente.")
# What the API accepts as a BSN, stated in the schema as `pattern`: 9 digits, optionally grouped 4-2-3 by a space or
# a dot. The 11-proof cannot be a pattern; validate_bsn checks it after the separators are taken out.
BSN_FORMAT = r"^[0-9]{4}[ .]?[0-9]{2}[ .]?[0-9]{3}$"

# The dossier fields a caseworker may change. BSN, caseworker, segment and version have their own routes.
EDITABLE_FIELDS = [
    "first_name", "name_prefix", "last_name", "date_of_birth", "street", "house_number", "postcode", "city",
    "neighbourhood", "phone", "email", "household_type", "children_count", "youngest_child_date_of_birth",
    "benefit_start_date", "education_level", "work_experience_years", "last_paid_work_year", "work_history",
    "dutch_language_level", "physical_health", "mental_health", "debts", "addiction", "isolation",
    "social_circumstances", "care_duties", "barrier_notes", "interests", "indications",
    "intensity",
]
READ_ONLY_FIELDS = [
    "public_id", "version", "full_name", "bsn_masked", "neighbourhood_name", "current_caseworker",
    "current_caseworker_name", "segment", "estimated_months_to_work", "ladder_step", "last_assessed_on",
    "created_at", "updated_at",
]


def _request_user(field_or_serializer):
    request = field_or_serializer.context.get("request")
    return getattr(request, "user", None)


class MunicipalityNeighbourhoodField(serializers.PrimaryKeyRelatedField):
    """A wijk (by id) of the requesting user's own municipality; any other id gets the same clear error."""

    default_error_messages = {
        "does_not_exist": UNKNOWN_NEIGHBOURHOOD,
        "incorrect_type": UNKNOWN_NEIGHBOURHOOD,
    }

    def get_queryset(self):
        user = _request_user(self)
        return super().get_queryset().filter(municipality_id=getattr(user, "municipality_id", None))


class TeamCaseworkerField(serializers.PrimaryKeyRelatedField):
    """An active caseworker of the requesting user's team (or the requesting caseworker when teamless)."""

    default_error_messages = {
        "does_not_exist": _("Kies een klantmanager uit uw eigen team."),
        "incorrect_type": _("Kies een klantmanager uit uw eigen team."),
    }

    def get_queryset(self):
        user = _request_user(self)
        qs = super().get_queryset().filter(role=Role.CASEWORKER, is_active=True)
        if user is None or not user.is_authenticated:
            return qs.none()
        if user.team_id is None:
            return qs.filter(pk=user.pk)
        return qs.filter(team_id=user.team_id, municipality_id=user.municipality_id)


class OptionalEmailField(serializers.EmailField):
    """An e-mail address, or null when there is none. The dossier stores "" for none; the API shows null, because ""
    is no e-mail address and the schema promises `format: email`. On input null and "" both mean: no address."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)

    def to_representation(self, value):
        return value or None


class ResidentSerializer(serializers.ModelSerializer):
    """A dossier as the API shows it. The BSN is only ever shown masked."""

    full_name = serializers.CharField(read_only=True)
    bsn_masked = serializers.CharField(read_only=True, help_text=_("Alleen de laatste vier cijfers van het BSN."))
    neighbourhood_name = serializers.CharField(source="neighbourhood.name", read_only=True)
    current_caseworker_name = serializers.SerializerMethodField()
    email = OptionalEmailField(read_only=True, allow_blank=False)

    class Meta:
        model = Resident
        fields = READ_ONLY_FIELDS[:4] + EDITABLE_FIELDS + READ_ONLY_FIELDS[4:]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_current_caseworker_name(self, obj):
        return str(obj.current_caseworker) if obj.current_caseworker_id else ""


class _ResidentWriteSerializer(serializers.ModelSerializer):
    """Field checks shared by create and update. Model validators (11-proof, no future dates) run as well."""

    neighbourhood = MunicipalityNeighbourhoodField(queryset=Neighbourhood.objects.all())
    email = OptionalEmailField(required=False, label=_("e-mail"))

    def _value(self, attrs, name, default=None):
        if name in attrs:
            return attrs[name]
        if self.instance is not None:
            return getattr(self.instance, name)
        return default

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = {}
        if self._value(attrs, "children_count", 0) == 0 and self._value(attrs, "youngest_child_date_of_birth"):
            errors["youngest_child_date_of_birth"] = [_("Er staan geen kinderen ingevuld.")]
        born, start = self._value(attrs, "date_of_birth"), self._value(attrs, "benefit_start_date")
        if born and start and start < born:
            errors["benefit_start_date"] = [_("De bijstand kan niet vóór de geboortedatum beginnen.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ResidentCreateSerializer(_ResidentWriteSerializer):
    """Register a resident in the requesting user's municipality. The BSN is accepted here and never returned."""

    bsn = serializers.RegexField(
        BSN_FORMAT, write_only=True, max_length=11, trim_whitespace=True,
        error_messages={"invalid": bsn_rules.INVALID_BSN},
        help_text=_(
            "Burgerservicenummer: 9 cijfers, mag in groepjes (1234 56 782 of 1234.56.782), voldoet aan de elfproef. "
            "Wordt nooit teruggegeven."
        ),
    )
    caseworker = TeamCaseworkerField(
        queryset=User.objects.all(), required=False, write_only=True,
        help_text=_(
            "Klantmanager uit het eigen team. Leeg gelaten: de klantmanager die inschrijft, wordt de klantmanager."
        ),
    )

    class Meta:
        model = Resident
        fields = ["bsn", *EDITABLE_FIELDS, "caseworker"]

    def validate_bsn(self, value):
        value = bsn_rules.normalise_bsn(value)
        try:
            bsn_rules.validate_bsn(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from None
        user = _request_user(self)
        if Resident.objects.filter(municipality_id=getattr(user, "municipality_id", None), bsn=value).exists():
            raise serializers.ValidationError(
                _("Er is in deze gemeente al een dossier met dit BSN."), code="duplicate_bsn")
        return value


class ResidentUpdateSerializer(_ResidentWriteSerializer):
    """Change a dossier. Send the `version` you read; if someone saved in between you get 409 Conflict."""

    version = serializers.IntegerField(
        min_value=1, write_only=True,
        help_text=_("De versie van het dossier zoals u die las. Verplicht, ook bij een gedeeltelijke wijziging."),
    )

    required_when_partial = ("version",)  # the schema says so for PATCH too (meedoen.api.schema)

    class Meta:
        model = Resident
        fields = ["version", *EDITABLE_FIELDS]

    def validate(self, attrs):
        errors = {}
        # PATCH skips "required" checks, but a change without the version read could overwrite someone else's.
        if "version" not in attrs:
            errors["version"] = [_("Stuur de versie van het dossier mee die u hebt gelezen.")]
        if "bsn" in getattr(self, "initial_data", {}):
            errors["bsn"] = [_("Het BSN wijzigt u niet via de API. Neem contact op met de functioneel beheerder.")]
        if errors:
            raise serializers.ValidationError(errors)
        return super().validate(attrs)
