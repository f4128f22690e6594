"""The bench data set needs the territories of the data migrations: put them back when an
earlier transactional test of the same process flushed them."""

import pytest


@pytest.fixture(autouse=True)
def _reference(db, reference_data):
    return reference_data
