"""Coordinates (WGS-84, as phones report them) and distances.

Area queries narrow by a bounding box on indexed latitude/longitude columns first; exact distances are then
computed only for the survivors.
"""

import math
from dataclasses import dataclass
from typing import Any

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The lat/lon rectangle that contains every point within radius_km of (lat, lon)."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    # Longitude degrees shrink towards the poles; clamp so the box never inverts near them.
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)), 180.0)
    return BoundingBox(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance; within 0.5% of geodesic, good enough to rank and show km.

    The formula of geopy's great_circle (Vincenty's for the sphere, exact at every distance), written out:
    geopy's version builds Point objects first and costs 10x more, and the nearby list computes this for
    every candidate of every request. tests/tasks/test_distance.py keeps the two equal.
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    dlon = lon2 - lon1
    sin_lat1, cos_lat1, sin_lat2, cos_lat2 = math.sin(lat1), math.cos(lat1), math.sin(lat2), math.cos(lat2)
    y = math.hypot(cos_lat2 * math.sin(dlon), cos_lat1 * sin_lat2 - sin_lat1 * cos_lat2 * math.cos(dlon))
    x = sin_lat1 * sin_lat2 + cos_lat1 * cos_lat2 * math.cos(dlon)
    return EARTH_RADIUS_KM * math.atan2(y, x)


def planar_nearness(lat_col: Any, lon_col: Any, lat: float, lon: float) -> Any:
    """Squared planar distance from (lat, lon) in degrees of latitude, for ORDER BY: at city scale it orders
    like the great-circle distance (within a fraction of a percent) without trigonometry in SQL."""
    scale = math.cos(math.radians(lat))
    return (lat_col - lat) * (lat_col - lat) + (lon_col - lon) * scale * (lon_col - lon) * scale


def valid_lat(value: float) -> bool:
    return -90.0 <= value <= 90.0


def valid_lon(value: float) -> bool:
    return -180.0 <= value <= 180.0
