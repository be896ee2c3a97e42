from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role
from qorgau.core.forms import LanguageSelect
from qorgau.core.models import Region


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, max_length=256, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            autocomplete="username", autocapitalize="none", autofocus=True
        )
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (checks the old password); the service validates and saves the new one."""

    def save(self, commit=True):  # the service does the write
        raise NotImplementedError


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("What the token is for."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)


class AgencyForm(forms.ModelForm):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.filter(is_active=True))

    class Meta:
        model = Agency
        fields = ["kind", "region", "name_kk", "name_ru", "name_en", "duty_phone", "is_active"]

    def clean_duty_phone(self):
        from qorgau.core.phones import PhoneError, normalize_phone

        raw = (self.cleaned_data.get("duty_phone") or "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError:
            raise forms.ValidationError(
                _("Enter the duty phone as a full number, e.g. +7 700 000 01 01."), code="invalid"
            ) from None


class StaffForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[a-zA-Z0-9._-]+$",
        error_messages={"invalid": _("Use Latin letters, digits, dots, hyphens and underscores.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_(
            "The person receives a single-use invitation here to choose a password and set up "
            "two-factor sign-in. Case roles start when a supervisor of the agency approves them."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, widget=LanguageSelect)
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, Role(r).label) for r in roles]


class StaffEditForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple, choices=())
    is_active = forms.BooleanField(label=_("Account active"), required=False)

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, Role(r).label) for r in roles]


class InvitationForm(forms.Form):
    """The invited person chooses her own password (validated by the service)."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    new_password2 = forms.CharField(
        label=_("New password confirmation"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two password fields didn’t match."))
        return data


class GrantDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
