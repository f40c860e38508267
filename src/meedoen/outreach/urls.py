from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("nieuw/", views.campaign_create, name="campaign_create"),
    path("<id:pk>/", views.campaign_detail, name="campaign"),
    path("<id:pk>/versturen/", views.campaign_send, name="campaign_send"),
    path("<id:pk>/tijdsloten/", views.slots, name="slots"),
    path("tijdsloten/<id:pk>/verwijderen/", views.slot_delete, name="slot_delete"),
    path("afspraken/<id:pk>/aanwezigheid/", views.attendance, name="attendance"),
    path("benadering/<id:pk>/", views.outreach_detail, name="outreach"),
    path("benadering/<id:pk>/oproep/", views.outreach_convoke, name="convoke"),
    path("benadering/<id:pk>/huisbezoek/", views.outreach_home_visit, name="home_visit"),
    path("benadering/<id:pk>/contact/", views.outreach_contact, name="contact"),
    path("benadering/<id:pk>/afsluiten/", views.outreach_close, name="close"),
    path("benadering/<id:pk>/veiligheid/", views.outreach_danger, name="danger"),
    path("inwoner/<uuid:public_id>/", views.contact_preferences, name="preferences"),
    # Public: the personal booking link from the letter (no login).
    path("afspraak/<str:token>/", views.book, name="book"),
]
