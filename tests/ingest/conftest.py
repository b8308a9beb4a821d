from pathlib import Path

import pytest
from django.conf import settings

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(settings.PROJECT_DIR).parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "extraction" / "gold"
SCORER = SHARED / "extraction" / "score.py"


@pytest.fixture
def shared_seeds():
    """The published seed reports and their gold, in ../shared beside the repository."""
    if not (SEEDS.is_dir() and GOLD.is_dir() and SCORER.is_file()):
        pytest.skip(f"{SHARED} (seeds, gold and score.py) is not beside the repository")
    return SEEDS, GOLD, SCORER


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English; test_messages_are_translated checks Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield
