"""Filters on the policy profile list."""
import django_filters

from meedoen.policy.models import PolicyProfile


class PolicyProfileFilter(django_filters.FilterSet):
    class Meta:
        model = PolicyProfile
        fields = ["key", "status", "is_preset"]
