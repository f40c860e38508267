from django.urls import path

from . import views

app_name = "simulation"

urlpatterns = [
    path("", views.simulate, name="simulate"),
]
