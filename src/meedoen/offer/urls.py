from django.urls import path

from . import planning_views, views

app_name = "offer"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("activiteit/nieuw/", views.activity_create, name="activity_create"),
    path("activiteit/<id:pk>/", views.activity_detail, name="activity"),
    path("activiteit/<id:pk>/wijzigen/", views.activity_edit, name="activity_edit"),
    path("importeren/", views.import_activities, name="import"),
    path("importeren/voorbeeld.csv", views.import_template, name="import_template"),
    path("partners/", views.providers, name="providers"),
    path("partners/<id:pk>/", views.provider_detail, name="provider"),
    path("budgetten/", views.team_budget, name="team_budget"),
    path("planning/", planning_views.planning_view, name="planning"),
    path("inwoner/<uuid:public_id>/", views.resident, name="resident"),
    path("voorziening/<id:pk>/besluit/", views.grant_decide, name="grant_decide"),
    path("voorziening/<id:pk>/uitgave/", views.grant_spend, name="grant_spend"),
    path("voorziening/<id:pk>/intrekken/", views.grant_cancel, name="grant_cancel"),
]
