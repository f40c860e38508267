"""Mijn Meedoen (mounted at /mijn/). No URL carries a dossier id: every page is the logged-in resident's own."""
from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("plan/", views.plan, name="plan"),
    path("plan/<id:version>/ondertekenen/", views.plan_sign, name="plan_sign"),
    path("uitkering/", views.money, name="money"),
    path("brieven/", views.letters, name="letters"),
    path("brieven/<id:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("afspraken/", views.appointments, name="appointments"),
    path("afspraken/uitnodiging/<id:pk>/", views.choose_time, name="choose_time"),
    path("verplichtingen/", views.obligations, name="obligations"),
]
