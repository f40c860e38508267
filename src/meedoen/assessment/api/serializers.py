"""Assessments (de knip) over the API: the factors in, the explained outcome out (DESIGN §4.3)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meedoen.assessment.models import Assessment
from meedoen.policy.api.serializers import PolicyProfileRefSerializer
from meedoen.residents import choices

OVERRIDE_REASON_REQUIRED = _("Schrijf op waarom u afwijkt van het berekende segment. Dat is verplicht.")


class ContributionSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()
    months = serializers.IntegerField(help_text=_("Bijdrage van deze factor aan de geschatte maanden tot werk."))


class AssessmentInputsSerializer(serializers.Serializer):
    """The inputs as stored with the assessment. Never gender, nationality or ethnicity (DESIGN §7)."""

    age = serializers.IntegerField()
    benefit_years = serializers.IntegerField()
    work_experience_years = serializers.IntegerField()
    education = serializers.CharField()
    language = serializers.CharField()
    physical_health = serializers.CharField()
    mental_health = serializers.CharField()
    debts = serializers.CharField()
    addiction = serializers.CharField()
    isolation = serializers.CharField()
    social_circumstances = serializers.CharField()
    care_duties = serializers.CharField()


class AssessmentSerializer(serializers.ModelSerializer):
    """A recorded assessment: every factor's contribution, the rule that chose the segment, the policy version."""

    assessed_by_name = serializers.SerializerMethodField()
    policy_profile = PolicyProfileRefSerializer(read_only=True)
    inputs = AssessmentInputsSerializer(read_only=True)
    contributions = ContributionSerializer(many=True, read_only=True)
    segment_label = serializers.SerializerMethodField()
    is_override = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "assessed_at", "assessed_by", "assessed_by_name", "policy_profile", "rule_version", "inputs",
            "estimated_months", "contributions", "computed_segment", "segment", "segment_label", "segment_rule",
            "young_person_rule_applied", "is_override", "override_reason", "notes",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_assessed_by_name(self, obj):
        return str(obj.assessed_by) if obj.assessed_by_id else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_segment_label(self, obj):
        return obj.policy_profile.segment_label(obj.segment)


class AssessmentCreateSerializer(serializers.Serializer):
    """The factors confirmed in the talk. Age and benefit duration come from the dossier."""

    work_experience_years = serializers.IntegerField(min_value=0, max_value=60, label=_("Werkervaring (jaren)"))
    education = serializers.ChoiceField(choices=choices.EducationLevel.choices, label=_("Opleiding"))
    language = serializers.ChoiceField(choices=choices.LanguageLevel.choices, label=_("Nederlandse taal"))
    physical_health = serializers.ChoiceField(
        choices=choices.HealthLimitation.choices, label=_("Lichamelijke gezondheid")
    )
    mental_health = serializers.ChoiceField(choices=choices.HealthLimitation.choices, label=_("Psychische gezondheid"))
    debts = serializers.ChoiceField(choices=choices.Debts.choices, label=_("Schulden"))
    addiction = serializers.ChoiceField(choices=choices.Addiction.choices, label=_("Verslaving"))
    isolation = serializers.ChoiceField(choices=choices.Isolation.choices, label=_("Sociaal isolement"))
    social_circumstances = serializers.ChoiceField(
        choices=choices.SocialCircumstances.choices, label=_("Sociale omstandigheden")
    )
    care_duties = serializers.ChoiceField(choices=choices.CareDuties.choices, label=_("Zorgtaken"))
    override_segment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=30,
        help_text=_("Optioneel: een ander segment dan het berekende (een code uit het beleidsprofiel)."),
    )
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=_("Verplicht als u een ander segment kiest dan het berekende."),
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", label=_("Toelichting"))

    FACTORS = [
        "work_experience_years", "education", "language", "physical_health", "mental_health", "debts", "addiction",
        "isolation", "social_circumstances", "care_duties",
    ]

    def validate_override_segment(self, value):
        profile = self.context.get("profile")
        if value and profile is not None and value not in [group.code for group in profile.groups]:
            raise serializers.ValidationError(_("Onbekend segment voor dit beleidsprofiel."))
        return value

    def validate(self, attrs):
        if attrs.get("override_segment") and not attrs.get("override_reason", "").strip():
            raise serializers.ValidationError({"override_reason": [OVERRIDE_REASON_REQUIRED]})
        return attrs

    def factor_values(self):
        return {name: self.validated_data[name] for name in self.FACTORS}
