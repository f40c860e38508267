from django.urls import path

from . import views

app_name = "money"
urlpatterns = [
    path("inwoner/<uuid:public_id>/", views.resident, name="resident"),
    path("inwoner/<uuid:public_id>/opgave/", views.add_report, name="add_report"),
    path("inwoner/<uuid:public_id>/vaststellen/", views.decide, name="decide"),
    path("inwoner/<uuid:public_id>/huishouden/", views.household, name="household"),
    path("inwoner/<uuid:public_id>/huishouden/huisgenoot/", views.add_housemate, name="add_housemate"),
    path("opgave/<id:pk>/corrigeren/", views.correct_report, name="correct_report"),
    path("huisgenoot/<id:pk>/verhuisd/", views.end_housemate, name="end_housemate"),
    path("huisgenoot/<id:pk>/verwijderen/", views.remove_housemate, name="remove_housemate"),
]
