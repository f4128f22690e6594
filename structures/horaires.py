"""Opening hours of a place: OpenStreetMap ``opening_hours`` syntax (the common subset), or free
text. The national standard publishes OSM syntax in ``horaires``; free text goes elsewhere."""

from __future__ import annotations

import re

_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH)"
_DAYS = rf"{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*"
_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_SPANS = rf"{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*"
_RULE = rf"(?:24/7|(?:{_DAYS} )?{_SPANS}|{_DAYS} (?:off|closed))"
_OSM = re.compile(rf"^{_RULE}(?:; ?{_RULE})*$")


def est_osm(text: str) -> bool:
    """``text`` is OSM opening_hours syntax, e.g. ``Mo-Fr 09:00-12:00,14:00-18:30; Sa 09:00-12:00``."""
    return bool(_OSM.match((text or "").strip()))
