from django.contrib import admin

from .models import Municipality, Neighbourhood, Team, Venue


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "policy_key")


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "municipality")
    list_filter = ("municipality",)
    search_fields = ("name",)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "neighbourhood")
    list_filter = ("kind", "municipality")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality")
    filter_horizontal = ("neighbourhoods",)
