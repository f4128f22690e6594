import pytest

from .factories import commune


@pytest.fixture(autouse=True)
def _lyon(db):
    """The commune the forms resolve (whether or not the territory data migration ran)."""
    return commune()
