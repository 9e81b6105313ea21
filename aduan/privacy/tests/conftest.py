import pytest


@pytest.fixture(autouse=True)
def _password_login_is_enough(settings):
    """These tests are about who sees personal data, not about the second factor."""
    settings.ADUAN_2FA_REQUIRED = False
