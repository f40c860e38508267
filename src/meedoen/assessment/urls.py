from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("algoritmeregister/", views.algorithm_register, name="register"),
    path("<uuid:public_id>/nieuw/", views.new_assessment, name="new"),
    path("<uuid:public_id>/voorbeeld/", views.preview, name="preview"),
    path("<uuid:public_id>/ladder/", views.new_ladder, name="ladder"),
    path("<uuid:public_id>/zrm/", views.new_zrm, name="zrm"),
]
