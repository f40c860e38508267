from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("inloggen/code/", views.two_factor_verify, name="two_factor_verify"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("tweestapsverificatie/instellen/", views.two_factor_enrol, name="two_factor_enrol"),
    path("tweestapsverificatie/medewerkers/", views.two_factor_staff, name="two_factor_staff"),
    path("tweestapsverificatie/medewerkers/<id:pk>/wissen/", views.two_factor_reset, name="two_factor_reset"),
]
