import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Reasons and file errors are read in English here (the catalogues are compiled in CI)."""
    with translation.override("en"):
        yield
