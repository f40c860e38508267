from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("zoeken/", views.search, name="search"),
    path("inschrijven/", views.register, name="register"),
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/<id:user_id>/", views.caseworker_caseload, name="caseworker_caseload"),
    path("team/", views.team, name="team"),
    path("<uuid:public_id>/", views.dossier, name="dossier"),
    path("<uuid:public_id>/tijdlijn/", views.timeline, name="timeline"),
    path("<uuid:public_id>/wijzigen/", views.edit, name="edit"),
    path("<uuid:public_id>/klantmanager/", views.reassign, name="reassign"),
]
