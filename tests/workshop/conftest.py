import pytest


@pytest.fixture(autouse=True)
def _demo_mode(settings):
    """seed_demo runs only in demo mode (its accounts' secrets are published)."""
    settings.DMP_DEMO_MODE = True
