"""Postcodes and distances without any outside map service.

A Dutch postcode is four digits (the first not 0) and two letters; the letters SA, SD and SS
are never issued. The distance between two points is the great-circle distance (haversine) on
a sphere of the earth's mean radius: within a region a few metres from the ellipsoidal
distance, more than enough for "within 10 km".
"""

from __future__ import annotations

import math
import re

EARTH_RADIUS_KM = 6371.0088
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]{2})$")
NEVER_ISSUED = {"SA", "SD", "SS"}


def normalise_postcode(raw: str) -> str | None:
    """``"8161 ab"`` -> ``"8161AB"``; ``None`` when it is not a Dutch postcode. ASCII only: a
    fullwidth digit is not a digit here."""
    text = (raw or "").strip().upper()
    if not text.isascii():
        return None
    match = _POSTCODE.match(text)
    if not match or match.group(2) in NEVER_ISSUED:
        return None
    return match.group(1) + match.group(2)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points (degrees)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
