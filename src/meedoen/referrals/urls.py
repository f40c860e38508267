from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/<str:action>/", views.caseworker_action, name="action"),
    path("controle/<id:pk>/", views.answer_check, name="check"),
    path("taak/<id:task_id>/warm-doorverwijzen/", views.help_from_task, name="help_task"),
    path("nieuws/gezien/", views.mark_news_seen, name="news_seen"),
    path("<uuid:public_id>/", views.resident, name="resident"),
    path("<uuid:public_id>/suggesties/", views.suggestions, name="suggestions"),
    path("<uuid:public_id>/nieuw/", views.new_referral, name="new"),
]
