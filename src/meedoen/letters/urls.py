from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/pdf/", views.pdf_download, name="pdf"),
    path("inwoner/<uuid:public_id>/", views.resident_letters, name="resident"),
    path("batch/", views.batch, name="batch"),
]
