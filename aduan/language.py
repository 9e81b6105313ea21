"""Bahasa Indonesia unless the user chose English: many phones here run an English UI."""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Like LocaleMiddleware, but ignores Accept-Language: only the user's explicit choice
    (the language cookie set by /i18n/setlang/) switches away from LANGUAGE_CODE."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The choice is for this request only: a thread that serves the next request (or
            # a test, or a job) must start from LANGUAGE_CODE again, not from this English.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        patch = response.get("Vary", "")
        if "Cookie" not in patch:
            response["Vary"] = f"{patch}, Cookie".strip(", ")
        return response
