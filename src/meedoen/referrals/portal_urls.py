"""The provider portal, mounted at /partner/."""
from django.urls import path

from . import portal

app_name = "partner"
urlpatterns = [
    path("", portal.home, name="home"),
    path("doorverwijzing/<id:pk>/", portal.detail, name="detail"),
    path("doorverwijzing/<id:pk>/<str:action>/", portal.action, name="action"),
    path("groepen/", portal.cohorts, name="cohorts"),
    path("groepen/<id:pk>/", portal.cohort, name="cohort"),
    path("controles/", portal.checks, name="checks"),
    path("controles/<id:pk>/", portal.answer_check, name="check"),
]
