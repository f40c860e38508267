from django.urls import path

from . import views

app_name = "experiments"

urlpatterns = [
    path("", views.experiment_list, name="list"),
    path("nieuw/", views.experiment_new, name="new"),
    path("<int:pk>/", views.experiment_detail, name="detail"),
    path("<int:pk>/conditie/nieuw/", views.arm_new, name="arm_new"),
    path("<int:pk>/loten/", views.randomise, name="randomise"),
    path("<int:pk>/afsluiten/", views.close, name="close"),
    path("<int:pk>/preregistratie.md", views.preregistration, name="preregistration"),
    path("inwoner/<uuid:public_id>/", views.resident, name="resident"),
    path("inwoner/<uuid:public_id>/<int:pk>/toestemming/", views.consent, name="consent"),
    path("inwoner/<uuid:public_id>/meting/<int:wave_pk>/", views.staff_questionnaire, name="staff_questionnaire"),
    path("mijn/", views.mine, name="mine"),
    path("mijn/meting/<int:wave_pk>/", views.mine_questionnaire, name="mine_questionnaire"),
]
