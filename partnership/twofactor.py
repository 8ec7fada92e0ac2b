"""Optional two-factor sign-in with an authenticator app, for administrators and panel members.

django-otp keeps the TOTP devices, checks codes (refusing a code already used and slowing down
repeated wrong ones) and lists devices in the admin, where an administrator removes a lost one.
The screens are ours, so that sign-in keeps its single familiar form: only a user with a
confirmed device is asked for a code, on a second step, before the session is signed in.
"""

import base64
import re
import time

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles

# Session key holding the half-signed-in user between the password and the code.
PENDING = "partnership_twofactor_pending"
# Seconds the code step waits after a correct password before it must be started again.
PENDING_SECONDS = 5 * 60
DEVICE_NAME = "Authenticator app"

USED_OR_WRONG_CODE = (
    "That code is not right or has already been used. Wait for the next code and enter it."
)
SLOW_DOWN = "Too many wrong codes in a row. Wait a few seconds, then enter the newest code."


def may_use_two_factor(user) -> bool:
    """Administrators and members of a case or review panel may turn on two-factor sign-in."""
    from reviews.permissions import sits_on_a_panel, sits_on_a_review_panel

    if not getattr(user, "is_authenticated", False):
        return False
    return (
        roles.has_role(user, [roles.ADMINISTRATOR])
        or sits_on_a_panel(user)
        or sits_on_a_review_panel(user)
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, device: TOTPDevice | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows.")
        if self.device is None:
            return code
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(SLOW_DOWN)
        if not self.device.verify_token(code):
            raise forms.ValidationError(USED_OR_WRONG_CODE)
        return code


class DeviceAdmin(admin.ModelAdmin):
    """Devices in the admin: seen and removed (for a lost phone), never read or made there.

    django-otp's own admin shows each device's secret and QR code to administrators, which
    would let them sign in as the user; it is replaced here, where the URLs are built.
    """

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, DeviceAdmin)


# --- Sign-in -----------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's sign-in, which holds back users with a confirmed device for the code step."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_code")


def _pending_user(request: HttpRequest):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def login_code(request: HttpRequest) -> HttpResponse:
    """Second sign-in step: the code from the authenticator app."""
    user, pending = _pending_user(request)
    device = confirmed_device(user) if user else None
    if device is None:
        messages.info(request, "Please sign in again.")
        return redirect("login")
    credentials = {"username": user.get_username()}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, credentials=credentials)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            del request.session[PENDING]
            user.backend = pending["backend"]
            login(request, user)
            otp_login(request, device)
            next_url = pending["next"]
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url)
        # A wrong code counts as a failed sign-in, so axes locks out code guessing as it does
        # password guessing (the lockout page comes from its middleware).
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return render(request, "registration/login_code.html", {"form": form})


# --- Account security --------------------------------------------------------------------------


def _qr_data_uri(device: TOTPDevice) -> str:
    # Drawn here as an SVG data: URI, so no image service sees the secret and no script runs.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _secret(device: TOTPDevice) -> str:
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _eligible_user(request: HttpRequest):
    if not may_use_two_factor(request.user):
        raise Http404("Two-factor sign-in is for administrators and panel members.")
    return request.user


def _security_page(request: HttpRequest, device: TOTPDevice | None, form: CodeForm) -> HttpResponse:
    context = {"offers_two_factor": True, "device": device, "form": form}
    if device and not device.confirmed:
        # Set-up under way: the secret to scan or type into the app.
        context.update(qr=_qr_data_uri(device), secret=_secret(device))
    return render(request, "account/security.html", context)


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    """Every signed-in user's password link; two-factor set-up for those it is offered to.

    Someone who turned two-factor on and has since left their panel is still asked for a code
    at sign-in, so they still see it on, and may turn it off.
    """
    device = TOTPDevice.objects.filter(user=request.user).order_by("-confirmed", "-pk").first()
    if not may_use_two_factor(request.user) and not (device and device.confirmed):
        return render(request, "account/security.html", {"offers_two_factor": False})
    return _security_page(request, device, CodeForm())


@login_required
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    user = _eligible_user(request)
    if confirmed_device(user) is None:
        # A fresh secret each time: one shown earlier but never confirmed may have been seen.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return redirect("account_security")


def _code_step(request: HttpRequest, device: TOTPDevice, done) -> HttpResponse:
    form = CodeForm(request.POST, device=device)
    if form.is_valid():
        return done()
    return _security_page(request, device, form)


@login_required
@require_POST
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    user = _eligible_user(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or confirmed_device(user):
        return redirect("account_security")

    def done():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, "Two-factor sign-in is on. You will be asked for a code.")
        return redirect("account_security")

    return _code_step(request, device, done)


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = confirmed_device(user)
    if device is None:
        _eligible_user(request)  # 404 for those two-factor is not offered to
        return redirect("account_security")

    def done():
        TOTPDevice.objects.filter(user=user).delete()
        messages.success(request, "Two-factor sign-in is off.")
        return redirect("account_security")

    return _code_step(request, device, done)
