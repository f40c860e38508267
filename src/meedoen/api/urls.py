"""The REST API, version 1 (mounted at /api/v1/). URL names live in the "api" namespace, e.g. api:resident-detail."""
from rest_framework.routers import DefaultRouter

from meedoen.assessment.api.views import ResidentAssessmentViewSet
from meedoen.experiments.api.views import ExperimentViewSet
from meedoen.money.api import ResidentMonthlyCalculationViewSet
from meedoen.monitoring.api import MonitoringIndicatorViewSet
from meedoen.obligations.api import ResidentExemptionViewSet, ResidentMeasureViewSet
from meedoen.policy.api.views import PolicyProfileViewSet
from meedoen.referrals.api.views import ProviderReferralViewSet
from meedoen.residents.api.views import ResidentViewSet
from meedoen.simulation.api.views import SimulationViewSet

app_name = "api"

# Path converters instead of regexes: dossiers are looked up by UUID (public_id), never by BSN.
router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False  # JSON only; no ".json" twins of every path in the schema
router.register("residents", ResidentViewSet, basename="resident")
router.register(
    "residents/<uuid:resident_public_id>/assessments", ResidentAssessmentViewSet, basename="resident-assessment"
)
router.register(
    "residents/<uuid:resident_public_id>/monthly-calculations", ResidentMonthlyCalculationViewSet,
    basename="resident-monthly-calculation",
)
router.register("residents/<uuid:resident_public_id>/exemptions", ResidentExemptionViewSet,
                basename="resident-exemption")
router.register("residents/<uuid:resident_public_id>/measures", ResidentMeasureViewSet, basename="resident-measure")
router.register("policy-profiles", PolicyProfileViewSet, basename="policy-profile")
router.register("simulations", SimulationViewSet, basename="simulation")
router.register("experiments", ExperimentViewSet, basename="experiment")
router.register("partner/referrals", ProviderReferralViewSet, basename="partner-referral")
router.register("monitoring/indicators", MonitoringIndicatorViewSet, basename="monitoring-indicators")

urlpatterns = router.urls
