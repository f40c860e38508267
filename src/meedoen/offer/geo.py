"""Where activities are, and an approximation of where a resident lives.

Meedoen does not geocode residents' addresses (no coordinates of people are stored). To estimate how far an activity
is from home, a resident is placed at the centroid of their neighbourhood: the mean position of the activities in
that neighbourhood that have coordinates. A neighbourhood without such activities falls back to the mean of all the
municipality's activities. When the municipality has no activity with coordinates at all, the result is empty and
callers treat distance as unknown.

This is an approximation for ranking ("near home" vs "across town"), not a route planner: within a large
neighbourhood the real distance may differ by a kilometre or two. See docs/offer.md.
"""
from __future__ import annotations

import math

from django.db.models import Avg

EARTH_RADIUS_KM = 6371.0088


def neighbourhood_centroids(municipality) -> dict[int, tuple[float, float]]:
    """{neighbourhood_id: (latitude, longitude)} for every neighbourhood of the municipality (see module doc)."""
    from meedoen.organisation.models import Neighbourhood

    from .models import Activity

    located = Activity.objects.filter(municipality=municipality, latitude__isnull=False, longitude__isnull=False)
    overall = located.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if overall["lat"] is None:
        return {}
    fallback = (float(overall["lat"]), float(overall["lon"]))
    per = {row["neighbourhood_id"]: (float(row["lat"]), float(row["lon"]))
           for row in located.filter(neighbourhood__isnull=False).values("neighbourhood_id")
           .annotate(lat=Avg("latitude"), lon=Avg("longitude"))}
    ids = Neighbourhood.objects.filter(municipality=municipality).values_list("pk", flat=True)
    return {pk: per.get(pk, fallback) for pk in ids}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (lat, lon) points, in kilometres."""
    lat1, lon1 = map(math.radians, (float(a[0]), float(a[1])))
    lat2, lon2 = map(math.radians, (float(b[0]), float(b[1])))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
