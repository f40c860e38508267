from django.urls import path, register_converter

from . import views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "exportformat")

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rotterdam/", views.rotterdam, name="rotterdam"),
    path("export.<exportformat:fmt>", views.export_indicators, name="export"),
    path("onderzoek/", views.research, name="research"),
    path("onderzoek/export.<exportformat:fmt>", views.research_export, name="research_export"),
]
