"""Policy profiles as the API shows them: every setting, read-only (changes go through versioned drafts)."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meedoen.policy.models import PolicyProfile


class _SegmentGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    max_months = serializers.IntegerField(
        allow_null=True, help_text="Bovengrens (exclusief) in maanden; leeg voor de verste groep."
    )


class _SegmentationSerializer(serializers.Serializer):
    groups = _SegmentGroupSerializer(many=True)
    young_age_limit = serializers.IntegerField(help_text="Jonger dan deze leeftijd: nooit in de verste groep.")


@extend_schema_field(_SegmentationSerializer)
class SegmentationField(serializers.JSONField):
    """Stored as JSON and returned as stored; the schema documents its shape (policy/schema.py)."""


@extend_schema_field({"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {
    "type": "integer"}}, "description": "Dagen tot het volgende contact, per segment en per intensiteit."})
class ContactNormsField(serializers.JSONField):
    pass


@extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"},
                      "description": "Inwoners per klantmanager, per intensiteit."})
class CaseloadNormsField(serializers.JSONField):
    pass


class PolicyProfileRefSerializer(serializers.ModelSerializer):
    """Which profile version produced a decision."""

    class Meta:
        model = PolicyProfile
        fields = ["id", "key", "version", "name"]
        read_only_fields = fields


class PolicyProfileSerializer(serializers.ModelSerializer):
    segmentation = SegmentationField(read_only=True)
    contact_norms = ContactNormsField(read_only=True)
    caseload_norms = CaseloadNormsField(read_only=True)

    class Meta:
        model = PolicyProfile
        fields = [
            "id", "key", "version", "name", "description", "is_preset", "based_on", "status", "effective_from",
            "approved_by_name", "approved_at", "resident_term", "resident_term_plural", "approach_phrase", "ideology",
            "stance", "letter_tone", "neighbourhood_team_sees_names", "segmentation", "contact_norms",
            "caseload_norms", "no_show_ladder", "reciprocity", "assessment_weights", "extra",
        ]
        read_only_fields = fields
