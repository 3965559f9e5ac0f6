"""The great-circle distance the nearby list ranks by equals geopy's."""

import pytest
from geopy.distance import geodesic, great_circle
from hypothesis import given
from hypothesis import strategies as st

from volunteer_hub.core.geo import distance_km

latitudes = st.floats(min_value=-90, max_value=90)
longitudes = st.floats(min_value=-180, max_value=180)


@given(latitudes, longitudes, latitudes, longitudes)
def test_distance_equals_geopys_great_circle(lat1, lon1, lat2, lon2):
    expected = great_circle((lat1, lon1), (lat2, lon2), radius=6371.0088).km
    assert distance_km((lat1, lon1), (lat2, lon2)) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_kilometres_within_half_a_percent_of_the_ellipsoid():
    # Futian checkpoint to Longhua: 14.70 km on the WGS-84 ellipsoid (geopy's geodesic).
    futian, longhua = (22.5147, 114.0665), (22.6436, 114.0322)
    assert distance_km(futian, longhua) == pytest.approx(geodesic(futian, longhua).km, rel=0.005)
