import pytest

from .factories import postcode


@pytest.fixture(autouse=True)
def _territories(db):
    postcode("69001", "69", "69381", "Lyon 1er Arrondissement")
    postcode("75011", "75", "75111", "Paris 11e Arrondissement")
    postcode("98800", "988", "98818", "Nouméa")
    postcode("20000", "2A", "2A004", "Ajaccio")
    postcode("97110", "971", "97120", "Pointe-à-Pitre")


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
