import pytest
from django.test import Client


@pytest.fixture
def client():
    """Pages in English, so tests read the English wording (Vietnamese is the default)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")
