"""Sign-in (password, then a one-time code), the profile, and staff administration. Thin views."""

import time
from functools import partial
from urllib.parse import urlencode, urlsplit

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate, get_language_from_path, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.middleware import is_verified

from qorgau.accounts import mfa, selectors, services
from qorgau.accounts.forms import (
    AgencyForm,
    CodeForm,
    EnrolForm,
    GrantDecisionForm,
    InvitationForm,
    PasswordChangeForm,
    SignInForm,
    StaffEditForm,
    StaffForm,
    TokenForm,
)
from qorgau.accounts.models import User
from qorgau.accounts.policies import assignable_roles, can_manage_agencies
from qorgau.accounts.roles import Role
from qorgau.core.forms import apply_errors
from qorgau.core.views_public import public_view

PENDING = "qorgau_mfa_pending"


def _failure_message():
    # One message for a wrong username, password or code: nothing tells which part was wrong.
    return _("Sign-in failed. Check your username, password and code and try again.")


def lockout_response(request, response=None, credentials=None):
    request.session.pop(PENDING, None)
    html = render_to_string(
        "accounts/locked.html", {"minutes": settings.AXES_COOLOFF_TIME.seconds // 60}, request
    )
    return HttpResponse(html, status=429)


def _locked_out(request, user) -> bool:
    """Whether axes holds this account (or this address) locked now. Asked again at the code step:
    a session that passed the password step before the lockout began must not finish it."""
    return AxesProxyHandler.is_locked(request, credentials={"username": user.username})


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["t"] > settings.QORGAU_MFA_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return User.objects.filter(pk=pending["uid"], is_active=True).first()


@public_view
def sign_in(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is not None:
            request.session.cycle_key()
            request.session[PENDING] = {"uid": user.pk, "t": time.time(), "backend": user.backend}
            step = "accounts:sign_in_code" if mfa.has_mfa(user) else "accounts:mfa_setup"
            nxt = request.POST.get("next", "")
            # Encoded: a `next` with its own query (?status=open&mine=1) must arrive whole.
            return redirect(reverse(step) + (f"?{urlencode({'next': nxt})}" if nxt else ""))
        form.add_error(None, _failure_message())
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


def _complete_sign_in(request, user, device):
    backend = request.session[PENDING]["backend"]
    login(request, user, backend=backend)  # also resets the lockout counter (axes)
    otp_login(request, device)
    user.is_verified = partial(is_verified, user)  # as OTPMiddleware does for later requests
    request.session.pop(PENDING, None)
    activate(user.language)


@public_view
def sign_in_code(request):
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if _locked_out(request, user):
        return lockout_response(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # One transaction: the device rows locked by the check stay locked while the outcome is
        # recorded (axes' attempt row, the reset on success), so parallel posts are taken in turn.
        with transaction.atomic():
            device = mfa.verify_second_factor(user, form.cleaned_data["code"])
            if device is not None:
                _complete_sign_in(request, user, device)
            else:
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.username}, request=request
                )
        if device is not None:
            response = HttpResponseRedirect(_safe_next(request))
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax", httponly=True)
            return response
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        form.add_error(None, _failure_message())
    return render(request, "accounts/sign_in_code.html", {"form": form, "next": request.GET.get("next", "")})


@public_view
def mfa_setup(request):
    """First sign-in: the person scans a QR code and proves the app works before going further."""
    user = _pending_user(request)
    if user is None or mfa.has_mfa(user):
        return redirect("accounts:login")
    if _locked_out(request, user):
        return lockout_response(request)
    device = mfa.totp_enrolment_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_enrolment_confirm(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            _complete_sign_in(request, user, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": True})
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    context = {
        "form": form,
        "qr": mfa.totp_qr_data_uri(device),
        "secret": mfa.totp_secret_text(device),
    }
    return render(request, "accounts/mfa_setup.html", context)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("accounts:login")


@require_POST
def sign_out_everywhere(request):
    services.sign_out_everywhere(actor=request.user)
    logout(request)
    return redirect("accounts:login")


def _in_language(url: str, code: str) -> str:
    """A public page carries its language in the address (/kk/calendar/): the same page in `code`.
    The address is resolved in its own language, as its prefix only matches that one."""
    with override(get_language_from_path(urlsplit(url).path) or code):
        return translate_url(url, code)


@public_view
@require_POST
def set_language(request):
    """Remember the chosen language: on the account when signed in, else for this browser session."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        code = settings.LANGUAGE_CODE  # an unknown language falls back quietly
    if request.user.is_authenticated:
        services.language_set(user=request.user, language=code)
    activate(code)
    response = HttpResponseRedirect(_in_language(_safe_next(request), code))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax", httponly=True)
    return response


def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                user=request.user, new_password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, user)  # stay signed in here, signed out elsewhere
            messages.success(request, _("Your password was changed. Other sessions were signed out."))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


def _profile_context(request, token_form=None) -> dict:
    return {
        "token_form": token_form or TokenForm(),
        "tokens": selectors.tokens_of(actor=request.user),
        "recovery_left": mfa.recovery_codes_left(request.user),
    }


def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request))


@require_POST
def recovery_codes(request):
    codes = mfa.recovery_codes_regenerate(actor=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False})


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    return render(request, "accounts/profile.html", _profile_context(request, form), status=400)


@require_POST
def token_revoke(request, token_key):
    if services.token_revoke(actor=request.user, token_key=token_key):
        messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


# --- Agencies (system admins) and staff (agency admins) -----------------------------------------


def agency_list(request):
    agencies = selectors.agencies_for_admin(actor=request.user)
    return render(request, "accounts/agency_list.html", {"agencies": agencies})


def agency_edit(request, agency_id=None):
    if not can_manage_agencies(request.user):
        raise PermissionDenied
    agency = selectors.agency_get_for_admin(actor=request.user, agency_id=agency_id) if agency_id else None
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if agency is None:
                data.pop("is_active", None)
                agency = services.agency_create(actor=request.user, **data)
            else:
                services.agency_update(actor=request.user, agency=agency, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The agency was saved."))
            return redirect("accounts:agency_list")
    return render(request, "accounts/agency_form.html", {"form": form, "agency": agency})


def staff_home(request):
    if request.user.has_role(Role.AGENCY_ADMIN) and request.user.agency_id:
        return redirect("accounts:staff_list", agency_id=request.user.agency_id)
    return redirect("accounts:agency_list")


def staff_list(request, agency_id):
    agency = selectors.agency_get_for_admin(actor=request.user, agency_id=agency_id)
    staff = selectors.staff_of_agency(actor=request.user, agency=agency)
    return render(request, "accounts/staff_list.html", {"agency": agency, "staff": staff})


def staff_create(request, agency_id):
    agency = selectors.agency_get_for_admin(actor=request.user, agency_id=agency_id)
    form = StaffForm(request.POST or None, roles=assignable_roles(request.user, agency))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_create(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The account was created and the invitation sent. Case roles wait for a supervisor's approval."
                ),
            )
            return redirect("accounts:staff_list", agency_id=agency.pk)
    return render(request, "accounts/staff_form.html", {"form": form, "agency": agency})


def staff_edit(request, user_id):
    user = selectors.staff_user_for_admin(actor=request.user, user_id=user_id)
    roles = assignable_roles(request.user, user.agency)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": sorted(user.roles),
        "is_active": user.is_active,
    }
    form = StaffEditForm(request.POST or None, initial=initial, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The account was saved."))
            return redirect("accounts:staff_list", agency_id=user.agency_id)
    return render(request, "accounts/staff_edit.html", {"form": form, "staff_user": user})


@require_POST
def staff_reset(request, user_id):
    """Lost password or phone: every credential ends and the person gets a new invitation. Nobody
    sets a password for someone else."""
    user = selectors.staff_user_for_admin(actor=request.user, user_id=user_id)
    services.user_reset_credentials(actor=request.user, user=user)
    messages.success(
        request,
        _("Sign-in was reset and a new invitation sent. Case roles wait for a supervisor's approval again."),
    )
    return redirect("accounts:staff_list", agency_id=user.agency_id)


# --- Account security (the agency's supervisors) and invitations --------------------------------


def security(request):
    view = selectors.security_view(actor=request.user)
    return render(request, "accounts/security.html", {"view": view, "decision_form": GrantDecisionForm()})


@require_POST
def role_grant_decide(request, grant_id):
    form = GrantDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect("accounts:security")
    try:
        services.role_grant_decide(
            actor=request.user, grant_id=grant_id, approve=form.cleaned_data["decision"] == "approve"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("accounts:security")


@require_POST
def account_change_review(request, change_id):
    services.account_change_review(actor=request.user, change_id=change_id)
    messages.success(request, _("Marked as reviewed."))
    return redirect("accounts:security")


@public_view
def invitation(request, token):
    """The invited person chooses her own password, then enrols her own authenticator."""
    user = services.invitation_user(token=token)
    if user is None:
        html = render_to_string("accounts/invitation_invalid.html", {}, request)
        return HttpResponse(html, status=404)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session.cycle_key()
            request.session[PENDING] = {
                "uid": user.pk,
                "t": time.time(),
                "backend": "django.contrib.auth.backends.ModelBackend",
            }
            return redirect("accounts:mfa_setup")
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})
