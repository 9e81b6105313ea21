from django.conf import settings


def security(request) -> dict:
    """`demo_without_2fa`: staff pages say so when the demo does not require a second factor."""
    return {"demo_without_2fa": settings.DEMO and not settings.ADUAN_2FA_REQUIRED}
