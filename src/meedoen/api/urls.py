"""The REST API, version 1 (mounted at /api/v1/). URL names live in the "api" namespace, e.g. api:resident-detail."""
from rest_framework.routers import DefaultRouter

from meedoen.assessment.api.views import ResidentAssessmentViewSet
from meedoen.policy.api.views import PolicyProfileViewSet
from meedoen.referrals.api.views import ProviderReferralViewSet
from meedoen.residents.api.views import ResidentViewSet

app_name = "api"

# Path converters instead of regexes: dossiers are looked up by UUID (public_id), never by BSN.
router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False  # JSON only; no ".json" twins of every path in the schema
router.register("residents", ResidentViewSet, basename="resident")
router.register(
    "residents/<uuid:resident_public_id>/assessments", ResidentAssessmentViewSet, basename="resident-assessment"
)
router.register("policy-profiles", PolicyProfileViewSet, basename="policy-profile")
router.register("partner/referrals", ProviderReferralViewSet, basename="partner-referral")

urlpatterns = router.urls
