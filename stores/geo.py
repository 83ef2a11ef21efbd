"""Great-circle distance (rules.md 1.3d) and the bounding box that prefilters nearest-store search."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0  # along a meridian


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Box:
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float
    wraps: bool = False  # crosses the antimeridian: lng >= min_lng OR lng <= max_lng


def bounding_box(lat: float, lng: float, radius_km: float) -> Box | None:
    """A box holding every point within `radius_km` of (lat, lng); None when it covers the globe."""
    dlat = radius_km / KM_PER_DEGREE
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return Box(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # the widest longitude span is at the latitude nearest a pole within the box
    widest = max(abs(min_lat), abs(max_lat))
    dlng = math.degrees(math.asin(min(1.0, math.sin(radius_km / EARTH_RADIUS_KM) / math.cos(math.radians(lat)))))
    dlng = max(dlng, radius_km / (KM_PER_DEGREE * math.cos(math.radians(widest))))
    if dlng >= 180:
        return None
    min_lng, max_lng = lng - dlng, lng + dlng
    if min_lng < -180:
        return Box(min_lat, max_lat, min_lng + 360, max_lng, wraps=True)
    if max_lng > 180:
        return Box(min_lat, max_lat, min_lng, max_lng - 360, wraps=True)
    return Box(min_lat, max_lat, min_lng, max_lng)
