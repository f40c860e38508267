"""Filters on the policy profile list."""
from meedoen.api.filters import FilterSet
from meedoen.policy.models import PolicyProfile


class PolicyProfileFilter(FilterSet):
    class Meta:
        model = PolicyProfile
        fields = ["key", "status", "is_preset"]
