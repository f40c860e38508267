from django.contrib import admin
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from meedoen.formtools import IdConverter
from meedoen.residents import views as resident_views

# <id:pk> instead of <int:pk> everywhere: an id a database integer cannot hold is a 404, not a 500. Registered before
# the apps' URLconfs are included below.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", resident_views.home, name="home"),
    path("over/", resident_views.about, name="about"),
    path("account/", include("meedoen.accounts.urls")),
    path("clienten/", include("meedoen.residents.urls")),
    path("inschatting/", include("meedoen.assessment.urls")),
    path("beleid/", include("meedoen.policy.urls")),
    path("begeleiding/", include("meedoen.guidance.urls")),
    path("uitnodigingen/", include("meedoen.outreach.urls")),
    path("brieven/", include("meedoen.letters.urls")),
    path("aanbod/", include("meedoen.offer.urls")),
    path("doorverwijzingen/", include("meedoen.referrals.urls")),
    path("partner/", include("meedoen.referrals.portal_urls")),
    path("verplichtingen/", include("meedoen.obligations.urls")),
    path("inkomsten/", include("meedoen.money.urls")),
    path("monitoring/", include("meedoen.monitoring.urls")),
    path("experimenten/", include("meedoen.experiments.urls")),
    path("simulatie/", include("meedoen.simulation.urls")),
    path("mijn/", include("meedoen.portal.urls")),
    path("audit/", include("meedoen.audit.urls")),
    path("bewaartermijnen/", include("meedoen.retention.urls")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("meedoen.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Under /api/ a wrong address or an unexpected error is answered as problem details, like every other API error.
handler404 = "meedoen.api.exceptions.page_not_found"
handler500 = "meedoen.api.exceptions.server_error"
