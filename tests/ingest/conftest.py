from pathlib import Path

import pytest
from django.conf import settings

FIXTURES = Path(__file__).parent / "fixtures"
# The published seeds, their gold and the scorer, as the repository keeps them (data/).
SHARED = Path(settings.PROJECT_DIR) / "data"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "extraction" / "gold"
SCORER = SHARED / "extraction" / "score.py"


@pytest.fixture
def shared_seeds():
    """The published seed reports, their gold and the scorer (data/ in the repository)."""
    assert SEEDS.is_dir() and GOLD.is_dir() and SCORER.is_file(), f"{SHARED} is incomplete"
    return SEEDS, GOLD, SCORER


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English; test_messages_are_translated checks Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield
