from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("bewaarplicht/", views.hold, name="hold"),
]
