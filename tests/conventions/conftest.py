import pytest
from django.core.files.storage import storages

from conventions.models import PieceJustificative


@pytest.fixture(autouse=True)
def _pieces_in_test_storage(_private_storage):
    """FileField resolves a callable storage once, at import: point it at the per-test storage."""
    field = PieceJustificative._meta.get_field("fichier")
    original = field.storage
    field.storage = storages["private"]
    yield
    field.storage = original
