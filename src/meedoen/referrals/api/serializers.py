"""Serializers for the provider API. What a provider sees is exactly queries.provider_view (the same as the portal):
no BSN, no address, no assessment; health and debts only with the resident's consent (otherwise null)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from meedoen.referrals import rules
from meedoen.referrals.models import ProviderReport, Referral

HOURS = {"max_digits": 4, "decimal_places": 1, "min_value": 0, "max_value": 40}


class ProviderResidentSerializer(serializers.Serializer):
    name = serializers.CharField()
    age = serializers.IntegerField()
    birth_year = serializers.IntegerField()
    neighbourhood = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class CaseworkerContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()


class ConsentSerializer(serializers.Serializer):
    recorded_at = serializers.DateTimeField()
    share_health = serializers.BooleanField()
    share_debts = serializers.BooleanField()
    note = serializers.CharField()


class SharedHealthSerializer(serializers.Serializer):
    physical = serializers.CharField()
    mental = serializers.CharField()
    addiction = serializers.CharField()


class CohortRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    meetings = serializers.ListField(child=serializers.DateField())


class ProviderReferralSerializer(serializers.Serializer):
    """A referral to the provider's own organisation, as the provider may see it."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text=_("Stuur deze versie mee bij elke actie (optimistische vergrendeling)."))
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    status_label = serializers.CharField()
    referred_at = serializers.DateTimeField()
    resident = ProviderResidentSerializer()
    caseworker = CaseworkerContactSerializer()
    activity = serializers.CharField()
    hours_per_week = serializers.DecimalField(allow_null=True, max_digits=4, decimal_places=1)
    handover_note = serializers.CharField()
    consent = ConsentSerializer()
    health = SharedHealthSerializer(allow_null=True, help_text=_("Alleen met toestemming van de inwoner, anders null."))
    debts = serializers.CharField(allow_null=True, help_text=_("Alleen met toestemming van de inwoner, anders null."))
    intake_at = serializers.DateTimeField(allow_null=True)
    cohort = CohortRefSerializer(allow_null=True)
    placed_on = serializers.DateField(allow_null=True)
    guidance_until = serializers.DateField(allow_null=True)
    next_report_due_on = serializers.DateField(allow_null=True)
    report_overdue = serializers.BooleanField()
    returned_on = serializers.DateField(allow_null=True)
    return_advice = serializers.CharField()
    ended_on = serializers.DateField(allow_null=True)
    allowed_actions = serializers.ListField(child=serializers.ChoiceField(choices=rules.ACTIONS))


class _VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("De versie van de doorverwijzing zoals u die las. Klopt die niet meer: 409."))


class AcceptSerializer(_VersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineSerializer(_VersionSerializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("Waarom u de inwoner niet kunt plaatsen."))


class PlaceSerializer(_VersionSerializer):
    placed_on = serializers.DateField(required=False, allow_null=True, default=None,
                                      help_text=_("De dag dat de inwoner begon; leeg: vandaag."))
    hours_per_week = serializers.DecimalField(required=False, allow_null=True, default=None, **HOURS)


class ReturnSerializer(_VersionSerializer):
    advice = serializers.CharField(allow_blank=True, help_text=_("Uw advies, bijv. eerst schuldhulp."))


class ReportSerializer(_VersionSerializer):
    progress = serializers.ChoiceField(choices=ProviderReport.Progress.choices)
    text = serializers.CharField(allow_blank=True)
    hours_per_week = serializers.DecimalField(required=False, allow_null=True, default=None, **HOURS)
