"""Request guards: rate limits by path, the second factor on staff paths, session length
and idle timeout, and no caching of anything a logged-in user sees."""

import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from aduan.evidence import images, store

from . import refusals, throttle, twofactor

STAFF_PATHS = re.compile(r"^/(petugas|admin|api/v1/me)(/|$)")
TWO_FACTOR_PATHS = re.compile(r"^/(masuk|keluar)(/|$)")


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    return f"key:{header[7:][:80]}" if header.startswith("Bearer ") else ""


def _open311_reporter(request) -> str:
    return throttle.reporter_from_post(request) or (
        f"account:{request.POST.get('account_id', '')[:100]}"
        if request.POST.get("account_id") else "")


# (path, methods or None for all, [(key function, rate setting)], JSON answer, group).
# Addresses get generous rates: mobile carriers put many citizens behind one address.
RULES = [
    (re.compile(r"^/aduan/baru/$"), {"POST"},
     [(throttle.client_ip, "ADUAN_RATE_COMPLAINT_IP"),
      (throttle.reporter_from_post, "ADUAN_RATE_COMPLAINT_REPORTER")], False, "complaint_form"),
    (re.compile(r"^/open311/v2/requests\.(json|xml)$"), {"POST"},
     [(throttle.client_ip, "ADUAN_RATE_COMPLAINT_IP"),
      (_open311_reporter, "ADUAN_RATE_COMPLAINT_REPORTER")], True, "open311_post"),
    (re.compile(r"^/(lacak/|aduan/(?!baru/))"), None,
     [(throttle.client_ip, "ADUAN_RATE_TRACKING")], False, "tracking"),
    (re.compile(r"^/(api/v1|open311/v2)/"), None,
     [(throttle.client_ip, "ADUAN_RATE_API"), (_bearer, "ADUAN_RATE_API")], True, "api"),
]


class ThrottleMiddleware:
    """The first matching rule counts the request per client address (and per reporter or
    API key); over the rate: 429 with Retry-After. Counters live in the shared cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for pattern, methods, keys, json, group in RULES:
            if not pattern.match(request.path) or (methods and request.method not in methods):
                continue
            waits = [throttle.hit(f"{group}:{i}:{value}", getattr(settings, setting))
                     for i, (key, setting) in enumerate(keys) if (value := key(request))]
            wait = max((w for w in waits if w), default=None)
            if wait:
                return throttle.too_many(request, wait, json=json, source=group)
            break
        return self.get_response(request)


class CleanQueryMiddleware:
    """A query string holding a NUL character is refused with 400 before any view reads it
    (PostgreSQL text cannot hold NUL, so a lookup with it would otherwise fail with 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if ("%00" in raw or "\x00" in raw) and any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.GET.lists()):
            refusals.record("http", "nul_in_query", request.path)
            return HttpResponseBadRequest("Parameter berisi karakter NUL.",
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class UploadBudgetMiddleware:
    """A POST may decode at most ADUAN_MAX_REQUEST_PIXELS of photos (evidence/images.py),
    and the files of photos its refused actions rolled back are deleted (evidence/store.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        with images.pixel_budget(settings.ADUAN_MAX_REQUEST_PIXELS), store.files_follow_db():
            return self.get_response(request)


@receiver(user_logged_in)
def _session_starts(sender, request, user, **kwargs):
    """Every login starts the idle clock and asks afresh whether a code is needed."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SessionLimitMiddleware.KEY] = int(time.time())
    free = not twofactor.django_otp.user_has_device(user) and not twofactor.required(user)
    if free:
        request.session[SecondFactorMiddleware.FREE] = user.pk
    else:
        request.session.pop(SecondFactorMiddleware.FREE, None)


class SessionLimitMiddleware:
    """A staff session lasts one working day (SESSION_COOKIE_AGE) and ends after
    ADUAN_SESSION_IDLE_MINUTES without a request."""

    KEY = "aduan_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(self.KEY)
            if seen is not None and now - seen > settings.ADUAN_SESSION_IDLE_MINUTES * 60:
                logout(request)
                return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
            if seen is None or now - seen > 60:  # one session write a minute at most
                request.session[self.KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """On staff paths a user with a device must have entered a code this session; a user
    who must have one (twofactor.required) and has none is sent to enrol. API calls with a
    Bearer key are not sessions and are not affected."""

    FREE = "aduan_2fa_free"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and STAFF_PATHS.match(request.path)
                and not user.is_verified() and not _bearer(request)
                and request.session.get(self.FREE) != user.pk):
            has_device = twofactor.django_otp.user_has_device(user)
            if not has_device and not twofactor.required(user):
                # Neither enrolled nor obliged: remembered for this session (enrolling
                # verifies the session at once), so staff pages cost no extra queries.
                request.session[self.FREE] = user.pk
            else:
                if request.path.startswith("/api/"):
                    return JsonResponse({"error": {"status": 403, "detail":
                                                   "second factor required"}}, status=403)
                target = "guard:verify" if has_device else "guard:enrol"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Staff pages, login pages and anything shown to a logged-in user: never cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (STAFF_PATHS.match(request.path) or TWO_FACTOR_PATHS.match(request.path)
                or getattr(request, "user", None) is not None
                and request.user.is_authenticated):
            add_never_cache_headers(response)
        return response
