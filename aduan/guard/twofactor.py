"""Staff logins: password (throttled, with lockout), then a TOTP code or a recovery code.

django-otp keeps the devices (TOTP for the authenticator app, a static device holding ten
one-time recovery codes); these views enrol and verify. Who must have a second factor is
decided in `required(user)`: admins, the triage team and the mayor's office (mayor,
Sekda). Everyone else may enrol from /masuk/2fa/.
"""

from base64 import b32encode
from urllib.parse import quote

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.org.models import Official

from . import refusals, throttle

RECOVERY_CODES = 10
ISSUER = "Aduan"


def required(user) -> bool:
    """Admins, the triage team and the mayor's office must use a second factor."""
    if not settings.ADUAN_2FA_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    roles = {Official.Role.TRIAGE, *Official.READ_ONLY_ROLES}
    return Official.objects.filter(user=user, is_active=True, role__in=roles).exists()


def _next(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default if default.startswith("/") else "/petugas/"


# --- password step ---------------------------------------------------------------------------

class LoginView(auth_views.LoginView):
    """Django's login with lockout: too many failures per address or per user name in the
    window of ADUAN_RATE_LOGIN_FAILURES answer 429 with Retry-After, right or wrong."""

    def post(self, request, *args, **kwargs):
        keys = self._keys(request)
        wait = throttle.first_limit("login", settings.ADUAN_RATE_LOGIN_FAILURES, keys,
                                    increment=False)
        if wait:
            return throttle.too_many(request, wait, source="login")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        keys = self._keys(self.request)
        throttle.first_limit("login", settings.ADUAN_RATE_LOGIN_FAILURES, keys)
        refusals.record("login", "wrong_password")
        return super().form_invalid(form)

    @staticmethod
    def _keys(request) -> list[str]:
        username = request.POST.get("username", "").strip().lower()[:150]
        return [throttle.client_ip(request), f"user:{username}" if username else ""]


# --- second step -----------------------------------------------------------------------------

class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Kode"), max_length=16, strip=True,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                          "inputmode": "numeric",
                                                          "autofocus": True}))


def _no_store(response):
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Ask a user who has a device for a code (TOTP, or one recovery code)."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not django_otp.user_has_device(request.user):
        return redirect("guard:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        key = [f"otp:{request.user.pk}"]
        wait = throttle.first_limit("otp", settings.ADUAN_RATE_LOGIN_FAILURES, key,
                                    increment=False)
        if wait:
            return throttle.too_many(request, wait, source="otp")
        if form.is_valid():
            token = "".join(form.cleaned_data["token"].split()).lower()
            device = django_otp.match_token(request.user, token)
            if device is not None:
                django_otp.login(request, device)
                return redirect(_next(request))
        throttle.first_limit("otp", settings.ADUAN_RATE_LOGIN_FAILURES, key)
        refusals.record("otp", "wrong_code")
        form.add_error(None, _("Kode salah atau sudah dipakai."))
    return _no_store(render(request, "guard/verify.html",
                            {"form": form, "next": _next(request)}))


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, dark="#111", light="#fff")


def _otpauth(device: TOTPDevice, user) -> str:
    secret = b32encode(device.bin_key).decode()
    label = quote(f"{ISSUER}:{user.get_username()}")
    return (f"otpauth://totp/{label}?secret={secret}&issuer={quote(ISSUER)}"
            f"&digits={device.digits}&period={device.step}")


def _pending(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Aplikasi autentikator",
                                               confirmed=False)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Show a QR code and the secret as text; a correct code confirms the device and
    shows ten recovery codes once."""
    has_device = django_otp.user_has_device(request.user)
    if has_device and not request.user.is_verified():
        return redirect(f"{reverse('guard:verify')}?next={quote(request.get_full_path())}")
    device = _pending(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = "".join(form.cleaned_data["token"].split())
        if device.verify_token(token):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(request.user)
            django_otp.login(request, device)
            return _no_store(render(request, "guard/codes.html",
                                    {"codes": codes, "next": _next(request)}))
        refusals.record("otp", "wrong_enrolment_code")
        form.add_error("token", _("Kode tidak cocok. Periksa jam ponsel lalu coba lagi."))
    secret = b32encode(device.bin_key).decode()
    return _no_store(render(request, "guard/enrol.html", {
        "form": form, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "qr": _qr_svg(_otpauth(device, request.user)), "required": required(request.user),
        "has_device": has_device, "next": _next(request),
    }))


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Kode pemulihan", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes
