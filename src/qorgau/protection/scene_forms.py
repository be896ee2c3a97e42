"""The scene look-up's form: an IIN, or family name, given name and birth date; and a reason."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.forms import DateInput
from qorgau.core.iin import IinError, parse_iin
from qorgau.protection.scene import REASONS


class SceneLookupForm(forms.Form):
    iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autocapitalize": "off"}
        ),
        help_text=_("12 digits. Or leave it empty and give his names and birth date."),
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reason for the look-up"),
        choices=[(code, label) for code, label in REASONS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason for the look-up.")},
    )
    reason_text = forms.CharField(
        label=_("In a few words"),
        max_length=300,
        required=False,
        help_text=_("Required for “Other”. No address or names, please: it goes to the audit log."),
    )

    def clean_iin(self):
        raw = (self.cleaned_data.get("iin") or "").strip()
        if not raw:
            return ""
        try:
            return parse_iin(raw).iin
        except IinError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."), code="future")
        return born

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("iin"):
            missing = [name for name in ("family_name", "given_name", "birth_date") if not data.get(name)]
            if len(missing) == 3:
                raise forms.ValidationError(
                    _("Enter his IIN, or his family name, given name and birth date."), code="empty"
                )
            for name in missing:
                self.add_error(name, _("Needed when there is no IIN."))
        if data.get("reason") == "other" and not (data.get("reason_text") or "").strip():
            self.add_error("reason_text", _("Say in a few words why you look him up."))
        return data
